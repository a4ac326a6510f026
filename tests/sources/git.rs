//! The git source against real repositories built with the git command line.

use crate::support::gitrepo;

use std::path::Path;

use chrono::{DateTime, Utc};
use flowdeck::config::schema::GitSourceConfig;
use flowdeck::model::{Deployment, DeploymentStatus};
use flowdeck::sources::SourceError;
use flowdeck::sources::git::{self, GitLoad};
use gitrepo::GitRepo;

fn config(toml_text: &str) -> GitSourceConfig {
    toml::from_str(toml_text).expect("git source config")
}

fn config_at(service: &str, deploy_tags: &str, paths: &[&str], path: &Path) -> GitSourceConfig {
    let paths: Vec<String> = paths.iter().map(|p| format!("{p:?}")).collect();
    config(&format!(
        "service = {service:?}\npath = {:?}\ndeploy_tags = {deploy_tags:?}\npaths = [{}]\n",
        path.display().to_string(),
        paths.join(", ")
    ))
}

fn load(config: &GitSourceConfig) -> GitLoad {
    git::load(config, Path::new("/nonexistent-base")).expect("load")
}

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

fn ids(load: &GitLoad) -> Vec<&str> {
    load.deployments.iter().map(|d| d.id.as_str()).collect()
}

fn shipped(deployment: &Deployment) -> Vec<&str> {
    deployment.changes.iter().map(|c| c.sha.as_str()).collect()
}

/// The shas of a single-service history, in the order they were made.
struct Linear {
    repo: GitRepo,
    c1: String,
    c2: String,
    f1: String,
    c3: String,
    f2: String,
    m1: String,
    c4: String,
    r1: String,
    c5: String,
}

/// c1 ── c2 ──────── c3 ─── m1 ── c4 ── r1 ── c5      (main)
///         └── f1 ── f2 ──┘                            (feature, merged --no-ff)
///
/// v1.0.0    lightweight on c1                     -> c1's committer date  2024-03-01T09:00Z
/// v1.1.0.1  lightweight on m1                     -> m1's committer date  2024-03-03T13:00Z
/// v1.1.0    annotated on m1                       -> tagger date          2024-03-04T15:00Z
/// v1.2.0    annotated on c4, tagged at +02:00     -> tagger date          2024-03-05T12:00Z
/// v1.3.0    annotated on the annotated rel-1.3 (r1, the revert of c4) -> 2024-03-06T12:00Z
/// v1.1.2    annotated on m1: a rollback           ->                      2024-03-07T10:00Z
/// v1.9.0 and v1.10.0, annotated on c5 at the same time: bytewise, v1.10.0 first
/// v0-tree   lightweight on c5's tree: skipped; rel-1.3 and nightly do not match `v*`.
fn linear_history() -> Linear {
    let repo = GitRepo::new();
    let c1 = repo
        .commit("Initial commit")
        .file("README.md", "hello\n")
        .at("2024-03-01T09:00:00Z")
        .create();
    repo.tag("v1.0.0", &c1);
    let c2 = repo
        .commit("Add cache (#12)")
        .file("src/cache.rs", "cache\n")
        .author("Alice", "alice@example.com")
        .authored("2024-03-02T08:00:00Z")
        .at("2024-03-02T09:00:00Z")
        .create();
    repo.branch("feature", &c2);
    repo.checkout("feature");
    let f1 = repo
        .commit("Feature part 1")
        .file("src/feature.rs", "one\n")
        .at("2024-03-03T10:00:00Z")
        .create();
    repo.checkout("main");
    let c3 = repo
        .commit("Fix typo")
        .file("README.md", "hello!\n")
        .at("2024-03-03T11:00:00Z")
        .create();
    repo.checkout("feature");
    let f2 = repo
        .commit("Feature part 2")
        .file("src/feature.rs", "one\ntwo\n")
        .at("2024-03-03T12:00:00Z")
        .create();
    repo.checkout("main");
    let m1 = repo.merge(
        "feature",
        "Merge pull request #34 from acme/feature",
        "2024-03-03T13:00:00Z",
    );
    repo.tag("v1.1.0.1", &m1);
    repo.tag_annotated("v1.1.0", &m1, "2024-03-04T15:00:00Z");
    let c4 = repo
        .commit("Break the parser")
        .file("src/parser.rs", "broken\n")
        .at("2024-03-05T10:00:00Z")
        .create();
    repo.tag_annotated("v1.2.0", &c4, "2024-03-05T14:00:00+02:00");
    let r1 = repo.revert(&c4, "2024-03-06T10:00:00Z");
    repo.tag_annotated("rel-1.3", &r1, "2024-03-06T11:00:00Z");
    repo.tag_annotated("v1.3.0", "rel-1.3", "2024-03-06T12:00:00Z");
    repo.tag_annotated("v1.1.2", &m1, "2024-03-07T10:00:00Z");
    let c5 = repo
        .commit("Add metrics")
        .file("src/metrics.rs", "metrics\n")
        .at("2024-03-08T10:00:00Z")
        .create();
    repo.tag_annotated("v1.9.0", &c5, "2024-03-08T11:00:00Z");
    repo.tag_annotated("v1.10.0", &c5, "2024-03-08T11:00:00Z");
    repo.tag("nightly", &c5);
    repo.tag("v0-tree", &format!("{c5}^{{tree}}"));
    repo.set_remote("origin", "git@github.com:acme/api.git");
    Linear {
        repo,
        c1,
        c2,
        f1,
        c3,
        f2,
        m1,
        c4,
        r1,
        c5,
    }
}

