//! Tests of the demo data: determinism, invariants every source must keep, and that each part of
//! the story (see the module docs) is there, in both the last 30 days and the 30 days before.
//!
//! The failure rules of docs/METRICS.md#change-failure-rate are re-implemented here in their simplest form, only to check
//! that the data exercises them; the metric engine has its own tests.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, TimeDelta, TimeZone, Utc, Weekday};
use regex::Regex;

use super::*;
use flowdeck_core::model::{
    Deployment, DeploymentStatus, Incident, PullRequest, RunConclusion, RunStatus, Timestamp,
};

/// Wednesday afternoon: the clock screenshots and golden tests use.
fn now() -> Timestamp {
    Utc.with_ymd_and_hms(2025, 6, 11, 14, 30, 0).unwrap()
}

/// A spread of clocks: every weekday, around midnight and mid-day, with sub-second noise.
fn many_nows() -> Vec<Timestamp> {
    let mut nows = Vec::new();
    for day in 0..7 {
        for (h, m) in [(0, 3), (9, 0), (14, 30), (23, 58)] {
            let t = Utc.with_ymd_and_hms(2025, 6, 9 + day, h, m, 7).unwrap()
                + TimeDelta::milliseconds(123);
            nows.push(t);
        }
    }
    nows
}

const DAY: TimeDelta = TimeDelta::days(1);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Window {
    Last,
    Previous,
}

fn window_of(now: Timestamp, t: Timestamp) -> Option<Window> {
    if t >= now - DAY * 30 && t < now {
        Some(Window::Last)
    } else if t >= now - DAY * 60 && t < now - DAY * 30 {
        Some(Window::Previous)
    } else {
        None
    }
}

const BOTH: [Window; 2] = [Window::Last, Window::Previous];

fn counting(set: &EventSet) -> Vec<&Deployment> {
    let mut list: Vec<&Deployment> = set.deployments.iter().filter(|d| d.counts()).collect();
    list.sort_by(|a, b| (a.finished_at, &a.id).cmp(&(b.finished_at, &b.id)));
    list
}

fn of_service<'a>(set: &'a EventSet, service: &str) -> Vec<&'a Deployment> {
    counting(set)
        .into_iter()
        .filter(|d| d.service == service)
        .collect()
}

fn by_id<'a>(set: &'a EventSet, id: &str) -> &'a Deployment {
    set.deployments
        .iter()
        .find(|d| d.id == id)
        .unwrap_or_else(|| panic!("no deployment {id}"))
}

fn is_sha(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Every timestamp in the set, with what it is.
fn timestamps(set: &EventSet) -> Vec<(String, Timestamp)> {
    let mut all = Vec::new();
    for d in &set.deployments {
        all.push((format!("{} finished", d.id), d.finished_at));
        all.extend(d.started_at.map(|t| (format!("{} started", d.id), t)));
        for c in &d.changes {
            all.push((format!("{} authored", c.sha), c.authored_at));
            all.push((format!("{} committed", c.sha), c.committed_at));
        }
    }
    for p in &set.pull_requests {
        let what = format!("{} #{}", p.service, p.number);
        all.push((format!("{what} created"), p.created_at));
        for t in [
            p.first_commit_at,
            p.first_review_at,
            p.merged_at,
            p.closed_at,
        ]
        .into_iter()
        .flatten()
        {
            all.push((what.clone(), t));
        }
    }
    for r in &set.pipeline_runs {
        all.push((format!("{} created", r.id), r.created_at));
        for t in [r.started_at, r.finished_at].into_iter().flatten() {
            all.push((r.id.clone(), t));
        }
    }
    for i in &set.incidents {
        all.push((format!("{} started", i.id), i.started_at));
        all.extend(i.resolved_at.map(|t| (format!("{} resolved", i.id), t)));
    }
    all
}

/// The same events with every timestamp moved by `delta`.
fn shifted(set: &EventSet, delta: TimeDelta) -> EventSet {
    let mut out = set.clone();
    let mv = |t: &mut Timestamp| *t += delta;
    for d in &mut out.deployments {
        mv(&mut d.finished_at);
        d.started_at.iter_mut().for_each(mv);
        for c in &mut d.changes {
            mv(&mut c.authored_at);
            mv(&mut c.committed_at);
        }
    }
    for p in &mut out.pull_requests {
        mv(&mut p.created_at);
        for t in [
            &mut p.first_commit_at,
            &mut p.first_review_at,
            &mut p.merged_at,
            &mut p.closed_at,
        ] {
            t.iter_mut().for_each(mv);
        }
    }
    for r in &mut out.pipeline_runs {
        mv(&mut r.created_at);
        r.started_at.iter_mut().for_each(mv);
        r.finished_at.iter_mut().for_each(mv);
    }
    for i in &mut out.incidents {
        mv(&mut i.started_at);
        i.resolved_at.iter_mut().for_each(mv);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The failure rules of docs/METRICS.md#change-failure-rate, in their simplest form.

/// Rule (a): the deployments an incident names by sha prefix, tag name or `deployment:<id>`.
fn explicit_links<'a>(set: &'a EventSet, incident: &Incident) -> Vec<&'a Deployment> {
    let text = format!(
        "{}\n{}\n{}",
        incident.title,
        incident.labels.join("\n"),
        incident.body.as_deref().unwrap_or("")
    );
    let hex = Regex::new(r"\b[0-9a-fA-F]{7,40}\b").unwrap();
    let explicit = Regex::new(r"deployment[:=](\S+)").unwrap();
    let words: BTreeSet<&str> = text
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_ascii_alphanumeric()))
        .collect();
    let mut found: Vec<&Deployment> = Vec::new();
    for d in counting(set) {
        let by_sha = hex.find_iter(&text).any(|m| {
            let prefix = m.as_str().to_ascii_lowercase();
            let owners: BTreeSet<&str> = set
                .deployments
                .iter()
                .map(|x| x.sha.as_str())
                .filter(|s| s.starts_with(&prefix))
                .collect();
            owners.len() == 1 && d.sha.starts_with(&prefix)
        });
        let by_name = d.name.as_deref().is_some_and(|name| words.contains(name));
        let by_id = explicit
            .captures_iter(&text)
            .any(|c| c.get(1).is_some_and(|m| m.as_str() == d.id));
        if (by_sha || by_name || by_id) && !found.iter().any(|f| f.id == d.id) {
            found.push(d);
        }
    }
    found
}

