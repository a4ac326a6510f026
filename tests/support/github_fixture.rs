//! The acme/api repository on a wiremock GitHub, for a first sync at 2026-03-31T00:00:00Z with a
//! 30-day backfill (horizon 2026-03-01T00:00:00Z). Every number the tests expect is worked out by
//! hand in tests/sources/github.rs from the data below.
//!
//! Deployments to `production` (the list is newest first, 5 per page here, so it pages):
//!
//! | id  | ref    | sha      | statuses (oldest first)                         | outcome                  |
//! |-----|--------|----------|-------------------------------------------------|--------------------------|
//! | 100 | v1.0.0 | S0       | success 02-20 10:05, inactive 03-02 10:10       | success, before horizon  |
//! | 101 | v1.0.1 | SX       | in_progress 02-25 10:01, error 02-25 10:20      | failed job, before it    |
//! | 102 | v1.1.0 | m1       | queued, in_progress, success 03-02 10:10        | D1                       |
//! | 103 | v1.2.0 | c4       | in_progress, success 03-05 12:05, inactive      | D2                       |
//! | 104 | v1.3.0 | S3       | in_progress, failure 03-10 09:20                | failed deploy job        |
//! | 105 | v1.3.1 | c5       | in_progress, success 03-10 11:15                | D4                       |
//! | 106 | main   | m2       | in_progress, success 03-20 15:30                | D5                       |
//! | 107 | v1.4.0 | S6       | queued, in_progress 03-30 08:02                 | in progress              |
//!
//! The first sync reads 101's statuses (error: not a predecessor), then 100's (success: the
//! baseline). `prod` has no deployments. The unfiltered list shows a `staging` deployment
//! (production_environment false): no environment is discovered.
//!
//! Compares (oldest commit first, as GitHub lists them):
//! - S0...m1: c1 (Alice, authored 02-27 10:10), c2 (Alice, 03-01 10:10), m1 (merge of PR #1)
//! - m1...c4: c3 (Carol, 03-04 12:05) on page 1, c4 (Carol, 03-05 06:05) on page 2 (Link)
//! - c4...c5: c5 (Dave, 03-10 09:15) "This reverts commit <c3>"
//! - c5...m2: c8 (Carol, 03-19 15:30), c7 "hotfix: guard nil user" (03-20 13:30), m2 (merge of #3)

use super::leaked::{Leaked, leaked};
use chrono::Duration;
use flowdeck::config::schema::{CommitTime, GithubSourceConfig};
use flowdeck::model::Timestamp;
use serde_json::{Value, json};
use wiremock::MockServer;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, ResponseTemplate};

use super::github_payloads::{self as gh, REPO_ID, sha};
use super::github_server::{Page, link, serve, serve_with_priority};

pub const REPO: &str = "api";
pub const NOW: &str = "2026-03-31T00:00:00Z";
pub const TOKEN: &str = "ghp_FlowdeckTestToken0042";

pub fn now() -> Timestamp {
    NOW.parse().unwrap_or_default()
}

pub fn backfill() -> Duration {
    Duration::days(30)
}

pub fn config(base: &str) -> GithubSourceConfig {
    GithubSourceConfig {
        name: None,
        service: "api".into(),
        repo: format!("acme/{REPO}"),
        base_url: base.to_string(),
        token_env: None,
        token_cmd: Some(format!("printf %s {TOKEN}")),
        deploy_environments: vec!["production".into(), "prod".into()],
        deploy_workflows: Vec::new(),
        ci_workflows: vec!["ci.yml".into()],
        incident_labels: vec!["incident".into()],
        commit_time: CommitTime::Authored,
        interval: None,
    }
}

/// The shas, by name.
pub struct Shas;

impl Shas {
    pub fn s0() -> String {
        sha("v1.0.0")
    }
    pub fn sx() -> String {
        sha("broken")
    }
    pub fn s3() -> String {
        sha("s3")
    }
    pub fn s6() -> String {
        sha("s6")
    }
}

fn repo_url(base: &str) -> String {
    format!("{base}/repos/acme/{REPO}")
}

/// Where GitHub's Link headers point: `/repositories/{id}/…`.
fn linked(base: &str, rest: &str) -> String {
    format!("{base}/repositories/{REPO_ID}/{rest}")
}

