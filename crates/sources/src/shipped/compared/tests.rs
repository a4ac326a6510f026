#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};

use super::*;
use flowdeck_core::model::DeploymentStatus;
use flowdeck_store::SqliteStore;

fn at(t: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(t).unwrap().to_utc()
}

fn deployment(id: &str, sha: &str, finished: &str) -> Deployment {
    Deployment {
        id: id.to_string(),
        name: None,
        service: "api".into(),
        environment: "production".into(),
        production: true,
        sha: sha.to_string(),
        ref_name: None,
        started_at: None,
        finished_at: at(finished),
        status: DeploymentStatus::Success,
        url: None,
        changes: Vec::new(),
    }
}

fn change(sha: &str, authored: &str) -> Change {
    Change {
        sha: sha.to_string(),
        authored_at: at(authored),
        committed_at: at(authored),
        author: "Ann".into(),
        title: format!("commit {sha}"),
        merge: false,
        reverts: None,
        pr: None,
    }
}

/// A forge answering from a table of pairs (a pair not in it: 404), counting requests.
#[derive(Default)]
struct Table {
    pairs: HashMap<(String, String), Vec<Change>>,
    asked: Mutex<Vec<(String, String)>>,
    fail: bool,
}

impl Table {
    fn with(mut self, base: &str, head: &str, commits: &[Change]) -> Table {
        self.pairs
            .insert((base.to_string(), head.to_string()), commits.to_vec());
        self
    }

    fn asked(&self) -> Vec<(String, String)> {
        self.asked.lock().unwrap().clone()
    }
}

impl Forge for Table {
    async fn compare(&self, base: &str, head: &str) -> Result<Option<Fetched>, SourceError> {
        self.asked
            .lock()
            .unwrap()
            .push((base.to_string(), head.to_string()));
        if self.fail {
            return Err(SourceError::Transient("timed out".into()));
        }
        Ok(self
            .pairs
            .get(&(base.to_string(), head.to_string()))
            .map(|commits| Fetched {
                commits: commits.clone(),
                status: Some("ahead".into()),
                total_commits: Some(commits.len() as u64),
            }))
    }
}

fn events(deployments: Vec<Deployment>) -> EventSet {
    EventSet {
        deployments,
        ..EventSet::default()
    }
}

fn fallback() -> Fallback {
    Fallback {
        service: "api".into(),
        forge: "github:acme/api".into(),
        shown_on: vec!["jenkins:deploy".into()],
    }
}

fn shas(events: &EventSet, id: &str) -> Vec<String> {
    events
        .deployments
        .iter()
        .find(|d| d.id == id)
        .unwrap()
        .changes
        .iter()
        .map(|c| c.sha.clone())
        .collect()
}

