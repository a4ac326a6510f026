//! The Argo CD source against a local Argo CD (tests/support/argocd_server.rs): a month of
//! syncs polled as they happen (successful syncs, a failed one, a rollback, a Degraded period,
//! one still running) and the report numbers they give, a history that rolls over Argo CD's
//! 10-entry limit between polls, a failed operation recorded once, an operation replaced before
//! its outcome was seen, hostile answers, a rejected token, and `check`'s probe.

use crate::support::{argocd_server, gitlab_store};

use std::sync::Arc;

use chrono::{DateTime, Utc};
use flowdeck::config::ArgocdSourceConfig;
use flowdeck::metrics::{History, Rules, Scope, Window, compute};
use flowdeck::model::DeploymentStatus;
use flowdeck::sources::SourceError;
use flowdeck::sources::argocd::ArgocdSource;
use flowdeck::sources::live::{Source, SyncContext, SyncOutcome};
use flowdeck::store::{Store, StoredStatus, UpsertCount};
use wiremock::ResponseTemplate;

use argocd_server::{APP, Argocd, TOKEN};
use gitlab_store::MemoryStore;

const NOW: &str = "2026-03-31T00:00:00Z";

fn at(t: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(t).unwrap().to_utc()
}

pub fn config(base: &str, extra: &str) -> ArgocdSourceConfig {
    toml::from_str(&format!(
        "service = \"api\"\nbase_url = {base:?}\napplication = {APP:?}\ntoken_cmd = \"printf %s {TOKEN}\"\n{extra}"
    ))
    .unwrap()
}

fn source(argo: &Argocd, extra: &str) -> ArgocdSource {
    ArgocdSource::new(&config(&argo.uri(), extra), crate::circleci::client()).unwrap()
}

fn context(store: &Arc<MemoryStore>, now: &str) -> SyncContext {
    SyncContext {
        store: store.clone() as Arc<dyn Store>,
        now: at(now),
        backfill: chrono::Duration::days(30),
        lease: None,
    }
}

async fn sync(
    source: &ArgocdSource,
    store: &Arc<MemoryStore>,
    now: &str,
) -> (SyncOutcome, UpsertCount) {
    let outcome = source.sync(&context(store, now)).await.unwrap();
    let status = StoredStatus {
        name: source.name().to_string(),
        kind: source.kind().to_string(),
        status: "ok".into(),
        last_success_at: Some(at(now)),
        error: None,
        covers_from: outcome.covers_from,
        next_retry_at: None,
    };
    let count = store
        .commit_sync(source.name(), &outcome.events, &outcome.watermarks, &status)
        .unwrap();
    (outcome, count)
}

fn rev(n: u8) -> String {
    format!("{n:x}{}", "0".repeat(39))
}

fn id(started: &str) -> String {
    format!("argocd:{APP}:{started}")
}

fn close(actual: Option<f64>, expected: f64) -> bool {
    actual.is_some_and(|a| (a - expected).abs() < 1e-6)
}

