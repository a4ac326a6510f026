//! The shipped rule for deployments that name only a sha (docs/METRICS.md#deployments-that-name-only-a-sha):
//! their commits come from a git source of the same service, walked in deploy order with every
//! other deployment of the service; without one, lead time is unknown and the status says why.

use crate::support::gitrepo::GitRepo;

use std::path::Path;

use chrono::{DateTime, Utc};
use flowdeck::config::Config;
use flowdeck::model::{Deployment, DeploymentStatus, EventSet};
use flowdeck::sources::{git, shipped};
use flowdeck::status::{SourceState, SourceStatus};

fn utc(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn parse(text: &str) -> Config {
    flowdeck::config::parse(text, Path::new("/nonexistent/flowdeck.toml")).unwrap()
}

/// A deployment as a CI system reports it: a sha, a time, no commits.
fn ci_deploy(id: &str, sha: &str, at: &str, status: DeploymentStatus) -> Deployment {
    Deployment {
        id: format!("jenkins:deploy/api:{id}"),
        name: None,
        service: "api".into(),
        environment: "production".into(),
        production: true,
        sha: sha.into(),
        ref_name: None,
        started_at: None,
        finished_at: utc(at),
        status,
        url: None,
        changes: Vec::new(),
    }
}

fn shas(deployment: &Deployment) -> Vec<&str> {
    deployment.changes.iter().map(|c| c.sha.as_str()).collect()
}

/// c1 ── c2 ── c3 ── c4
struct Line {
    repo: GitRepo,
    c: [String; 4],
}

fn line() -> Line {
    let repo = GitRepo::new();
    let mut c: [String; 4] = Default::default();
    for (i, at) in [
        "2024-03-01T09:00:00Z",
        "2024-03-02T09:00:00Z",
        "2024-03-03T09:00:00Z",
        "2024-03-04T09:00:00Z",
    ]
    .iter()
    .enumerate()
    {
        c[i] = repo
            .commit(&format!("change {}", i + 1))
            .file("f.txt", &format!("{i}\n"))
            .at(at)
            .create();
    }
    repo.tag("v1", &c[0]);
    Line { repo, c }
}

fn lookup_config(repo: &GitRepo, deploy_tags: &str) -> Config {
    parse(&format!(
        "[[sources]]\nkind = \"git\"\nservice = \"api\"\npath = {:?}\ndeploy_tags = {deploy_tags}\n\n\
         [[sources]]\nkind = \"github\"\nservice = \"web\"\nrepo = \"acme/web\"\n",
        repo.path().display().to_string()
    ))
}

#[test]
fn deploy_tags_takes_a_string_a_list_or_none() {
    let one = parse("[[sources]]\nkind = \"git\"\nservice = \"api\"\ndeploy_tags = \"v*\"\n");
    let many = parse(
        "[[sources]]\nkind = \"git\"\nservice = \"api\"\ndeploy_tags = [\"api-v*\", \"hotfix-*\"]\n",
    );
    let none = parse("[[sources]]\nkind = \"git\"\nservice = \"api\"\ndeploy_tags = []\n");
    let tags = |c: &Config| match &c.sources[0] {
        flowdeck::config::SourceConfig::Git(g) => g.deploy_tags.to_string(),
        _ => unreachable!(),
    };
    assert_eq!(tags(&one), "v*");
    assert_eq!(tags(&many), "api-v*, hotfix-*");
    assert_eq!(tags(&none), "[]");
    for bad in [
        "deploy_tags = [\"v[\"]",
        "deploy_tags = 3",
        "deploy_tags = [1]",
        "deploy_tags = { a = 1 }",
    ] {
        let text = format!("[[sources]]\nkind = \"git\"\nservice = \"api\"\n{bad}\n");
        let error = flowdeck::config::parse(&text, Path::new("f.toml"))
            .unwrap_err()
            .to_string();
        assert!(error.contains("deploy_tags"), "{bad}: {error}");
    }
}

#[test]
fn a_list_of_globs_matches_either_and_none_makes_no_deployments() {
    let line = line();
    line.repo.tag("hotfix-1", &line.c[1]);
    line.repo.tag("nightly", &line.c[2]);
    let at = line.repo.path().display().to_string();
    let load = |tags: &str| {
        let config: flowdeck::config::schema::GitSourceConfig = toml::from_str(&format!(
            "service = \"api\"\npath = {at:?}\ndeploy_tags = {tags}\n"
        ))
        .unwrap();
        git::load(&config, Path::new("/")).unwrap()
    };
    let both = load("[\"v*\", \"hotfix-*\"]");
    let names: Vec<_> = both
        .deployments
        .iter()
        .map(|d| d.name.clone().unwrap())
        .collect();
    assert_eq!(names, ["v1", "hotfix-1"]);
    assert!(load("[]").deployments.is_empty());
    assert_eq!(load("\"v*\"").deployments.len(), 1);
}

#[test]
fn sha_only_deployments_ship_what_no_earlier_one_reached_through_the_git_source() {
    let line = line();
    let [c1, c2, c3, c4] = &line.c;
    let config = lookup_config(&line.repo, "[]");
    let mut events = EventSet {
        deployments: vec![
            // Listed out of order: the rule puts them in deploy order.
            ci_deploy("4", c4, "2024-03-04T12:00:00Z", DeploymentStatus::Success),
            ci_deploy("1", c1, "2024-03-01T12:00:00Z", DeploymentStatus::Success),
            ci_deploy("2", c3, "2024-03-03T12:00:00Z", DeploymentStatus::Success),
            // A failed deploy job ships nothing and takes nothing from the next one.
            ci_deploy("2f", c4, "2024-03-03T13:00:00Z", DeploymentStatus::Failure),
            // A rollback to c2: everything reachable was shipped by #2.
            ci_deploy("3", c2, "2024-03-03T18:00:00Z", DeploymentStatus::Success),
        ],
        ..EventSet::default()
    };
    let notes = shipped::resolve(&config, Path::new("/"), &mut events);
    assert!(notes.is_empty(), "{notes:?}");
    let by_id = |id: &str| {
        events
            .deployments
            .iter()
            .find(|d| d.id == format!("jenkins:deploy/api:{id}"))
            .unwrap()
    };
    assert_eq!(shas(by_id("1")), [c1.as_str()]); // the baseline: all history before it
    assert_eq!(shas(by_id("2")), [c3.as_str(), c2.as_str()]); // newest first
    assert!(shas(by_id("2f")).is_empty());
    assert!(shas(by_id("3")).is_empty());
    assert_eq!(shas(by_id("4")), [c4.as_str()]);

    // Lead times through the metric engine: #2 ships c3 (authored 3 Mar 09:00, deployed 12:00:
    // 3 h) and c2 (2 Mar 09:00: 27 h); #4 ships c4 (3 h). Median of 3 h, 3 h, 27 h: 3 h.
    let history = flowdeck::metrics::History::derive(events, config.rules());
    let now = utc("2024-03-10T00:00:00Z");
    let window = flowdeck::metrics::Window::ending(now, chrono::Duration::days(30));
    let scope = flowdeck::metrics::Scope::all(&history);
    let measures = flowdeck::metrics::compute(&history, &scope, &window, now);
    assert_eq!(measures.lead_time_for_changes.changes, 3);
    assert_eq!(
        measures.lead_time_for_changes.median_seconds,
        Some(3.0 * 3600.0)
    );
}

#[test]
fn a_sha_the_clone_lacks_is_named_and_keeps_no_changes() {
    let line = line();
    let config = lookup_config(&line.repo, "[]");
    let mut events = EventSet {
        deployments: vec![
            ci_deploy(
                "1",
                &line.c[0],
                "2024-03-01T12:00:00Z",
                DeploymentStatus::Success,
            ),
            ci_deploy(
                "2",
                &"ab".repeat(20),
                "2024-03-02T12:00:00Z",
                DeploymentStatus::Success,
            ),
            ci_deploy(
                "3",
                "not a sha \u{1b}[31m",
                "2024-03-03T12:00:00Z",
                DeploymentStatus::Success,
            ),
        ],
        ..EventSet::default()
    };
    let notes = shipped::resolve(&config, Path::new("/"), &mut events);
    assert_eq!(notes.len(), 1);
    assert!(
        notes[0]
            .text
            .starts_with("2 deployment(s) of api name a sha"),
        "{}",
        notes[0].text
    );
    assert!(events.deployments[1].changes.is_empty());
}

#[test]
fn without_a_git_source_lead_time_is_unknown_and_the_status_line_says_why() {
    let config = parse(
        "[[sources]]\nkind = \"github\"\nservice = \"api\"\nrepo = \"acme/api\"\n\n\
         [[sources]]\nkind = \"git\"\nservice = \"web\"\n",
    );
    let mut events = EventSet {
        deployments: vec![ci_deploy(
            "1",
            &"ab".repeat(20),
            "2024-03-01T12:00:00Z",
            DeploymentStatus::Success,
        )],
        ..EventSet::default()
    };
    let notes = shipped::resolve(&config, Path::new("/"), &mut events);
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].service, "api");
    assert!(
        notes[0].text.contains("lead time unknown for api"),
        "{}",
        notes[0].text
    );
    assert!(
        notes[0].text.contains("deploy_tags = []"),
        "{}",
        notes[0].text
    );

    // A GitHub source's own deployments read their commits themselves: no note.
    let mut github_only = EventSet {
        deployments: vec![Deployment {
            id: "github:acme/api:1".into(),
            ..ci_deploy(
                "x",
                "abc",
                "2024-03-01T12:00:00Z",
                DeploymentStatus::Success,
            )
        }],
        ..EventSet::default()
    };
    assert!(shipped::resolve(&config, Path::new("/"), &mut github_only).is_empty());

    let mut statuses = vec![SourceStatus {
        name: "github:acme/api".into(),
        kind: "github".into(),
        status: SourceState::Ok,
        last_success_at: None,
        error: None,
        covers_from: None,
        collector: None,
    }];
    shipped::annotate(&config, &notes, &mut statuses);
    // The GitHub source did not find these deployments: its line stays as it was.
    assert_eq!(statuses[0].error, None);
}

