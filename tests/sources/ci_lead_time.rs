//! Lead times of CircleCI and Argo CD deployments through the service's git source
//! (docs/METRICS.md#deployments-that-name-only-a-sha): both sources store only the deployed
//! sha; a git source of the service with `deploy_tags = []` walks their deployments in deploy
//! order over its clone, and the lead times follow, worked out by hand.
//!
//! The repository (author dates): c1 02-20 09:00, c2 03-01 12:00, c3 03-02 08:00,
//! c4 03-11 10:00. Both systems deploy c1 before the horizon (the baseline), c3, c4, then c3
//! again (a rollback: it ships nothing).

use crate::support::gitrepo::GitRepo;
use crate::support::{argocd_server, circleci_server, gitlab_store};

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use flowdeck::metrics::{History, Rules, Scope, Window, compute};
use flowdeck::model::EventSet;
use flowdeck::sources::live::{Source, SyncContext};
use flowdeck::sources::shipped;
use flowdeck::sources::{argocd::ArgocdSource, circleci::CircleciSource};
use flowdeck::store::Store;

use circleci_server::{Circleci, pipe, wf};
use gitlab_store::MemoryStore;

const NOW: &str = "2026-03-31T00:00:00Z";

fn at(t: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(t).unwrap().to_utc()
}

fn repo() -> (GitRepo, [String; 4]) {
    let repo = GitRepo::new();
    let mut c: [String; 4] = Default::default();
    for (i, when) in [
        "2026-02-20T09:00:00Z",
        "2026-03-01T12:00:00Z",
        "2026-03-02T08:00:00Z",
        "2026-03-11T10:00:00Z",
    ]
    .iter()
    .enumerate()
    {
        c[i] = repo
            .commit(&format!("change {}", i + 1))
            .file("f.txt", &format!("{i}\n"))
            .at(when)
            .create();
    }
    (repo, c)
}

/// The stored events with their shipped commits resolved as the binary does.
fn resolved(mut events: EventSet, repo: &GitRepo) -> (History, Vec<shipped::ShippedNote>) {
    let config = flowdeck::config::parse(
        &format!(
            "[[sources]]\nkind = \"git\"\nservice = \"api\"\npath = {:?}\ndeploy_tags = []\n",
            repo.path().display().to_string()
        ),
        Path::new("/nonexistent/flowdeck.toml"),
    )
    .unwrap();
    let notes = shipped::resolve(&config, Path::new("/"), &mut events);
    (History::derive(events, Rules::default()), notes)
}

fn close(actual: Option<f64>, expected: f64) -> bool {
    actual.is_some_and(|a| (a - expected).abs() < 1e-6)
}

async fn synced(source: &dyn Source, store: &Arc<MemoryStore>, now: &str) {
    let ctx = SyncContext {
        store: store.clone() as Arc<dyn Store>,
        now: at(now),
        backfill: chrono::Duration::days(30),
        lease: None,
    };
    let outcome = source.sync(&ctx).await.unwrap();
    let status = flowdeck::store::StoredStatus {
        name: source.name().to_string(),
        kind: source.kind().to_string(),
        status: "ok".into(),
        last_success_at: Some(at(now)),
        error: None,
        covers_from: outcome.covers_from,
        next_retry_at: None,
    };
    store
        .commit_sync(source.name(), &outcome.events, &outcome.watermarks, &status)
        .unwrap();
}