/// Rule (b): the latest deployment of `service` that finished at most 24 h before the incident.
fn window_link<'a>(
    set: &'a EventSet,
    incident: &Incident,
    service: &str,
) -> Option<&'a Deployment> {
    of_service(set, service)
        .into_iter()
        .rev()
        .find(|d| d.finished_at <= incident.started_at)
        .filter(|d| incident.started_at < d.finished_at + DAY)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Reason {
    IncidentLink,
    IncidentWindow,
    Rollback,
    Revert,
}

/// Failed deployment id -> (reasons, recovered_at if recovered).
fn failures(set: &EventSet) -> BTreeMap<String, (BTreeSet<Reason>, Option<Timestamp>)> {
    let mut reasons: BTreeMap<String, BTreeSet<Reason>> = BTreeMap::new();
    let mut incidents_of: BTreeMap<String, Vec<&Incident>> = BTreeMap::new();
    let mut undone_by: BTreeMap<String, Timestamp> = BTreeMap::new();
    for incident in &set.incidents {
        let explicit = explicit_links(set, incident);
        for service in &incident.services {
            let (d, why) = match explicit.iter().find(|d| &d.service == service) {
                Some(d) => (Some(*d), Reason::IncidentLink),
                None => (window_link(set, incident, service), Reason::IncidentWindow),
            };
            if let Some(d) = d {
                reasons.entry(d.id.clone()).or_default().insert(why);
                incidents_of.entry(d.id.clone()).or_default().push(incident);
            }
        }
    }
    for service in DEMO_SERVICES.iter().map(|(s, _)| *s) {
        let list = of_service(set, service);
        for (r, rollback) in list.iter().enumerate() {
            // (c) rollback: redeploys the sha of E, not its immediate predecessor.
            if let Some(e) = (0..r).rev().find(|&e| list[e].sha == rollback.sha)
                && e + 1 < r
            {
                for failed in &list[e + 1..r] {
                    reasons
                        .entry(failed.id.clone())
                        .or_default()
                        .insert(Reason::Rollback);
                    undone_by
                        .entry(failed.id.clone())
                        .or_insert(rollback.finished_at);
                }
            }
            // (d) revert commits and revert pull requests of what an earlier deployment shipped.
            let mut targets: Vec<String> = rollback
                .changes
                .iter()
                .filter_map(|c| c.reverts.clone())
                .collect();
            for change in rollback.changes.iter().filter(|c| c.merge) {
                let pr = set
                    .pull_requests
                    .iter()
                    .find(|p| p.service == service && Some(&change.sha) == p.merge_sha.as_ref());
                if let Some(target) = pr
                    .and_then(|p| p.reverts_pr)
                    .and_then(|n| {
                        set.pull_requests
                            .iter()
                            .find(|p| p.service == service && p.number == n)
                    })
                    .and_then(|p| p.merge_sha.clone())
                {
                    targets.push(target);
                }
            }
            for target in targets {
                if let Some(earlier) = list[..r]
                    .iter()
                    .find(|d| d.changes.iter().any(|c| c.sha == target))
                {
                    reasons
                        .entry(earlier.id.clone())
                        .or_default()
                        .insert(Reason::Revert);
                    undone_by
                        .entry(earlier.id.clone())
                        .or_insert(rollback.finished_at);
                }
            }
        }
    }
    reasons
        .into_iter()
        .map(|(id, why)| {
            let by_incidents = incidents_of.get(&id).and_then(|list| {
                list.iter()
                    .map(|i| i.resolved_at)
                    .collect::<Option<Vec<_>>>()
                    .and_then(|ends| ends.into_iter().max())
            });
            let recovered = match (by_incidents, undone_by.get(&id).copied()) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            (id, (why, recovered))
        })
        .collect()
}

/// Rework deployment ids (docs/METRICS.md#deployment-rework-rate) with the default hotfix pattern.
fn rework(set: &EventSet) -> BTreeSet<String> {
    let pattern = Regex::new(r"(?i)^(hotfix|revert)\b").unwrap();
    let mut out = BTreeSet::new();
    for service in DEMO_SERVICES.iter().map(|(s, _)| *s) {
        let list = of_service(set, service);
        for (r, d) in list.iter().enumerate() {
            let rollback = (0..r).rev().any(|e| list[e].sha == d.sha && e + 1 < r);
            let reverts = d.changes.iter().any(|c| {
                c.reverts.is_some()
                    || set
                        .pull_requests
                        .iter()
                        .any(|p| p.reverts_pr.is_some() && p.merge_sha.as_ref() == Some(&c.sha))
            });
            let hotfix = d.changes.iter().any(|c| pattern.is_match(&c.title))
                || d.ref_name.as_deref().is_some_and(|r| pattern.is_match(r))
                || d.changes.iter().filter(|c| c.merge).any(|c| {
                    set.pull_requests.iter().any(|p| {
                        p.merge_sha.as_ref() == Some(&c.sha)
                            && p.head_branch
                                .as_deref()
                                .is_some_and(|b| pattern.is_match(b))
                    })
                });
            let during_incident = set.incidents.iter().any(|i| {
                i.services.iter().any(|s| s == service)
                    && i.started_at <= d.finished_at
                    && i.resolved_at.is_none_or(|end| d.finished_at < end)
            });
            if rollback || reverts || hotfix || during_incident {
                out.insert(d.id.clone());
            }
        }
    }
    out
}

