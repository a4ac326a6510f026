//! Requests for the first sync of 1,000 deployments and per unchanged poll, counted on the
//! look-alike servers, for CircleCI and Argo CD. Deterministic counts (not timings), asserted
//! and printed:
//!
//!     cargo nextest run --test sources -E 'test(ci_figures)' --no-capture

use crate::support::{argocd_server, circleci_server, gitlab_store};

use std::sync::Arc;

use flowdeck::sources::argocd::ArgocdSource;
use flowdeck::sources::circleci::CircleciSource;
use flowdeck::sources::live::{Source, SyncContext};
use flowdeck::store::{Store, StoredStatus};

use gitlab_store::MemoryStore;

const NOW: &str = "2026-03-31T00:00:00Z";

async fn sync(source: &dyn Source, store: &Arc<MemoryStore>, now: &str) -> usize {
    let now: chrono::DateTime<chrono::Utc> = now.parse().unwrap();
    let ctx = SyncContext {
        store: store.clone() as Arc<dyn Store>,
        now,
        backfill: chrono::Duration::days(30),
        lease: None,
    };
    let outcome = source.sync(&ctx).await.unwrap();
    let status = StoredStatus {
        name: source.name().to_string(),
        kind: source.kind().to_string(),
        status: "ok".into(),
        last_success_at: Some(now),
        error: None,
        covers_from: outcome.covers_from,
        next_retry_at: None,
    };
    store
        .commit_sync(source.name(), &outcome.events, &outcome.watermarks, &status)
        .unwrap();
    outcome.events.deployments.len()
}

#[tokio::test]
async fn requests_for_a_thousand_deployments_and_an_unchanged_poll() {
    // CircleCI: 1,000 deploy pipelines 40 minutes apart inside the horizon, one older.
    let start: chrono::DateTime<chrono::Utc> = "2026-03-03T00:00:00Z".parse().unwrap();
    let pipes: Vec<circleci_server::Pipe> = (0..=1_000u64)
        .map(|n| {
            let created = if n == 0 {
                "2026-02-20T10:00:00.000Z".to_string()
            } else {
                (start + chrono::Duration::minutes(40 * i64::try_from(n).unwrap()))
                    .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
            };
            circleci_server::pipe(
                n + 1,
                &format!("{:040x}", n + 1),
                &created,
                vec![circleci_server::wf(
                    &format!("d{n}"),
                    "deploy",
                    "success",
                    &created,
                    Some(5),
                )],
            )
        })
        .collect();
    let cci = circleci_server::Circleci::start(&pipes).await;
    let store = Arc::new(MemoryStore::new());
    let source = CircleciSource::new(
        &crate::circleci::config(&cci.uri()),
        crate::circleci::client(),
    )
    .unwrap();
    let found = sync(&source, &store, NOW).await;
    let first = cci.served().len();
    cci.clear_log();
    sync(&source, &store, "2026-03-31T00:05:00Z").await;
    let unchanged = cci.served().len();
    eprintln!(
        "circleci: first sync of {found} deployments (1,000 + the predecessor): {first} requests; unchanged poll: {unchanged}"
    );
    assert_eq!(found, 1_001);
    // 51 pages of 20 pipelines, 1,001 workflow listings.
    assert_eq!(first, 51 + 1_001);
    assert_eq!(unchanged, 1);

    // Argo CD: an application keeping 1,000 syncs (revisionHistoryLimit = 1000).
    let argo = argocd_server::Argocd::start().await;
    argo.set_limit(1_000);
    for n in 0..1_000i64 {
        let started = start + chrono::Duration::minutes(40 * n);
        let deployed = started + chrono::Duration::minutes(2);
        argo.sync(
            &format!("{:040x}", n + 1),
            &started.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            &deployed.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        );
    }
    let store = Arc::new(MemoryStore::new());
    let source = ArgocdSource::new(
        &crate::argocd::config(&argo.uri(), ""),
        crate::circleci::client(),
    )
    .unwrap();
    let found = sync(&source, &store, NOW).await;
    let first = argo.served().len();
    argo.clear_log();
    let again = sync(&source, &store, "2026-03-31T00:05:00Z").await;
    let unchanged = argo.served().len();
    eprintln!(
        "argocd: first sync of {found} deployments: {first} request; unchanged poll: {unchanged} request, {again} deployments re-read"
    );
    assert_eq!((found, first, unchanged, again), (1_000, 1, 1, 0));
}
