//! The data on screen and how a finished load replaces it: a source that fails now but worked
//! before keeps its last data on screen, marked stale.

use std::sync::Arc;

use flowdeck_core::metrics::History;
use flowdeck_core::model::Timestamp;
use flowdeck_core::status::{SourceState, SourceStatus};

/// A finished load, as the runtime hands it to `update` (`Action::Loaded`): the derived
/// history and each source's status, read at `read_at`.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub history: Arc<History>,
    pub sources: Vec<SourceStatus>,
    pub read_at: Timestamp,
}

/// Loaded data: the derived history and how each source fared.
#[derive(Debug, Clone)]
pub struct Data {
    pub history: Arc<History>,
    pub sources: Vec<SourceStatus>,
    /// When this data was read.
    pub loaded_at: Timestamp,
    /// False for the placeholder shown until the first load finishes (its numbers are not
    /// zeros, they are unknown).
    pub loaded: bool,
}

impl Data {
    /// The data after a reload. A source that failed now but worked before keeps the previous
    /// history on screen, marked stale since its last success with the new error; a reload
    /// where every source that worked still works replaces the data. A source that read its
    /// data but not all of it (Prometheus with its Alertmanager down: `ok` with an error) has
    /// not failed: its new data is shown and it is not stale.
    pub(crate) fn after_reload(&self, loaded: Loaded) -> Data {
        let Loaded {
            history,
            sources,
            read_at,
        } = loaded;
        let previously_ok = |name: &str| {
            self.loaded
                && self
                    .sources
                    .iter()
                    .any(|s| s.name == name && s.last_success_at.is_some())
        };
        let failed = |s: &SourceStatus| s.error.is_some() && s.status != SourceState::Ok;
        let regressed = sources.iter().any(|s| failed(s) && previously_ok(&s.name));
        let loaded_at = read_at.max(self.loaded_at + chrono::Duration::nanoseconds(1));
        if !regressed {
            return Data {
                history,
                sources,
                loaded_at,
                loaded: true,
            };
        }
        let sources = sources
            .into_iter()
            .map(|mut status| {
                if failed(&status) {
                    let before = self.sources.iter().find(|s| s.name == status.name);
                    status.last_success_at = before.and_then(|s| s.last_success_at);
                    if status.last_success_at.is_some() {
                        status.status = SourceState::Stale;
                    }
                } else if let Some(before) = self.sources.iter().find(|s| s.name == status.name) {
                    // The history shown is still the old one: so is this source's data.
                    status.last_success_at = before.last_success_at;
                }
                status
            })
            .collect();
        Data {
            history: self.history.clone(),
            sources,
            loaded_at,
            loaded: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::state::App;
    use flowdeck_core::model::EventSet;

    fn loaded(sources: Vec<SourceStatus>, read_at: Timestamp) -> Loaded {
        Loaded {
            history: Arc::new(History::derive(EventSet::default(), Default::default())),
            sources,
            read_at,
        }
    }

    fn status(name: &str, error: Option<&str>, at: Option<Timestamp>) -> SourceStatus {
        SourceStatus {
            name: name.into(),
            kind: "git".into(),
            status: if error.is_some() {
                SourceState::Error
            } else {
                SourceState::Ok
            },
            last_success_at: at,
            error: error.map(str::to_string),
            covers_from: None,
            collector: None,
        }
    }

    #[test]
    fn a_source_that_reads_its_data_but_not_all_of_it_is_never_stale() {
        let t0: Timestamp = "2026-11-20T09:00:00Z".parse().unwrap();
        let t1: Timestamp = "2026-11-20T09:05:00Z".parse().unwrap();
        let t2: Timestamp = "2026-11-20T09:10:00Z".parse().unwrap();
        let partly = |at| SourceStatus {
            status: SourceState::Ok,
            error: Some("Alertmanager at 127.0.0.1:9093: cannot connect".into()),
            ..status("prometheus:prod", None, Some(at))
        };
        let first = App::empty_data(t0).after_reload(loaded(vec![partly(t0)], t0));
        // Every reload after the first: its new data replaces the old, and it stays ok.
        for at in [t1, t2] {
            let before = first.clone();
            let next = before.after_reload(loaded(vec![partly(at)], at));
            assert!(
                !Arc::ptr_eq(&before.history, &next.history),
                "new data shown"
            );
            assert_eq!(next.sources[0].status, SourceState::Ok);
            assert_eq!(next.sources[0].last_success_at, Some(at));
        }
    }

    #[test]
    fn a_failing_reload_keeps_the_data_and_marks_it_stale() {
        let t0: Timestamp = "2026-11-20T09:00:00Z".parse().unwrap();
        let t1: Timestamp = "2026-11-20T09:05:00Z".parse().unwrap();
        let first =
            App::empty_data(t0).after_reload(loaded(vec![status("git:api", None, Some(t0))], t0));
        assert!(first.loaded);
        let second = first.after_reload(loaded(
            vec![status("git:api", Some("repository is locked"), None)],
            t1,
        ));
        assert!(
            Arc::ptr_eq(&first.history, &second.history),
            "old history kept"
        );
        assert_eq!(second.sources[0].status, SourceState::Stale);
        assert_eq!(second.sources[0].last_success_at, Some(t0));
        assert_eq!(
            second.sources[0].error.as_deref(),
            Some("repository is locked")
        );
        let third = second.after_reload(loaded(vec![status("git:api", None, Some(t1))], t1));
        assert!(
            !Arc::ptr_eq(&second.history, &third.history),
            "recovered data replaces it"
        );
        assert_eq!(third.sources[0].status, SourceState::Ok);
    }
}