fn finished_in(set: &EventSet, id: &str, now: Timestamp) -> Option<Window> {
    window_of(now, by_id(set, id).finished_at)
}

// ---------------------------------------------------------------------------------------------
// Determinism and time.

#[test]
fn same_now_gives_byte_identical_events() {
    let a = serde_json::to_string(&generate(now())).unwrap();
    let b = serde_json::to_string(&generate(now())).unwrap();
    assert_eq!(a, b);
}

#[test]
fn moving_now_by_whole_weeks_moves_every_timestamp_by_as_much() {
    let base = generate(now());
    for weeks in [-52, -1, 1, 4, 52] {
        let delta = TimeDelta::weeks(weeks);
        let moved = generate(now() + delta);
        assert_eq!(
            serde_json::to_string(&moved).unwrap(),
            serde_json::to_string(&shifted(&base, delta)).unwrap(),
            "shift by {weeks} weeks"
        );
    }
}

#[test]
fn names_and_numbers_do_not_depend_on_the_clock() {
    let names = |set: &EventSet| {
        (
            set.deployments
                .iter()
                .map(|d| d.id.clone())
                .collect::<BTreeSet<_>>(),
            set.pull_requests
                .iter()
                .map(|p| (p.service.clone(), p.number, p.title.clone()))
                .collect::<BTreeSet<_>>(),
            set.incidents
                .iter()
                .map(|i| (i.id.clone(), i.title.clone()))
                .collect::<BTreeSet<_>>(),
        )
    };
    let base = names(&generate(now()));
    for t in many_nows() {
        assert_eq!(names(&generate(t)), base, "at {t}");
    }
}

#[test]
fn nothing_happens_after_now_whatever_the_clock() {
    for t in many_nows() {
        let set = generate(t);
        for (what, at) in timestamps(&set) {
            assert!(at <= t, "{what} at {at} is after now {t}");
        }
    }
}

