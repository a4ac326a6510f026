//! The one walk of history that gives each commit to the first deployment that reaches it.
//!
//! Tags are shipped in deploy order. From each tag's commit the walk follows parents, stopping
//! at commits already assigned to an earlier tag; since every ancestor of an assigned commit is
//! assigned too, each commit is read once over all tags and the whole walk is O(commits).

use std::collections::{HashMap, HashSet};

use git2::{Commit, Oid, Repository};

use super::message;
use super::paths::PathFilter;
use super::repo::{classify, is_missing};
use super::tags::timestamp;
use crate::model::{Change, reverted_sha};
use crate::sources::SourceError;

pub(super) struct History<'repo> {
    repo: &'repo Repository,
    filter: Option<PathFilter>,
    /// Every commit reached so far, by any tag (pushed on the stack or read).
    assigned: HashSet<Oid>,
    stack: Vec<Oid>,
    /// Commits read.
    pub walked: usize,
    /// Parents named by a commit but absent from the repository (a shallow or damaged clone):
    /// their children are treated as roots.
    pub missing_parents: Vec<Oid>,
}

impl<'repo> History<'repo> {
    pub(super) fn new(repo: &'repo Repository, filter: Option<PathFilter>) -> Self {
        History {
            repo,
            filter,
            assigned: HashSet::new(),
            stack: Vec::new(),
            walked: 0,
            missing_parents: Vec::new(),
        }
    }

    /// The changes first shipped by a deployment of `tip`: every commit reachable from it that
    /// no earlier call reached, newest (by committer date) first. With a path filter, commits
    /// that do not touch the paths are still taken (a later deployment does not ship them) but
    /// not returned. `tagged` holds commits already read by the tag scan; they are used, not
    /// read again.
    pub(super) fn ship(
        &mut self,
        tip: Oid,
        tagged: &mut HashMap<Oid, Commit<'repo>>,
    ) -> Result<Vec<Change>, SourceError> {
        let mut changes = Vec::new();
        if !self.assigned.insert(tip) {
            return Ok(changes);
        }
        self.stack.push(tip);
        while let Some(oid) = self.stack.pop() {
            let commit = match tagged.remove(&oid) {
                Some(commit) => commit,
                None => match self.repo.find_commit(oid) {
                    Ok(commit) => commit,
                    Err(e) if is_missing(&e) => {
                        self.missing_parents.push(oid);
                        continue;
                    }
                    Err(e) => return Err(classify(e, format_args!("cannot read commit {oid}"))),
                },
            };
            self.walked += 1;
            // Reversed, so that the first parent is read next (its trees are then warm for
            // the path filter of this commit's children).
            for i in (0..commit.parent_count()).rev() {
                if let Ok(parent) = commit.parent_id(i)
                    && self.assigned.insert(parent)
                {
                    self.stack.push(parent);
                }
            }
            if self.in_scope(&commit)? {
                changes.push(change(&commit)?);
            }
        }
        changes.sort_by(|a, b| {
            b.committed_at
                .cmp(&a.committed_at)
                .then_with(|| a.sha.cmp(&b.sha))
        });
        Ok(changes)
    }

    /// Without `paths`, every commit; with them, the commits whose diff against their first
    /// parent (a root commit, or one whose parent is missing: against the empty tree) touches
    /// a matching path.
    fn in_scope(&self, commit: &Commit<'repo>) -> Result<bool, SourceError> {
        let Some(filter) = &self.filter else {
            return Ok(true);
        };
        let parent_tree = match commit.parent_id(0) {
            Err(_) => None,
            Ok(parent) => match self.repo.find_commit(parent) {
                Ok(parent) => Some(parent.tree_id()),
                Err(e) if is_missing(&e) => None,
                Err(e) => return Err(classify(e, format_args!("cannot read commit {parent}"))),
            },
        };
        filter
            .touches(self.repo, parent_tree, commit.tree_id())
            .map_err(|e| classify(e, format_args!("cannot diff commit {}", commit.id())))
    }
}

fn change(commit: &Commit<'_>) -> Result<Change, SourceError> {
    let sha = commit.id().to_string();
    let author = commit.author();
    let message = String::from_utf8_lossy(commit.message_bytes());
    let title = message::title(&message);
    Ok(Change {
        authored_at: timestamp(author.when(), || format!("the author date of commit {sha}"))?,
        committed_at: timestamp(commit.time(), || {
            format!("the committer date of commit {sha}")
        })?,
        author: String::from_utf8_lossy(author.name_bytes()).into_owned(),
        title: title.to_string(),
        merge: commit.parent_count() > 1,
        reverts: reverted_sha(&message),
        pr: message::pr_number(title, &message),
        sha,
    })
}
