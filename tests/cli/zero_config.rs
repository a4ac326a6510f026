//! Zero-config: `flowdeck report`, `check` and `init` inside a git repository with no config
//! file. One repository per inference case (one version pattern, monorepo prefixes with their
//! folders, dated releases, no tags), an empty window that explains itself, the origin on a
//! GitHub and a GitLab look-alike found by the probe (the report equal, number for number, to
//! the one an explicit config gives), and careless input: credentials in a remote URL, odd
//! remotes, a bare repository, a broken `.git`, thousands of tags.

#[allow(unused_imports)]
use crate::support::leaked::{Leaked, leaked};
use std::path::Path;
use std::process::{Command, Output};

use serde_json::{Value, json};
use wiremock::MockServer;

use crate::support::gitrepo::GitRepo;
use crate::support::{github_fixture, gitlab_fixture, gitlab_server::Gitlab};

const NOW: &str = "2026-03-31T00:00:00Z";

/// Runs the binary in `dir` with no config file: a clean environment, every XDG folder in
/// `home`, the clock fixed; `env` adds variables (tokens).
fn flowdeck_in(dir: &Path, home: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_flowdeck"));
    command
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("FLOWDECK_NOW", NOW);
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn json_report(dir: &Path, home: &Path, extra: &[&str], env: &[(&str, &str)]) -> (Value, Output) {
    let mut args = vec!["report", "--format", "json"];
    args.extend_from_slice(extra);
    let out = flowdeck_in(dir, home, &args, env);
    assert!(out.status.success(), "report failed: {}", text(&out.stderr));
    (serde_json::from_slice(&out.stdout).unwrap(), out)
}

/// A repository with one commit a day from 2026-03-01, tagged with `tags` in turn.
fn repo_with_tags(tags: &[&str]) -> GitRepo {
    let repo = GitRepo::new();
    for (i, tag) in tags.iter().enumerate() {
        let at = format!("2026-03-{:02}T10:00:00Z", i % 28 + 1);
        let sha = repo
            .commit(&format!("change {i}"))
            .file(&format!("f{i}.txt"), "x")
            .at(&at)
            .create();
        repo.tag(tag, &sha);
    }
    repo
}

fn service_names(report: &Value) -> Vec<String> {
    report["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn one_version_pattern_is_one_service_named_after_the_repository() {
    let repo = repo_with_tags(&["v1.0.0", "v1.1.0", "v1.2.0", "nightly", "1.0-beta"]);
    let home = tempfile::tempdir().unwrap();
    let (report, out) = json_report(repo.path(), home.path(), &[], &[]);
    assert_eq!(service_names(&report), ["repo"]);
    assert_eq!(report["metrics"]["deployment_frequency"]["deployments"], 3);
    assert_eq!(report["latest_deployment"]["name"], "v1.2.0");
    assert_eq!(report["latest_deployment"]["id"], "git:repo:v1.2.0");
    assert_eq!(report["services"][0]["latest_deployment"]["name"], "v1.2.0");
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("no config file; configured from the git repository"),
        "{stderr}"
    );
    assert!(
        stderr.contains("deployments are tags v[0-9]* (3 tags like v1.2.0)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("other tag patterns not used: [0-9]* (1 tag)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("1 of 5 tags fit no version pattern"),
        "{stderr}"
    );
    let inferred = report["inferred"].as_array().unwrap();
    assert!(
        inferred
            .iter()
            .any(|l| l.as_str().unwrap().contains("v[0-9]*")),
        "{inferred:?}"
    );
}

#[test]
fn prefixes_with_folders_are_a_monorepo_with_each_services_own_changes() {
    let repo = GitRepo::new();
    let base = repo
        .commit("start")
        .file("README.md", "x")
        .at("2026-03-01T09:00:00Z")
        .create();
    repo.tag("api-v1.0.0", &base);
    repo.tag("web/v3.0.0", &base);
    let api = repo
        .commit("api change")
        .file("services/api/main.rs", "x")
        .at("2026-03-02T09:00:00Z")
        .create();
    let web = repo
        .commit("web change")
        .file("web/index.html", "x")
        .at("2026-03-03T09:00:00Z")
        .create();
    repo.tag("api-v1.1.0", &web);
    repo.tag("web/v3.1.0", &web);
    let _ = api;
    let home = tempfile::tempdir().unwrap();
    let (report, out) = json_report(repo.path(), home.path(), &[], &[]);
    let mut names = service_names(&report);
    names.sort();
    assert_eq!(names, ["api", "web"]);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("commits touching services/api/"),
        "{stderr}"
    );
    assert!(stderr.contains("commits touching web/"), "{stderr}");
    // Each service's v1.1.0 / v3.1.0 shipped only the commit touching its own folder.
    for name in ["api", "web"] {
        let service = report["services"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == name)
            .unwrap();
        assert_eq!(
            service["metrics"]["lead_time_for_changes"]["changes"], 1,
            "{name}: {service:#}"
        );
    }
}

#[test]
fn dated_releases_are_one_pattern() {
    let repo = repo_with_tags(&["release-2026-03-01", "release-2026-03-02", "v1.0.0"]);
    let home = tempfile::tempdir().unwrap();
    let out = flowdeck_in(repo.path(), home.path(), &["check"], &[]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains("deployments are tags release-[0-9]* (2 tags like release-2026-03-02)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("other tag patterns not used: v[0-9]* (1 tag)"),
        "{stdout}"
    );
}

#[test]
fn no_tags_still_runs_and_says_why_there_are_no_deployments() {
    let repo = GitRepo::new();
    repo.commit("start")
        .file("a", "x")
        .at("2026-03-01T09:00:00Z")
        .create();
    let home = tempfile::tempdir().unwrap();
    let (report, out) = json_report(repo.path(), home.path(), &[], &[]);
    assert_eq!(report["metrics"]["deployment_frequency"]["deployments"], 0);
    assert_eq!(report["latest_deployment"], Value::Null);
    assert!(
        text(&out.stderr).contains("the repository has no tags"),
        "{}",
        text(&out.stderr)
    );
    let md = flowdeck_in(repo.path(), home.path(), &["report", "--format", "md"], &[]);
    assert!(
        text(&md.stdout).contains("no deployments in the last 30 days, and none before"),
        "{}",
        text(&md.stdout)
    );
}

#[test]
fn an_empty_window_names_the_latest_deployment_and_a_window_that_holds_it() {
    let repo = GitRepo::new();
    let sha = repo
        .commit("old")
        .file("a", "x")
        .at("2025-01-15T10:00:00Z")
        .create();
    repo.tag("v1.2.0", &sha);
    let home = tempfile::tempdir().unwrap();
    let (report, _) = json_report(repo.path(), home.path(), &[], &[]);
    assert_eq!(report["metrics"]["deployment_frequency"]["deployments"], 0);
    assert_eq!(
        report["latest_deployment"],
        json!({"id": "git:repo:v1.2.0", "name": "v1.2.0", "finished_at": "2025-01-15T10:00:00Z"})
    );
    let want = "no deployments in the last 30 days; the latest, v1.2.0, was 439 days ago (2025-01-15) — try --window 450d";
    for format in ["md", "html"] {
        let out = flowdeck_in(
            repo.path(),
            home.path(),
            &["report", "--format", format],
            &[],
        );
        assert!(
            text(&out.stdout).contains(want),
            "{format}: {}",
            text(&out.stdout)
        );
    }
    let check = flowdeck_in(repo.path(), home.path(), &["check"], &[]);
    assert!(
        text(&check.stdout).contains(want),
        "{}",
        text(&check.stdout)
    );
    // The suggestion works.
    let (wide, _) = json_report(repo.path(), home.path(), &["--window", "450d"], &[]);
    assert_eq!(wide["metrics"]["deployment_frequency"]["deployments"], 1);
}

#[test]
fn outside_a_repository_the_usual_message_stays() {
    let dir = tempfile::tempdir().unwrap();
    let out = flowdeck_in(dir.path(), dir.path(), &["report"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no config file and no sources to read"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn init_writes_what_was_detected_with_a_comment_on_each_value() {
    let repo = repo_with_tags(&["v0.1.0", "v0.2.0"]);
    repo.set_remote("origin", "git@github.com:acme/repo.git");
    let home = tempfile::tempdir().unwrap();
    let token = [("GITHUB_TOKEN", "ghp_TOKEN_NEVER_PRINTED")];
    let out = flowdeck_in(repo.path(), home.path(), &["init"], &token);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let path = home.path().join("config/flowdeck/config.toml");
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(
        written.contains("deploy_tags = \"v[0-9]*\"   # inferred from 2 tags like v0.2.0"),
        "{written}"
    );
    assert!(
        written.contains("# origin is github.com: acme/repo"),
        "{written}"
    );
    assert!(written.contains("kind = \"github\""), "{written}");
    assert!(written.contains("repo = \"acme/repo\""), "{written}");
    assert!(!written.contains("ghp_TOKEN"), "{written}");
    // It parses, and is never overwritten.
    let parsed = flowdeck_config::parse(&written, &path);
    assert!(parsed.is_ok(), "{parsed:?}");
    let again = flowdeck_in(repo.path(), home.path(), &["init"], &token);
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), written);
}

#[test]
fn without_a_token_the_forge_is_skipped_with_a_hint() {
    let repo = repo_with_tags(&["v0.1.0"]);
    repo.set_remote("origin", "https://gitlab.com/group/sub/project.git");
    let home = tempfile::tempdir().unwrap();
    let (report, out) = json_report(repo.path(), home.path(), &[], &[]);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("origin is gitlab.com: group/sub/project (GitLab), but no token was found"),
        "{stderr}"
    );
    assert!(stderr.contains("set GITLAB_TOKEN"), "{stderr}");
    assert_eq!(report["metrics"]["deployment_frequency"]["deployments"], 1);
}

#[test]
fn credentials_in_the_remote_are_never_printed_or_stored() {
    let repo = repo_with_tags(&["v0.1.0"]);
    repo.set_remote(
        "origin",
        "https://user:hunter2SECRET@git.example.com/team/app.git",
    );
    let home = tempfile::tempdir().unwrap();
    let mut seen = Vec::new();
    for args in [&["report"][..], &["check"], &["init"]] {
        let out = flowdeck_in(repo.path(), home.path(), args, &[]);
        seen.extend(out.stdout);
        seen.extend(out.stderr);
    }
    for file in walk(home.path()) {
        seen.extend(std::fs::read(file).unwrap_or_default());
    }
    let all = text(&seen);
    assert!(!all.contains("hunter2SECRET"), "{all}");
    assert!(!all.contains("user:"), "{all}");
    assert!(
        all.contains("origin is on https://git.example.com"),
        "{all}"
    );
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files
}

#[test]
fn odd_remotes_fall_back_to_git_alone() {
    let cases: &[(&[(&str, &str)], &str)] = &[
        (
            &[
                ("upstream", "https://github.com/a/b"),
                ("fork", "https://github.com/c/b"),
            ],
            "2 remotes and none is named origin",
        ),
        (
            &[("origin", "file:///srv/git/app.git")],
            "origin is a path on this machine",
        ),
        (
            &[("origin", "http://git.example.com/a/b.git")],
            "origin is plain http on git.example.com",
        ),
        (&[("origin", "ftp://x/a/b")], "not one flowdeck can read"),
    ];
    for (remotes, want) in cases {
        let repo = repo_with_tags(&["v1.0.0"]);
        for (name, url) in *remotes {
            repo.set_remote(name, url);
        }
        let home = tempfile::tempdir().unwrap();
        let (report, out) = json_report(repo.path(), home.path(), &[], &[("GITHUB_TOKEN", "t")]);
        assert!(
            text(&out.stderr).contains(want),
            "{want}: {}",
            text(&out.stderr)
        );
        assert_eq!(report["metrics"]["deployment_frequency"]["deployments"], 1);
    }
}

#[test]
fn a_bare_repository_and_a_subdirectory_work_and_a_broken_git_is_a_clear_error() {
    let repo = repo_with_tags(&["v1.0.0", "v1.1.0"]);
    let bare = repo.clone_bare();
    let home = tempfile::tempdir().unwrap();
    let (report, _) = json_report(bare.path(), home.path(), &[], &[]);
    assert_eq!(report["metrics"]["deployment_frequency"]["deployments"], 2);

    let sub = repo.path().join("deep/er");
    std::fs::create_dir_all(&sub).unwrap();
    let (report, _) = json_report(&sub, home.path(), &[], &[]);
    assert_eq!(service_names(&report), ["repo"]);

    let broken = tempfile::tempdir().unwrap();
    std::fs::write(
        broken.path().join(".git"),
        "gitdir: /nonexistent/flowdeck/test\n",
    )
    .unwrap();
    let out = flowdeck_in(broken.path(), home.path(), &["report"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("cannot be read"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn thousands_of_tags_with_noise() {
    let repo = GitRepo::new();
    let sha = repo
        .commit("start")
        .file("a", "x")
        .at("2026-03-01T09:00:00Z")
        .create();
    // Written as packed refs: 3,000 `git tag` runs would take long.
    let mut packed = String::from("# pack-refs with: peeled fully-peeled sorted \n");
    let mut names: Vec<String> = (0..2500)
        .map(|i| format!("v{}.{}.0", i / 100, i % 100))
        .collect();
    names.extend((0..500).map(|i| format!("build-{i}")));
    names.push("v1.0.0-\u{e9}t\u{e9}".into());
    names.sort();
    for name in &names {
        packed.push_str(&format!("{sha} refs/tags/{name}\n"));
    }
    std::fs::write(repo.path().join(".git/packed-refs"), packed).unwrap();
    let home = tempfile::tempdir().unwrap();
    let out = flowdeck_in(repo.path(), home.path(), &["check"], &[]);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("deployments are tags v[0-9]* (2500 tags like v24.99.0)"),
        "{stdout}"
    );
    // build-N, and a name with non-ASCII letters in its version part.
    assert!(
        stdout.contains("501 of 3001 tags fit no version pattern"),
        "{stdout}"
    );
}

/// A repository named `name` whose origin is `http://127.0.0.1:PORT/<project>.git`.
fn clone_with_origin(name: &str, origin: &str) -> GitRepo {
    let repo = repo_with_tags(&["v1.0.0", "v1.1.0"]);
    let clone = repo.clone_with(&[], name);
    clone.set_remote("origin", origin);
    clone
}

/// The measures and rows a report gives, without what says where they came from.
fn numbers(report: &Value) -> Value {
    json!({
        "metrics": report["metrics"],
        "previous": report["previous"]["metrics"],
        "services": report["services"],
        "deployments": report["deployments"],
        "incidents": report["incidents"],
        "latest_deployment": report["latest_deployment"],
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn github_enterprise_found_by_the_probe_gives_the_explicit_configs_report() {
    let github = leaked(MockServer::start().await);
    github_fixture::mount_under(&github, "/api/v3").await;
    github_server_meta(&github).await;
    let clone = clone_with_origin("api", &format!("{}/acme/api.git", github.uri()));
    let home = tempfile::tempdir().unwrap();
    let token = [("GITHUB_TOKEN", github_fixture::TOKEN)];
    let window = [
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-30",
        "--now",
        "2026-05-30T00:00:00Z",
    ];
    let dir = clone.path().to_path_buf();
    let home_path = home.path().to_path_buf();
    let (zero, out) =
        tokio::task::spawn_blocking(move || json_report(&dir, &home_path, &window, &token))
            .await
            .unwrap();
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("(GitHub): deployments, CI runs, pull requests"),
        "{stderr}"
    );
    assert!(stderr.contains("deployments: GitHub's"), "{stderr}");
    assert!(stderr.contains("so tags are not counted"), "{stderr}");
    // stderr is a pipe here: no progress line (it is drawn on a terminal only).
    assert!(!stderr.contains("syncing"), "{stderr}");
    assert!(!text(&out.stdout).contains(github_fixture::TOKEN));

    // The same through an explicit config.
    let config = home.path().join("explicit.toml");
    std::fs::write(
        &config,
        format!(
            "[general]\nstore = \"explicit.sqlite\"\n\n[[services]]\nname = \"api\"\n\n[[sources]]\nkind = \"github\"\nservice = \"api\"\nrepo = \"acme/api\"\nbase_url = \"{}/api/v3\"\n",
            github.uri()
        ),
    )
    .unwrap();
    let dir = clone.path().to_path_buf();
    let home_path = home.path().to_path_buf();
    let config_arg = config.display().to_string();
    let (explicit, _) = tokio::task::spawn_blocking(move || {
        let mut args = vec!["--config", config_arg.as_str()];
        args.extend_from_slice(&window);
        json_report(&dir, &home_path, &args, &token)
    })
    .await
    .unwrap();
    assert_eq!(numbers(&zero), numbers(&explicit));
    assert!(
        zero["metrics"]["deployment_frequency"]["deployments"]
            .as_u64()
            .unwrap()
            > 0
    );
    // The probe's answer is remembered: a second run asks no /meta.
    let metas = |asked: &[wiremock::Request]| {
        asked
            .iter()
            .filter(|r| r.url.path() == "/api/v3/meta")
            .count()
    };
    let before = metas(&github.received_requests().await.unwrap());
    let dir = clone.path().to_path_buf();
    let home_path = home.path().to_path_buf();
    tokio::task::spawn_blocking(move || json_report(&dir, &home_path, &["--offline"], &token))
        .await
        .unwrap();
    assert_eq!(metas(&github.received_requests().await.unwrap()), before);
    assert_eq!(before, 1);
}

async fn github_server_meta(server: &MockServer) {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, ResponseTemplate};
    Mock::given(method("GET"))
        .and(path("/api/v3/meta"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "verifiable_password_authentication": false,
            "installed_version": "3.14.0"
        })))
        .mount(server)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gitlab_self_managed_found_by_the_probe_gives_the_explicit_configs_report() {
    let gitlab = Gitlab::start().await;
    gitlab_fixture::mount(&gitlab).await;
    gitlab
        .object(
            "/api/v4/version",
            &[],
            json!({"version": "17.5.0", "revision": "abc"}),
        )
        .await;
    let clone = clone_with_origin("web", &format!("{}/group/web.git", gitlab.uri()));
    let home = tempfile::tempdir().unwrap();
    let token = [("GITLAB_TOKEN", "glpat-TOPSECRET-0123456789abcdef")];
    let window = [
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-30",
        "--now",
        "2026-05-30T00:00:00Z",
    ];
    let dir = clone.path().to_path_buf();
    let home_path = home.path().to_path_buf();
    let (zero, out) =
        tokio::task::spawn_blocking(move || json_report(&dir, &home_path, &window, &token))
            .await
            .unwrap();
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("(GitLab): deployments, CI runs"),
        "{stderr}"
    );

    let config = home.path().join("explicit.toml");
    std::fs::write(
        &config,
        format!(
            "[general]\nstore = \"explicit.sqlite\"\n\n[[services]]\nname = \"web\"\n\n[[sources]]\nkind = \"gitlab\"\nservice = \"web\"\nproject = \"group/web\"\nbase_url = \"{}\"\n",
            gitlab.uri()
        ),
    )
    .unwrap();
    let dir = clone.path().to_path_buf();
    let home_path = home.path().to_path_buf();
    let config_arg = config.display().to_string();
    let (explicit, _) = tokio::task::spawn_blocking(move || {
        let mut args = vec!["--config", config_arg.as_str()];
        args.extend_from_slice(&window);
        json_report(&dir, &home_path, &args, &token)
    })
    .await
    .unwrap();
    assert_eq!(numbers(&zero), numbers(&explicit));
}
