//! Monorepo scoping: whether a commit touches a path matching one of the `paths` globs.
//!
//! The diff is a walk of the two trees side by side that skips identical subtrees (same object
//! id) and stops at the first changed file that matches, so a commit touching one file in a
//! large repository costs a few tree reads, not a listing of everything.

use std::cmp::Ordering;
use std::collections::HashMap;

use git2::{ObjectType, Oid, Repository, Tree, TreeEntry};
use globset::{Candidate, GlobMatcher};

/// The compiled `paths` globs of a source.
pub(super) struct PathFilter {
    matchers: Vec<GlobMatcher>,
    /// The literal start of each glob (up to its first wildcard): a path can only match a glob
    /// if it starts with the glob's prefix, so a directory that neither starts with nor leads
    /// to any prefix is never opened ("web/" for `api/**`).
    prefixes: Vec<Vec<u8>>,
}

impl PathFilter {
    pub(super) fn new(matchers: Vec<GlobMatcher>) -> Self {
        let prefixes = matchers
            .iter()
            .map(|m| literal_prefix(m.glob().glob()).to_vec())
            .collect();
        PathFilter { matchers, prefixes }
    }

    /// Whether something under directory `dir` (ending in '/') can match a glob.
    fn may_match_under(&self, dir: &[u8]) -> bool {
        self.prefixes
            .iter()
            .any(|p| p.starts_with(dir) || dir.starts_with(p))
    }

    fn matches(&self, path: &[u8]) -> bool {
        let candidate = Candidate::from_bytes(path);
        self.matchers
            .iter()
            .any(|m| m.is_match_candidate(&candidate))
    }

    /// Whether going from `old` (None: the empty tree) to `new` adds, removes or changes a file
    /// (blob, symlink or submodule) whose path matches.
    /// `trees` carries the trees read for one commit over to the next.
    pub(super) fn touches<'repo>(
        &self,
        repo: &'repo Repository,
        trees: &mut TreeReuse<'repo>,
        old: Option<Oid>,
        new: Oid,
    ) -> Result<bool, git2::Error> {
        trees.next_commit();
        let mut prefix = Vec::with_capacity(128);
        self.diff(repo, trees, old, Some(new), &mut prefix)
    }

    fn diff<'repo>(
        &self,
        repo: &'repo Repository,
        trees: &mut TreeReuse<'repo>,
        old: Option<Oid>,
        new: Option<Oid>,
        prefix: &mut Vec<u8>,
    ) -> Result<bool, git2::Error> {
        if old == new {
            return Ok(false);
        }
        let old_tree = old.map(|id| trees.get(repo, id)).transpose()?;
        let new_tree = new.map(|id| trees.get(repo, id)).transpose()?;
        let old_entries = sorted_entries(old_tree.as_ref());
        let new_entries = sorted_entries(new_tree.as_ref());

        let (mut i, mut j) = (0, 0);
        loop {
            let (a, b) = (old_entries.get(i), new_entries.get(j));
            let (gone, added) = match (a, b) {
                (None, None) => return Ok(false),
                (Some(a), None) => (Some(a), None),
                (None, Some(b)) => (None, Some(b)),
                (Some(a), Some(b)) => match git_order(a, b) {
                    Ordering::Less => (Some(a), None),
                    Ordering::Greater => (None, Some(b)),
                    Ordering::Equal => (Some(a), Some(b)),
                },
            };
            i += usize::from(gone.is_some());
            j += usize::from(added.is_some());
            if let (Some(a), Some(b)) = (gone, added)
                && a.id() == b.id()
                && a.filemode_raw() == b.filemode_raw()
            {
                continue;
            }
            let Some(entry) = gone.or(added) else {
                continue;
            };
            let len = prefix.len();
            prefix.extend_from_slice(entry.name_bytes());
            let touched = if is_tree(entry) {
                prefix.push(b'/');
                self.may_match_under(prefix)
                    && self.diff(
                        repo,
                        trees,
                        gone.map(TreeEntry::id),
                        added.map(TreeEntry::id),
                        prefix,
                    )?
            } else {
                self.matches(prefix)
            };
            prefix.truncate(len);
            if touched {
                return Ok(true);
            }
        }
    }
}

/// Trees read for the previous commit's diff, handed to the next one. Walking down first
/// parents, one commit's old side is the next commit's new side, so most trees are read once
/// (libgit2's own object cache is off: see `tune_libgit2`).
#[derive(Default)]
pub(super) struct TreeReuse<'repo> {
    previous: HashMap<Oid, Tree<'repo>>,
    current: HashMap<Oid, Tree<'repo>>,
}

