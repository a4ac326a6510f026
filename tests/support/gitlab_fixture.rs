//! The project the GitLab source tests read: group/web on a local GitLab, a month of delivery.
//!
//! Time: now = 2026-03-31T00:00Z, backfill 30 days, so the horizon and window start is
//! 2026-03-01T00:00Z (a Sunday; whole ISO weeks inside: Mar 2, 9, 16, 23).
//!
//! Environments: production (tier production), staging, review/search. Deployments to
//! production, newest updated first over three pages of three:
//!   page 1: D5 #105 v1.5.0 (tag) success 03-20 10:00 · D4 #104 success 03-10 10:00 · D3 #103 success 03-05 12:00
//!   page 2: D2 #102 failed 03-05 10:00 (a failed deploy job) · D1 #101 success 03-02 10:00 ·
//!           D0 #100 success 02-20 10:00 (older than the horizon: the baseline, no compare)
//!   page 3: #99 02-10 — never read: the walk stops at the first older success.
//!
//! What each shipped (compare with the predecessor; oldest first as GitLab lists them):
//!   D1 base..m1: c1 "Add search" (alice, authored 03-01 10:00Z, written as 11:00+01:00),
//!                c2 "Search: tests" (03-02 04:00), m1 merge of !1 (03-02 09:30)
//!   D3 m1..m2:   c3 "Add cache" (03-04 12:00), m2 merge of !2 (03-05 10:00)
//!   D4 m2..r1:   c4 "Speed up search" (03-08 10:00), m4 merge of !4 (03-09 10:00),
//!                r1 'Revert "Add cache"' / "This reverts commit <c3>." (03-10 08:00)
//!   D5 r1..m6:   c5 "Fix typo" (the squash commit of !7, 03-19 11:00),
//!                r2 'Revert "Speed up search"' / "This reverts merge request !4" (03-20 08:00),
//!                m6 merge of !6 (the revert MR, 03-20 09:00)
//!
//! Merge requests (newest updated first, two pages): !8 open · !6 revert of !4 · !7 squashed ·
//! !4 · !2 · !3 closed · !1 · !9 merged before the horizon · !5 open since January, untouched
//! since February (found by the first sync's list of open merge requests).
//!
//! Pipelines (two pages): P7 running · P8 success · P9 child (parent_pipeline, not a run) ·
//! P6 manual · P5 skipped | P4 canceled · P3 success · P2 failed · P1 success · P0 (before the
//! horizon: the walk stops).

use serde_json::Value;

use super::gitlab_payloads::*;
use super::gitlab_server::{Gitlab, PROJECT_PATH};

pub const NOW: &str = "2026-03-31T00:00:00Z";
pub const HORIZON: &str = "2026-03-01T00:00:00Z";
pub const BACKFILL_DAYS: i64 = 30;

pub fn p(tail: &str) -> String {
    format!("{PROJECT_PATH}{tail}")
}

pub const DEPLOYMENTS_QUERY: [(&str, &str); 4] = [
    ("environment", "production"),
    ("order_by", "updated_at"),
    ("sort", "desc"),
    ("per_page", "100"),
];