#[test]
fn tags_become_deployments_in_deploy_order() {
    let h = linear_history();
    let load = load(&config_at("api", "v*", &[], h.repo.path()));

    assert_eq!(
        ids(&load),
        [
            "git:api:v1.0.0",
            "git:api:v1.1.0.1",
            "git:api:v1.1.0",
            "git:api:v1.2.0",
            "git:api:v1.3.0",
            "git:api:v1.1.2",
            "git:api:v1.10.0",
            "git:api:v1.9.0",
        ]
    );
    let finished: Vec<DateTime<Utc>> = load.deployments.iter().map(|d| d.finished_at).collect();
    assert_eq!(
        finished,
        [
            utc("2024-03-01T09:00:00Z"),
            utc("2024-03-03T13:00:00Z"),
            utc("2024-03-04T15:00:00Z"),
            utc("2024-03-05T12:00:00Z"),
            utc("2024-03-06T12:00:00Z"),
            utc("2024-03-07T10:00:00Z"),
            utc("2024-03-08T11:00:00Z"),
            utc("2024-03-08T11:00:00Z"),
        ]
    );
    let shas: Vec<&str> = load.deployments.iter().map(|d| d.sha.as_str()).collect();
    assert_eq!(
        shas,
        [&h.c1, &h.m1, &h.m1, &h.c4, &h.r1, &h.m1, &h.c5, &h.c5].map(String::as_str)
    );

    assert_eq!(load.tags_matched, 9);
    assert_eq!(
        load.skipped_tags,
        ["tag v0-tree skipped: it points at a tree, not a commit"]
    );
    assert_eq!(load.commits_walked, 9);
    assert!(load.notes.is_empty(), "{:?}", load.notes);

    let first = &load.deployments[0];
    assert_eq!(
        first,
        &Deployment {
            id: "git:api:v1.0.0".into(),
            name: Some("v1.0.0".into()),
            service: "api".into(),
            environment: "production".into(),
            production: true,
            sha: h.c1.clone(),
            ref_name: Some("v1.0.0".into()),
            started_at: None,
            finished_at: utc("2024-03-01T09:00:00Z"),
            status: DeploymentStatus::Success,
            url: Some("https://github.com/acme/api/releases/tag/v1.0.0".into()),
            changes: first.changes.clone(),
        }
    );
}

#[test]
fn each_commit_is_shipped_by_the_first_deployment_that_reaches_it() {
    let h = linear_history();
    let load = load(&config_at("api", "v*", &[], h.repo.path()));
    let by_tag: Vec<(&str, Vec<&str>)> = load
        .deployments
        .iter()
        .map(|d| (d.name.as_deref().unwrap(), shipped(d)))
        .collect();
    assert_eq!(
        by_tag,
        [
            ("v1.0.0", vec![h.c1.as_str()]),
            // Newest committer date first: m1 13:00, f2 12:00, c3 11:00, f1 10:00, c2 (03-02).
            (
                "v1.1.0.1",
                vec![
                    h.m1.as_str(),
                    h.f2.as_str(),
                    h.c3.as_str(),
                    h.f1.as_str(),
                    h.c2.as_str()
                ]
            ),
            // The same commit as the tag before: nothing new.
            ("v1.1.0", vec![]),
            ("v1.2.0", vec![h.c4.as_str()]),
            ("v1.3.0", vec![h.r1.as_str()]),
            // A rollback to m1 ships nothing.
            ("v1.1.2", vec![]),
            ("v1.10.0", vec![h.c5.as_str()]),
            ("v1.9.0", vec![]),
        ]
    );
}