impl<'repo> TreeReuse<'repo> {
    fn get(&mut self, repo: &'repo Repository, id: Oid) -> Result<Tree<'repo>, git2::Error> {
        if let Some(tree) = self.current.get(&id) {
            return Ok(tree.clone());
        }
        let tree = match self.previous.remove(&id) {
            Some(tree) => tree,
            None => repo.find_tree(id)?,
        };
        self.current.insert(id, tree.clone());
        Ok(tree)
    }

    /// Keeps what the last commit read; forgets the rest.
    fn next_commit(&mut self) {
        std::mem::swap(&mut self.previous, &mut self.current);
        self.current.clear();
    }
}

/// The part of a glob before its first special character (`*?[{\`).
fn literal_prefix(glob: &str) -> &[u8] {
    let bytes = glob.as_bytes();
    let end = bytes
        .iter()
        .position(|b| matches!(b, b'*' | b'?' | b'[' | b'{' | b'\\'))
        .unwrap_or(bytes.len());
    &bytes[..end]
}

fn is_tree(entry: &TreeEntry<'_>) -> bool {
    entry.kind() == Some(ObjectType::Tree)
}

/// A tree's entries in git's order (a tree sorts as if its name ended in '/'). Trees written by
/// git are already in this order; sorting again makes the merge below safe on odd ones.
fn sorted_entries<'t>(tree: Option<&'t Tree<'_>>) -> Vec<TreeEntry<'t>> {
    let mut entries: Vec<TreeEntry<'t>> = tree.map(|t| t.iter().collect()).unwrap_or_default();
    if !entries.is_sorted_by(|a, b| git_order(a, b) != Ordering::Greater) {
        entries.sort_by(git_order);
    }
    entries
}

/// git's `base_name_compare`: names compared bytewise, a tree's name followed by '/'.
fn git_order(a: &TreeEntry<'_>, b: &TreeEntry<'_>) -> Ordering {
    name_order(a.name_bytes(), is_tree(a), b.name_bytes(), is_tree(b))
}

fn name_order(a: &[u8], a_tree: bool, b: &[u8], b_tree: bool) -> Ordering {
    let common = a.len().min(b.len());
    match a[..common].cmp(&b[..common]) {
        Ordering::Equal => {}
        other => return other,
    }
    let next = |name: &[u8], tree: bool| match name.get(common) {
        Some(&c) => c,
        None if tree => b'/',
        None => 0,
    };
    next(a, a_tree).cmp(&next(b, b_tree))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(globs: &[&str]) -> PathFilter {
        PathFilter::new(
            globs
                .iter()
                .map(|g| globset::Glob::new(g).unwrap().compile_matcher())
                .collect(),
        )
    }

    #[test]
    fn literal_prefixes_stop_at_the_first_wildcard() {
        assert_eq!(literal_prefix("api/**"), b"api/");
        assert_eq!(literal_prefix("services/a?i/*.rs"), b"services/a");
        assert_eq!(literal_prefix("**/*.rs"), b"");
        assert_eq!(literal_prefix("docs/{a,b}/x"), b"docs/");
        assert_eq!(literal_prefix("a\\*b"), b"a");
        assert_eq!(literal_prefix("README.md"), b"README.md");
    }

    #[test]
    fn directories_are_opened_only_when_a_glob_can_match_below() {
        let f = filter(&["services/api/**", "lib/[ab]*"]);
        assert!(f.may_match_under(b"services/"));
        assert!(f.may_match_under(b"services/api/"));
        assert!(f.may_match_under(b"services/api/src/"));
        assert!(!f.may_match_under(b"services/web/"));
        assert!(!f.may_match_under(b"web/"));
        assert!(f.may_match_under(b"lib/"));
        assert!(f.may_match_under(b"lib/x/"));
        assert!(filter(&["**/*.rs"]).may_match_under(b"anything/"));
    }

    #[test]
    fn trees_sort_as_if_their_name_ended_in_a_slash() {
        // git orders "a.txt" < "a/" < "a0" when "a" is a tree, and "a" < "a.txt" for a file.
        assert_eq!(name_order(b"a.txt", false, b"a", true), Ordering::Less);
        assert_eq!(name_order(b"a", true, b"a0", false), Ordering::Less);
        assert_eq!(name_order(b"a", false, b"a.txt", false), Ordering::Less);
        assert_eq!(name_order(b"a", false, b"a", true), Ordering::Less);
        assert_eq!(name_order(b"a", true, b"a", true), Ordering::Equal);
    }
}