#[tokio::test]
async fn circleci_deployments_get_their_commits_and_lead_times_from_the_git_source() {
    let (repo, c) = repo();
    let deploy = |id: &str, created: &str| wf(id, "deploy", "success", created, Some(10));
    let cci = Circleci::start(&[
        pipe(
            1,
            &c[0],
            "2026-02-20T10:00:00.000Z",
            vec![deploy("d1", "2026-02-20T10:15:00.000Z")],
        ),
        pipe(
            2,
            &c[2],
            "2026-03-02T10:00:00.000Z",
            vec![deploy("d2", "2026-03-02T10:15:00.000Z")],
        ),
        pipe(
            3,
            &c[3],
            "2026-03-12T10:00:00.000Z",
            vec![deploy("d3", "2026-03-12T10:15:00.000Z")],
        ),
        pipe(
            4,
            &c[2],
            "2026-03-20T10:00:00.000Z",
            vec![deploy("d4", "2026-03-20T10:15:00.000Z")],
        ),
    ])
    .await;
    let store = Arc::new(MemoryStore::new());
    let source = CircleciSource::new(
        &crate::circleci::config(&cci.uri()),
        crate::circleci::client(),
    )
    .unwrap();
    synced(&source, &store, NOW).await;
    let (history, notes) = resolved(store.events(), &repo);
    assert!(notes.is_empty(), "{notes:?}");
    let changes = |id: &str| -> Vec<String> {
        let d = history
            .events
            .deployments
            .iter()
            .find(|d| d.id == format!("circleci:gh/acme/api:{id}"))
            .unwrap();
        d.changes.iter().map(|c| c.sha.clone()).collect()
    };
    assert_eq!(changes("d2"), [c[2].clone(), c[1].clone()]);
    assert_eq!(changes("d3"), [c[3].clone()]);
    assert!(changes("d4").is_empty(), "a rollback ships nothing");

    // d2 finished 03-02 10:25: c2 22 h 25 m (80,700 s), c3 2 h 25 m (8,700 s);
    // d3 finished 03-12 10:25: c4 24 h 25 m (87,900 s). Median 80,700; p90 at rank 1.8:
    // 80,700 + 0.8 × 7,200 = 86,460.
    let window = Window::new(at("2026-03-01T00:00:00Z"), at(NOW));
    let m = compute(&history, &Scope::all(&history), &window, at(NOW));
    let l = &m.lead_time_for_changes;
    assert_eq!(l.changes, 3);
    assert!(close(l.median_seconds, 80_700.0), "{l:?}");
    assert!(close(l.p90_seconds, 86_460.0), "{l:?}");
}

#[tokio::test]
async fn argocd_syncs_get_their_commits_and_lead_times_from_the_git_source() {
    let (repo, c) = repo();
    let argo = argocd_server::Argocd::start().await;
    argo.sync(&c[0], "2026-02-25T10:00:00Z", "2026-02-25T10:02:00Z");
    argo.sync(&c[2], "2026-03-02T10:00:00Z", "2026-03-02T10:02:00Z");
    argo.sync(&c[3], "2026-03-12T10:00:00Z", "2026-03-12T10:02:00Z");
    argo.sync(&c[2], "2026-03-20T10:00:00Z", "2026-03-20T10:02:00Z");
    let store = Arc::new(MemoryStore::new());
    let source = ArgocdSource::new(
        &crate::argocd::config(&argo.uri(), ""),
        crate::circleci::client(),
    )
    .unwrap();
    synced(&source, &store, NOW).await;
    let (history, notes) = resolved(store.events(), &repo);
    assert!(notes.is_empty(), "{notes:?}");

    // c2: 03-01 12:00 → 03-02 10:02 = 79,320 s; c3: 08:00 → 10:02 = 7,320 s;
    // c4: 03-11 10:00 → 03-12 10:02 = 86,520 s. Median 79,320.
    let window = Window::new(at("2026-03-01T00:00:00Z"), at(NOW));
    let m = compute(&history, &Scope::all(&history), &window, at(NOW));
    let l = &m.lead_time_for_changes;
    assert_eq!(l.changes, 3);
    assert!(close(l.median_seconds, 79_320.0), "{l:?}");
    assert_eq!(
        m.change_failure_rate.failed, 1,
        "c4's sync, rolled back over"
    );

    // Without a git source the lead time is unknown and the note says what to add.
    let mut events = store.events();
    let config = flowdeck::config::parse(
        "[[sources]]\nkind = \"argocd\"\nservice = \"api\"\nbase_url = \"https://argocd.example.com\"\napplication = \"api-production\"\n",
        Path::new("/nonexistent/flowdeck.toml"),
    )
    .unwrap();
    let notes = shipped::resolve(&config, Path::new("/"), &mut events);
    assert_eq!(notes.len(), 1);
    assert!(notes[0].text.contains("deploy_tags = []"), "{notes:?}");
}