#[test]
fn changes_carry_times_authors_titles_merges_reverts_and_prs() {
    let h = linear_history();
    let load = load(&config_at("api", "v*", &[], h.repo.path()));
    let all: Vec<_> = load.deployments.iter().flat_map(|d| &d.changes).collect();
    let change = |sha: &str| *all.iter().find(|c| c.sha == sha).unwrap();

    let c2 = change(&h.c2);
    assert_eq!(c2.authored_at, utc("2024-03-02T08:00:00Z"));
    assert_eq!(c2.committed_at, utc("2024-03-02T09:00:00Z"));
    assert_eq!(c2.author, "Alice");
    assert_eq!(c2.title, "Add cache (#12)");
    assert_eq!(c2.pr, Some(12));
    assert!(!c2.merge);
    assert_eq!(c2.reverts, None);

    let m1 = change(&h.m1);
    assert!(m1.merge);
    assert_eq!(m1.pr, Some(34));
    assert_eq!(m1.title, "Merge pull request #34 from acme/feature");
    assert_eq!(m1.author, "Test");

    let r1 = change(&h.r1);
    assert_eq!(r1.title, "Revert \"Break the parser\"");
    assert_eq!(r1.reverts.as_deref(), Some(h.c4.as_str()));
    assert!(!r1.merge);
    assert_eq!(r1.pr, None);
    assert_eq!(r1.authored_at, utc("2024-03-06T10:00:00Z"));

    let merges: Vec<&str> = all
        .iter()
        .filter(|c| c.merge)
        .map(|c| c.sha.as_str())
        .collect();
    assert_eq!(merges, [h.m1.as_str()]);
    assert_eq!(all.len(), 9);
}

#[test]
fn a_bare_clone_gives_the_same_result_as_the_work_tree() {
    let h = linear_history();
    let bare = h.repo.clone_bare();
    bare.set_remote("origin", "https://github.com/acme/api.git");
    assert_eq!(bare.git(&["rev-parse", "--is-bare-repository"]), "true");
    let from_work_tree = load(&config_at("api", "v*", &[], h.repo.path()));
    let from_bare = load(&config_at("api", "v*", &[], bare.path()));
    assert_eq!(from_bare, from_work_tree);
}

#[test]
fn relative_paths_resolve_against_the_base_dir() {
    let h = linear_history();
    let config = config("service = \"api\"\npath = \"repo\"\n");
    let load = git::load(&config, h.repo.parent()).expect("load");
    assert_eq!(load.deployments.len(), 8);
}

#[test]
fn probe_counts_matching_tags_and_names_the_newest() {
    let h = linear_history();
    let probe = git::probe(&config_at("api", "v*", &[], h.repo.path()), Path::new("/")).unwrap();
    assert_eq!(probe.tags_matched, 9);
    assert_eq!(probe.newest_tag.as_deref(), Some("v1.9.0"));

    let probe = git::probe(
        &config_at("api", "v1.1*", &[], h.repo.path()),
        Path::new("/"),
    )
    .unwrap();
    assert_eq!(probe.tags_matched, 4);
    assert_eq!(probe.newest_tag.as_deref(), Some("v1.10.0"));
}

#[test]
fn no_origin_on_a_known_forge_means_no_url() {
    let h = linear_history();
    h.repo
        .set_remote("origin", "https://git.example.com/acme/api.git");
    let load = load(&config_at("api", "v*", &[], h.repo.path()));
    assert!(load.deployments.iter().all(|d| d.url.is_none()));

    h.repo
        .set_remote("origin", "https://gitlab.com/acme/platform/api.git");
    let load = self::load(&config_at("api", "v*", &[], h.repo.path()));
    assert_eq!(
        load.deployments[1].url.as_deref(),
        Some("https://gitlab.com/acme/platform/api/-/tags/v1.1.0.1")
    );
}

/// A monorepo with two services told apart by tag prefix and path:
///
/// init ── a1 ── w1 ── d1 ── b1 ── w2 ── mg      (main)
///                            └── fa ───┘         (feature, merged --no-ff)
///
/// init touches api/, web/ and README.md; a1 api/; w1 web/; d1 README.md only; b1 both;
/// fa api/; w2 web/; the merge mg brings fa's api/ change onto main.
struct Monorepo {
    repo: GitRepo,
    init: String,
    a1: String,
    w1: String,
    d1: String,
    b1: String,
    fa: String,
    w2: String,
    mg: String,
}

