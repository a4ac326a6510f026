//! Real git repositories for tests, built with the `git` command line in temporary directories.
//!
//! Every date is given, so every sha is the same on every run and machine:
//!
//! ```ignore
//! #[path = "support/gitrepo.rs"]
//! mod gitrepo;
//! use gitrepo::GitRepo;
//!
//! let repo = GitRepo::new();
//! let first = repo.commit("Initial commit").file("README.md", "hi").at("2024-03-01T09:00:00Z").create();
//! repo.tag("v1.0.0", &first);                                   // lightweight
//! repo.branch("feature", &first);
//! repo.checkout("feature");
//! let f = repo.commit("Feature").file("f.txt", "f").at("2024-03-02T09:00:00Z").create();
//! repo.checkout("main");
//! let m = repo.merge("feature", "Merge pull request #3 from acme/feature", "2024-03-02T10:00:00Z");
//! let r = repo.revert(&f, "2024-03-03T09:00:00Z");
//! repo.tag_annotated("v1.1.0", &r, "2024-03-03T10:00:00Z");    // tagger date as given
//! let bare = repo.clone_bare();
//! ```
//!
//! Dates are RFC 3339 ("2024-03-01T09:00:00Z", "2024-03-01T11:00:00+02:00"); the offset is kept
//! in the commit, as git would. Commands run with `GIT_CONFIG_GLOBAL=/dev/null`,
//! `GIT_CONFIG_NOSYSTEM=1`, `LC_ALL=C`, user "Test <test@example.com>", `init.defaultBranch=main`
//! and signing off, so neither the machine's git config nor its locale leaks in. Any failing git
//! command panics with its stderr (this is test code).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::DateTime;
use tempfile::TempDir;

/// The date used when a commit is given none.
pub const DEFAULT_DATE: &str = "2024-01-01T00:00:00Z";

/// A git repository in a temporary directory, deleted when dropped.
pub struct GitRepo {
    _dir: TempDir,
    path: PathBuf,
}

impl GitRepo {
    /// An empty work tree on branch `main`.
    pub fn new() -> GitRepo {
        let dir = TempDir::new().expect("temporary directory");
        let path = dir.path().join("repo");
        fs::create_dir(&path).expect("create repo directory");
        run_git(&path, &["init", "-q"], &[]);
        GitRepo { _dir: dir, path }
    }

    /// An empty bare repository.
    pub fn new_bare() -> GitRepo {
        let dir = TempDir::new().expect("temporary directory");
        let path = dir.path().join("repo.git");
        run_git(dir.path(), &["init", "-q", "--bare", "repo.git"], &[]);
        GitRepo { _dir: dir, path }
    }

    /// The work tree (or, for a bare repository, the repository directory).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The directory that holds [`GitRepo::path`], for tests of relative `path` settings.
    pub fn parent(&self) -> &Path {
        self._dir.path()
    }

    /// Runs `git <args>` in the repository and returns its standard output, trimmed.
    pub fn git(&self, args: &[&str]) -> String {
        run_git(&self.path, args, &[])
    }

    /// Starts a commit on the current branch; finish it with [`CommitBuilder::create`].
    pub fn commit(&self, message: &str) -> CommitBuilder<'_> {
        CommitBuilder {
            repo: self,
            message: message.to_string(),
            files: Vec::new(),
            removed: Vec::new(),
            author: None,
            authored_at: None,
            committed_at: DEFAULT_DATE.to_string(),
        }
    }

    /// A lightweight tag on `rev` (a sha, branch, tag, or `X^{tree}`).
    pub fn tag(&self, name: &str, rev: &str) {
        self.git(&["tag", name, rev]);
    }

    /// An annotated tag on `rev` whose tagger date is `at`. When `rev` names an annotated tag,
    /// the result is a nested tag (a tag of a tag).
    pub fn tag_annotated(&self, name: &str, rev: &str, at: &str) {
        let date = git_date(at);
        run_git(
            &self.path,
            &["tag", "-a", name, "-m", &format!("Release {name}"), rev],
            &[("GIT_COMMITTER_DATE", date.as_str())],
        );
    }

    /// Creates branch `name` at `rev` without switching to it.
    pub fn branch(&self, name: &str, rev: &str) {
        self.git(&["branch", name, rev]);
    }

    /// Switches the work tree to branch `name`.
    pub fn checkout(&self, name: &str) {
        self.git(&["checkout", "-q", name]);
    }

    /// Merges `branch` into the current branch with a merge commit (`--no-ff`) at `at`, with the
    /// given message; returns the merge commit's sha.
    pub fn merge(&self, branch: &str, message: &str, at: &str) -> String {
        let date = git_date(at);
        run_git(
            &self.path,
            &["merge", "-q", "--no-ff", "-m", message, branch],
            &[
                ("GIT_AUTHOR_DATE", date.as_str()),
                ("GIT_COMMITTER_DATE", date.as_str()),
            ],
        );
        self.rev_parse("HEAD")
    }

    /// `git revert` of `sha` at `at` (message: `Revert "<title>"` … `This reverts commit <sha>.`);
    /// returns the revert commit's sha.
    pub fn revert(&self, sha: &str, at: &str) -> String {
        let date = git_date(at);
        run_git(
            &self.path,
            &["revert", "--no-edit", sha],
            &[
                ("GIT_AUTHOR_DATE", date.as_str()),
                ("GIT_COMMITTER_DATE", date.as_str()),
            ],
        );
        self.rev_parse("HEAD")
    }

    /// The full sha `rev` names (peeled to a commit unless `rev` says otherwise, like `X^{tree}`).
    pub fn rev_parse(&self, rev: &str) -> String {
        let rev = if rev.contains('^') {
            rev.to_string()
        } else {
            format!("{rev}^{{commit}}")
        };
        self.git(&["rev-parse", "--verify", "-q", &rev])
    }

    /// Sets (or adds) remote `name` to `url`, e.g. `origin` to `git@github.com:acme/api.git`.
    pub fn set_remote(&self, name: &str, url: &str) {
        let remotes = self.git(&["remote"]);
        if remotes.lines().any(|r| r == name) {
            self.git(&["remote", "set-url", name, url]);
        } else {
            self.git(&["remote", "add", name, url]);
        }
    }

    /// `git clone --bare` of this repository into a new temporary directory.
    pub fn clone_bare(&self) -> GitRepo {
        self.clone_with(&["--bare"], "repo.git")
    }

    /// `git clone <args> file://<this repository>` into a new temporary directory, e.g. with
    /// `["--depth", "2"]` for a shallow clone. `dir_name` is the clone's directory name.
    pub fn clone_with(&self, args: &[&str], dir_name: &str) -> GitRepo {
        let dir = TempDir::new().expect("temporary directory");
        let source = format!("file://{}", self.path.display());
        let mut all = vec!["clone", "-q"];
        all.extend_from_slice(args);
        all.push(&source);
        all.push(dir_name);
        run_git(dir.path(), &all, &[]);
        let path = dir.path().join(dir_name);
        GitRepo { _dir: dir, path }
    }
}