fn commit(
    base: &str,
    name: &str,
    author: &str,
    at: &str,
    message: &str,
    parents: &[&str],
) -> Value {
    let parents: Vec<String> = parents.iter().map(|p| sha(p)).collect();
    // Committed a little after authored: lead time must use the author date.
    let committed = at.parse::<Timestamp>().map_or(at.to_string(), |t| {
        (t + Duration::minutes(7)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    });
    gh::commit(
        base,
        REPO,
        &sha(name),
        author,
        at,
        &committed,
        message,
        &parents,
    )
}

pub fn c1(base: &str) -> Value {
    commit(
        base,
        "c1",
        "Alice",
        "2026-02-27T10:10:00Z",
        "Add cache layer\n\nKeeps hot keys in memory.",
        &["v1.0.0"],
    )
}
pub fn c2(base: &str) -> Value {
    commit(
        base,
        "c2",
        "Alice",
        "2026-03-01T10:10:00Z",
        "Tune cache TTL",
        &["c1"],
    )
}
pub fn m1(base: &str) -> Value {
    commit(
        base,
        "m1",
        "Bob",
        "2026-03-02T09:00:00Z",
        "Merge pull request #1 from acme/feature/cache\n\nAdd cache",
        &["v1.0.0", "c2"],
    )
}
pub fn c3(base: &str) -> Value {
    commit(
        base,
        "c3",
        "Carol",
        "2026-03-04T12:05:00Z",
        "Add retry budget",
        &["m1"],
    )
}
pub fn c4(base: &str) -> Value {
    commit(
        base,
        "c4",
        "Carol",
        "2026-03-05T06:05:00Z",
        "Log retries",
        &["c3"],
    )
}
pub fn c5(base: &str) -> Value {
    let message = format!(
        "Revert \"Add retry budget\"\n\nThis reverts commit {}.\n",
        sha("c3")
    );
    commit(
        base,
        "c5",
        "Dave",
        "2026-03-10T09:15:00Z",
        &message,
        &["c4"],
    )
}
pub fn c8(base: &str) -> Value {
    commit(
        base,
        "c8",
        "Carol",
        "2026-03-19T15:30:00Z",
        "Handle missing user",
        &["c5"],
    )
}
pub fn c7(base: &str) -> Value {
    commit(
        base,
        "c7",
        "Carol",
        "2026-03-20T13:30:00Z",
        "hotfix: guard nil user",
        &["c8"],
    )
}
pub fn m2(base: &str) -> Value {
    commit(
        base,
        "m2",
        "Dave",
        "2026-03-20T14:30:00Z",
        "Merge pull request #3 from acme/fix-nil-user\n\nFix nil user",
        &["c5", "c7"],
    )
}
pub fn c9(base: &str) -> Value {
    commit(
        base,
        "c9",
        "Erin",
        "2026-03-30T10:00:00Z",
        "Speed up checkout (#8)",
        &["m2"],
    )
}

fn deployment(base: &str, id: u64, sha: &str, git_ref: &str, created: &str) -> Value {
    gh::deployment(base, REPO, id, sha, git_ref, "production", created, true)
}

fn status(base: &str, deployment: u64, id: u64, state: &str, at: &str) -> Value {
    let env_url = if state == "success" {
        "https://api.acme.example"
    } else {
        ""
    };
    gh::deployment_status(base, REPO, deployment, id, state, "production", at, env_url)
}

pub fn d(base: &str, id: u64) -> Value {
    match id {
        100 => deployment(base, 100, &Shas::s0(), "v1.0.0", "2026-02-20T10:00:00Z"),
        101 => deployment(base, 101, &Shas::sx(), "v1.0.1", "2026-02-25T10:00:00Z"),
        102 => deployment(base, 102, &sha("m1"), "v1.1.0", "2026-03-02T10:00:00Z"),
        103 => deployment(base, 103, &sha("c4"), "v1.2.0", "2026-03-05T12:00:00Z"),
        104 => deployment(base, 104, &Shas::s3(), "v1.3.0", "2026-03-10T09:00:00Z"),
        105 => deployment(base, 105, &sha("c5"), "v1.3.1", "2026-03-10T11:00:00Z"),
        106 => deployment(base, 106, &sha("m2"), "main", "2026-03-20T15:00:00Z"),
        107 => deployment(base, 107, &Shas::s6(), "v1.4.0", "2026-03-30T08:00:00Z"),
        _ => deployment(base, 108, &sha("c9"), "v1.5.0", "2026-03-30T11:50:00Z"),
    }
}

/// Statuses newest first, as GitHub lists them.
pub fn statuses(base: &str, id: u64) -> Value {
    let s = |sid, state, at| status(base, id, sid, state, at);
    json!(match id {
        100 => vec![
            s(1002, "inactive", "2026-03-02T10:10:00Z"),
            s(1001, "success", "2026-02-20T10:05:00Z")
        ],
        101 => vec![
            s(1011, "error", "2026-02-25T10:20:00Z"),
            s(1010, "in_progress", "2026-02-25T10:01:00Z")
        ],
        102 => vec![
            s(1022, "success", "2026-03-02T10:10:00Z"),
            s(1021, "in_progress", "2026-03-02T10:01:00Z"),
            s(1020, "queued", "2026-03-02T10:00:30Z")
        ],
        103 => vec![
            s(1032, "inactive", "2026-03-10T11:15:00Z"),
            s(1031, "success", "2026-03-05T12:05:00Z"),
            s(1030, "in_progress", "2026-03-05T12:01:00Z")
        ],
        104 => vec![
            s(1041, "failure", "2026-03-10T09:20:00Z"),
            s(1040, "in_progress", "2026-03-10T09:01:00Z")
        ],
        105 => vec![
            s(1051, "success", "2026-03-10T11:15:00Z"),
            s(1050, "in_progress", "2026-03-10T11:01:00Z")
        ],
        106 => vec![
            s(1061, "success", "2026-03-20T15:30:00Z"),
            s(1060, "in_progress", "2026-03-20T15:02:00Z")
        ],
        107 => vec![
            s(1071, "in_progress", "2026-03-30T08:02:00Z"),
            s(1070, "queued", "2026-03-30T08:00:30Z")
        ],
        _ => vec![
            s(1081, "success", "2026-03-30T12:00:00Z"),
            s(1080, "in_progress", "2026-03-30T11:51:00Z")
        ],
    })
}

fn run(
    base: &str,
    id: u64,
    conclusion: Option<&str>,
    created: &str,
    started: &str,
    updated: &str,
    attempt: u32,
) -> Value {
    let status = if conclusion.is_some() {
        "completed"
    } else {
        "in_progress"
    };
    gh::workflow_run(
        base,
        REPO,
        id,
        "CI",
        "ci.yml",
        &sha(&format!("run {id}")),
        status,
        conclusion,
        created,
        started,
        updated,
        attempt,
    )
}

/// The runs since 2026-03-01, newest first: R7 … R1.
pub fn runs(base: &str) -> Vec<Value> {
    vec![
        run(
            base,
            9007,
            None,
            "2026-03-30T07:00:00Z",
            "2026-03-30T07:01:00Z",
            "2026-03-30T07:30:00Z",
            1,
        ),
        run(
            base,
            9006,
            Some("timed_out"),
            "2026-03-07T09:00:00Z",
            "2026-03-07T09:01:00Z",
            "2026-03-07T10:01:00Z",
            1,
        ),
        run(
            base,
            9005,
            Some("cancelled"),
            "2026-03-06T09:00:00Z",
            "2026-03-06T09:01:00Z",
            "2026-03-06T09:03:00Z",
            1,
        ),
        gh::workflow_run(
            base,
            REPO,
            9004,
            "Deploy",
            "deploy.yml",
            &sha("c4"),
            "completed",
            Some("success"),
            "2026-03-05T12:00:00Z",
            "2026-03-05T12:00:10Z",
            "2026-03-05T12:06:00Z",
            1,
        ),
        // Re-run: the listing shows the latest attempt; run_started_at is that attempt's start.
        run(
            base,
            9003,
            Some("success"),
            "2026-03-04T09:00:00Z",
            "2026-03-04T10:00:00Z",
            "2026-03-04T10:05:00Z",
            2,
        ),
        run(
            base,
            9002,
            Some("failure"),
            "2026-03-03T09:00:00Z",
            "2026-03-03T09:02:00Z",
            "2026-03-03T09:22:00Z",
            1,
        ),
        run(
            base,
            9001,
            Some("success"),
            "2026-03-02T09:00:00Z",
            "2026-03-02T09:01:00Z",
            "2026-03-02T09:11:00Z",
            1,
        ),
    ]
}

#[allow(clippy::too_many_arguments)]
fn pr(
    base: &str,
    number: u64,
    title: &str,
    author: &str,
    head: &str,
    created: &str,
    updated: &str,
    closed: Option<&str>,
    merged: Option<&str>,
    merge: &str,
) -> Value {
    gh::pull_request(
        base,
        REPO,
        number,
        title,
        Some("Details in the commits."),
        author,
        head,
        created,
        updated,
        closed,
        merged,
        &sha(merge),
    )
}

pub fn pulls(base: &str) -> Vec<Value> {
    vec![
        pr(
            base,
            5,
            "Add metrics endpoint",
            "erin",
            "metrics",
            "2026-03-25T10:00:00Z",
            "2026-03-29T10:00:00Z",
            None,
            None,
            "test 5",
        ),
        pr(
            base,
            3,
            "Fix nil user",
            "carol",
            "fix-nil-user",
            "2026-03-19T16:00:00Z",
            "2026-03-20T14:31:00Z",
            Some("2026-03-20T14:30:00Z"),
            Some("2026-03-20T14:30:00Z"),
            "m2",
        ),
        pr(
            base,
            6,
            "Bump serde from 1.0.1 to 1.0.2",
            "dependabot[bot]",
            "dependabot/cargo/serde-1.0.2",
            "2026-03-15T08:00:00Z",
            "2026-03-15T10:05:00Z",
            Some("2026-03-15T10:00:00Z"),
            Some("2026-03-15T10:00:00Z"),
            "m6",
        ),
        pr(
            base,
            2,
            "Try sharding",
            "bob",
            "sharding",
            "2026-03-06T10:00:00Z",
            "2026-03-07T10:00:00Z",
            Some("2026-03-07T10:00:00Z"),
            None,
            "test 2",
        ),
        pr(
            base,
            1,
            "Add cache",
            "alice",
            "feature/cache",
            "2026-03-01T08:00:00Z",
            "2026-03-02T09:05:00Z",
            Some("2026-03-02T09:00:00Z"),
            Some("2026-03-02T09:00:00Z"),
            "m1",
        ),
        // Updated before the horizon: the listing stops here.
        pr(
            base,
            0,
            "Fix docs",
            "bob",
            "docs",
            "2026-02-09T10:00:00Z",
            "2026-02-10T10:00:00Z",
            Some("2026-02-10T10:00:00Z"),
            Some("2026-02-10T10:00:00Z"),
            "m0",
        ),
    ]
}

pub fn open_pulls(base: &str) -> Vec<Value> {
    vec![
        pr(
            base,
            5,
            "Add metrics endpoint",
            "erin",
            "metrics",
            "2026-03-25T10:00:00Z",
            "2026-03-29T10:00:00Z",
            None,
            None,
            "test 5",
        ),
        // Untouched since January: still work in progress.
        pr(
            base,
            7,
            "Rewrite auth",
            "frank",
            "auth",
            "2026-01-10T00:00:00Z",
            "2026-01-15T00:00:00Z",
            None,
            None,
            "test 7",
        ),
    ]
}

pub fn issues(base: &str) -> Vec<Value> {
    vec![
        gh::issue(
            base,
            REPO,
            52,
            "Fix 500s on checkout",
            Some("Fixes #50"),
            &["incident"],
            "2026-03-21T09:00:00Z",
            "2026-03-21T11:00:00Z",
            Some("2026-03-21T11:00:00Z"),
            true,
        ),
        gh::issue(
            base,
            REPO,
            51,
            "Slow checkout",
            Some("p99 latency above 2 s"),
            &["incident"],
            "2026-03-28T09:00:00Z",
            "2026-03-29T10:00:00Z",
            None,
            false,
        ),
        gh::issue(
            base,
            REPO,
            50,
            "API 500s after deploy",
            Some("Errors spiked on /checkout."),
            &["incident", "sev2"],
            "2026-03-20T18:00:00Z",
            "2026-03-20T20:00:00Z",
            Some("2026-03-20T20:00:00Z"),
            false,
        ),
    ]
}

/// Mounts the whole repository.
pub async fn mount(server: &MockServer) {
    mount_under(server, "").await;
}

/// Mounts the whole repository under `prefix` (`/api/v3`: GitHub Enterprise's API root).
pub async fn mount_under(server: &MockServer, prefix: &str) {
    let base = format!("{}{prefix}", server.uri());
    let base = base.as_str();
    let repo = repo_url(base);
    let at = |rest: &str| format!("{prefix}/repos/acme/{REPO}/{rest}");

    serve(
        server,
        &format!("{prefix}/repos/acme/{REPO}"),
        &[],
        gh::repository(base, REPO, true),
        None,
    )
    .await;

    // Deployments: the unfiltered first page (environment discovery), then per environment.
    let unfiltered = json!([
        gh::deployment(
            base,
            REPO,
            110,
            &sha("staging"),
            "main",
            "staging",
            "2026-03-30T09:00:00Z",
            false
        ),
        d(base, 107),
        d(base, 106),
    ]);
    Mock::given(method("GET"))
        .and(path(at("deployments")))
        .and(query_param("per_page", "100"))
        .and(query_param_is_missing("environment"))
        .and(query_param_is_missing("page"))
        .respond_with(Page::new(&unfiltered, None))
        .mount(server)
        .await;
    let production = &[("environment", "production"), ("per_page", "100")];
    let next = linked(base, "deployments?environment=production&per_page=100");
    let page1: Vec<Value> = [107, 106, 105, 104, 103]
        .iter()
        .map(|&i| d(base, i))
        .collect();
    serve(
        server,
        &at("deployments"),
        production,
        json!(page1),
        link(&next, 1, 2),
    )
    .await;
    let page2: Vec<Value> = [102, 101, 100].iter().map(|&i| d(base, i)).collect();
    serve(
        server,
        &format!("{prefix}/repositories/{REPO_ID}/deployments"),
        &[
            ("environment", "production"),
            ("per_page", "100"),
            ("page", "2"),
        ],
        json!(page2),
        link(&next, 2, 2),
    )
    .await;
    serve(
        server,
        &at("deployments"),
        &[("environment", "prod"), ("per_page", "100")],
        json!([]),
        None,
    )
    .await;
    for id in 100..=107 {
        serve(
            server,
            &at(&format!("deployments/{id}/statuses")),
            &[("per_page", "100")],
            statuses(base, id),
            None,
        )
        .await;
    }

    // Compares.
    let compare = |from: &str, to: &str| format!("compare/{from}...{to}");
    let per_page = &[("per_page", "100")];
    serve(
        server,
        &at(&compare(&Shas::s0(), &sha("m1"))),
        per_page,
        gh::comparison(
            base,
            REPO,
            &Shas::s0(),
            &sha("m1"),
            3,
            vec![c1(base), c2(base), m1(base)],
        ),
        None,
    )
    .await;
    let two_pages = compare(&sha("m1"), &sha("c4"));
    let next = linked(base, &format!("{two_pages}?per_page=100"));
    serve(
        server,
        &at(&two_pages),
        per_page,
        gh::comparison(base, REPO, &sha("m1"), &sha("c4"), 2, vec![c3(base)]),
        link(&next, 1, 2),
    )
    .await;
    serve(
        server,
        &format!("{prefix}/repositories/{REPO_ID}/{two_pages}"),
        &[("per_page", "100"), ("page", "2")],
        gh::comparison(base, REPO, &sha("m1"), &sha("c4"), 2, vec![c4(base)]),
        link(&next, 2, 2),
    )
    .await;
    serve(
        server,
        &at(&compare(&sha("c4"), &sha("c5"))),
        per_page,
        gh::comparison(base, REPO, &sha("c4"), &sha("c5"), 1, vec![c5(base)]),
        None,
    )
    .await;
    serve(
        server,
        &at(&compare(&sha("c5"), &sha("m2"))),
        per_page,
        gh::comparison(
            base,
            REPO,
            &sha("c5"),
            &sha("m2"),
            3,
            vec![c8(base), c7(base), m2(base)],
        ),
        None,
    )
    .await;

    // Workflow runs: two pages since the horizon, and the day of the run still going.
    let all = runs(base);
    let next = linked(base, "actions/runs?per_page=100&created=%3E%3D2026-03-01");
    serve(
        server,
        &at("actions/runs"),
        &[("per_page", "100"), ("created", ">=2026-03-01")],
        gh::workflow_runs(7, all[..4].to_vec()),
        link(&next, 1, 2),
    )
    .await;
    serve(
        server,
        &format!("{prefix}/repositories/{REPO_ID}/actions/runs"),
        &[
            ("per_page", "100"),
            ("created", ">=2026-03-01"),
            ("page", "2"),
        ],
        gh::workflow_runs(7, all[4..].to_vec()),
        link(&next, 2, 2),
    )
    .await;
    serve(
        server,
        &at("actions/runs"),
        &[("per_page", "100"), ("created", ">=2026-03-30")],
        gh::workflow_runs(1, all[..1].to_vec()),
        None,
    )
    .await;
    serve(
        server,
        &at("actions/runs"),
        &[("per_page", "1"), ("created", ">=2026-03-01")],
        gh::workflow_runs(7, all[..1].to_vec()),
        None,
    )
    .await;

    // Pull requests, their commits and reviews.
    serve(
        server,
        &at("pulls"),
        &[
            ("state", "all"),
            ("sort", "updated"),
            ("direction", "desc"),
            ("per_page", "100"),
        ],
        json!(pulls(base)),
        None,
    )
    .await;
    serve(
        server,
        &at("pulls"),
        &[("state", "open"), ("per_page", "100")],
        json!(open_pulls(base)),
        None,
    )
    .await;
    serve(
        server,
        &at("pulls/1/commits"),
        per_page,
        json!([c1(base), c2(base)]),
        None,
    )
    .await;
    serve(
        server,
        &at("pulls/1/reviews"),
        per_page,
        json!([
            gh::review(
                base,
                REPO,
                1,
                801,
                "alice",
                "COMMENTED",
                "2026-03-01T09:00:00Z"
            ),
            gh::review(
                base,
                REPO,
                1,
                802,
                "bob",
                "APPROVED",
                "2026-03-01T12:00:00Z"
            ),
        ]),
        None,
    )
    .await;
    serve(
        server,
        &at("pulls/3/commits"),
        per_page,
        json!([c8(base), c7(base)]),
        None,
    )
    .await;
    serve(
        server,
        &at("pulls/3/reviews"),
        per_page,
        json!([
            gh::review(
                base,
                REPO,
                3,
                803,
                "carol",
                "COMMENTED",
                "2026-03-19T17:00:00Z"
            ),
            gh::review(
                base,
                REPO,
                3,
                804,
                "dave",
                "APPROVED",
                "2026-03-20T14:00:00Z"
            ),
        ]),
        None,
    )
    .await;
    serve(
        server,
        &at("pulls/6/commits"),
        per_page,
        json!([gh::commit(
            base,
            REPO,
            &sha("bump"),
            "dependabot[bot]",
            "2026-03-15T07:59:00Z",
            "2026-03-15T07:59:00Z",
            "Bump serde from 1.0.1 to 1.0.2",
            &[sha("c5")]
        ),]),
        None,
    )
    .await;
    serve(server, &at("pulls/6/reviews"), per_page, json!([]), None).await;

    // Incidents: issues labelled `incident` (one of them a pull request).
    let issues_at = at("issues");
    let all = issues(base);
    serve(
        server,
        &issues_at,
        &[
            ("labels", "incident"),
            ("state", "all"),
            ("since", "2026-03-01T00:00:00Z"),
            ("per_page", "100"),
        ],
        json!(all),
        None,
    )
    .await;
    serve(
        server,
        &issues_at,
        &[
            ("labels", "incident"),
            ("state", "all"),
            ("since", "2026-03-29T00:00:00Z"),
            ("per_page", "100"),
        ],
        json!([all[1].clone()]),
        None,
    )
    .await;

    let _ = repo;
}

/// After the first sync: v1.5.0 (deployment 108, sha c9) succeeded on 2026-03-30 at 12:00.
pub async fn mount_new_deployment(server: &MockServer) {
    let base = server.uri();
    let base = base.as_str();
    let at = |rest: &str| format!("/repos/acme/{REPO}/{rest}");
    let next = linked(base, "deployments?environment=production&per_page=100");
    let page1: Vec<Value> = [108, 107, 106, 105, 104]
        .iter()
        .map(|&i| d(base, i))
        .collect();
    serve_with_priority(
        server,
        &at("deployments"),
        &[("environment", "production"), ("per_page", "100")],
        json!(page1),
        link(&next, 1, 2),
        1,
    )
    .await;
    serve(
        server,
        &at("deployments/108/statuses"),
        &[("per_page", "100")],
        statuses(base, 108),
        None,
    )
    .await;
    let range = format!("compare/{}...{}", sha("m2"), sha("c9"));
    serve(
        server,
        &at(&range),
        &[("per_page", "100")],
        gh::comparison(base, REPO, &sha("m2"), &sha("c9"), 1, vec![c9(base)]),
        None,
    )
    .await;
}

/// A server answering every request with `status` and GitHub's error body.
pub async fn failing(status: u16, message: &str) -> Leaked<MockServer> {
    let server = leaked(MockServer::start().await);
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(status).set_body_json(json!({
            "message": message,
            "documentation_url": "https://docs.github.com/rest",
            "status": status.to_string()
        })))
        .mount(&server)
        .await;
    server
}
