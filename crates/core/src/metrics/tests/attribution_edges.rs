//! Attribution's edge cases (docs/METRICS.md#incident-attribution, rules (a) and (b)), each worked out by
//! hand: the boundaries of the time rule, several deployments in one window, incidents of
//! several services or of none, and explicit links that must not match.

use super::*;

/// api: baseline v0 (02-01), v1 03-03 12:00, v2 03-03 13:00 (an hour later), v3 03-06 12:00.
fn close_deployments() -> Vec<Deployment> {
    vec![
        baseline("api"),
        dep("api", "v1", &sha(1), "2026-03-03T12:00:00Z", vec![]),
        dep("api", "v2", &sha(2), "2026-03-03T13:00:00Z", vec![]),
        dep("api", "v3", &sha(3), "2026-03-06T12:00:00Z", vec![]),
    ]
}

fn attributed(history: &History, incident: usize) -> Vec<(&str, &'static str)> {
    history.attributions[incident]
        .iter()
        .map(|a| (a.deployment_id.as_str(), a.reason.as_str()))
        .collect()
}

#[test]
fn an_incident_starting_at_the_deployments_finish_is_blamed_on_it() {
    // D.finished_at ≤ started_at: the lower bound is closed.
    let history = History::derive(
        events(
            close_deployments(),
            vec![incident(
                "at-finish",
                &["api"],
                "2026-03-06T12:00:00Z",
                None,
            )],
        ),
        Rules::default(),
    );
    assert_eq!(attributed(&history, 0), vec![("api:v3", "incident_window")]);
    let explanation = &history.attributions[0][0].explanation;
    assert!(
        explanation.contains("within the 1d window"),
        "{explanation}"
    );
}

#[test]
fn one_second_inside_the_window_counts_and_the_edge_does_not() {
    let history = History::derive(
        events(
            close_deployments(),
            vec![
                // v3 finished 03-06 12:00; +24h − 1s is inside, +24h is not.
                incident("inside", &["api"], "2026-03-07T11:59:59Z", None),
                incident("edge", &["api"], "2026-03-07T12:00:00Z", None),
            ],
        ),
        Rules::default(),
    );
    assert_eq!(attributed(&history, 0), vec![("api:v3", "incident_window")]);
    assert!(attributed(&history, 1).is_empty());
}

#[test]
fn the_configured_attribution_window_is_used() {
    let rules = Rules {
        attribution_window: Duration::hours(2),
        ..Rules::default()
    };
    let history = History::derive(
        events(
            close_deployments(),
            vec![
                incident("in", &["api"], "2026-03-06T13:59:59Z", None),
                incident("out", &["api"], "2026-03-06T14:00:00Z", None),
            ],
        ),
        rules,
    );
    assert_eq!(attributed(&history, 0), vec![("api:v3", "incident_window")]);
    assert!(attributed(&history, 1).is_empty());
}

#[test]
fn with_two_deployments_in_the_window_the_latest_before_the_start_is_blamed() {
    let history = History::derive(
        events(
            close_deployments(),
            vec![
                // After v1 (12:00), before v2 (13:00): v1, though v2 lands within its 24h.
                incident(
                    "between",
                    &["api"],
                    "2026-03-03T12:30:00Z",
                    Some("2026-03-03T14:00:00Z"),
                ),
                // After both: v2 only — v1's window ended when v2 finished.
                incident(
                    "after-both",
                    &["api"],
                    "2026-03-03T13:30:00Z",
                    Some("2026-03-03T15:00:00Z"),
                ),
            ],
        ),
        Rules::default(),
    );
    assert_eq!(attributed(&history, 0), vec![("api:v1", "incident_window")]);
    assert_eq!(attributed(&history, 1), vec![("api:v2", "incident_window")]);
    assert_eq!(
        reasons(&facts(&history, "api:v1").failure_reasons),
        vec![("incident_window", "between")]
    );
    assert_eq!(
        reasons(&facts(&history, "api:v2").failure_reasons),
        vec![("incident_window", "after-both")]
    );
    // Recovery: v1 12:00 → 14:00 is 2 h; v2 13:00 → 15:00 is 2 h.
    let m = measure(&history, "2026-03-02T00:00:00Z", "2026-03-09T00:00:00Z");
    assert_eq!(m.change_failure_rate.deployments, 3);
    assert_eq!(m.change_failure_rate.failed, 2);
    assert_eq!(m.failed_deployment_recovery_time.recovered, 2);
    assert_eq!(
        m.failed_deployment_recovery_time.median_seconds,
        Some(2.0 * H)
    );
}

#[test]
fn deployments_finishing_together_are_ordered_by_id() {
    let deployments = vec![
        baseline("api"),
        dep("api", "v1-b", &sha(0x1b), "2026-03-03T12:00:00Z", vec![]),
        dep("api", "v1-a", &sha(0x1a), "2026-03-03T12:00:00Z", vec![]),
    ];
    let history = History::derive(
        events(
            deployments,
            vec![incident("tie", &["api"], "2026-03-03T12:10:00Z", None)],
        ),
        Rules::default(),
    );
    // Same finished_at: "api:v1-b" sorts after "api:v1-a", so it is the latest.
    assert_eq!(
        attributed(&history, 0),
        vec![("api:v1-b", "incident_window")]
    );
}

