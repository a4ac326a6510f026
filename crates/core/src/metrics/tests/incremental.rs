//! `History::apply` against `History::derive`: after every step of a random stream of events
//! (inserts, updates, out-of-order arrivals, deletions, batches of them), the history folded in
//! step by step shows exactly what a full derivation of the same events shows.

use chrono::Duration;

use super::random_events::{Generator, SERVICES, fingerprint, pool_sha, rules};
use crate::metrics::*;
use crate::model::*;

/// The first line where two fingerprints differ, with its neighbours.
fn first_difference(a: &str, b: &str) -> Option<String> {
    let (a, b): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let at = (0..a.len().max(b.len())).find(|&i| a.get(i) != b.get(i))?;
    Some(format!(
        "line {at}:\n  applied: {}\n  derived: {}",
        a.get(at).unwrap_or(&"<none>"),
        b.get(at).unwrap_or(&"<none>")
    ))
}

/// One random change to the events as they are.
fn random_change(g: &mut Generator, events: &EventSet) -> EventChange {
    let shas: Vec<String> = events
        .deployments
        .iter()
        .flat_map(|d| d.changes.iter().map(|c| c.sha.clone()))
        .collect();
    let roll = g.rng.below(16);
    match roll {
        0..=2 => EventChange::Deployment(g.deployment(&shas)),
        3 | 4 if !events.deployments.is_empty() => {
            let mut d = g.rng.pick(&events.deployments).clone();
            match g.rng.below(7) {
                0 => d.finished_at -= Duration::hours(g.rng.below(24 * 20) as i64),
                1 => d.finished_at += Duration::hours(g.rng.below(24 * 20) as i64),
                2 => d.sha = pool_sha(g.rng.below(12)),
                3 => {
                    d.status = if d.status == DeploymentStatus::Success {
                        DeploymentStatus::Failure
                    } else {
                        DeploymentStatus::Success
                    }
                }
                4 => d.service = g.rng.pick(&SERVICES).to_string(),
                5 => d.name = Some(format!("v{}", g.rng.below(30))),
                _ => {
                    let finished = d.finished_at;
                    d.changes = (0..g.rng.below(4))
                        .map(|_| g.change(finished, &shas))
                        .collect();
                }
            }
            EventChange::Deployment(d)
        }
        5 if !events.deployments.is_empty() => EventChange::RemoveDeployment {
            id: g.rng.pick(&events.deployments).id.clone(),
        },
        6 => EventChange::Incident(g.incident(&events.deployments)),
        7 if !events.incidents.is_empty() => {
            let mut i = g.rng.pick(&events.incidents).clone();
            let fresh = g.incident(&events.deployments);
            match g.rng.below(4) {
                0 => i.resolved_at = fresh.resolved_at,
                1 => i.services = fresh.services,
                2 => {
                    i.title = fresh.title;
                    i.labels = fresh.labels;
                    i.body = fresh.body;
                }
                _ => i.started_at = fresh.started_at,
            }
            EventChange::Incident(i)
        }
        8 if !events.incidents.is_empty() => EventChange::RemoveIncident {
            id: g.rng.pick(&events.incidents).id.clone(),
        },
        9 => EventChange::PipelineRun(g.run()),
        10 if !events.pipeline_runs.is_empty() => {
            let mut r = g.rng.pick(&events.pipeline_runs).clone();
            let fresh = g.run();
            r.conclusion = fresh.conclusion;
            r.created_at = fresh.created_at;
            if g.rng.chance(30) {
                r.service = fresh.service;
            }
            EventChange::PipelineRun(r)
        }
        11 if !events.pipeline_runs.is_empty() => EventChange::RemovePipelineRun {
            id: g.rng.pick(&events.pipeline_runs).id.clone(),
        },
        12 => EventChange::PullRequest(g.pull_request(&shas)),
        13 if !events.pull_requests.is_empty() => {
            let p = g.rng.pick(&events.pull_requests);
            EventChange::RemovePullRequest {
                service: p.service.clone(),
                number: p.number,
            }
        }
        14 => EventChange::Service(Service {
            name: g.rng.pick(&["api", "web", "db"]).to_string(),
            team: Some(g.rng.pick(&["payments", "platform", "growth"]).to_string()),
        }),
        _ => EventChange::Deployment(g.deployment(&shas)),
    }
}

