//! `sources::git::load` on a generated repository of 50,000 commits and 500 deploy tags.
//!
//! The repository is written once with `git fast-import` (seconds, not the minutes 50,000
//! `git commit`s would take) and cached under `$CARGO_TARGET_DIR/flowdeck-bench/` (or the target
//! directory holding this binary, else the system temp dir), so reruns start at once.
//!
//! `FLOWDECK_GIT_BENCH=COMMITS:TAGS` (e.g. `200000:2000`) benches another size instead, and
//! `FLOWDECK_GIT_BENCH_REPO=PATH` a real repository (a clone of git/git, for issue 16's row:
//! its `v*` tags are the deployments).
//!
//! `git rev-list --all` on the same repository is benched beside it: the source should cost
//! about half of that raw walk or less, whatever the machine.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use flowdeck::config::schema::GitSourceConfig;
use flowdeck::sources::git;

/// Bump when the generated history changes, so stale caches are not reused.
const LAYOUT_VERSION: u32 = 1;
/// Every this many commits on main, a feature branch of `FEATURE_LEN` commits is merged.
const MERGE_EVERY: usize = 50;
const FEATURE_LEN: usize = 3;
const START: i64 = 1_577_836_800; // 2020-01-01T00:00:00Z
const STEP: i64 = 600;

fn size() -> (usize, usize) {
    match std::env::var("FLOWDECK_GIT_BENCH") {
        Ok(text) => {
            let (commits, tags) = text
                .split_once(':')
                .expect("FLOWDECK_GIT_BENCH=COMMITS:TAGS");
            (
                commits.parse().expect("commits"),
                tags.parse().expect("tags"),
            )
        }
        Err(_) => (50_000, 500),
    }
}

fn cache_root() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(dir).join("flowdeck-bench");
    }
    // <target>/<profile>/deps/git_source-<hash>
    let exe = std::env::current_exe().ok();
    let deps = exe.as_deref().and_then(Path::parent);
    match deps {
        Some(deps) if deps.file_name().is_some_and(|n| n == "deps") => deps
            .parent()
            .and_then(Path::parent)
            .map(|target| target.join("flowdeck-bench"))
            .unwrap_or_else(|| std::env::temp_dir().join("flowdeck-bench")),
        _ => std::env::temp_dir().join("flowdeck-bench"),
    }
}

/// The cached repository for `commits` and `tags`, generated if missing or incomplete.
fn repository(commits: usize, tags: usize) -> PathBuf {
    let dir = cache_root().join(format!("git-{commits}-{tags}-v{LAYOUT_VERSION}.git"));
    let done = dir.join("flowdeck-bench-complete");
    if done.exists() {
        return dir;
    }
    if dir.exists() {
        fs::remove_dir_all(&dir).expect("remove an incomplete bench repository");
    }
    fs::create_dir_all(&dir).expect("create the bench repository directory");
    let started = Instant::now();
    git(&dir, &["init", "-q", "--bare"], None);
    let mut stream = Vec::new();
    write_history(&mut stream, commits, tags).expect("write the fast-import stream");
    git(&dir, &["fast-import", "--quiet"], Some(&stream));
    git(&dir, &["pack-refs", "--all"], None);
    fs::write(&done, b"").expect("mark the bench repository complete");
    eprintln!(
        "generated {} ({commits} commits, {tags} tags) in {:.1?}",
        dir.display(),
        started.elapsed()
    );
    dir
}

fn git(dir: &Path, args: &[&str], stdin: Option<&[u8]>) {
    let mut child = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GIT_DIR")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .spawn()
        .expect("run git");
    if let Some(input) = stdin {
        let mut pipe = BufWriter::new(child.stdin.take().expect("git stdin"));
        pipe.write_all(input).expect("feed git");
        pipe.flush().expect("feed git");
    }
    let status = child.wait().expect("wait for git");
    assert!(status.success(), "git {args:?} failed");
}