fn monorepo() -> Monorepo {
    let repo = GitRepo::new();
    let init = repo
        .commit("Initial layout")
        .file("api/main.rs", "fn main() {}\n")
        .file("web/index.html", "<html>\n")
        .file("README.md", "mono\n")
        .at("2024-04-01T09:00:00Z")
        .create();
    repo.tag_annotated("api-v1", &init, "2024-04-01T10:00:00Z");
    repo.tag_annotated("web-v1", &init, "2024-04-01T10:00:00Z");
    let a1 = repo
        .commit("api: add endpoint")
        .file("api/main.rs", "fn main() { serve() }\n")
        .at("2024-04-02T09:00:00Z")
        .create();
    let w1 = repo
        .commit("web: new page")
        .file("web/page.html", "<p>\n")
        .at("2024-04-02T10:00:00Z")
        .create();
    let d1 = repo
        .commit("docs: readme")
        .file("README.md", "mono repo\n")
        .at("2024-04-02T11:00:00Z")
        .create();
    let b1 = repo
        .commit("shared: bump both")
        .file("api/version", "2\n")
        .remove("web/page.html")
        .at("2024-04-02T12:00:00Z")
        .create();
    repo.tag_annotated("api-v2", &b1, "2024-04-03T09:00:00Z");
    repo.tag("web-v2", &b1);
    repo.branch("feature", &b1);
    repo.checkout("feature");
    let fa = repo
        .commit("api: feature")
        .file("api/feature.rs", "feature\n")
        .at("2024-04-04T09:00:00Z")
        .create();
    repo.checkout("main");
    let w2 = repo
        .commit("web: tweak")
        .file("web/index.html", "<html lang=en>\n")
        .at("2024-04-04T10:00:00Z")
        .create();
    let mg = repo.merge("feature", "Merge branch 'feature'", "2024-04-04T11:00:00Z");
    repo.tag_annotated("api-v3", &mg, "2024-04-05T09:00:00Z");
    repo.tag_annotated("web-v3", &mg, "2024-04-05T09:00:00Z");
    Monorepo {
        repo,
        init,
        a1,
        w1,
        d1,
        b1,
        fa,
        w2,
        mg,
    }
}

#[test]
fn a_monorepo_gives_one_source_per_service_scoped_by_paths() {
    let m = monorepo();
    let api = load(&config_at("api", "api-v*", &["api/**"], m.repo.path()));
    let web = load(&config_at("web", "web-v*", &["web/**"], m.repo.path()));

    assert_eq!(
        ids(&api),
        ["git:api:api-v1", "git:api:api-v2", "git:api:api-v3"]
    );
    assert_eq!(
        ids(&web),
        ["git:web:web-v1", "git:web:web-v2", "git:web:web-v3"]
    );
    assert_eq!(
        web.deployments
            .iter()
            .map(|d| d.finished_at)
            .collect::<Vec<_>>(),
        [
            utc("2024-04-01T10:00:00Z"),
            // Lightweight: b1's committer date.
            utc("2024-04-02T12:00:00Z"),
            utc("2024-04-05T09:00:00Z"),
        ]
    );
    assert!(api.deployments.iter().all(|d| d.service == "api"));

    let api_shipped: Vec<Vec<&str>> = api.deployments.iter().map(shipped).collect();
    assert_eq!(
        api_shipped,
        [
            vec![m.init.as_str()],
            vec![m.b1.as_str(), m.a1.as_str()],
            // The merge brings api/feature.rs onto main (its diff against w2): it is api's.
            vec![m.mg.as_str(), m.fa.as_str()],
        ]
    );
    let web_shipped: Vec<Vec<&str>> = web.deployments.iter().map(shipped).collect();
    assert_eq!(
        web_shipped,
        [
            vec![m.init.as_str()],
            // b1 deletes web/page.html: a deletion touches the path.
            vec![m.b1.as_str(), m.w1.as_str()],
            vec![m.w2.as_str()],
        ]
    );
    assert!(api.deployments[2].changes[0].merge);

    // Every commit was still walked (and assigned), only not emitted.
    assert_eq!(api.commits_walked, 8);
    assert_eq!(web.commits_walked, 8);
    let everywhere: Vec<&str> = api
        .deployments
        .iter()
        .chain(&web.deployments)
        .flat_map(shipped)
        .collect();
    assert!(!everywhere.contains(&m.d1.as_str()));
}