#[test]
fn applying_changes_equals_deriving_again_after_every_step() {
    let mut incremental_steps = 0;
    let mut full_steps = 0;
    // Steps whose changes left the previous window as it was, so the board kept its measures.
    let mut previous_kept = 0;
    for seed in 0..24u64 {
        let mut g = Generator::new(1000 + seed);
        let events = g.events(30 + seed as usize * 3);
        let mut history = History::derive(events, rules());
        let window = Window::new(
            super::random_events::base() + Duration::days(20),
            super::random_events::base() + Duration::days(45),
        );
        let now = super::random_events::base() + Duration::days(50);
        let mut board = MetricBoard::new(&history, window, now);
        for step in 0..60 {
            let batch = if g.rng.chance(15) {
                1 + g.rng.below(5)
            } else {
                1
            };
            let mut changes = Vec::new();
            let mut preview = (*history.events).clone();
            for _ in 0..batch {
                let change = random_change(&mut g, &preview);
                preview = {
                    let mut h = History::derive(preview, rules());
                    h.apply([change.clone()]);
                    (*h.events).clone()
                };
                changes.push(change);
            }
            let applied = history.apply(changes.clone());
            if applied.full {
                full_steps += 1;
            } else {
                incremental_steps += 1;
            }
            let derived = History::derive((*history.events).clone(), rules());
            let (a, b) = (fingerprint(&history), fingerprint(&derived));
            if let Some(difference) = first_difference(&a, &b) {
                panic!(
                    "seed {seed} step {step}: after {changes:#?}\n(applied: {applied:?})\n{difference}"
                );
            }
            if applied
                .unchanged_before
                .is_some_and(|t| t >= window.previous().to.timestamp_nanos_opt().unwrap())
            {
                previous_kept += 1;
            }
            board.refresh(&history, &applied);
            let fresh = MetricBoard::new(&derived, window, now);
            assert_eq!(board.total, fresh.total, "seed {seed} step {step}: total");
            assert_eq!(
                board.services, fresh.services,
                "seed {seed} step {step}: services"
            );
            assert_eq!(
                format!("{:?}", board.teams),
                format!("{:?}", fresh.teams),
                "seed {seed} step {step}: teams"
            );
        }
    }
    eprintln!(
        "{incremental_steps} incremental steps ({previous_kept} kept the previous window), \
         {full_steps} full derivations"
    );
    assert!(previous_kept > 0, "no step kept the previous window");
    // The point is the incremental path: most steps must take it.
    assert!(
        incremental_steps > 4 * full_steps,
        "{incremental_steps} incremental steps, {full_steps} full derivations"
    );
}

#[test]
fn a_new_service_is_derived_from_scratch_and_an_unchanged_history_reports_nothing() {
    let mut g = Generator::new(7);
    let mut history = History::derive(g.events(20), rules());
    assert!(history.apply([]).is_empty());
    let mut d = g.deployment(&[]);
    d.service = "brand-new".into();
    let applied = history.apply([EventChange::Deployment(d)]);
    assert!(applied.full);
    assert!(history.service("brand-new").is_some());
    let derived = History::derive((*history.events).clone(), rules());
    assert_eq!(fingerprint(&history), fingerprint(&derived));
}

#[test]
fn removing_what_is_not_there_changes_nothing() {
    let mut g = Generator::new(8);
    let mut history = History::derive(g.events(20), rules());
    let before = fingerprint(&history);
    let applied = history.apply([
        EventChange::RemoveDeployment { id: "nope".into() },
        EventChange::RemoveIncident { id: "nope".into() },
        EventChange::RemovePipelineRun { id: "nope".into() },
        EventChange::RemovePullRequest {
            service: "nowhere".into(),
            number: 1,
        },
    ]);
    assert!(applied.is_empty(), "{applied:?}");
    assert_eq!(fingerprint(&history), before);
}
