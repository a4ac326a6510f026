//! The progress bars of the syncs under way, as the view model shows them: one per source
//! that backfills (requests done, about how many left, the rate-limit budget, time to go),
//! and whether the numbers on screen are still incomplete.

use flowdeck_core::model::Timestamp;
use flowdeck_core::progress::SyncProgress;
use flowdeck_core::text::{human_duration, sanitize, thousands};

/// One source's bar.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ProgressBar {
    pub(crate) source: String,
    /// The share done, when the requests left are known.
    pub(crate) ratio: Option<f64>,
    /// "412 requests · about 1,600 left · rate limit 4,588 left · about 3m to go"
    pub(crate) text: String,
}

/// The bars to draw: the backfilling syncs, by source name (at most `max`; the rest counted
/// in the last one's text).
pub(crate) fn bars(syncs: &[SyncProgress], now: Timestamp, max: usize) -> Vec<ProgressBar> {
    let backfilling: Vec<&SyncProgress> = syncs.iter().filter(|s| s.backfilling).collect();
    let mut bars: Vec<ProgressBar> = backfilling
        .iter()
        .take(max)
        .map(|s| ProgressBar {
            source: sanitize(&s.source),
            ratio: s.fraction(),
            text: text(s, now),
        })
        .collect();
    let hidden = backfilling.len().saturating_sub(max);
    if let Some(last) = bars.last_mut().filter(|_| hidden > 0) {
        last.text
            .push_str(&format!(" · and {hidden} more backfilling"));
    }
    bars
}

/// Whether the numbers on screen lack what a backfill is still reading.
pub(crate) fn incomplete(syncs: &[SyncProgress]) -> bool {
    syncs.iter().any(|s| s.backfilling)
}

fn text(s: &SyncProgress, now: Timestamp) -> String {
    let mut parts = vec![format!("{} requests", thousands(s.requests))];
    if let Some(left) = s.left {
        parts.push(format!("about {} left", thousands(left)));
    }
    if let Some(remaining) = s.rate_remaining {
        parts.push(format!("rate limit {} left", thousands(remaining)));
    }
    if let Some(to_go) = s.time_left(now) {
        parts.push(format!(
            "about {} to go",
            human_duration(to_go.as_secs() as i64)
        ));
    }
    parts.join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn sync(source: &str, backfilling: bool) -> SyncProgress {
        SyncProgress {
            source: source.into(),
            requests: 1234,
            left: Some(766),
            rate_remaining: Some(3766),
            rate_reset_at: None,
            backfilling,
            elapsed: Duration::from_secs(60),
        }
    }

    #[test]
    fn a_bar_says_requests_left_budget_and_time_to_go() {
        let bars = bars(&[sync("github:acme/api", true)], Timestamp::default(), 3);
        assert_eq!(bars.len(), 1);
        assert_eq!(
            bars[0].text,
            "1,234 requests · about 766 left · rate limit 3,766 left · about 37s to go"
        );
        assert_eq!(bars[0].ratio, Some(0.617));
    }

    #[test]
    fn only_backfills_get_a_bar_and_hostile_names_are_inert() {
        let syncs = [
            sync("quiet", false),
            sync("\u{1b}[31mred", true),
            sync("b", true),
            sync("c", true),
        ];
        let bars = bars(&syncs, Timestamp::default(), 2);
        assert_eq!(bars.len(), 2);
        assert!(!bars[0].source.contains('\u{1b}'));
        assert!(bars[1].text.ends_with("and 1 more backfilling"));
        assert!(incomplete(&syncs));
        assert!(!incomplete(&[sync("quiet", false)]));
    }
}