/// March 2026, polled as it happens:
///
/// | when | Argo CD | poll |
/// |---|---|---|
/// | 02-25 10:00–10:02 | sync r0 | |
/// | 03-02 10:00–10:02 | sync r1 | |
/// | 03-05 10:00–10:02 | sync r2 | |
/// | 03-09 10:00–10:05 | sync of r3 **fails** | 03-09 12:00: r0, r1, r2, the failed r3 |
/// | 03-10 10:00–10:02 | sync r3 | |
/// | 03-12 10:00–10:02 | sync r4; Degraded from 11:00 | 03-12 12:00: r3, r4; incident opened |
/// | 03-20 10:00–10:02 | sync r3 again (a **rollback**); Healthy at 10:05 | 03-20 12:00: r3'; incident resolved |
/// | 03-30 23:00 | sync of r5 running | 03-31 00:00: r5 in progress |
#[tokio::test]
async fn a_month_of_syncs_gives_the_numbers_worked_out_by_hand() {
    let argo = Argocd::start().await;
    let store = Arc::new(MemoryStore::new());
    let source = source(&argo, "incidents_from_health = true\n");
    argo.sync(&rev(0), "2026-02-25T10:00:00Z", "2026-02-25T10:02:00Z");
    argo.sync(&rev(1), "2026-03-02T10:00:00Z", "2026-03-02T10:02:00Z");
    argo.sync(&rev(2), "2026-03-05T10:00:00Z", "2026-03-05T10:02:00Z");
    argo.fail(&rev(3), "2026-03-09T10:00:00Z", "2026-03-09T10:05:00Z");
    let (_, count) = sync(&source, &store, "2026-03-09T12:00:00Z").await;
    assert_eq!(count.inserted, 4);
    let (again, count) = sync(&source, &store, "2026-03-09T12:01:00Z").await;
    assert!(
        again.events.deployments.is_empty(),
        "the failed operation is recorded once"
    );
    assert_eq!(count.inserted + count.updated, 0);

    argo.sync(&rev(3), "2026-03-10T10:00:00Z", "2026-03-10T10:02:00Z");
    argo.sync(&rev(4), "2026-03-12T10:00:00Z", "2026-03-12T10:02:00Z");
    argo.health(
        "Degraded",
        "2026-03-12T11:00:00Z",
        Some("Deployment \"api\" exceeded its progress deadline"),
    );
    sync(&source, &store, "2026-03-12T12:00:00Z").await;
    argo.sync(&rev(3), "2026-03-20T10:00:00Z", "2026-03-20T10:02:00Z");
    argo.health("Healthy", "2026-03-20T10:05:00Z", None);
    sync(&source, &store, "2026-03-20T12:00:00Z").await;
    argo.running(&rev(5), "2026-03-30T23:00:00Z");
    sync(&source, &store, NOW).await;

    argo.clear_log();
    let (_, count) = sync(&source, &store, "2026-03-31T00:05:00Z").await;
    assert_eq!(argo.served().len(), 1, "an unchanged poll is one request");
    assert_eq!(count.inserted + count.updated, 0);
    assert!(
        argo.served()
            .iter()
            .all(|s| s.authorization.as_deref() == Some(&format!("Bearer {TOKEN}")))
    );

    let events = store.events();
    let status = |started: &str| {
        events
            .deployments
            .iter()
            .find(|d| d.id == id(started))
            .unwrap_or_else(|| panic!("no deployment {started}"))
            .status
    };
    assert_eq!(events.deployments.len(), 8, "r0 r1 r2 r3✗ r3 r4 r3' r5…");
    assert_eq!(status("2026-03-09T10:00:00Z"), DeploymentStatus::Failure);
    assert_eq!(status("2026-03-30T23:00:00Z"), DeploymentStatus::InProgress);
    assert_eq!(status("2026-03-20T10:00:00Z"), DeploymentStatus::Success);
    let r1 = events
        .deployments
        .iter()
        .find(|d| d.id == id("2026-03-02T10:00:00Z"))
        .unwrap();
    assert_eq!(r1.sha, rev(1));
    assert_eq!(r1.started_at, Some(at("2026-03-02T10:00:00Z")));
    assert_eq!(r1.finished_at, at("2026-03-02T10:02:00Z"));
    assert_eq!(r1.ref_name.as_deref(), Some("HEAD"));
    assert_eq!(
        r1.url.as_deref(),
        Some(format!("{}/applications/{APP}", argo.uri()).as_str())
    );
    assert!(r1.changes.is_empty());

    assert_eq!(events.incidents.len(), 1);
    let incident = &events.incidents[0];
    assert_eq!(
        incident.id,
        format!("argocd:{APP}:degraded:2026-03-12T11:00:00Z")
    );
    assert_eq!(incident.services, ["api"]);
    assert_eq!(incident.started_at, at("2026-03-12T11:00:00Z"));
    assert_eq!(incident.resolved_at, Some(at("2026-03-20T10:05:00Z")));
    assert_eq!(
        incident.title,
        "api-production Degraded: Deployment \"api\" exceeded its progress deadline"
    );

    // The measures over [03-01, 03-31).
    let history = History::derive(events, Rules::default());
    let window = Window::new(at("2026-03-01T00:00:00Z"), at(NOW));
    let m = compute(&history, &Scope::all(&history), &window, at(NOW));
    // Counted: r1, r2, r3, r4, r3' (r0 is the baseline, before the window).
    let f = &m.deployment_frequency;
    assert_eq!((f.deployments, f.deploy_days), (5, 5));
    // r3' deploys r3's sha and r4 lies between: r4 failed (the rollback; the Degraded period
    // starting an hour after it also names it).
    let c = &m.change_failure_rate;
    assert_eq!((c.deployments, c.failed), (5, 1));
    assert!(close(c.rate, 0.2));
    // r4 recovered when the rollback finished, 03-20 10:02, 8 days after it finished.
    let r = &m.failed_deployment_recovery_time;
    assert_eq!((r.failed, r.recovered), (1, 1));
    assert!(close(r.median_seconds, 8.0 * 86_400.0), "{r:?}");
    // Time to restore: 03-12 11:00 → 03-20 10:05 = 7 d 23 h 5 min.
    let t = &m.time_to_restore;
    assert_eq!(t.incidents, 1);
    assert!(
        close(t.median_seconds, 7.0 * 86_400.0 + 23.0 * 3_600.0 + 300.0),
        "{t:?}"
    );
    // r3' is rework (a rollback, and while the incident was open).
    assert_eq!(m.deployment_rework_rate.rework, 1);
    assert_eq!(m.lead_time_for_changes.changes, 0, "no git source: unknown");
}