/// A history of exactly `commits` commits: a main line with a `FEATURE_LEN`-commit feature
/// branch merged (`--no-ff` style) every `MERGE_EVERY` main commits; files spread over a few
/// directories (api/, web/, lib/, docs/); `tags` tags on main, evenly spaced, the last on the
/// tip, alternately annotated (tagged 5 minutes after the commit) and lightweight.
fn write_history(out: &mut Vec<u8>, commits: usize, tags: usize) -> std::io::Result<()> {
    const DIRS: [&str; 4] = ["api", "web", "lib", "docs"];
    let mut mark = 0usize;
    let mut main_tip: Option<usize> = None;
    let mut main_commits = Vec::with_capacity(commits);
    let mut time = START;
    let mut commit = |out: &mut Vec<u8>,
                      branch: &str,
                      from: Option<usize>,
                      merge: Option<usize>,
                      message: &str|
     -> std::io::Result<usize> {
        mark += 1;
        time += STEP;
        let path = format!("{}/mod{}/file{}.txt", DIRS[mark % 4], mark % 7, mark % 31);
        let content = format!("change {mark}\n");
        writeln!(out, "commit refs/heads/{branch}")?;
        writeln!(out, "mark :{mark}")?;
        writeln!(
            out,
            "author Dev {} <dev{}@example.com> {time} +0000",
            mark % 13,
            mark % 13
        )?;
        writeln!(
            out,
            "committer Dev {} <dev{}@example.com> {time} +0000",
            mark % 13,
            mark % 13
        )?;
        writeln!(out, "data {}\n{message}", message.len())?;
        if let Some(from) = from {
            writeln!(out, "from :{from}")?;
        }
        if let Some(merge) = merge {
            writeln!(out, "merge :{merge}")?;
        }
        writeln!(
            out,
            "M 100644 inline {path}\ndata {}\n{content}",
            content.len()
        )?;
        Ok(mark)
    };

    let mut made = 0usize;
    let mut since_merge = 0usize;
    while made < commits {
        let left = commits - made;
        if since_merge >= MERGE_EVERY && left > FEATURE_LEN + 1 {
            let base = main_tip;
            let mut feature_tip = base;
            for i in 0..FEATURE_LEN {
                feature_tip = Some(commit(
                    out,
                    "feature",
                    feature_tip,
                    None,
                    &format!("Feature step {i} (#{})", made + 1),
                )?);
                made += 1;
            }
            let merged = commit(
                out,
                "main",
                main_tip,
                feature_tip,
                &format!("Merge pull request #{} from acme/feature", made + 1),
            )?;
            main_tip = Some(merged);
            main_commits.push(merged);
            made += 1;
            since_merge = 0;
        } else {
            let message = if made.is_multiple_of(97) && made > 0 {
                format!(
                    "Revert \"Change {}\"\n\nThis reverts commit {:040x}.\n",
                    made - 1,
                    made
                )
            } else {
                format!("Change {made}\n\nSome details about change {made}.\n")
            };
            let next = commit(out, "main", main_tip, None, &message)?;
            main_tip = Some(next);
            main_commits.push(next);
            made += 1;
            since_merge += 1;
        }
    }

    let tags = tags.min(main_commits.len());
    for t in 0..tags {
        // Evenly spaced over main, the last on the tip.
        let index = (t + 1) * main_commits.len() / tags - 1;
        let target = main_commits[index];
        let name = format!("v{}.{}.0", t / 100, t % 100);
        if t.is_multiple_of(2) {
            let tagged_at = START + STEP * i64::try_from(target).expect("mark fits") + 300;
            let message = format!("Release {name}\n");
            writeln!(out, "tag {name}\nfrom :{target}")?;
            writeln!(
                out,
                "tagger Release Bot <bot@example.com> {tagged_at} +0000"
            )?;
            writeln!(out, "data {}\n{message}", message.len())?;
        } else {
            writeln!(out, "reset refs/tags/{name}\nfrom :{target}\n")?;
        }
    }
    writeln!(out, "done")?;
    Ok(())
}

fn config(path: &Path, paths: &[&str]) -> GitSourceConfig {
    let paths: Vec<String> = paths.iter().map(|p| format!("{p:?}")).collect();
    toml::from_str(&format!(
        "service = \"api\"\npath = {:?}\ndeploy_tags = \"v*\"\npaths = [{}]\n",
        path.display().to_string(),
        paths.join(", ")
    ))
    .expect("bench config")
}

/// The raw walk the source is held against: every commit reachable from any ref.
fn rev_list_all(repo: &Path) {
    let status = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["rev-list", "--all"])
        .stdout(Stdio::null())
        .status()
        .expect("git rev-list");
    assert!(status.success());
}

fn bench(c: &mut Criterion) {
    if let Some(repo) = std::env::var_os("FLOWDECK_GIT_BENCH_REPO") {
        return bench_real(c, Path::new(&repo));
    }
    let (commits, tags) = size();
    let repo = repository(commits, tags);
    let all = config(&repo, &[]);
    let api = config(&repo, &["api/**"]);

    // Sanity: every commit is walked once and every tag deployed.
    let load = git::load(&all, Path::new("/")).expect("load");
    assert_eq!(load.commits_walked, commits);
    assert_eq!(load.deployments.len(), tags);
    let changes: usize = load.deployments.iter().map(|d| d.changes.len()).sum();
    assert_eq!(changes, commits);

    let mut group = c.benchmark_group("git_source");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(15));
    group.bench_function(format!("load {commits} commits {tags} tags"), |b| {
        b.iter(|| std::hint::black_box(git::load(&all, Path::new("/")).expect("load")))
    });
    group.bench_function(
        format!("load {commits} commits {tags} tags, paths api/**"),
        |b| b.iter(|| std::hint::black_box(git::load(&api, Path::new("/")).expect("load"))),
    );
    group.bench_function(format!("rev-list --all {commits} commits"), |b| {
        b.iter(|| rev_list_all(&repo))
    });
    group.finish();
}

/// A real repository's whole history: the source, and the raw walk beside it.
fn bench_real(c: &mut Criterion, repo: &Path) {
    let all = config(repo, &[]);
    let load = git::load(&all, Path::new("/")).expect("load");
    eprintln!(
        "{}: {} commits walked, {} deployments",
        repo.display(),
        load.commits_walked,
        load.deployments.len()
    );
    let mut group = c.benchmark_group("git_source_real");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("load", |b| {
        b.iter(|| std::hint::black_box(git::load(&all, Path::new("/")).expect("load")))
    });
    group.bench_function("rev-list --all", |b| b.iter(|| rev_list_all(repo)));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