pub fn commits() -> Vec<(&'static str, Value)> {
    vec![
        (
            "c1",
            commit(
                "c1",
                "Add search",
                "",
                ALICE,
                "2026-03-01T11:00:00.000+01:00",
                "2026-03-01T11:05:00.000+01:00",
                &["base"],
            ),
        ),
        (
            "c2",
            commit(
                "c2",
                "Search: tests",
                "",
                ALICE,
                &z("2026-03-02T04:00:00"),
                &z("2026-03-02T04:00:00"),
                &["c1"],
            ),
        ),
        (
            "m1",
            commit(
                "m1",
                "Merge branch 'search' into 'main'",
                "Add search\n\nSee merge request group/web!1",
                CAROL,
                &z("2026-03-02T09:30:00"),
                &z("2026-03-02T09:30:00"),
                &["base", "c2"],
            ),
        ),
        (
            "c3",
            commit(
                "c3",
                "Add cache",
                "",
                BOB,
                &z("2026-03-04T12:00:00"),
                &z("2026-03-04T12:00:00"),
                &["m1"],
            ),
        ),
        (
            "m2",
            commit(
                "m2",
                "Merge branch 'cache' into 'main'",
                "Add cache\n\nSee merge request group/web!2",
                CAROL,
                &z("2026-03-05T10:00:00"),
                &z("2026-03-05T10:00:00"),
                &["m1", "c3"],
            ),
        ),
        (
            "c4",
            commit(
                "c4",
                "Speed up search",
                "",
                ALICE,
                &z("2026-03-08T10:00:00"),
                &z("2026-03-08T10:00:00"),
                &["m2"],
            ),
        ),
        (
            "m4",
            commit(
                "m4",
                "Merge branch 'speed' into 'main'",
                "Speed up search\n\nSee merge request group/web!4",
                CAROL,
                &z("2026-03-09T10:00:00"),
                &z("2026-03-09T10:00:00"),
                &["m2", "c4"],
            ),
        ),
        (
            "r1",
            commit(
                "r1",
                "Revert \"Add cache\"",
                &format!("This reverts commit {}.", sha("c3")),
                BOB,
                &z("2026-03-10T08:00:00"),
                &z("2026-03-10T08:00:00"),
                &["m4"],
            ),
        ),
        (
            "c5",
            commit(
                "c5",
                "Fix typo",
                "",
                CAROL,
                &z("2026-03-19T11:00:00"),
                &z("2026-03-19T11:00:00"),
                &["r1"],
            ),
        ),
        (
            "r2",
            commit(
                "r2",
                "Revert \"Speed up search\"",
                "This reverts merge request !4",
                BOB,
                &z("2026-03-20T08:00:00"),
                &z("2026-03-20T08:00:00"),
                &["c5"],
            ),
        ),
        (
            "m6",
            commit(
                "m6",
                "Merge branch 'revert-1a2b3c4d' into 'main'",
                "Revert \"Speed up search\"\n\nSee merge request group/web!6",
                CAROL,
                &z("2026-03-20T09:00:00"),
                &z("2026-03-20T09:00:00"),
                &["c5", "r2"],
            ),
        ),
        (
            "typo-wip",
            commit(
                "typo-wip",
                "wip typo",
                "",
                CAROL,
                &z("2026-03-19T09:00:00"),
                &z("2026-03-19T09:00:00"),
                &["r1"],
            ),
        ),
    ]
}

pub fn c(name: &str) -> Value {
    commits()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
        .unwrap()
}

pub fn deploy(
    id: u64,
    sha_name: &str,
    git_ref: &'static str,
    status: &'static str,
    finished: &str,
) -> Deploy {
    let finished_at = chrono::DateTime::parse_from_rfc3339(&z(finished)).unwrap();
    let minus = |m: i64| {
        (finished_at - chrono::Duration::minutes(m))
            .format("%Y-%m-%dT%H:%M:%S%.3fZ")
            .to_string()
    };
    Deploy {
        id,
        iid: id - 90,
        sha: sha(sha_name),
        git_ref,
        tag: git_ref.starts_with('v'),
        status,
        environment: (1, "production"),
        created: minus(5),
        started: minus(2),
        finished: z(finished),
        updated: z(finished),
    }
}

pub fn deployments() -> Vec<Deploy> {
    vec![
        deploy(105, "m6", "v1.5.0", "success", "2026-03-20T10:00:00"),
        deploy(104, "r1", "main", "success", "2026-03-10T10:00:00"),
        deploy(103, "m2", "main", "success", "2026-03-05T12:00:00"),
        deploy(102, "m2", "main", "failed", "2026-03-05T10:00:00"),
        deploy(101, "m1", "main", "success", "2026-03-02T10:00:00"),
        deploy(100, "base", "main", "success", "2026-02-20T10:00:00"),
        deploy(99, "older", "main", "success", "2026-02-10T10:00:00"),
    ]
}

#[allow(clippy::too_many_arguments)]
fn mr(
    iid: u64,
    title: &'static str,
    description: &'static str,
    state: &'static str,
    author: Who,
    branch: &'static str,
    created: &str,
    merged: Option<&str>,
    head: &str,
) -> Mr {
    let merged = merged.map(z);
    let updated = match &merged {
        Some(m) => m.replace(".000Z", ".500Z"),
        None => z(created),
    };
    Mr {
        iid,
        title,
        description,
        state,
        author,
        branch,
        created: z(created),
        updated,
        merged,
        closed: None,
        head: sha(head),
        merge_commit: None,
        squash_commit: None,
    }
}

