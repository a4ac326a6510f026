//! Timestamps no real event carries: a deployment "created" in year 0 or 1970 (a zeroed
//! field) or in 9999 (a typo, a sentinel). Such an item is refused, one warning each, instead
//! of being stored, where it would stretch windows and lead times and, in a listing sorted by
//! date, end the listing early.
//!
//! The floor is 1990-01-01 (before any forge, CI or incident tool the sources read); the
//! ceiling two days past the sync's `now` (clock skew between servers, never a week).

use chrono::{Duration, TimeZone, Utc};

use crate::model::{EventSet, Timestamp};

/// The earliest time an event may carry.
pub fn earliest() -> Timestamp {
    Utc.with_ymd_and_hms(1990, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_default()
}

/// The latest time an event may carry, for a sync at `now`.
pub fn latest(now: Timestamp) -> Timestamp {
    now + Duration::days(2)
}

/// Whether `at` can be a real event's time for a sync at `now`.
pub fn is_plausible(at: Timestamp, now: Timestamp) -> bool {
    at >= earliest() && at <= latest(now)
}

/// Takes every item with an implausible time out of `events` (a change with one out of its
/// deployment), and says what was refused, one sentence per item.
pub fn refuse_implausible(events: &mut EventSet, now: Timestamp) -> Vec<String> {
    let mut refused = Vec::new();
    let mut check = |kind: &str, id: &str, times: &[(&str, Option<Timestamp>)]| -> bool {
        match times
            .iter()
            .find(|(_, at)| at.is_some_and(|at| !is_plausible(at, now)))
        {
            Some((field, Some(at))) => {
                refused.push(format!(
                    "{kind} {id} refused: its {field} {} is not a plausible time",
                    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                ));
                false
            }
            _ => true,
        }
    };
    events.deployments.retain_mut(|d| {
        let kept = check(
            "deployment",
            &d.id,
            &[
                ("started_at", d.started_at),
                ("finished_at", Some(d.finished_at)),
            ],
        );
        if kept {
            let id = d.id.clone();
            d.changes.retain(|c| {
                check(
                    "change",
                    &format!("{} of deployment {id}", c.sha),
                    &[
                        ("authored_at", Some(c.authored_at)),
                        ("committed_at", Some(c.committed_at)),
                    ],
                )
            });
        }
        kept
    });
    events.pull_requests.retain(|p| {
        check(
            "pull request",
            &format!("{}#{}", p.service, p.number),
            &[
                ("created_at", Some(p.created_at)),
                ("first_commit_at", p.first_commit_at),
                ("first_review_at", p.first_review_at),
                ("merged_at", p.merged_at),
                ("closed_at", p.closed_at),
            ],
        )
    });
    events.pipeline_runs.retain(|r| {
        check(
            "pipeline run",
            &r.id,
            &[
                ("created_at", Some(r.created_at)),
                ("started_at", r.started_at),
                ("finished_at", r.finished_at),
            ],
        )
    });
    events.incidents.retain(|i| {
        check(
            "incident",
            &i.id,
            &[
                ("started_at", Some(i.started_at)),
                ("resolved_at", i.resolved_at),
            ],
        )
    });
    refused
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::model::{Deployment, DeploymentStatus, Incident};

    fn ts(s: &str) -> Timestamp {
        chrono::DateTime::parse_from_rfc3339(s)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn deployment(id: &str, finished: &str) -> Deployment {
        Deployment {
            id: id.into(),
            url: None,
            name: None,
            service: "api".into(),
            environment: "production".into(),
            production: true,
            sha: "a".repeat(40),
            ref_name: None,
            started_at: None,
            finished_at: ts(finished),
            status: DeploymentStatus::Success,
            changes: Vec::new(),
        }
    }

    #[test]
    fn zeroed_far_future_and_ordinary_times() {
        let now = ts("2026-11-20T12:00:00Z");
        assert!(!is_plausible(ts("1970-01-01T00:00:00Z"), now));
        assert!(!is_plausible(ts("0001-01-01T00:00:00Z"), now));
        assert!(!is_plausible(ts("9999-12-31T00:00:00Z"), now));
        assert!(!is_plausible(ts("2026-11-23T12:00:00Z"), now));
        assert!(is_plausible(ts("2026-11-22T11:00:00Z"), now));
        assert!(is_plausible(ts("1990-01-01T00:00:00Z"), now));
        assert!(is_plausible(ts("2008-04-10T00:00:00Z"), now));
    }

    #[test]
    fn items_with_impossible_times_are_taken_out_and_named() {
        let now = ts("2026-11-20T12:00:00Z");
        let mut events = EventSet {
            deployments: vec![
                deployment("good", "2026-11-01T00:00:00Z"),
                deployment("zeroed", "1970-01-01T00:00:00Z"),
            ],
            incidents: vec![Incident {
                id: "inc".into(),
                source: "test".into(),
                services: vec!["api".into()],
                title: "t".into(),
                severity: None,
                labels: Vec::new(),
                body: None,
                started_at: ts("2026-11-02T00:00:00Z"),
                resolved_at: Some(ts("9999-01-01T00:00:00Z")),
                url: None,
            }],
            ..EventSet::default()
        };
        let refused = refuse_implausible(&mut events, now);
        assert_eq!(events.deployments.len(), 1);
        assert_eq!(events.deployments[0].id, "good");
        assert!(events.incidents.is_empty());
        assert_eq!(refused.len(), 2, "{refused:?}");
        assert!(
            refused[0].contains("deployment zeroed refused: its finished_at 1970-01-01T00:00:00Z")
        );
        assert!(refused[1].contains("incident inc refused: its resolved_at 9999-01-01"));
    }
}