#[test]
fn routine_work_happens_on_weekdays() {
    for t in many_nows() {
        let set = generate(t);
        for d in counting(&set) {
            let wd = d.finished_at.weekday();
            assert!(
                !matches!(wd, Weekday::Sat | Weekday::Sun),
                "{} on {wd}",
                d.id
            );
        }
        for p in &set.pull_requests {
            let wd = p.created_at.weekday();
            let near_now = t - p.created_at < TimeDelta::hours(6);
            assert!(
                near_now || !matches!(wd, Weekday::Sat | Weekday::Sun),
                "#{} on {wd}",
                p.number
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Shape of the events.

#[test]
fn services_and_teams() {
    let set = generate(now());
    let got: Vec<(String, Option<String>)> = set
        .services
        .iter()
        .map(|s| (s.name.clone(), s.team.clone()))
        .collect();
    let want: Vec<(String, Option<String>)> = DEMO_SERVICES
        .iter()
        .map(|(s, t)| (s.to_string(), Some(t.to_string())))
        .collect();
    assert_eq!(got, want);
    let teams: BTreeSet<&str> = DEMO_SERVICES.iter().map(|(_, t)| *t).collect();
    assert!((2..=3).contains(&teams.len()));
}

#[test]
fn shas_are_unique_lowercase_hex() {
    let set = generate(now());
    let mut commits = BTreeSet::new();
    for d in &set.deployments {
        assert!(is_sha(&d.sha), "{}", d.id);
        for c in &d.changes {
            assert!(is_sha(&c.sha), "{}", c.sha);
            assert!(
                commits.insert(c.sha.clone()),
                "commit {} shipped twice",
                c.sha
            );
            if let Some(target) = &c.reverts {
                assert!(is_sha(target));
            }
        }
    }
    for p in &set.pull_requests {
        assert!(p.merge_sha.as_deref().is_none_or(is_sha));
    }
    for r in &set.pipeline_runs {
        assert!(is_sha(&r.sha), "{}", r.id);
    }
    // Production deployments deploy distinct shas, except the one rollback.
    let mut seen: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for d in counting(&set) {
        seen.entry(d.sha.as_str()).or_default().push(d.id.as_str());
    }
    let shared: Vec<&Vec<&str>> = seen.values().filter(|ids| ids.len() > 1).collect();
    assert_eq!(
        shared,
        vec![&vec!["demo:gateway:v1.8.0", "demo:gateway:v1.8.2"]]
    );
    // A deployment's sha is its newest shipped commit.
    for d in counting(&set).into_iter().filter(|d| !d.changes.is_empty()) {
        assert_eq!(d.changes.first().map(|c| &c.sha), Some(&d.sha), "{}", d.id);
    }
}

#[test]
fn deployments_look_like_releases() {
    let set = generate(now());
    let ids: BTreeSet<&str> = set.deployments.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids.len(), set.deployments.len(), "ids are unique");
    for d in &set.deployments {
        let name = d.name.as_deref().unwrap();
        assert!(
            d.id.starts_with(&format!("demo:{}:{name}", d.service)),
            "{}",
            d.id
        );
        assert_eq!(
            d.url.as_deref(),
            Some(
                format!(
                    "https://git.example.com/acme/{}/releases/tag/{name}",
                    d.service
                )
                .as_str()
            )
        );
        assert!(d.started_at.is_some_and(|s| s <= d.finished_at));
        assert_eq!(d.production, d.environment == "production");
    }
    let failed_jobs: Vec<&Deployment> = set
        .deployments
        .iter()
        .filter(|d| d.status == DeploymentStatus::Failure)
        .collect();
    for w in BOTH {
        assert!(
            failed_jobs
                .iter()
                .any(|d| window_of(now(), d.finished_at) == Some(w)),
            "{w:?}"
        );
    }
    assert!(failed_jobs.iter().all(|d| d.changes.is_empty()));
    let staging = set.deployments.iter().filter(|d| !d.production).count();
    assert!(staging >= 2);
    assert!(
        set.deployments
            .iter()
            .filter(|d| d.production)
            .all(|d| d.environment == "production")
    );
}

#[test]
fn changes_are_realistic() {
    let set = generate(now());
    let mut counts = Vec::new();
    for d in counting(&set) {
        counts.push(d.changes.len());
        for c in &d.changes {
            assert!(c.authored_at <= c.committed_at, "{}", c.sha);
            assert!(c.committed_at <= d.finished_at, "{}", c.sha);
            let lead = d.finished_at - c.authored_at;
            assert!(lead <= DAY * 6, "{} lead {lead}", c.sha);
            if c.merge {
                assert!(c.pr.is_some());
                assert!(
                    c.title
                        .starts_with(&format!("Merge pull request #{} from acme/", c.pr.unwrap()))
                );
            }
        }
        // Newest first.
        assert!(
            d.changes
                .windows(2)
                .all(|w| w[0].committed_at >= w[1].committed_at),
            "{}",
            d.id
        );
    }
    counts.sort_unstable();
    let median = counts[counts.len() / 2];
    assert!(
        (2..=8).contains(&median),
        "median changes per deployment {median}"
    );
    assert!(counts.iter().filter(|&&n| n > 12).count() == 0);
    // Dependabot bumps ship too.
    assert!(
        counting(&set)
            .iter()
            .flat_map(|d| &d.changes)
            .any(|c| c.author == "dependabot[bot]")
    );
    // Each shipped pull request has one merge commit and its own commits, in one deployment.
    for d in counting(&set) {
        for c in d.changes.iter().filter(|c| c.merge) {
            let n = c.pr.unwrap();
            let pr = set
                .pull_requests
                .iter()
                .find(|p| p.service == d.service && p.number == n)
                .unwrap();
            assert_eq!(pr.merge_sha.as_ref(), Some(&c.sha));
            assert!(
                d.changes.iter().any(|x| !x.merge && x.pr == Some(n)),
                "#{n} has commits"
            );
        }
    }
}

#[test]
fn each_service_has_a_baseline_before_the_90_days_and_history_inside() {
    let set = generate(now());
    for (service, _) in DEMO_SERVICES {
        let list = of_service(&set, service);
        let first = list.first().unwrap();
        let age = now() - first.finished_at;
        assert!(
            age >= DAY * 93 && age <= DAY * 100,
            "{service} baseline {age}"
        );
        assert!((1..=8).contains(&first.changes.len()));
        assert!(
            list.get(1)
                .is_some_and(|d| now() - d.finished_at < DAY * 90)
        );
    }
}

#[test]
fn cadences_differ_between_services() {
    let set = generate(now());
    let deploy_days = |service: &str| {
        of_service(&set, service)
            .into_iter()
            .filter(|d| window_of(now(), d.finished_at) == Some(Window::Last))
            .map(|d| d.finished_at.date_naive())
            .collect::<BTreeSet<_>>()
            .len()
    };
    // 20 weekdays in the last 30 days.
    assert!(
        deploy_days("api") >= 19,
        "api is elite: deploys every weekday"
    );
    assert!(
        (6..=14).contains(&deploy_days("web")),
        "web {}",
        deploy_days("web")
    );
    assert!(
        (4..=8).contains(&deploy_days("billing")),
        "billing {}",
        deploy_days("billing")
    );
    assert!(
        (4..=10).contains(&deploy_days("gateway")),
        "gateway {}",
        deploy_days("gateway")
    );
    assert!(
        (1..=3).contains(&deploy_days("search")),
        "search {}",
        deploy_days("search")
    );
}

/// Median lead time (hours) of the non-merge changes a service shipped in a window.
fn median_lead_hours(set: &EventSet, service: &str, t: Timestamp, w: Window) -> f64 {
    let mut leads: Vec<i64> = of_service(set, service)
        .into_iter()
        .filter(|d| window_of(t, d.finished_at) == Some(w))
        .flat_map(|d| {
            d.changes
                .iter()
                .filter(|c| !c.merge)
                .map(|c| (d.finished_at - c.authored_at).num_minutes())
        })
        .collect();
    leads.sort_unstable();
    leads.get(leads.len() / 2).copied().unwrap_or(0) as f64 / 60.0
}

#[test]
fn bands_differ_between_services_whatever_the_clock() {
    for t in many_nows() {
        let set = generate(t);
        let failed = failures(&set);
        let cfr = |service: &str, w: Window| {
            let list: Vec<&Deployment> = of_service(&set, service)
                .into_iter()
                .filter(|d| window_of(t, d.finished_at) == Some(w))
                .collect();
            list.iter().filter(|d| failed.contains_key(&d.id)).count() as f64 / list.len() as f64
        };
        for w in BOTH {
            // api is elite: changes ship within a day, few deployments fail.
            assert!(
                median_lead_hours(&set, "api", t, w) < 24.0,
                "api lead {w:?} at {t}"
            );
            assert!(cfr("api", w) <= 0.05, "api cfr {w:?} at {t}");
            // The others take days, and billing fails often.
            for service in ["billing", "web", "search", "gateway"] {
                let lead = median_lead_hours(&set, service, t, w);
                assert!(
                    (24.0..24.0 * 6.0).contains(&lead),
                    "{service} lead {lead} {w:?} at {t}"
                );
            }
            assert!(cfr("billing", w) > 0.15, "billing cfr {w:?} at {t}");
            assert_eq!(cfr("search", w), 0.0);
        }
    }
}

#[test]
fn pull_requests_are_consistent() {
    let set = generate(now());
    let mut numbers = BTreeSet::new();
    for p in &set.pull_requests {
        assert!(
            numbers.insert((p.service.clone(), p.number)),
            "#{} twice",
            p.number
        );
        assert!(
            p.first_commit_at.is_some_and(|t| t <= p.created_at),
            "#{}",
            p.number
        );
        if let Some(review) = p.first_review_at {
            assert!(p.created_at <= review, "#{}", p.number);
            assert!(p.merged_at.is_none_or(|m| review <= m), "#{}", p.number);
        }
        if let Some(merged) = p.merged_at {
            assert_eq!(p.closed_at, Some(merged));
            assert!(p.merge_sha.is_some());
        }
        assert_eq!(
            p.url.as_deref(),
            Some(
                format!(
                    "https://git.example.com/acme/{}/pull/{}",
                    p.service, p.number
                )
                .as_str()
            )
        );
    }
    // Numbers grow with opening time within a repository.
    for (service, _) in DEMO_SERVICES {
        let mut prs: Vec<&PullRequest> = set
            .pull_requests
            .iter()
            .filter(|p| p.service == *service)
            .collect();
        prs.sort_by_key(|p| p.number);
        assert!(
            prs.windows(2).all(|w| w[0].created_at <= w[1].created_at),
            "{service}"
        );
    }
    // Merged pull requests are shipped, but for one merged after the last api deployment.
    let shipped: BTreeSet<&str> = counting(&set)
        .iter()
        .flat_map(|d| d.changes.iter().map(|c| c.sha.as_str()))
        .collect();
    let unshipped: Vec<&PullRequest> = set
        .pull_requests
        .iter()
        .filter(|p| p.merge_sha.as_deref().is_some_and(|s| !shipped.contains(s)))
        .collect();
    assert_eq!(unshipped.len(), 1);
    assert!(unshipped[0].merged_at > of_service(&set, "api").last().map(|d| d.finished_at));
    // Some closed without merge, some hotfix branches.
    assert!(
        set.pull_requests
            .iter()
            .filter(|p| p.closed_at.is_some() && p.merged_at.is_none())
            .count()
            >= 2
    );
    assert!(set.pull_requests.iter().any(|p| {
        p.head_branch
            .as_deref()
            .is_some_and(|b| b.starts_with("hotfix/"))
    }));
}

#[test]
fn merged_pull_requests_have_all_four_cycle_time_parts_in_both_windows() {
    let set = generate(now());
    for w in BOTH {
        let complete = set.pull_requests.iter().filter(|p| {
            let deployed = counting(&set).into_iter().find(|d| {
                d.changes
                    .iter()
                    .any(|c| Some(&c.sha) == p.merge_sha.as_ref())
            });
            p.author != "dependabot[bot]"
                && p.merged_at.is_some_and(|m| window_of(now(), m) == Some(w))
                && p.first_commit_at.is_some()
                && p.first_review_at.is_some()
                && deployed.is_some_and(|d| Some(d.finished_at) >= p.merged_at)
        });
        assert!(complete.count() >= 10, "{w:?}");
    }
}

#[test]
fn work_in_progress_at_now_and_a_month_ago() {
    let set = generate(now());
    let open_at = |t: Timestamp| {
        set.pull_requests
            .iter()
            .filter(|p| p.created_at <= t && p.closed_at.is_none_or(|c| c > t))
            .collect::<Vec<_>>()
    };
    let open_now = open_at(now());
    assert!(open_now.len() >= 5, "{}", open_now.len());
    assert!(
        open_now.iter().any(|p| p.first_review_at.is_none()),
        "some wait for review"
    );
    assert!(open_now.iter().any(|p| p.first_review_at.is_some()));
    let ages: BTreeSet<i64> = open_now
        .iter()
        .map(|p| (now() - p.created_at).num_days())
        .collect();
    assert!(
        ages.first() == Some(&0) && ages.last().is_some_and(|&a| a >= 30),
        "{ages:?}"
    );
    assert!(!open_at(now() - DAY * 30).is_empty());
}

#[test]
fn ci_runs_in_both_windows_with_every_outcome() {
    let set = generate(now());
    for w in BOTH {
        let runs: Vec<_> = set
            .pipeline_runs
            .iter()
            .filter(|r| window_of(now(), r.created_at) == Some(w))
            .collect();
        assert!(runs.len() > 200, "{w:?}: {}", runs.len());
        for c in [
            RunConclusion::Success,
            RunConclusion::Failure,
            RunConclusion::Cancelled,
            RunConclusion::TimedOut,
        ] {
            assert!(runs.iter().any(|r| r.conclusion == Some(c)), "{w:?} {c:?}");
        }
        assert!(runs.iter().any(|r| r.workflow == "deploy.yml"));
        assert!(runs.iter().any(|r| r.attempt > 1));
    }
    let ids: BTreeSet<&str> = set.pipeline_runs.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids.len(), set.pipeline_runs.len());
    for r in &set.pipeline_runs {
        assert!(matches!(r.workflow.as_str(), "ci.yml" | "deploy.yml"));
        match r.status {
            RunStatus::Completed => {
                let (s, f) = (r.started_at.unwrap(), r.finished_at.unwrap());
                assert!(r.created_at <= s && s <= f, "{}", r.id);
                assert!(r.conclusion.is_some());
                assert!(s - r.created_at <= TimeDelta::minutes(10), "queue {}", r.id);
                assert!(f - s <= TimeDelta::minutes(61), "duration {}", r.id);
            }
            RunStatus::InProgress => {
                assert!(r.started_at.is_some() && r.finished_at.is_none() && r.conclusion.is_none())
            }
            RunStatus::Queued => {
                assert!(r.started_at.is_none() && r.finished_at.is_none() && r.conclusion.is_none())
            }
        }
    }
    for t in many_nows() {
        let set = generate(t);
        let live = |s| set.pipeline_runs.iter().filter(|r| r.status == s).count();
        assert!(
            live(RunStatus::InProgress) >= 1 && live(RunStatus::Queued) >= 1,
            "at {t}"
        );
    }
}

#[test]
fn text_is_plain_ascii_but_for_one_title() {
    let set = generate(now());
    let mut titles: Vec<&str> = Vec::new();
    titles.extend(
        set.deployments
            .iter()
            .flat_map(|d| d.changes.iter().map(|c| c.title.as_str())),
    );
    titles.extend(set.pull_requests.iter().map(|p| p.title.as_str()));
    titles.extend(set.incidents.iter().map(|i| i.title.as_str()));
    let fancy: BTreeSet<&str> = titles.iter().copied().filter(|t| !t.is_ascii()).collect();
    assert_eq!(fancy.len(), 1, "{fancy:?}");
    assert_eq!(titles.iter().filter(|t| !t.is_ascii()).count(), 1);
    let rest = serde_json::to_string(&set)
        .unwrap()
        .replace(*fancy.first().unwrap(), "");
    assert!(rest.is_ascii());
    assert!(!rest.chars().any(|c| c.is_control()));
}

// ---------------------------------------------------------------------------------------------
// Incidents and the failure story.

#[test]
fn incidents_are_plausible() {
    for t in many_nows() {
        let set = generate(t);
        assert!((8..=15).contains(&set.incidents.len()));
        let open: Vec<&Incident> = set
            .incidents
            .iter()
            .filter(|i| i.resolved_at.is_none())
            .collect();
        // The failing checkout (loud) and a disk alert Alertmanager silences.
        assert_eq!(open.len(), 2, "exactly two open incidents at {t}");
        assert!(open.iter().all(|i| t - i.started_at <= TimeDelta::hours(6)));
        let silenced: Vec<&&Incident> = open
            .iter()
            .filter(|i| i.labels.iter().any(|l| l == "alertmanager=suppressed"))
            .collect();
        assert_eq!(silenced.len(), 1, "one silenced open incident at {t}");
        assert!(
            silenced[0]
                .labels
                .iter()
                .any(|l| l.starts_with("silenced_by="))
        );
        for i in &set.incidents {
            assert_eq!(i.source, "demo");
            assert!(matches!(
                i.severity.as_deref(),
                Some("sev1" | "sev2" | "sev3")
            ));
            assert!(i.resolved_at.is_none_or(|r| r > i.started_at));
            assert!(!i.services.is_empty());
        }
    }
    let set = generate(now());
    let durations: Vec<TimeDelta> = set
        .incidents
        .iter()
        .filter_map(|i| i.resolved_at.map(|r| r - i.started_at))
        .collect();
    assert!(durations.iter().any(|d| *d < TimeDelta::hours(1)));
    assert!(durations.iter().any(|d| *d > DAY));
    for w in BOTH {
        assert!(
            set.incidents
                .iter()
                .filter(|i| window_of(now(), i.started_at) == Some(w))
                .count()
                >= 3
        );
    }
}

#[test]
fn incidents_name_deployments_by_tag_sha_and_id() {
    let set = generate(now());
    let linked = |title_or_body: &dyn Fn(&Incident) -> bool| {
        set.incidents
            .iter()
            .filter(|i| title_or_body(i))
            .map(|i| (i.id.clone(), explicit_links(&set, i)))
            .collect::<Vec<_>>()
    };
    // By tag name, in the title.
    let by_name = linked(&|i| i.title.contains("after v2."));
    assert_eq!(by_name.len(), 1);
    assert_eq!(
        by_name[0]
            .1
            .iter()
            .map(|d| d.id.as_str())
            .collect::<Vec<_>>(),
        ["demo:api:v2.29.4"]
    );
    // By a sha prefix, in the body, more than 24 h after the deployment.
    let by_sha = linked(&|i| i.body.as_deref().is_some_and(|b| b.contains("Bisected to")));
    assert_eq!(by_sha.len(), 1);
    let target = by_sha[0].1.first().unwrap();
    assert_eq!(target.id, "demo:billing:v0.22.4");
    let incident = set.incidents.iter().find(|i| i.id == by_sha[0].0).unwrap();
    assert!(incident.started_at - target.finished_at > DAY);
    // By `deployment:<id>`, in the open incident's body.
    let by_id = linked(&|i| {
        i.body
            .as_deref()
            .is_some_and(|b| b.contains("deployment:demo:"))
    });
    assert_eq!(by_id.len(), 1);
    assert_eq!(
        by_id[0].1.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
        ["demo:web:v4.9.0"]
    );
    // Nothing else names a deployment (no accidental links).
    let all_linked: usize = set
        .incidents
        .iter()
        .map(|i| explicit_links(&set, i).len())
        .sum();
    assert_eq!(all_linked, 3);
}

#[test]
fn incidents_fall_inside_and_outside_attribution_windows() {
    let set = generate(now());
    let unlinked: Vec<&Incident> = set
        .incidents
        .iter()
        .filter(|i| explicit_links(&set, i).is_empty())
        .collect();
    for w in BOTH {
        assert!(
            unlinked
                .iter()
                .any(|i| window_of(now(), i.started_at) == Some(w)
                    && i.services.iter().any(|s| window_link(&set, i, s).is_some())),
            "{w:?}: an incident within 24 h after a deployment"
        );
    }
    // More than 24 h after the service's last deployment: attributed to nothing.
    let beyond: Vec<&&Incident> = unlinked
        .iter()
        .filter(|i| {
            i.services.iter().all(|s| {
                window_link(&set, i, s).is_none()
                    && of_service(&set, s)
                        .iter()
                        .any(|d| d.finished_at <= i.started_at)
            })
        })
        .collect();
    assert!(
        beyond
            .iter()
            .any(|i| window_of(now(), i.started_at) == Some(Window::Last))
    );
    // Before the service's first deployment.
    assert!(unlinked.iter().any(|i| i.services.iter().all(|s| {
        of_service(&set, s)
            .first()
            .is_some_and(|d| d.finished_at > i.started_at)
    })));
    // An incident of two services: attributed to the gateway deployment, not to web.
    let edge = set
        .incidents
        .iter()
        .find(|i| i.services.len() == 2)
        .unwrap();
    assert_eq!(
        window_link(&set, edge, "gateway").map(|d| d.id.as_str()),
        Some("demo:gateway:v1.13.1")
    );
    assert!(window_link(&set, edge, "web").is_none());
}

#[test]
fn a_rollback_redeploys_an_older_sha() {
    let set = generate(now());
    let list = of_service(&set, "gateway");
    let ids: Vec<&str> = list.iter().map(|d| d.id.as_str()).collect();
    let r = ids
        .iter()
        .position(|&id| id == "demo:gateway:v1.8.2")
        .unwrap();
    assert_eq!(
        &ids[r - 2..=r],
        [
            "demo:gateway:v1.8.0",
            "demo:gateway:v1.8.1",
            "demo:gateway:v1.8.2"
        ]
    );
    assert_eq!(list[r].sha, list[r - 2].sha);
    assert!(list[r].changes.is_empty());
    assert_eq!(
        finished_in(&set, "demo:gateway:v1.8.2", now()),
        Some(Window::Previous)
    );
    let failed = failures(&set);
    let (why, recovered) = &failed["demo:gateway:v1.8.1"];
    assert!(why.contains(&Reason::Rollback) && why.contains(&Reason::IncidentWindow));
    assert_eq!(
        *recovered,
        Some(list[r].finished_at),
        "the rollback recovers it"
    );
}

#[test]
fn reverts_target_what_earlier_deployments_shipped() {
    let set = generate(now());
    // A direct revert commit.
    let revert = by_id(&set, "demo:billing:v0.25.1");
    let change = revert.changes.iter().find(|c| c.reverts.is_some()).unwrap();
    assert!(change.title.starts_with("Revert \""));
    let target = change.reverts.clone().unwrap();
    let shipped_by = of_service(&set, "billing")
        .into_iter()
        .find(|d| d.changes.iter().any(|c| c.sha == target))
        .unwrap();
    assert_eq!(shipped_by.id, "demo:billing:v0.25.0");
    assert!(shipped_by.finished_at < revert.finished_at);
    assert_eq!(finished_in(&set, &shipped_by.id, now()), Some(Window::Last));
    // A revert pull request.
    let pr = set
        .pull_requests
        .iter()
        .find(|p| p.reverts_pr.is_some())
        .unwrap();
    assert!(pr.title.starts_with("Revert \""));
    let reverted = set
        .pull_requests
        .iter()
        .find(|p| p.service == pr.service && Some(p.number) == pr.reverts_pr)
        .unwrap();
    assert!(pr.title.contains(&reverted.title));
    let ships = |p: &PullRequest| {
        counting(&set)
            .into_iter()
            .find(|d| {
                d.changes
                    .iter()
                    .any(|c| Some(&c.sha) == p.merge_sha.as_ref())
            })
            .unwrap()
    };
    assert_eq!(ships(reverted).id, "demo:web:v4.5.7");
    assert_eq!(ships(pr).id, "demo:web:v4.6.1");
    assert_eq!(
        finished_in(&set, "demo:web:v4.5.7", now()),
        Some(Window::Previous)
    );
    let failed = failures(&set);
    assert!(failed["demo:billing:v0.25.0"].0.contains(&Reason::Revert));
    assert!(failed["demo:web:v4.5.7"].0.contains(&Reason::Revert));
}

#[test]
fn failed_deployments_in_both_windows_some_recovered_one_still_open() {
    for t in many_nows() {
        let set = generate(t);
        let failed = failures(&set);
        for w in BOTH {
            let here: Vec<_> = failed
                .iter()
                .filter(|(id, _)| finished_in(&set, id, t) == Some(w))
                .collect();
            assert!(here.len() >= 3, "{w:?} at {t}: {here:?}");
            assert!(here.iter().any(|(_, (_, rec))| rec.is_some()), "{w:?}");
        }
        let unrecovered: Vec<&String> = failed
            .iter()
            .filter(|(_, (_, rec))| rec.is_none())
            .map(|(id, _)| id)
            .collect();
        assert_eq!(unrecovered, ["demo:web:v4.9.0"], "at {t}");
        // Every reason appears.
        let reasons: BTreeSet<Reason> = failed
            .values()
            .flat_map(|(r, _)| r.iter().copied())
            .collect();
        assert_eq!(reasons.len(), 4);
    }
}

#[test]
fn the_failure_story_is_the_documented_one() {
    let set = generate(now());
    let failed = failures(&set);
    let got: BTreeMap<&str, Vec<Reason>> = failed
        .iter()
        .map(|(id, (why, _))| (id.as_str(), why.iter().copied().collect()))
        .collect();
    use Reason::*;
    let want: BTreeMap<&str, Vec<Reason>> = [
        ("demo:web:v4.4.0", vec![IncidentWindow]),
        ("demo:gateway:v1.8.1", vec![IncidentWindow, Rollback]),
        ("demo:billing:v0.22.4", vec![IncidentLink]),
        ("demo:web:v4.5.7", vec![Revert]),
        ("demo:api:v2.25.1", vec![IncidentWindow]),
        ("demo:web:v4.6.3", vec![IncidentWindow]),
        ("demo:api:v2.29.4", vec![IncidentLink]),
        ("demo:billing:v0.25.0", vec![Revert]),
        ("demo:gateway:v1.13.1", vec![IncidentWindow]),
        ("demo:web:v4.9.0", vec![IncidentLink]),
    ]
    .into_iter()
    .collect();
    assert_eq!(got, want);
}

#[test]
fn rework_in_both_windows_including_hotfixes_and_deploys_during_incidents() {
    let set = generate(now());
    let rework = rework(&set);
    for w in BOTH {
        assert!(
            rework
                .iter()
                .filter(|id| finished_in(&set, id, now()) == Some(w))
                .count()
                >= 2,
            "{w:?}"
        );
    }
    let hotfix_deploys: Vec<&Deployment> = counting(&set)
        .into_iter()
        .filter(|d| {
            d.ref_name
                .as_deref()
                .is_some_and(|r| r.starts_with("hotfix/"))
        })
        .collect();
    for w in BOTH {
        let d = hotfix_deploys
            .iter()
            .find(|d| window_of(now(), d.finished_at) == Some(w))
            .unwrap();
        assert!(
            d.changes.iter().any(|c| c.title.starts_with("hotfix: ")),
            "{}",
            d.id
        );
        // Shipped while an incident of its service was open.
        assert!(set.incidents.iter().any(|i| i.services.contains(&d.service)
            && i.started_at <= d.finished_at
            && i.resolved_at.is_some_and(|r| d.finished_at < r)));
        assert!(rework.contains(&d.id));
    }
    assert!(rework.contains("demo:gateway:v1.8.2"));
    assert!(rework.contains("demo:billing:v0.25.1"));
    assert!(rework.contains("demo:web:v4.6.1"));
}

#[test]
fn lead_times_and_deployments_in_both_windows() {
    let set = generate(now());
    for w in BOTH {
        let deployments: Vec<&Deployment> = counting(&set)
            .into_iter()
            .filter(|d| window_of(now(), d.finished_at) == Some(w))
            .collect();
        assert!(deployments.len() >= 30, "{w:?} {}", deployments.len());
        let mut leads: Vec<i64> = deployments
            .iter()
            .flat_map(|d| {
                d.changes
                    .iter()
                    .filter(|c| !c.merge)
                    .map(|c| (d.finished_at - c.authored_at).num_minutes())
            })
            .collect();
        leads.sort_unstable();
        assert!(leads.len() > 100);
        let median = leads[leads.len() / 2];
        assert!(
            (60 * 4..60 * 48).contains(&median),
            "{w:?} median lead {median} min"
        );
    }
}

/// `cargo test --lib sources::demo::tests::print_story -- --ignored --nocapture` prints the
/// story ids and per-service figures the module docs quote.
#[test]
#[ignore]
fn print_story() {
    let set = generate(now());
    let shipped = ship::ship(&calendar::Grid::new(now()));
    for (key, k) in &shipped.keyed {
        let d = &shipped.deployments[k.deployment];
        let pr = k.story_pr.map(|i| shipped.drafts[i].pr.title.clone());
        println!(
            "KEY {key:<22} {} {} {pr:?}",
            d.id,
            d.finished_at.format("%a %m-%d %H:%M")
        );
    }
    for i in &set.incidents {
        println!(
            "INC {} {:?} {} {:?} {} {:?}",
            i.id,
            i.services,
            i.severity.as_deref().unwrap_or(""),
            i.title,
            i.started_at.format("%a %m-%d %H:%M"),
            i.resolved_at.map(|r| (r - i.started_at).num_minutes())
        );
    }
    let failed = failures(&set);
    for (id, (why, rec)) in &failed {
        let d = by_id(&set, id);
        println!(
            "FAILED {id} {why:?} recovery_min={:?}",
            rec.map(|r| (r - d.finished_at).num_minutes())
        );
    }
    for id in rework(&set) {
        println!("REWORK {id}");
    }
    let story_titles: BTreeSet<&str> = story::LOOSE_PRS
        .iter()
        .map(|p| p.title)
        .chain(story::DEPLOYS.iter().filter_map(|d| d.pr.map(|p| p.title)))
        .collect();
    for p in set
        .pull_requests
        .iter()
        .filter(|p| p.reverts_pr.is_some() || story_titles.contains(p.title.as_str()))
    {
        println!(
            "PR {} #{} {:?} created {} review {:?} closed {:?} reverts {:?}",
            p.service,
            p.number,
            p.title,
            p.created_at.format("%m-%d"),
            p.first_review_at.map(|t| t.format("%m-%d").to_string()),
            p.closed_at.map(|t| t.format("%m-%d").to_string()),
            p.reverts_pr
        );
    }
    for w in BOTH {
        for (service, _) in DEMO_SERVICES {
            let list: Vec<&Deployment> = of_service(&set, service)
                .into_iter()
                .filter(|d| window_of(now(), d.finished_at) == Some(w))
                .collect();
            let days: BTreeSet<_> = list.iter().map(|d| d.finished_at.date_naive()).collect();
            let mut leads: Vec<i64> = list
                .iter()
                .flat_map(|d| {
                    d.changes
                        .iter()
                        .filter(|c| !c.merge)
                        .map(|c| (d.finished_at - c.authored_at).num_minutes())
                })
                .collect();
            leads.sort_unstable();
            let nfailed = list.iter().filter(|d| failed.contains_key(&d.id)).count();
            println!(
                "{w:?} {service:<8} deploys={:>3} days={:>2} failed={} cfr={:.1}% lead_median_h={:.1}",
                list.len(),
                days.len(),
                nfailed,
                100.0 * nfailed as f64 / list.len().max(1) as f64,
                leads.get(leads.len() / 2).copied().unwrap_or(0) as f64 / 60.0
            );
        }
    }
}