#[test]
fn a_monorepo_without_paths_gives_every_commit_to_each_service() {
    let m = monorepo();
    let api = load(&config_at("api", "api-v*", &[], m.repo.path()));
    let counts: Vec<usize> = api.deployments.iter().map(|d| d.changes.len()).collect();
    assert_eq!(counts, [1, 4, 3]);
}

#[test]
fn a_shallow_clone_loads_what_it_has() {
    let h = linear_history();
    let shallow = h.repo.clone_with(&["--depth", "2"], "shallow");
    let load = load(&config_at("api", "v*", &[], shallow.path()));
    assert!(
        load.notes.iter().any(|n| n.contains("shallow clone")),
        "{:?}",
        load.notes
    );
    // Depth 2 from main holds c5 and r1; the boundary commit r1 is a root here.
    let shipped: Vec<&str> = load.deployments.iter().flat_map(shipped).collect();
    assert!(
        shipped.iter().all(|s| *s == h.c5 || *s == h.r1),
        "{shipped:?}"
    );
    assert!(load.deployments.iter().any(|d| d.sha == h.c5));
}

#[test]
fn a_path_that_does_not_exist_is_a_config_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope");
    let err = git::load(&config_at("api", "v*", &[], &missing), Path::new("/")).unwrap_err();
    match &err {
        SourceError::Config(text) => {
            assert!(text.contains(&missing.display().to_string()), "{text}");
            assert!(text.contains("does not exist"), "{text}");
        }
        other => panic!("expected a config error, got {other:?}"),
    }
    assert!(!err.is_retryable());
    assert!(git::probe(&config_at("api", "v*", &[], &missing), Path::new("/")).is_err());
}

#[test]
fn a_plain_directory_is_a_config_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = git::load(&config_at("api", "v*", &[], dir.path()), Path::new("/")).unwrap_err();
    match err {
        SourceError::Config(text) => {
            assert!(text.contains(&dir.path().display().to_string()), "{text}");
            assert!(text.contains("is not a git repository"), "{text}");
        }
        other => panic!("expected a config error, got {other:?}"),
    }
}

#[test]
fn a_file_is_a_config_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("repo.txt");
    std::fs::write(&file, "not a repo").unwrap();
    let err = git::load(&config_at("api", "v*", &[], &file), Path::new("/")).unwrap_err();
    assert!(matches!(err, SourceError::Config(_)), "{err:?}");
}

#[test]
fn an_empty_repository_has_no_deployments() {
    for repo in [GitRepo::new(), GitRepo::new_bare()] {
        let load = load(&config_at("api", "v*", &[], repo.path()));
        assert!(load.deployments.is_empty());
        assert_eq!(load.tags_matched, 0);
        assert_eq!(load.commits_walked, 0);
        let probe = git::probe(&config_at("api", "v*", &[], repo.path()), Path::new("/")).unwrap();
        assert_eq!(probe.tags_matched, 0);
        assert_eq!(probe.newest_tag, None);
    }
}

#[test]
fn no_matching_tags_is_ok_and_empty() {
    let h = linear_history();
    let load = load(&config_at("api", "release-*", &[], h.repo.path()));
    assert!(load.deployments.is_empty());
    assert_eq!(load.tags_matched, 0);
    assert_eq!(load.commits_walked, 0);
    assert!(load.skipped_tags.is_empty());
}

/// The path of a loose object, as git writes objects made by `git commit`.
fn loose_object(repo: &GitRepo, sha: &str) -> std::path::PathBuf {
    repo.path()
        .join(".git/objects")
        .join(&sha[..2])
        .join(&sha[2..])
}

#[test]
fn a_missing_parent_is_treated_as_a_root_and_noted() {
    let repo = GitRepo::new();
    let c1 = repo
        .commit("One")
        .file("a", "1")
        .at("2024-05-01T09:00:00Z")
        .create();
    repo.tag("v1", &c1);
    let c2 = repo
        .commit("Two")
        .file("a", "2")
        .at("2024-05-02T09:00:00Z")
        .create();
    let c3 = repo
        .commit("Three")
        .file("a", "3")
        .at("2024-05-03T09:00:00Z")
        .create();
    repo.tag("v3", &c3);
    std::fs::remove_file(loose_object(&repo, &c1)).unwrap();

    let load = load(&config_at("api", "v*", &["a"], repo.path()));
    assert_eq!(ids(&load), ["git:api:v3"]);
    assert_eq!(shipped(&load.deployments[0]), [c3.as_str(), c2.as_str()]);
    assert_eq!(
        load.skipped_tags,
        [format!(
            "tag v1 skipped: it points at {c1}, which is missing from the repository"
        )]
    );
    assert_eq!(load.commits_walked, 2);
    assert_eq!(
        load.notes,
        [format!(
            "1 parent commit(s) are missing from {} (e.g. {c1}); their children were treated as root commits",
            repo.path().display()
        )]
    );
}

