//! What a sync left out, counted and said: a listing cut at its page cap, a next-page link
//! that loops back, a malformed Link header, an item dropped for an impossible date. Each is
//! logged and, inside a sync, collected so the source's status reads "ok, but …" (the
//! dashboard, `check` and the report's `sources` show it) instead of a silent "ok".
//!
//! The notes are task-local: the polled wrapper runs each sync inside [`collecting`], and the
//! code that cuts (the HTTP layer's paging, a provider's translation) calls [`note`] without
//! threading a list through every function. Outside a sync (a probe, a test) a note is only
//! logged.

use std::cell::RefCell;
use std::future::Future;

tokio::task_local! {
    static CUTS: RefCell<Vec<String>>;
}

/// The most notes one sync keeps; the rest are counted.
const MAX_NOTES: usize = 20;

/// Runs `sync` and returns its output with the notes made while it ran (in order, the same
/// sentence once).
pub(crate) async fn collecting<F: Future>(sync: F) -> (F::Output, Vec<String>) {
    CUTS.scope(RefCell::new(Vec::new()), async move {
        let output = sync.await;
        let notes = CUTS.with(|cuts| cuts.take());
        (output, notes)
    })
    .await
}

/// Records that something was left out, in one sentence for people.
pub(crate) fn note(sentence: String) {
    tracing::warn!("{sentence}");
    let _ = CUTS.try_with(|cuts| {
        let mut cuts = cuts.borrow_mut();
        if !cuts.contains(&sentence) {
            cuts.push(sentence);
        }
    });
}

/// The notes as one status text: "a; b; and 3 more".
pub(crate) fn summary(notes: &[String]) -> Option<String> {
    if notes.is_empty() {
        return None;
    }
    let shown = &notes[..notes.len().min(MAX_NOTES)];
    let mut text = shown.join("; ");
    if notes.len() > MAX_NOTES {
        text.push_str(&format!("; and {} more", notes.len() - MAX_NOTES));
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[tokio::test]
    async fn notes_made_inside_a_sync_are_collected_once_each() {
        let ((), notes) = collecting(async {
            note("a".into());
            note("b".into());
            note("a".into());
        })
        .await;
        assert_eq!(notes, ["a", "b"]);
        assert_eq!(summary(&notes).as_deref(), Some("a; b"));
        assert_eq!(summary(&[]), None);
    }

    #[tokio::test]
    async fn a_note_outside_a_sync_is_only_logged() {
        note("nobody collects this".into());
        let ((), notes) = collecting(async {}).await;
        assert!(notes.is_empty());
    }

    #[test]
    fn many_notes_are_counted_past_the_first_twenty() {
        let notes: Vec<String> = (0..25).map(|i| format!("n{i}")).collect();
        let text = summary(&notes).unwrap();
        assert!(text.ends_with("n19; and 5 more"), "{text}");
    }
}
