//! The derived history written in the compact form and read back is the same history: the same
//! fingerprint, the same bytes when written again, and it takes new events as a derived one does.

use super::super::*;
use super::random_events::{Generator, fingerprint, rules};
use crate::bytes::{Reader, Writer};

fn round_trip(history: &History) -> History {
    let mut w = Writer::default();
    history.write_to(&mut w);
    let mut r = Reader::new(&w.buf);
    History::read_from(&mut r, history.rules.clone()).unwrap()
}

#[test]
fn a_history_read_back_is_the_history_written() {
    for seed in 0..16u64 {
        let mut g = Generator::new(500 + seed);
        let history = History::derive(g.events(10 + seed as usize * 7), rules());
        let back = round_trip(&history);
        assert_eq!(fingerprint(&back), fingerprint(&history), "seed {seed}");
        assert_eq!(back.service_index, history.service_index, "seed {seed}");
        assert_eq!(
            format!("{:?}", back.mentions.named),
            format!("{:?}", history.mentions.named)
        );
        let (mut a, mut b) = (Writer::default(), Writer::default());
        history.write_to(&mut a);
        back.write_to(&mut b);
        assert!(
            a.buf == b.buf,
            "seed {seed}: written again, the bytes differ"
        );
    }
}

#[test]
fn a_history_read_back_takes_new_events_like_a_derived_one() {
    let mut g = Generator::new(77);
    let events = g.events(40);
    let mut back = round_trip(&History::derive(events, rules()));
    let more = g.events(5);
    let changes: Vec<EventChange> = more
        .deployments
        .into_iter()
        .map(EventChange::Deployment)
        .chain(more.incidents.into_iter().map(EventChange::Incident))
        .collect();
    back.apply(changes);
    let derived = History::derive((*back.events).clone(), rules());
    assert_eq!(fingerprint(&back), fingerprint(&derived));
}

#[test]
fn damaged_bytes_are_an_error_never_a_panic() {
    let mut g = Generator::new(3);
    let history = History::derive(g.events(12), rules());
    let mut w = Writer::default();
    history.write_to(&mut w);
    let bytes = w.buf;
    // Every truncation.
    for cut in (0..bytes.len()).step_by(7) {
        assert!(History::read_from(&mut Reader::new(&bytes[..cut]), rules()).is_err());
    }
    // Trailing bytes.
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(History::read_from(&mut Reader::new(&longer), rules()).is_err());
    // Flipped bytes: an error or a history, never a panic (the cache's checksum is what
    // refuses damage; this is about not crashing on bytes that pass it).
    for at in (0..bytes.len()).step_by(13) {
        let mut flipped = bytes.clone();
        flipped[at] ^= 0xff;
        let _ = History::read_from(&mut Reader::new(&flipped), rules());
    }
    // A count far beyond the input allocates nothing.
    let mut huge = Writer::default();
    huge.u64(u64::MAX / 2);
    assert!(History::read_from(&mut Reader::new(&huge.buf), rules()).is_err());
}