#[tokio::test]
async fn a_history_that_rolls_over_its_limit_between_polls_loses_nothing() {
    let argo = Argocd::start().await;
    let store = Arc::new(MemoryStore::new());
    let source = source(&argo, "");
    let started = |n: u32| format!("2026-03-{:02}T10:00:00Z", 2 + n);
    let deployed = |n: u32| format!("2026-03-{:02}T10:03:00Z", 2 + n);
    for n in 0..10 {
        argo.sync(&rev(u8::try_from(n).unwrap()), &started(n), &deployed(n));
    }
    sync(&source, &store, "2026-03-12T12:00:00Z").await;
    assert_eq!(store.events().deployments.len(), 10);
    // Seven more syncs: Argo CD now keeps syncs 7 … 16 and has forgotten 0 … 6.
    for n in 10..17 {
        argo.sync(&rev(u8::try_from(n).unwrap()), &started(n), &deployed(n));
    }
    let (outcome, count) = sync(&source, &store, "2026-03-19T12:00:00Z").await;
    assert_eq!(outcome.events.deployments.len(), 7, "only the new ones");
    assert_eq!(count.inserted, 7);
    let stored = store.events().deployments;
    assert_eq!(
        stored.len(),
        17,
        "every sync seen, also those Argo CD dropped"
    );
    let mut ids: Vec<&str> = stored.iter().map(|d| d.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 17, "none twice");
    assert!(stored.iter().any(|d| d.id == id(&started(0))));
}

#[tokio::test]
async fn an_operation_replaced_before_its_outcome_was_seen_is_cancelled() {
    let argo = Argocd::start().await;
    let store = Arc::new(MemoryStore::new());
    let source = source(&argo, "");
    argo.sync(&rev(1), "2026-03-02T10:00:00Z", "2026-03-02T10:02:00Z");
    argo.running(&rev(2), "2026-03-30T23:00:00Z");
    sync(&source, &store, NOW).await;
    // Terminated and replaced by a sync of r3 before the next poll: r2 never reached history.
    argo.sync(&rev(3), "2026-03-30T23:30:00Z", "2026-03-30T23:32:00Z");
    sync(&source, &store, "2026-03-31T00:05:00Z").await;
    let events = store.events();
    let two = events
        .deployments
        .iter()
        .find(|d| d.id == id("2026-03-30T23:00:00Z"))
        .unwrap();
    assert_eq!(two.status, DeploymentStatus::Cancelled);
    assert_eq!(events.deployments.len(), 3);

    // One that ran at one poll and succeeded by the next is its history entry, not cancelled.
    argo.running(&rev(4), "2026-03-31T00:06:00Z");
    sync(&source, &store, "2026-03-31T00:07:00Z").await;
    argo.sync(&rev(4), "2026-03-31T00:06:00Z", "2026-03-31T00:08:00Z");
    sync(&source, &store, "2026-03-31T00:09:00Z").await;
    let four = store
        .events()
        .deployments
        .into_iter()
        .find(|d| d.id == id("2026-03-31T00:06:00Z"))
        .unwrap();
    assert_eq!(
        (four.status, four.finished_at),
        (DeploymentStatus::Success, at("2026-03-31T00:08:00Z"))
    );
}