#[test]
fn the_baseline_a_redeploy_and_a_forge_deployment_need_no_compare() {
    let mut own = deployment("github:acme/api:9", "c3", "2026-03-03T10:00:00Z");
    own.changes = vec![change("x", "2026-03-03T09:00:00Z")];
    let set = events(vec![
        deployment("jenkins:deploy:2", "C2", "2026-03-02T10:00:00Z"),
        deployment("jenkins:deploy:1", "c1", "2026-03-01T10:00:00Z"),
        deployment("jenkins:deploy:3", "c2", "2026-03-02T11:00:00Z"),
        own,
        deployment("jenkins:deploy:4", "c4", "2026-03-04T10:00:00Z"),
        // A build that checked out nothing: no compare, and no base for the next.
        deployment("jenkins:deploy:5", "", "2026-03-04T11:00:00Z"),
        deployment("jenkins:deploy:6", "c5", "2026-03-05T10:00:00Z"),
    ]);
    let order = deploy_order(&set, "api");
    let found = needs(&at_positions(&set, &order));
    let summary: Vec<(usize, &str, Vec<&str>)> = found
        .iter()
        .map(|n| {
            (
                n.position,
                n.head.as_str(),
                n.bases.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    // 0 is the baseline, 2 redeploys c2 (case aside), 3 is GitHub's own.
    assert_eq!(
        summary,
        vec![
            (1, "c2", vec!["c1"]),
            (4, "c4", vec!["c3", "c2", "c1"]),
            (6, "c5", vec!["c4", "c3", "c2"]),
        ]
    );
}

fn at_positions<'a>(set: &'a EventSet, order: &[usize]) -> Vec<&'a Deployment> {
    super::at(set, order)
}

#[tokio::test]
async fn each_pair_is_fetched_once_and_a_lost_sha_costs_only_its_own_deployment() {
    let store = SqliteStore::in_memory().unwrap();
    let now = at("2026-03-31T00:00:00Z");
    let set = events(vec![
        deployment("jenkins:deploy:1", "c1", "2026-03-01T10:00:00Z"),
        deployment("jenkins:deploy:2", "c2", "2026-03-02T10:00:00Z"),
        // Force-pushed away: GitHub has no "gone".
        deployment("jenkins:deploy:3", "gone", "2026-03-03T10:00:00Z"),
        deployment("jenkins:deploy:4", "c4", "2026-03-04T10:00:00Z"),
    ]);
    let forge = Table::default()
        .with("c1", "c2", &[change("b", "2026-03-02T08:00:00Z")])
        .with(
            "c2",
            "c4",
            &[
                change("d", "2026-03-04T08:00:00Z"),
                change("b", "2026-03-02T08:00:00Z"),
            ],
        );
    let done = fetch(&forge, &store, "github:acme/api", "api", &set, now)
        .await
        .unwrap();
    // c1...c2; c2...gone and c1...gone (404); gone...c4 (404), c2...c4.
    assert_eq!(done.compared, 5, "{:?}", forge.asked());
    assert_eq!(done.stopped, None);
    let again = fetch(&forge, &store, "github:acme/api", "api", &set, now)
        .await
        .unwrap();
    assert_eq!(again.compared, 0, "nothing is asked twice within a day");
    let next_day = fetch(
        &forge,
        &store,
        "github:acme/api",
        "api",
        &set,
        now + chrono::Duration::days(2),
    )
    .await
    .unwrap();
    assert_eq!(
        next_day.compared,
        3,
        "only the pairs GitHub could not compare are asked again, a day on: {:?}",
        forge.asked()
    );

    let mut applied = set.clone();
    let notes = apply(&[fallback()], &store, &mut applied).unwrap();
    assert_eq!(shas(&applied, "jenkins:deploy:2"), ["b"]);
    assert!(shas(&applied, "jenkins:deploy:3").is_empty());
    // c2...c4 less b, which deployment 2 shipped.
    assert_eq!(shas(&applied, "jenkins:deploy:4"), ["d"]);
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].text.starts_with(
            "lead time unknown for 1 deployment(s) of api: github:acme/api cannot compare"
        ) && notes[0].text.contains("jenkins:deploy:3 at gone"),
        "{notes:?}"
    );
}

#[tokio::test]
async fn a_failing_forge_stops_the_pass_and_keeps_what_it_had() {
    let store = SqliteStore::in_memory().unwrap();
    let now = at("2026-03-31T00:00:00Z");
    let set = events(vec![
        deployment("jenkins:deploy:1", "c1", "2026-03-01T10:00:00Z"),
        deployment("jenkins:deploy:2", "c2", "2026-03-02T10:00:00Z"),
        deployment("jenkins:deploy:3", "c3", "2026-03-03T10:00:00Z"),
    ]);
    let failing = Table {
        fail: true,
        ..Table::default()
    };
    let done = fetch(&failing, &store, "github:acme/api", "api", &set, now)
        .await
        .unwrap();
    assert_eq!(done.compared, 1);
    assert!(
        done.stopped.as_deref().unwrap().contains("timed out"),
        "{done:?}"
    );
    let mut applied = set.clone();
    let notes = apply(&[fallback()], &store, &mut applied).unwrap();
    assert_eq!(notes.len(), 1);
    assert!(
        notes[0]
            .text
            .starts_with("2 deployment(s) of api wait for their commits"),
        "{notes:?}"
    );
    // The next sync recovers.
    let forge = Table::default()
        .with("c1", "c2", &[change("b", "2026-03-02T08:00:00Z")])
        .with("c2", "c3", &[change("c", "2026-03-03T08:00:00Z")]);
    let done = fetch(&forge, &store, "github:acme/api", "api", &set, now)
        .await
        .unwrap();
    assert_eq!(done.compared, 2);
    let mut applied = set.clone();
    assert!(
        apply(&[fallback()], &store, &mut applied)
            .unwrap()
            .is_empty()
    );
    assert_eq!(shas(&applied, "jenkins:deploy:3"), ["c"]);
}