/// Pushed deployments (flowdeck.events/v1, docs/EVENTS.md#changes): one without `changes` takes
/// them from the git source, one that gave them inline keeps them, and the walk passes through
/// it all the same (what its sha reaches is not given to a later one).
#[test]
fn pushed_deployments_without_changes_take_them_from_git_and_inline_ones_keep_theirs() {
    let line = line();
    let [c1, _, c3, c4] = &line.c;
    let config = parse(&format!(
        "[[sources]]\nkind = \"git\"\nservice = \"api\"\npath = {:?}\ndeploy_tags = []\n\n\
         [[sources]]\nkind = \"events\"\nname = \"pushed\"\n",
        line.repo.path().display().to_string()
    ));
    let pushed = |id: &str, sha: &str, at: &str| Deployment {
        id: id.into(),
        ..ci_deploy(id, sha, at, DeploymentStatus::Success)
    };
    let inline = flowdeck::model::Change {
        sha: c3.clone(),
        authored_at: utc("2024-03-03T09:00:00Z"),
        committed_at: utc("2024-03-03T09:00:00Z"),
        author: "ann".into(),
        title: "as the deploy script said".into(),
        merge: false,
        reverts: None,
        pr: Some(7),
    };
    let mut events = EventSet {
        deployments: vec![
            pushed("d1", c1, "2024-03-01T12:00:00Z"),
            Deployment {
                changes: vec![inline.clone()],
                ..pushed("d2", c3, "2024-03-03T12:00:00Z")
            },
            pushed("d3", c4, "2024-03-04T12:00:00Z"),
        ],
        ..EventSet::default()
    };
    let notes = shipped::resolve(&config, Path::new("/"), &mut events);
    assert!(notes.is_empty(), "{notes:?}");
    let by_id = |id: &str| events.deployments.iter().find(|d| d.id == id).unwrap();
    assert_eq!(shas(by_id("d1")), [c1.as_str()]);
    assert_eq!(by_id("d2").changes, vec![inline], "inline changes are kept");
    // c2 and c3 were reached by d2's sha: d3 ships only c4.
    assert_eq!(shas(by_id("d3")), [c4.as_str()]);

    // Without a git source the events source's status line says why lead time is unknown;
    // a service whose pushed deployments all carry changes gets no note.
    let config = parse("[[sources]]\nkind = \"events\"\nname = \"pushed\"\n");
    let mut sha_only = EventSet {
        deployments: vec![pushed("d9", c4, "2024-03-05T12:00:00Z")],
        ..EventSet::default()
    };
    let notes = shipped::resolve(&config, Path::new("/"), &mut sha_only);
    assert_eq!(notes.len(), 1, "{notes:?}");
    let mut statuses = vec![SourceStatus {
        name: "pushed".into(),
        kind: "events".into(),
        status: SourceState::Ok,
        last_success_at: None,
        error: None,
        covers_from: None,
        collector: None,
    }];
    shipped::annotate(&config, &notes, &mut statuses);
    assert!(
        statuses[0]
            .error
            .as_deref()
            .is_some_and(|e| e.contains("lead time unknown for api")),
        "{statuses:?}"
    );
    let mut all_inline = EventSet {
        deployments: vec![Deployment {
            changes: vec![inline_change(c4)],
            ..pushed("d10", c4, "2024-03-05T12:00:00Z")
        }],
        ..EventSet::default()
    };
    assert!(shipped::resolve(&config, Path::new("/"), &mut all_inline).is_empty());
}

fn inline_change(sha: &str) -> flowdeck::model::Change {
    flowdeck::model::Change {
        sha: sha.into(),
        authored_at: utc("2024-03-04T09:00:00Z"),
        committed_at: utc("2024-03-04T09:00:00Z"),
        author: "ann".into(),
        title: "inline".into(),
        merge: false,
        reverts: None,
        pr: None,
    }
}