pub fn merge_requests() -> Vec<Mr> {
    let mut mrs = vec![
        Mr {
            updated: z("2026-03-29T00:00:00"),
            ..mr(
                8,
                "Add export",
                "CSV export.",
                "opened",
                ALICE,
                "export",
                "2026-03-28T00:00:00",
                None,
                "export-head",
            )
        },
        Mr {
            merge_commit: Some(sha("m6")),
            ..mr(
                6,
                "Revert \"Speed up search\"",
                "This reverts merge request !4",
                "merged",
                BOB,
                "revert-1a2b3c4d",
                "2026-03-20T08:05:00",
                Some("2026-03-20T09:00:00"),
                "r2",
            )
        },
        Mr {
            squash_commit: Some(sha("c5")),
            ..mr(
                7,
                "Fix typo",
                "",
                "merged",
                CAROL,
                "typo",
                "2026-03-19T10:30:00",
                Some("2026-03-19T11:00:00"),
                "typo-wip",
            )
        },
        Mr {
            merge_commit: Some(sha("m4")),
            ..mr(
                4,
                "Speed up search",
                "Trigram index.",
                "merged",
                ALICE,
                "speed",
                "2026-03-08T11:00:00",
                Some("2026-03-09T10:00:00"),
                "c4",
            )
        },
        Mr {
            merge_commit: Some(sha("m2")),
            ..mr(
                2,
                "Add cache",
                "Caches search results.",
                "merged",
                BOB,
                "cache",
                "2026-03-04T13:00:00",
                Some("2026-03-05T10:00:00"),
                "c3",
            )
        },
        Mr {
            closed: Some(z("2026-03-04T09:00:00")),
            updated: z("2026-03-04T09:00:00"),
            ..mr(
                3,
                "Try a new font",
                "",
                "closed",
                CAROL,
                "font",
                "2026-03-03T09:00:00",
                None,
                "font-head",
            )
        },
        Mr {
            merge_commit: Some(sha("m1")),
            ..mr(
                1,
                "Add search",
                "Adds search.",
                "merged",
                ALICE,
                "search",
                "2026-03-01T12:00:00",
                Some("2026-03-02T09:30:00"),
                "c2",
            )
        },
        Mr {
            merge_commit: Some(sha("old-merge")),
            ..mr(
                9,
                "Old change",
                "",
                "merged",
                ALICE,
                "old",
                "2026-02-14T10:00:00",
                Some("2026-02-15T10:00:00"),
                "old-head",
            )
        },
        Mr {
            updated: z("2026-02-01T00:00:00"),
            ..mr(
                5,
                "Dark mode",
                "",
                "opened",
                CAROL,
                "dark-mode",
                "2026-01-10T00:00:00",
                None,
                "dark-head",
            )
        },
    ];
    for m in &mut mrs {
        if m.state == "merged" {
            m.closed = None;
        }
    }
    mrs
}

pub fn mr_json(iid: u64) -> Value {
    merge_request(merge_requests().iter().find(|m| m.iid == iid).unwrap())
}

pub fn pipe(
    id: u64,
    status: &'static str,
    source: &'static str,
    created: &str,
    started: Option<&str>,
    finished: Option<&str>,
    updated: &str,
) -> Pipe {
    Pipe {
        id,
        status,
        source,
        git_ref: "main",
        created: z(created),
        started: started.map(z),
        finished: finished.map(z),
        updated: z(updated),
    }
}

pub fn pipelines() -> Vec<Pipe> {
    vec![
        pipe(
            2007,
            "running",
            "push",
            "2026-03-30T23:00:00",
            Some("2026-03-30T23:01:00"),
            None,
            "2026-03-30T23:05:00",
        ),
        pipe(
            2008,
            "success",
            "push",
            "2026-03-20T08:10:00",
            Some("2026-03-20T08:11:30"),
            Some("2026-03-20T08:31:30"),
            "2026-03-20T08:31:31",
        ),
        pipe(
            2009,
            "success",
            "parent_pipeline",
            "2026-03-20T08:12:00",
            Some("2026-03-20T08:12:30"),
            Some("2026-03-20T08:30:00"),
            "2026-03-20T08:30:01",
        ),
        pipe(
            2006,
            "manual",
            "push",
            "2026-03-10T08:00:00",
            Some("2026-03-10T08:00:30"),
            None,
            "2026-03-10T08:01:00",
        ),
        pipe(
            2005,
            "skipped",
            "merge_request_event",
            "2026-03-09T10:00:00",
            None,
            None,
            "2026-03-09T10:00:01",
        ),
        pipe(
            2004,
            "canceled",
            "merge_request_event",
            "2026-03-08T10:05:00",
            Some("2026-03-08T10:09:00"),
            Some("2026-03-08T10:10:00"),
            "2026-03-08T10:10:01",
        ),
        pipe(
            2003,
            "success",
            "push",
            "2026-03-05T10:01:00",
            Some("2026-03-05T10:04:00"),
            Some("2026-03-05T10:19:00"),
            "2026-03-05T10:19:01",
        ),
        pipe(
            2002,
            "failed",
            "merge_request_event",
            "2026-03-04T12:05:00",
            Some("2026-03-04T12:06:00"),
            Some("2026-03-04T12:20:00"),
            "2026-03-04T12:20:01",
        ),
        pipe(
            2001,
            "success",
            "push",
            "2026-03-02T08:00:00",
            Some("2026-03-02T08:02:00"),
            Some("2026-03-02T08:12:00"),
            "2026-03-02T08:12:01",
        ),
        pipe(
            1999,
            "success",
            "push",
            "2026-02-25T10:00:00",
            Some("2026-02-25T10:01:00"),
            Some("2026-02-25T10:10:00"),
            "2026-02-25T10:10:01",
        ),
    ]
}

