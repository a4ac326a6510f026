use super::*;

#[test]
fn values_read_back_as_written() {
    let t = chrono::DateTime::from_timestamp(1_700_000_000, 123_456_789).unwrap();
    let far = chrono::DateTime::from_timestamp(-62_000_000_000, 5).unwrap();
    let mut w = Writer::default();
    w.u8(7);
    w.bool(true);
    w.u32(u32::MAX);
    w.i32(-5);
    w.i64(i64::MIN);
    w.str("héllo \u{1b}[2J");
    w.opt_str(None);
    w.opt_str(Some(""));
    w.ts(t);
    w.opt_ts(Some(far));
    w.opt_u64(Some(9));
    w.u32s(&[1, 2, 3]);
    w.strs(&["a".into(), "".into()]);
    let mut r = Reader::new(&w.buf);
    assert_eq!(r.u8().unwrap(), 7);
    assert!(r.bool().unwrap());
    assert_eq!(r.u32().unwrap(), u32::MAX);
    assert_eq!(r.i32().unwrap(), -5);
    assert_eq!(r.i64().unwrap(), i64::MIN);
    assert_eq!(r.str().unwrap(), "héllo \u{1b}[2J");
    assert_eq!(r.opt_str().unwrap(), None);
    assert_eq!(r.opt_str().unwrap().as_deref(), Some(""));
    assert_eq!(r.ts().unwrap(), t);
    assert_eq!(r.opt_ts().unwrap(), Some(far));
    assert_eq!(r.opt_u64().unwrap(), Some(9));
    assert_eq!(r.u32s().unwrap(), vec![1, 2, 3]);
    assert_eq!(r.strs().unwrap(), vec!["a".to_string(), String::new()]);
    assert!(r.is_done());
}

#[test]
fn hostile_input_is_an_error() {
    // Empty.
    assert!(Reader::new(&[]).u32().is_err());
    // A string longer than the input.
    let mut w = Writer::default();
    w.u64(10);
    w.buf.extend_from_slice(b"abc");
    assert!(Reader::new(&w.buf).str().is_err());
    // Not UTF-8.
    let mut w = Writer::default();
    w.u64(2);
    w.buf.extend_from_slice(&[0xff, 0xfe]);
    assert!(Reader::new(&w.buf).str().is_err());
    // A count that would allocate far beyond the input.
    let mut w = Writer::default();
    w.u64(u64::MAX);
    assert!(Reader::new(&w.buf).u32s().is_err());
    // Tags that are not booleans or option tags; a time out of range.
    assert!(Reader::new(&[2]).bool().is_err());
    assert!(Reader::new(&[9]).opt_str().is_err());
    let mut w = Writer::default();
    w.i64(i64::MAX);
    w.u32(0);
    assert!(Reader::new(&w.buf).ts().is_err());
}
