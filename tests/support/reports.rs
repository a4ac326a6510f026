//! Snapshots for the report tests, built in process: the demo data, a git-only history (no
//! incidents, CI or pull requests: many values null), and a history whose every text field is
//! hostile (markup, pipes, terminal escapes, javascript: URLs).

use chrono::{DateTime, Duration, Utc};
use flowdeck::metrics::{History, Rules, Window};
use flowdeck::model::{
    Change, Deployment, DeploymentStatus, EventSet, Incident, Service, Timestamp,
};
use flowdeck::snapshot::{ScopeFilter, Snapshot, SnapshotRequest};
use flowdeck::sources::collect_demo;
use flowdeck::status::{SourceState, SourceStatus};

pub const NOW: &str = "2026-11-20T14:30:00Z";

pub fn now() -> Timestamp {
    at(NOW)
}

pub fn at(text: &str) -> Timestamp {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

/// The 30 days ending `end`.
pub fn last_30_days(end: Timestamp) -> Window {
    Window::ending(end, Duration::days(30))
}

pub fn snapshot(
    history: &History,
    sources: Vec<SourceStatus>,
    window: Window,
    scope: ScopeFilter,
) -> Snapshot<'_> {
    Snapshot::build(
        history,
        SnapshotRequest {
            window,
            now: now(),
            sources,
            scope,
            environment: None,
        },
    )
}

pub fn demo() -> (History, Vec<SourceStatus>) {
    let (events, sources) = collect_demo(now());
    (History::derive(events, Rules::default()), sources)
}

pub fn ok_source(name: &str, kind: &str) -> SourceStatus {
    SourceStatus {
        name: name.into(),
        kind: kind.into(),
        status: SourceState::Ok,
        last_success_at: Some(now()),
        error: None,
        covers_from: None,
        collector: None,
    }
}

pub fn change(sha: &str, title: &str, authored: Timestamp) -> Change {
    Change {
        sha: sha.into(),
        authored_at: authored,
        committed_at: authored,
        author: "dev@example.com".into(),
        title: title.into(),
        merge: false,
        reverts: None,
        pr: None,
    }
}

pub fn deployment(
    id: &str,
    name: &str,
    service: &str,
    finished: Timestamp,
    changes: Vec<Change>,
) -> Deployment {
    Deployment {
        id: id.into(),
        name: Some(name.into()),
        service: service.into(),
        environment: "production".into(),
        production: true,
        sha: changes
            .first()
            .map_or_else(|| format!("{id:0>40}"), |c| c.sha.clone()),
        ref_name: Some(name.into()),
        started_at: None,
        finished_at: finished,
        status: DeploymentStatus::Success,
        url: None,
        changes,
    }
}

fn sha(n: u32) -> String {
    format!("{n:040x}")
}

/// Two services tagged in git, nothing else: deployments and changes only.
pub fn git_only() -> (History, Vec<SourceStatus>) {
    let day = |d: i64, h: i64| now() - Duration::days(d) + Duration::hours(h);
    let mut deployments = Vec::new();
    for (service, offset) in [("api", 0), ("web", 1)] {
        for (i, d) in [40i64, 20, 12, 5, 2].iter().enumerate() {
            let n = offset * 100 + i as u32;
            deployments.push(deployment(
                &format!("git:{service}:v1.{i}.0"),
                &format!("v1.{i}.0"),
                service,
                day(*d, offset as i64),
                vec![
                    change(&sha(n * 2 + 1), "feature", day(*d + 1, 0)),
                    change(&sha(n * 2 + 2), "fix", day(*d, -3)),
                ],
            ));
        }
    }
    let events = EventSet {
        services: vec![
            Service {
                name: "api".into(),
                team: Some("payments".into()),
            },
            Service {
                name: "web".into(),
                team: None,
            },
        ],
        deployments,
        ..EventSet::default()
    };
    (
        History::derive(events, Rules::default()),
        vec![ok_source("git:api", "git"), ok_source("git:web", "git")],
    )
}

/// What an attacker (or an unlucky commit message) might put in any text field.
pub const HOSTILE: &str = "<script>alert(1)</script> | pipe \u{1b}[31mred\u{1b}[0m & \"quoted\" 'single' *bold* [x](javascript:alert(2))";

/// A history where every text field from a source is hostile: service and team names,
/// deployment ids and names, commit titles, incident ids, titles and URLs, source errors.
pub fn hostile() -> (History, Vec<SourceStatus>) {
    let service = format!("api{HOSTILE}");
    let finished = now() - Duration::days(3);
    let mut bad = deployment(
        &format!("git:api:{HOSTILE}"),
        &format!("v9 {HOSTILE}"),
        &service,
        finished,
        vec![change(&sha(7), HOSTILE, finished - Duration::hours(5))],
    );
    bad.url = Some("javascript:alert(3)".into());
    let mut good = deployment(
        "git:api:v8",
        "v8",
        &service,
        finished - Duration::days(2),
        vec![change(&sha(6), HOSTILE, finished - Duration::days(3))],
    );
    good.url = Some("https://git.example.com/tags/v8?a=1&b=\"><script>alert(4)</script>".into());
    let incident = Incident {
        id: format!("INC-1{HOSTILE}"),
        source: format!("pager{HOSTILE}"),
        services: vec![service.clone()],
        title: HOSTILE.into(),
        severity: Some(format!("sev1{HOSTILE}")),
        labels: vec![],
        body: None,
        // Inside the attribution window: the bad deployment fails, with this incident as reason.
        started_at: finished + Duration::minutes(10),
        resolved_at: None,
        url: Some(format!("https://incidents.example.com/1?q={HOSTILE}")),
    };
    let events = EventSet {
        services: vec![Service {
            name: service.clone(),
            team: Some(format!("team{HOSTILE}")),
        }],
        deployments: vec![good, bad],
        incidents: vec![incident],
        ..EventSet::default()
    };
    let mut source = ok_source(&format!("git{HOSTILE}"), "git");
    source.status = SourceState::Stale;
    source.last_success_at = Some(now() - Duration::hours(2));
    source.error = Some(format!("could not read: {HOSTILE}"));
    (History::derive(events, Rules::default()), vec![source])
}
