//! The per-host request budget and the request counts.
//!
//! Budget semantics: at most `limit` requests to a host per `window` (default one hour), in
//! tumbling windows that start at the first request after the previous window ended. Every
//! request sent counts — retries and conditional requests answered 304 included — because the
//! budget bounds what flowdeck does to a server, whatever the server bills. When the budget is
//! spent, no request is sent: the call fails with `BudgetExhausted { until }` (the window's end)
//! so the poller can schedule the source then. A one-shot `report` sees this as a budget for the
//! whole run (it rarely lasts an hour); the dashboard gets a fresh budget every window.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use flowdeck_core::model::Timestamp;

/// Requests sent to one host.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HostCounts {
    /// Every request sent, retries included.
    pub total: u64,
    /// Requests sent with If-None-Match.
    pub conditional: u64,
    /// Answers 304 Not Modified (served from the cache).
    pub not_modified: u64,
    /// Requests that repeated a failed one.
    pub retries: u64,
}

impl HostCounts {
    fn minus(&self, earlier: &HostCounts) -> HostCounts {
        HostCounts {
            total: self.total.saturating_sub(earlier.total),
            conditional: self.conditional.saturating_sub(earlier.conditional),
            not_modified: self.not_modified.saturating_sub(earlier.not_modified),
            retries: self.retries.saturating_sub(earlier.retries),
        }
    }
}

/// Requests sent by a client since it was created: in total and per host.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestCounts {
    pub total: u64,
    pub conditional: u64,
    pub not_modified: u64,
    pub retries: u64,
    /// By host key (`host` or `host:port`).
    pub per_host: BTreeMap<String, HostCounts>,
}

impl RequestCounts {
    pub(crate) fn record(&mut self, host: &str, conditional: bool, retry: bool) {
        let entry = self.per_host.entry(host.to_string()).or_default();
        self.total += 1;
        entry.total += 1;
        if conditional {
            self.conditional += 1;
            entry.conditional += 1;
        }
        if retry {
            self.retries += 1;
            entry.retries += 1;
        }
    }

    pub(crate) fn record_not_modified(&mut self, host: &str) {
        self.not_modified += 1;
        self.per_host
            .entry(host.to_string())
            .or_default()
            .not_modified += 1;
    }

    /// The counts for one host (zero when none was sent).
    pub fn host(&self, host: &str) -> HostCounts {
        self.per_host.get(host).copied().unwrap_or_default()
    }

    /// What was sent since `earlier` (a snapshot of the same client): the requests of one poll cycle.
    pub fn since(&self, earlier: &RequestCounts) -> RequestCounts {
        let per_host = self
            .per_host
            .iter()
            .map(|(host, counts)| {
                let before = earlier.per_host.get(host).copied().unwrap_or_default();
                (host.clone(), counts.minus(&before))
            })
            .filter(|(_, counts)| counts.total > 0 || counts.not_modified > 0)
            .collect();
        RequestCounts {
            total: self.total.saturating_sub(earlier.total),
            conditional: self.conditional.saturating_sub(earlier.conditional),
            not_modified: self.not_modified.saturating_sub(earlier.not_modified),
            retries: self.retries.saturating_sub(earlier.retries),
            per_host,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Window {
    start: Timestamp,
    used: u32,
}

/// Per-host budgets in tumbling windows.
#[derive(Debug)]
pub(crate) struct Budgets {
    limit: Option<u32>,
    window: chrono::Duration,
    hosts: HashMap<String, Window>,
}

/// The budget is spent until this time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Spent {
    pub limit: u32,
    pub until: Timestamp,
}

impl Budgets {
    pub(crate) fn new(limit: Option<u32>, window: Duration) -> Budgets {
        let window = chrono::Duration::from_std(window).unwrap_or(chrono::Duration::MAX);
        Budgets {
            limit,
            window,
            hosts: HashMap::new(),
        }
    }

    /// Takes one request from `host`'s budget, or says until when it is spent.
    pub(crate) fn take(&mut self, host: &str, now: Timestamp) -> Result<(), Spent> {
        let Some(limit) = self.limit else {
            return Ok(());
        };
        let window = self.window;
        let entry = self.hosts.entry(host.to_string()).or_insert(Window {
            start: now,
            used: 0,
        });
        let end = entry.start.checked_add_signed(window);
        if end.is_some_and(|end| now >= end) {
            *entry = Window {
                start: now,
                used: 0,
            };
        }
        if entry.used >= limit {
            let until = entry
                .start
                .checked_add_signed(window)
                .unwrap_or(Timestamp::MAX_UTC);
            return Err(Spent { limit, until });
        }
        entry.used += 1;
        Ok(())
    }

    /// Requests left to `host` in the current window; `None` without a budget.
    pub(crate) fn remaining(&self, host: &str, now: Timestamp) -> Option<u32> {
        let limit = self.limit?;
        Some(match self.hosts.get(host) {
            Some(w)
                if w.start
                    .checked_add_signed(self.window)
                    .is_none_or(|end| now < end) =>
            {
                limit.saturating_sub(w.used)
            }
            _ => limit,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn tumbling_windows_per_host() {
        let t0 = chrono::Utc.with_ymd_and_hms(2025, 3, 1, 12, 0, 0).unwrap();
        let mut budgets = Budgets::new(Some(2), Duration::from_secs(3600));
        assert!(budgets.take("a", t0).is_ok());
        assert!(
            budgets
                .take("a", t0 + chrono::Duration::minutes(10))
                .is_ok()
        );
        let spent = budgets
            .take("a", t0 + chrono::Duration::minutes(20))
            .unwrap_err();
        assert_eq!(spent.until, t0 + chrono::Duration::hours(1));
        assert_eq!(budgets.remaining("a", t0), Some(0));
        assert!(budgets.take("b", t0).is_ok());
        assert!(budgets.take("a", t0 + chrono::Duration::hours(1)).is_ok());
        assert_eq!(
            budgets.remaining("a", t0 + chrono::Duration::hours(1)),
            Some(1)
        );
        assert_eq!(
            Budgets::new(None, Duration::from_secs(1)).remaining("a", t0),
            None
        );
    }

    #[test]
    fn counts_since_a_snapshot() {
        let mut counts = RequestCounts::default();
        counts.record("a", false, false);
        let before = counts.clone();
        counts.record("a", true, false);
        counts.record_not_modified("a");
        counts.record("b", false, true);
        let delta = counts.since(&before);
        assert_eq!(
            (
                delta.total,
                delta.conditional,
                delta.not_modified,
                delta.retries
            ),
            (2, 1, 1, 1)
        );
        assert_eq!(delta.host("a").not_modified, 1);
        assert_eq!(delta.host("b").total, 1);
    }
}