impl Default for GitRepo {
    fn default() -> Self {
        GitRepo::new()
    }
}

/// A commit being described; nothing happens until [`CommitBuilder::create`].
#[must_use = "a commit is only made by .create()"]
pub struct CommitBuilder<'r> {
    repo: &'r GitRepo,
    message: String,
    files: Vec<(String, String)>,
    removed: Vec<String>,
    author: Option<(String, String)>,
    authored_at: Option<String>,
    committed_at: String,
}

impl CommitBuilder<'_> {
    /// Writes `content` to `path` (relative to the work tree; directories are created).
    pub fn file(mut self, path: &str, content: &str) -> Self {
        self.files.push((path.to_string(), content.to_string()));
        self
    }

    /// Deletes `path` from the work tree and the index.
    pub fn remove(mut self, path: &str) -> Self {
        self.removed.push(path.to_string());
        self
    }

    /// The committer date, and the author date unless [`CommitBuilder::authored`] sets another.
    pub fn at(mut self, date: &str) -> Self {
        self.committed_at = date.to_string();
        self
    }

    /// An author date different from the committer date.
    pub fn authored(mut self, date: &str) -> Self {
        self.authored_at = Some(date.to_string());
        self
    }

    /// An author other than "Test <test@example.com>" (the committer stays "Test").
    pub fn author(mut self, name: &str, email: &str) -> Self {
        self.author = Some((name.to_string(), email.to_string()));
        self
    }

    /// Makes the commit (empty if nothing changed) and returns its full sha.
    pub fn create(self) -> String {
        let repo = self.repo;
        for (path, content) in &self.files {
            let full = repo.path.join(path);
            if let Some(parent) = full.parent() {
                fs::create_dir_all(parent).expect("create directories");
            }
            fs::write(&full, content).expect("write file");
        }
        for path in &self.removed {
            repo.git(&["rm", "-q", "--", path]);
        }
        repo.git(&["add", "-A"]);
        let committed = git_date(&self.committed_at);
        let authored = git_date(self.authored_at.as_deref().unwrap_or(&self.committed_at));
        let mut env = vec![
            ("GIT_AUTHOR_DATE", authored.as_str()),
            ("GIT_COMMITTER_DATE", committed.as_str()),
        ];
        if let Some((name, email)) = &self.author {
            env.push(("GIT_AUTHOR_NAME", name.as_str()));
            env.push(("GIT_AUTHOR_EMAIL", email.as_str()));
        }
        run_git(
            &repo.path,
            &["commit", "-q", "--allow-empty", "-m", &self.message],
            &env,
        );
        repo.rev_parse("HEAD")
    }
}

/// An RFC 3339 date in git's internal form, "<seconds since 1970> <+hhmm>".
pub fn git_date(rfc3339: &str) -> String {
    let date = DateTime::parse_from_rfc3339(rfc3339)
        .unwrap_or_else(|e| panic!("bad test date {rfc3339:?}: {e}"));
    let offset = date.offset().local_minus_utc() / 60;
    let sign = if offset < 0 { '-' } else { '+' };
    let offset = offset.abs();
    format!(
        "{} {sign}{:02}{:02}",
        date.timestamp(),
        offset / 60,
        offset % 60
    )
}

/// Runs git in `dir` with a clean, fixed configuration and returns its trimmed stdout.
fn run_git(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let mut command = Command::new("git");
    command
        .current_dir(dir)
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.com",
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgSign=false",
            "-c",
            "tag.gpgSign=false",
            "-c",
            "advice.detachedHead=false",
            "-c",
            "advice.nestedTag=false",
            "-c",
            "core.autocrlf=false",
        ])
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("LC_ALL", "C")
        .env("GIT_AUTHOR_DATE", DEFAULT_DATE_RAW)
        .env("GIT_COMMITTER_DATE", DEFAULT_DATE_RAW);
    for var in [
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_OBJECT_DIRECTORY",
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
        "GIT_CEILING_DIRECTORIES",
        "GIT_AUTHOR_NAME",
        "GIT_AUTHOR_EMAIL",
        "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL",
    ] {
        command.env_remove(var);
    }
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run git {args:?}: {e}"));
    assert!(
        output.status.success(),
        "git {args:?} failed in {}: {}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

/// [`DEFAULT_DATE`] in git's internal form.
const DEFAULT_DATE_RAW: &str = "1704067200 +0000";