#[test]
fn a_corrupt_object_is_a_data_error() {
    let repo = GitRepo::new();
    let c1 = repo
        .commit("One")
        .file("a", "1")
        .at("2024-05-01T09:00:00Z")
        .create();
    let c2 = repo
        .commit("Two")
        .file("a", "2")
        .at("2024-05-02T09:00:00Z")
        .create();
    repo.tag("v2", &c2);
    let object = loose_object(&repo, &c1);
    let mut permissions = std::fs::metadata(&object).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    permissions.set_readonly(false);
    std::fs::set_permissions(&object, permissions).unwrap();
    std::fs::write(&object, b"this is not zlib data").unwrap();

    let err = git::load(&config_at("api", "v*", &[], repo.path()), Path::new("/")).unwrap_err();
    match err {
        SourceError::Data(text) => assert!(text.contains(&c1), "{text}"),
        other => panic!("expected a data error, got {other:?}"),
    }
}

#[test]
fn a_criss_cross_history_ships_every_commit_once() {
    // base ── a1 ──────── m1 ── c ── m3        (main)
    //    └── b1 ──┬── m2 ─┼──────────┘        (side)
    //  m1 = a1 + b1 (on main), m2 = b1 + a1 (on side): a criss-cross.
    let repo = GitRepo::new();
    let base = repo
        .commit("Base")
        .file("base", "0")
        .at("2024-06-01T09:00:00Z")
        .create();
    repo.branch("side", &base);
    let a1 = repo
        .commit("A1")
        .file("a1", "1")
        .at("2024-06-02T09:00:00Z")
        .create();
    repo.checkout("side");
    let b1 = repo
        .commit("B1")
        .file("b1", "1")
        .at("2024-06-03T09:00:00Z")
        .create();
    repo.checkout("main");
    let m1 = repo.merge("side", "Merge side into main", "2024-06-04T09:00:00Z");
    repo.checkout("side");
    let m2 = repo.merge(&a1, "Merge a1 into side", "2024-06-05T09:00:00Z");
    repo.tag("v1", &m2);
    repo.checkout("main");
    let c = repo
        .commit("C")
        .file("c", "1")
        .at("2024-06-06T09:00:00Z")
        .create();
    let m3 = repo.merge("side", "Merge side again", "2024-06-07T09:00:00Z");
    repo.tag("v2", &m3);

    let load = load(&config_at("api", "v*", &[], repo.path()));
    assert_eq!(ids(&load), ["git:api:v1", "git:api:v2"]);
    assert_eq!(
        shipped(&load.deployments[0]),
        [m2.as_str(), b1.as_str(), a1.as_str(), base.as_str()]
    );
    assert_eq!(
        shipped(&load.deployments[1]),
        [m3.as_str(), c.as_str(), m1.as_str()]
    );
    assert_eq!(load.commits_walked, 7);
    let merges: Vec<bool> = load.deployments[1]
        .changes
        .iter()
        .map(|c| c.merge)
        .collect();
    assert_eq!(merges, [true, false, true]);
}

#[test]
fn an_annotated_tag_without_a_tagger_takes_the_commit_date() {
    let repo = GitRepo::new();
    let c1 = repo
        .commit("One")
        .file("a", "1")
        .at("2024-07-01T09:00:00Z")
        .create();
    let tag_file = repo.parent().join("tag-object");
    std::fs::write(
        &tag_file,
        format!("object {c1}\ntype commit\ntag v1\n\nA tag with no tagger line.\n"),
    )
    .unwrap();
    let tag = repo.git(&[
        "hash-object",
        "-t",
        "tag",
        "-w",
        "--literally",
        tag_file.to_str().unwrap(),
    ]);
    repo.git(&["update-ref", "refs/tags/v1", &tag]);
    assert_eq!(repo.git(&["cat-file", "-t", "v1"]), "tag");

    let load = load(&config_at("api", "v*", &[], repo.path()));
    assert_eq!(ids(&load), ["git:api:v1"]);
    assert_eq!(load.deployments[0].finished_at, utc("2024-07-01T09:00:00Z"));
    assert_eq!(load.deployments[0].sha, c1);
}
