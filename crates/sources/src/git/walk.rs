//! The one walk of history that gives each commit to the first deployment that reaches it.
//!
//! Tags are shipped in deploy order. From each tag's commit the walk follows parents, stopping
//! at commits already assigned to an earlier tag; since every ancestor of an assigned commit is
//! assigned too, each commit is read once over all tags and the whole walk is O(commits).

use std::collections::{HashMap, HashSet};

use git2::{Commit, Oid, Repository};

use super::message;
use super::paths::{PathFilter, TreeReuse};
use super::repo::{classify, is_missing, unreadable_object};
use super::tags::timestamp;
use crate::SourceError;
use flowdeck_core::model::{Change, reverted_sha};

pub(super) struct History<'repo> {
    repo: &'repo Repository,
    filter: Option<PathFilter>,
    trees: TreeReuse<'repo>,
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
            trees: TreeReuse::default(),
            assigned: HashSet::new(),
            stack: Vec::new(),
            walked: 0,
            missing_parents: Vec::new(),
        }
    }

    /// The changes first shipped by a deployment of `tip`: every commit reachable from it that
    /// no earlier call reached, newest (by committer date) first. With a path filter, commits
    /// that do not touch the paths are still taken (a later deployment does not ship them) but
    /// not returned. `read_ahead` holds commits read before the walk reaches them (by the tag
    /// scan, or as a first parent by the path filter); they are used, not read again.
    pub(super) fn ship(
        &mut self,
        tip: Oid,
        read_ahead: &mut HashMap<Oid, Commit<'repo>>,
    ) -> Result<Vec<Change>, SourceError> {
        let mut changes = Vec::new();
        if !self.assigned.insert(tip) {
            return Ok(changes);
        }
        self.stack.push(tip);
        while let Some(oid) = self.stack.pop() {
            let commit = match read_ahead.remove(&oid) {
                Some(commit) => commit,
                None => match self.repo.find_commit(oid) {
                    Ok(commit) => commit,
                    Err(e) if is_missing(&e) => {
                        if let Some(denied) = unreadable_object(self.repo, oid) {
                            return Err(denied);
                        }
                        self.missing_parents.push(oid);
                        continue;
                    }
                    Err(e) => return Err(classify(e, format_args!("cannot read commit {oid}"))),
                },
            };
            self.walked += 1;
            // Reversed, so that the first parent is read next: the path filter then reuses
            // what it read for this commit.
            let mut first_parent_new = false;
            for i in (0..commit.parent_count()).rev() {
                if let Ok(parent) = commit.parent_id(i)
                    && self.assigned.insert(parent)
                {
                    self.stack.push(parent);
                    first_parent_new |= i == 0;
                }
            }
            if self.in_scope(&commit, first_parent_new, read_ahead)? {
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
    ///
    /// A first parent read here for its tree is kept in `read_ahead` when the walk is about to
    /// read it (`first_parent_new`).
    fn in_scope(
        &mut self,
        commit: &Commit<'repo>,
        first_parent_new: bool,
        read_ahead: &mut HashMap<Oid, Commit<'repo>>,
    ) -> Result<bool, SourceError> {
        let Some(filter) = &self.filter else {
            return Ok(true);
        };
        let parent_tree = match commit.parent_id(0) {
            Err(_) => None,
            Ok(id) => match read_ahead.get(&id) {
                Some(parent) => Some(parent.tree_id()),
                None => match self.repo.find_commit(id) {
                    Ok(parent) => {
                        let tree = parent.tree_id();
                        if first_parent_new {
                            read_ahead.insert(id, parent);
                        }
                        Some(tree)
                    }
                    Err(e) if is_missing(&e) => None,
                    Err(e) => return Err(classify(e, format_args!("cannot read commit {id}"))),
                },
            },
        };
        filter
            .touches(self.repo, &mut self.trees, parent_tree, commit.tree_id())
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