#[test]
fn an_incident_of_two_services_fails_one_deployment_in_each_and_counts_once() {
    let mut deployments = close_deployments();
    deployments.push(baseline("web"));
    deployments.push(dep("web", "w1", &sha(0x21), "2026-03-03T12:45:00Z", vec![]));
    let history = History::derive(
        events(
            deployments,
            vec![incident(
                "both",
                &["api", "web"],
                "2026-03-03T13:30:00Z",
                Some("2026-03-03T14:30:00Z"),
            )],
        ),
        Rules::default(),
    );
    assert_eq!(
        attributed(&history, 0),
        vec![("api:v2", "incident_window"), ("web:w1", "incident_window")]
    );
    let m = measure(&history, "2026-03-02T00:00:00Z", "2026-03-09T00:00:00Z");
    // api v1, v2, v3 and web w1 in the window; v2 and w1 failed.
    assert_eq!(m.change_failure_rate.deployments, 4);
    assert_eq!(m.change_failure_rate.failed, 2);
    // Time to restore counts the incident once in totals: one hour.
    assert_eq!(m.time_to_restore.incidents, 1);
    assert_eq!(m.time_to_restore.median_seconds, Some(H));
}

#[test]
fn an_incident_of_a_service_without_deployments_is_blamed_on_nothing() {
    let history = History::derive(
        events(
            close_deployments(),
            vec![
                // "web" is configured but never deployed.
                incident(
                    "web-only",
                    &["web"],
                    "2026-03-03T12:30:00Z",
                    Some("2026-03-03T13:30:00Z"),
                ),
                // "db" is not even a configured service.
                incident(
                    "db-only",
                    &["db"],
                    "2026-03-03T12:30:00Z",
                    Some("2026-03-03T12:40:00Z"),
                ),
                // No service at all (an alert without the service label).
                incident(
                    "nowhere",
                    &[],
                    "2026-03-03T12:30:00Z",
                    Some("2026-03-03T12:50:00Z"),
                ),
            ],
        ),
        Rules::default(),
    );
    for i in 0..3 {
        assert!(attributed(&history, i).is_empty(), "incident {i}");
    }
    let m = measure(&history, "2026-03-02T00:00:00Z", "2026-03-09T00:00:00Z");
    assert_eq!(m.change_failure_rate.failed, 0);
    assert_eq!(m.change_failure_rate.rate, Some(0.0));
    // Every incident still counts in time to restore: 60, 10 and 20 minutes.
    assert_eq!(m.time_to_restore.incidents, 3);
    assert_eq!(m.time_to_restore.median_seconds, Some(20.0 * 60.0));
}

#[test]
fn an_incident_without_a_service_can_still_name_its_deployment() {
    let mut named = incident("named", &[], "2026-03-04T09:00:00Z", None);
    named.body = Some(format!("Started right after {}", &sha(2)[..12]));
    let history = History::derive(events(close_deployments(), vec![named]), Rules::default());
    assert_eq!(attributed(&history, 0), vec![("api:v2", "incident_link")]);
    assert_eq!(
        history.attributions[0][0].explanation,
        format!("names commit {}", &sha(2)[..12])
    );
}

#[test]
fn an_incident_naming_a_sha_of_another_service_is_blamed_there() {
    let mut deployments = close_deployments();
    deployments.push(baseline("web"));
    deployments.push(dep("web", "w1", &sha(0x21), "2026-03-01T12:00:00Z", vec![]));
    // An api incident within v3's window that names web's w1 sha.
    let mut cross = incident("cross", &["api"], "2026-03-06T12:30:00Z", None);
    cross.title = format!("api errors from web {}", &sha(0x21)[..7]);
    let history = History::derive(events(deployments, vec![cross]), Rules::default());
    assert_eq!(attributed(&history, 0), vec![("web:w1", "incident_link")]);
    // The explicit link wins: v3 is not blamed by the time rule.
    assert!(!facts(&history, "api:v3").failed());
    assert!(facts(&history, "web:w1").failed());
}

#[test]
fn explicit_links_that_do_not_name_a_deployment_fall_back_to_the_time_rule() {
    let mut deployments = close_deployments();
    // A second deployment whose sha shares v1's first 7 digits: that prefix is ambiguous.
    let mut twin = sha(1);
    twin.replace_range(20..21, "f");
    deployments.push(dep("api", "v1-twin", &twin, "2026-02-20T12:00:00Z", vec![]));
    let texts = [
        // Ambiguous 7-digit prefix: unique in the store is required.
        format!("bad build {}", &sha(1)[..7]),
        // "v10" is not "v1"; "v1x" neither.
        "v10 and v1x are fine".to_string(),
        // Fewer than 7 hex digits.
        format!("commit {}", &sha(1)[..6]),
        // An id that no deployment has.
        "deployment:api:v9".to_string(),
    ];
    let incidents = texts
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let mut inc = incident(&format!("t{i}"), &["api"], "2026-03-03T13:30:00Z", None);
            inc.title = text.clone();
            inc
        })
        .collect();
    let history = History::derive(events(deployments, incidents), Rules::default());
    for (i, text) in texts.iter().enumerate() {
        assert_eq!(
            attributed(&history, i),
            vec![("api:v2", "incident_window")],
            "{text}"
        );
    }
}

#[test]
fn the_explicit_text_form_and_a_tag_with_punctuation_link() {
    let mut by_text = incident("by-text", &["api"], "2026-03-06T13:00:00Z", None);
    by_text.body = Some("Rolled out as deployment:api:v1, then broke.".into());
    let mut by_tag = incident("by-tag", &["api"], "2026-03-06T13:00:00Z", None);
    by_tag.title = "Latency up since v2.".into();
    let history = History::derive(
        events(close_deployments(), vec![by_text, by_tag]),
        Rules::default(),
    );
    assert_eq!(attributed(&history, 0), vec![("api:v1", "incident_link")]);
    assert_eq!(
        history.attributions[0][0].explanation,
        "names deployment:api:v1"
    );
    assert_eq!(attributed(&history, 1), vec![("api:v2", "incident_link")]);
    assert_eq!(history.attributions[1][0].explanation, "names v2");
}
