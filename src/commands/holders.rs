//! Which collector polls which source on a store collectors share
//! (docs/ARCHITECTURE.md#collectors-that-fail-over), as `check` and the status lines say it.

use super::check::ProbeLine;
use crate::store::{Holder, Store};
use crate::text::sanitize;

/// Every source's lease; None when the store takes no leases (SQLite: one collector) or
/// they cannot be read (the line then says nothing of them).
pub fn read(store: &dyn Store) -> Option<Vec<Holder>> {
    let leases = store.leases()?;
    match leases.holders() {
        Ok(holders) => Some(holders),
        Err(error) => {
            tracing::warn!(%error, "could not read the sources' leases");
            None
        }
    }
}

/// "; polled by collector web-1:4242" / "; no collector polls it now (its lease with
/// web-1:4242 ran out)" / "; no collector has taken it yet".
pub fn note(holders: &[Holder], source: &str) -> String {
    match holders.iter().find(|h| h.source == source) {
        Some(Holder {
            collector,
            expires_in: Some(_),
            ..
        }) => format!("; polled by collector {}", sanitize(collector)),
        Some(Holder { collector, .. }) => format!(
            "; no collector polls it now (its lease with {} ran out)",
            sanitize(collector)
        ),
        None => "; no collector has taken it yet".into(),
    }
}

/// The collector holding `source`'s lease now, if any (the status lines' "polled by").
pub fn polling(holders: &[Holder], source: &str) -> Option<String> {
    holders
        .iter()
        .find(|h| h.source == source && h.expires_in.is_some())
        .map(|h| sanitize(&h.collector))
}

/// Adds who polls each source to `check`'s source lines.
pub fn annotate(lines: &mut [ProbeLine], holders: Option<&[Holder]>) {
    let Some(holders) = holders else {
        return;
    };
    for (source, result) in lines.iter_mut() {
        let note = note(holders, source);
        match result {
            Ok(line) | Err(line) => line.push_str(&note),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn holder(source: &str, collector: &str, left: Option<u64>) -> Holder {
        Holder {
            source: source.into(),
            collector: collector.into(),
            generation: 1,
            expires_in: left.map(Duration::from_secs),
        }
    }

    #[test]
    fn says_who_polls_a_source_and_when_nobody_does() {
        let holders = vec![
            holder("github:a/b", "web-1:42", Some(3)),
            holder("gitlab:g/p", "web-2:7", None),
        ];
        assert_eq!(
            note(&holders, "github:a/b"),
            "; polled by collector web-1:42"
        );
        assert_eq!(
            note(&holders, "gitlab:g/p"),
            "; no collector polls it now (its lease with web-2:7 ran out)"
        );
        assert_eq!(note(&holders, "x"), "; no collector has taken it yet");
        assert_eq!(polling(&holders, "github:a/b").as_deref(), Some("web-1:42"));
        assert_eq!(polling(&holders, "gitlab:g/p"), None);
    }

    #[test]
    fn a_name_written_into_the_store_by_hand_is_made_inert() {
        let holders = vec![holder("s", "evil\u{1b}]0;owned\u{7}", Some(1))];
        let shown = note(&holders, "s");
        assert!(!shown.contains('\u{1b}'), "{shown:?}");
    }
}