#[test]
fn a_cut_compare_is_said() {
    let store = SqliteStore::in_memory().unwrap();
    let kept = StoredCompare {
        commits: Some(vec![change("b", "2026-03-02T08:00:00Z")]),
        status: Some("ahead".into()),
        total_commits: Some(3_200),
        fetched_at: at("2026-03-31T00:00:00Z"),
    };
    store
        .put_compare("github:acme/api", "c1", "c2", &kept)
        .unwrap();
    let mut set = events(vec![
        deployment("jenkins:deploy:1", "c1", "2026-03-01T10:00:00Z"),
        deployment("jenkins:deploy:2", "c2", "2026-03-02T10:00:00Z"),
    ]);
    let notes = apply(&[fallback()], &store, &mut set).unwrap();
    assert_eq!(shas(&set, "jenkins:deploy:2"), ["b"]);
    assert_eq!(notes.len(), 1);
    assert!(
        notes[0].text.contains("(e.g. jenkins:deploy:2: 1 of 3200)"),
        "{notes:?}"
    );
}

#[test]
fn the_first_forge_of_a_service_without_a_git_source_compares() {
    let config = flowdeck_config::parse(
        r#"
[[sources]]
kind = "jenkins"
service = "api"
base_url = "https://jenkins.example.com"
deploy_job = "deploy/api"
user = "ci"

[[sources]]
kind = "argocd"
service = "api"
base_url = "https://argocd.example.com"
application = "api-production"

[[sources]]
kind = "github"
service = "api"
repo = "acme/api"

[[sources]]
kind = "gitlab"
service = "api"
project = "acme/api"

[[sources]]
kind = "jenkins"
service = "web"
base_url = "https://jenkins.example.com"
deploy_job = "deploy/web"
user = "ci"

[[sources]]
kind = "github"
service = "web"
repo = "acme/web"

[[sources]]
kind = "git"
service = "web"
path = "."
deploy_tags = []

[[sources]]
kind = "jenkins"
service = "mail"
base_url = "https://jenkins.example.com"
deploy_job = "deploy/mail"
user = "ci"
"#,
        std::path::Path::new("/nonexistent/flowdeck.toml"),
    )
    .unwrap();
    assert_eq!(
        fallbacks(&config),
        vec![Fallback {
            service: "api".into(),
            forge: "github:acme/api".into(),
            shown_on: vec!["jenkins:deploy/api".into(), "argocd:api-production".into()],
        }],
        "web has a git source; mail has no forge"
    );
}

/// A store whose kept compares cannot be read back (a damaged row).
struct Garbled(SqliteStore);

impl Store for Garbled {
    fn load(&self) -> Result<EventSet, StoreError> {
        self.0.load()
    }
    fn commit_sync(
        &self,
        source: &str,
        events: &EventSet,
        watermarks: &[(String, String)],
        status: &flowdeck_store::StoredStatus,
    ) -> Result<flowdeck_store::UpsertCount, StoreError> {
        self.0.commit_sync(source, events, watermarks, status)
    }
    fn put_status(&self, status: &flowdeck_store::StoredStatus) -> Result<(), StoreError> {
        self.0.put_status(status)
    }
    fn statuses(&self) -> Result<Vec<flowdeck_store::StoredStatus>, StoreError> {
        self.0.statuses()
    }
    fn watermark(&self, source: &str, key: &str) -> Result<Option<String>, StoreError> {
        self.0.watermark(source, key)
    }
    fn cached_response(
        &self,
        url: &str,
    ) -> Result<Option<flowdeck_store::CachedResponse>, StoreError> {
        self.0.cached_response(url)
    }
    fn put_cached_response(
        &self,
        url: &str,
        response: &flowdeck_store::CachedResponse,
    ) -> Result<(), StoreError> {
        self.0.put_cached_response(url, response)
    }
    fn compare(&self, _: &str, _: &str, _: &str) -> Result<Option<StoredCompare>, StoreError> {
        Err(StoreError::Decode(
            "a stored compare: expected value".into(),
        ))
    }
}

#[tokio::test]
async fn a_kept_compare_that_cannot_be_read_is_asked_again_not_a_broken_history() {
    let store = Garbled(SqliteStore::in_memory().unwrap());
    let set = events(vec![
        deployment("jenkins:deploy:1", "c1", "2026-03-01T10:00:00Z"),
        deployment("jenkins:deploy:2", "c2", "2026-03-02T10:00:00Z"),
    ]);
    let forge = Table::default().with("c1", "c2", &[change("b", "2026-03-02T08:00:00Z")]);
    let done = fetch(
        &forge,
        &store,
        "github:acme/api",
        "api",
        &set,
        at("2026-03-31T00:00:00Z"),
    )
    .await
    .unwrap();
    assert_eq!(done.compared, 1);
    let mut applied = set.clone();
    let notes = apply(&[fallback()], &store, &mut applied).unwrap();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].text.contains("wait for their commits"),
        "{notes:?}"
    );
}