/// Mounts the whole project.
pub async fn mount(gitlab: &Gitlab) {
    gitlab.object(&p(""), &[], project()).await;
    gitlab
        .object(
            "/api/v4/user",
            &[],
            serde_json::json!({"id": 77, "username": "flowdeck-reader", "name": "flowdeck reader", "state": "active", "locked": false, "avatar_url": null, "web_url": format!("{WEB}/flowdeck-reader"), "bot": true}),
        )
        .await;
    gitlab
        .list(
            &p("/environments"),
            &[("per_page", "100")],
            vec![
                environment(1, "production", "production"),
                environment(2, "staging", "staging"),
                environment(3, "review/search", "development"),
            ],
        )
        .await;

    // Deployments: three pages of three; the third is never asked for.
    let all: Vec<Value> = deployments().iter().map(deployment).collect();
    for (i, chunk) in all.chunks(3).enumerate() {
        gitlab
            .page(
                &p("/deployments"),
                &DEPLOYMENTS_QUERY,
                i as u32 + 1,
                3,
                all.len(),
                chunk.to_vec(),
                5,
            )
            .await;
    }
    let shipped = [
        ("base", "m1", vec!["c1", "c2", "m1"]),
        ("m1", "m2", vec!["c3", "m2"]),
        ("m2", "r1", vec!["c4", "m4", "r1"]),
        ("r1", "m6", vec!["c5", "r2", "m6"]),
    ];
    for (from, to, names) in shipped {
        gitlab
            .object(
                &p("/repository/compare"),
                &[
                    ("from", &sha(from)),
                    ("to", &sha(to)),
                    ("straight", "false"),
                ],
                compare(names.iter().map(|n| c(n)).collect()),
            )
            .await;
    }
    for (id, iids) in [
        (101, vec![1]),
        (103, vec![2]),
        (104, vec![4]),
        (105, vec![6, 7]),
    ] {
        gitlab
            .list(
                &p(&format!("/deployments/{id}/merge_requests")),
                &[("per_page", "100")],
                iids.into_iter().map(mr_json).collect(),
            )
            .await;
    }

    // Merge requests: two pages; the open ones; commits and notes of the merged ones.
    let mr_query = [
        ("state", "all"),
        ("order_by", "updated_at"),
        ("sort", "desc"),
        ("per_page", "100"),
    ];
    let all: Vec<Value> = merge_requests().iter().map(merge_request).collect();
    gitlab
        .page(
            &p("/merge_requests"),
            &mr_query,
            1,
            2,
            9,
            all[..4].to_vec(),
            5,
        )
        .await;
    gitlab
        .page(
            &p("/merge_requests"),
            &mr_query,
            2,
            2,
            9,
            all[4..].to_vec(),
            5,
        )
        .await;
    gitlab
        .list(
            &p("/merge_requests"),
            &[("state", "opened"), ("per_page", "100")],
            vec![mr_json(8), mr_json(5)],
        )
        .await;
    let commits_query = [("per_page", "100")];
    gitlab
        .page(
            &p("/merge_requests/1/commits"),
            &commits_query,
            1,
            2,
            2,
            vec![c("c2")],
            5,
        )
        .await;
    gitlab
        .page(
            &p("/merge_requests/1/commits"),
            &commits_query,
            2,
            2,
            2,
            vec![c("c1")],
            5,
        )
        .await;
    for (iid, names) in [
        (2, vec!["c3"]),
        (4, vec!["c4"]),
        (6, vec!["r2"]),
        (7, vec!["typo-wip"]),
    ] {
        gitlab
            .list(
                &p(&format!("/merge_requests/{iid}/commits")),
                &commits_query,
                names.into_iter().map(c).collect(),
            )
            .await;
    }
    let notes_query = [
        ("sort", "asc"),
        ("order_by", "created_at"),
        ("per_page", "100"),
    ];
    gitlab
        .page(
            &p("/merge_requests/1/notes"),
            &notes_query,
            1,
            2,
            4,
            vec![
                note(
                    501,
                    1,
                    "Ready for review, @bob",
                    ALICE,
                    &z("2026-03-01T12:30:00"),
                    false,
                ),
                note(
                    502,
                    1,
                    "requested review from @bob",
                    ALICE,
                    &z("2026-03-01T12:31:00"),
                    true,
                ),
            ],
            5,
        )
        .await;
    gitlab
        .page(
            &p("/merge_requests/1/notes"),
            &notes_query,
            2,
            2,
            4,
            vec![
                note(
                    503,
                    1,
                    "One nit: rename the index",
                    BOB,
                    &z("2026-03-01T15:00:00"),
                    false,
                ),
                note(
                    504,
                    1,
                    "added 1 commit\n\n<ul><li>c2 - Search: tests</li></ul>",
                    ALICE,
                    &z("2026-03-02T04:05:00"),
                    true,
                ),
            ],
            5,
        )
        .await;
    let bot = Who {
        id: 90,
        username: "project_4711_bot_5a2c",
        name: "ci-reporter",
    };
    for (iid, notes) in [
        (
            2,
            vec![
                note(
                    511,
                    2,
                    "requested review from @carol",
                    BOB,
                    &z("2026-03-04T13:01:00"),
                    true,
                ),
                note(
                    512,
                    2,
                    "approved this merge request",
                    CAROL,
                    &z("2026-03-04T16:00:00"),
                    true,
                ),
            ],
        ),
        (
            4,
            vec![note(
                521,
                4,
                "Why not a trigram index?",
                CAROL,
                &z("2026-03-08T15:00:00"),
                false,
            )],
        ),
        (
            6,
            vec![
                note(
                    531,
                    6,
                    "approved this merge request",
                    BOB,
                    &z("2026-03-20T08:10:00"),
                    true,
                ),
                note(
                    532,
                    6,
                    "Pipeline passed",
                    bot,
                    &z("2026-03-20T08:30:00"),
                    false,
                ),
            ],
        ),
        (
            7,
            vec![note(
                541,
                7,
                "Thanks!",
                ALICE,
                &z("2026-03-19T10:45:00"),
                false,
            )],
        ),
    ] {
        gitlab
            .list(
                &p(&format!("/merge_requests/{iid}/notes")),
                &notes_query,
                notes,
            )
            .await;
    }

    // Pipelines: two pages of five; details of the finished ones.
    let pipeline_query = [
        ("order_by", "updated_at"),
        ("sort", "desc"),
        ("per_page", "100"),
    ];
    let all = pipelines();
    let list: Vec<Value> = all.iter().map(pipeline).collect();
    gitlab
        .page(
            &p("/pipelines"),
            &pipeline_query,
            1,
            2,
            10,
            list[..5].to_vec(),
            5,
        )
        .await;
    gitlab
        .page(
            &p("/pipelines"),
            &pipeline_query,
            2,
            2,
            10,
            list[5..].to_vec(),
            5,
        )
        .await;
    for pipe in &all {
        gitlab
            .object(
                &p(&format!("/pipelines/{}", pipe.id)),
                &[],
                pipeline_detail(pipe),
            )
            .await;
    }

    // What `check` asks: successful production deployments and pipelines since the horizon.
    let since = "2026-03-01T00:00:00.000Z";
    let counted: Vec<Value> = deployments()
        .iter()
        .filter(|d| d.status == "success" && d.finished.as_str() >= since)
        .map(deployment)
        .collect();
    gitlab
        .list(
            &p("/deployments"),
            &[
                ("environment", "production"),
                ("status", "success"),
                ("order_by", "finished_at"),
                ("sort", "desc"),
                ("finished_after", since),
                ("per_page", "100"),
            ],
            counted,
        )
        .await;
    let recent: Vec<Value> = all
        .iter()
        .filter(|p| p.updated.as_str() >= since)
        .map(pipeline)
        .collect();
    gitlab
        .list(
            &p("/pipelines"),
            &[("updated_after", since), ("per_page", "100")],
            recent,
        )
        .await;
}