#[tokio::test]
async fn hostile_answers_fail_the_sync_and_store_nothing() {
    let argo = Argocd::start().await;
    argo.sync(&rev(1), "2026-03-02T10:00:00Z", "2026-03-02T10:02:00Z");
    let store = Arc::new(MemoryStore::new());
    let source = source(&argo, "incidents_from_health = true\n");
    for body in [
        r#"{"metadata":{"name":"api-production"},"status":{"history":[{"id":1,"revision":"abc"}]}}"#,
        r#"{"metadata":{"name":"api-production"},"status":{"history":[{"id":1,"revision":"abc","deployedAt":"2026-03"#,
        r#"{"status":{"history":{"id":1}}}"#,
        r#"{"status":{"operationState":{"phase":"Failed","startedAt":17}}}"#,
        "<html><body>Argo CD</body></html>",
    ] {
        argo.interrupt(
            ResponseTemplate::new(200).set_body_raw(body.to_string(), "application/json"),
            1,
        )
        .await;
        let error = source.sync(&context(&store, NOW)).await.unwrap_err();
        assert!(matches!(error, SourceError::Data(_)), "{body}: {error:?}");
        assert!(error.to_string().contains(&argo.host()), "{error}");
        assert!(!error.to_string().contains("ARGOTOPSECRET"));
        assert!(store.events().deployments.is_empty());
        assert!(store.watermarks(&format!("argocd:{APP}")).is_empty());
    }
    // An application with no status at all (never synced) is no error: nothing to store.
    argo.interrupt(
        ResponseTemplate::new(200).set_body_raw(
            format!(r#"{{"metadata":{{"name":"{APP}"}},"spec":{{}}}}"#),
            "application/json",
        ),
        1,
    )
    .await;
    let (outcome, _) = sync(&source, &store, NOW).await;
    assert!(outcome.events.deployments.is_empty() && outcome.events.incidents.is_empty());
    let (outcome, _) = sync(&source, &store, NOW).await;
    assert_eq!(
        outcome.events.deployments.len(),
        1,
        "and the next poll reads the history"
    );
}

#[tokio::test]
async fn a_rejected_token_or_unknown_application_is_a_config_error() {
    let argo = Argocd::start().await;
    let store = Arc::new(MemoryStore::new());
    let mut wrong = config(&argo.uri(), "");
    wrong.token_cmd = Some("printf %s WRONG-ARGOTOPSECRET".into());
    let source = ArgocdSource::new(&wrong, crate::circleci::client()).unwrap();
    let error = source.sync(&context(&store, NOW)).await.unwrap_err();
    assert!(matches!(error, SourceError::Config(_)), "{error:?}");
    assert!(
        error.to_string().contains("401") && error.to_string().contains("ARGOCD_AUTH_TOKEN"),
        "{error}"
    );
    assert!(
        !error.to_string().contains("ARGOTOPSECRET")
            && !format!("{source:?}").contains("ARGOTOPSECRET")
    );
    assert_eq!(argo.served().len(), 1, "not retried");

    let mut other = config(&argo.uri(), "");
    other.application = "web-production".into();
    let error = ArgocdSource::new(&other, crate::circleci::client())
        .unwrap()
        .sync(&context(&store, NOW))
        .await
        .unwrap_err();
    assert!(matches!(error, SourceError::Config(_)), "{error:?}");
    assert!(
        error.to_string().contains("web-production") && error.to_string().contains("404"),
        "{error}"
    );
}

#[tokio::test]
async fn the_probe_says_what_it_found() {
    let argo = Argocd::start().await;
    argo.sync(&rev(1), "2026-03-30T21:00:00Z", "2026-03-30T22:00:00Z");
    argo.fail(&rev(2), "2026-03-30T23:00:00Z", "2026-03-30T23:01:00Z");
    let store = Arc::new(MemoryStore::new());
    let report = source(&argo, "")
        .probe(&context(&store, NOW))
        .await
        .unwrap();
    assert_eq!(
        report,
        format!(
            "application {APP} (project payments from https://github.com/acme/deploy) on {}, token accepted; 1 syncs in history (Argo CD keeps 10), newest 2h ago; health Healthy, sync Synced, last operation Failed",
            argo.host()
        )
    );
}
