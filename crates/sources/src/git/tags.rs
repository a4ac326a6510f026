//! Deploy tags: listing the tags that match `deploy_tags`, peeling each to its commit, dating
//! it, and putting them in deploy order.

use std::collections::HashMap;

use chrono::DateTime;
use git2::{Commit, ObjectType, Oid, Repository};
use globset::{Candidate, GlobSet};

use super::repo::{classify, is_missing, unreadable_object};
use crate::SourceError;
use flowdeck_core::model::Timestamp;

/// Annotated tags of annotated tags deeper than this are treated as broken.
const MAX_TAG_DEPTH: usize = 32;

/// A tag that deploys a commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct DeployTag {
    pub name: String,
    pub commit: Oid,
    /// The tagger date of an annotated tag, else the tagged commit's committer date.
    pub finished_at: Timestamp,
}

/// The deploy tags of a repository, in deploy order.
pub(super) struct TagScan<'repo> {
    pub tags: Vec<DeployTag>,
    /// Tags whose name matches, including those skipped.
    pub matched: usize,
    /// Why a matching tag is not a deployment, one sentence each.
    pub skipped: Vec<String>,
    /// The tagged commits, read once here and handed to the history walk.
    pub commits: HashMap<Oid, Commit<'repo>>,
}

/// Lists, peels and orders the tags whose whole name matches one of `matcher`'s globs.
pub(super) fn scan<'repo>(
    repo: &'repo Repository,
    matcher: &GlobSet,
) -> Result<TagScan<'repo>, SourceError> {
    let mut refs: Vec<(Vec<u8>, Oid)> = Vec::new();
    repo.tag_foreach(|oid, full_name| {
        let name = full_name.strip_prefix(b"refs/tags/").unwrap_or(full_name);
        if matcher.is_match_candidate(&Candidate::from_bytes(name)) {
            refs.push((name.to_vec(), oid));
        }
        true
    })
    .map_err(|e| classify(e, "cannot list the tags"))?;

    let mut scan = TagScan {
        tags: Vec::with_capacity(refs.len()),
        matched: refs.len(),
        skipped: Vec::new(),
        commits: HashMap::with_capacity(refs.len()),
    };
    for (name, oid) in refs {
        let name = match String::from_utf8(name) {
            Ok(name) => name,
            Err(e) => {
                scan.skipped.push(format!(
                    "tag {:?} skipped: its name is not valid UTF-8",
                    String::from_utf8_lossy(e.as_bytes())
                ));
                continue;
            }
        };
        match peel(repo, oid, &name)? {
            Peeled::Commit { commit, tagger } => {
                let finished_at = match tagger {
                    Some(time) => timestamp(time, || format!("the tagger date of tag {name}"))?,
                    None => timestamp(commit.committer().when(), || {
                        format!("the committer date of commit {}", commit.id())
                    })?,
                };
                scan.tags.push(DeployTag {
                    name,
                    commit: commit.id(),
                    finished_at,
                });
                scan.commits.entry(commit.id()).or_insert(commit);
            }
            Peeled::Skipped(reason) => scan.skipped.push(reason),
        }
    }
    sort_in_deploy_order(&mut scan.tags);
    Ok(scan)
}

/// Deploy order: by finished_at, then by tag name bytewise.
pub(super) fn sort_in_deploy_order(tags: &mut [DeployTag]) {
    tags.sort_by(|a, b| {
        a.finished_at
            .cmp(&b.finished_at)
            .then_with(|| a.name.as_bytes().cmp(b.name.as_bytes()))
    });
}

enum Peeled<'repo> {
    Commit {
        commit: Commit<'repo>,
        /// The tagger date of the tag itself (the outermost tag object), if it has one.
        tagger: Option<git2::Time>,
    },
    Skipped(String),
}

/// Follows annotated tags (nested ones too) down to the commit they name.
fn peel<'repo>(
    repo: &'repo Repository,
    mut oid: Oid,
    name: &str,
) -> Result<Peeled<'repo>, SourceError> {
    let mut tagger = None;
    for depth in 0..MAX_TAG_DEPTH {
        let object = match repo.find_object(oid, None) {
            Ok(object) => object,
            Err(e) if is_missing(&e) => {
                if let Some(denied) = unreadable_object(repo, oid) {
                    return Err(denied);
                }
                return Ok(Peeled::Skipped(format!(
                    "tag {name} skipped: it points at {oid}, which is missing from the repository"
                )));
            }
            Err(e) => return Err(classify(e, format_args!("cannot read {oid} (tag {name})"))),
        };
        match object.kind() {
            Some(ObjectType::Commit) => {
                let commit = object.into_commit().map_err(|_| {
                    SourceError::Data(format!(
                        "git source: {oid} (tag {name}) is not a readable commit"
                    ))
                })?;
                return Ok(Peeled::Commit { commit, tagger });
            }
            Some(ObjectType::Tag) => {
                let tag = object.into_tag().map_err(|_| {
                    SourceError::Data(format!(
                        "git source: {oid} (tag {name}) is not a readable tag"
                    ))
                })?;
                if depth == 0 {
                    tagger = tag.tagger().map(|s| s.when());
                }
                oid = tag.target_id();
            }
            Some(ObjectType::Tree) => {
                return Ok(Peeled::Skipped(format!(
                    "tag {name} skipped: it points at a tree, not a commit"
                )));
            }
            Some(ObjectType::Blob) => {
                return Ok(Peeled::Skipped(format!(
                    "tag {name} skipped: it points at a blob, not a commit"
                )));
            }
            _ => {
                return Ok(Peeled::Skipped(format!(
                    "tag {name} skipped: it points at {oid}, which is not a commit"
                )));
            }
        }
    }
    Ok(Peeled::Skipped(format!(
        "tag {name} skipped: more than {MAX_TAG_DEPTH} nested annotated tags"
    )))
}

/// A git time as a UTC timestamp (the offset only says where the clock was).
pub(super) fn timestamp(
    time: git2::Time,
    what: impl FnOnce() -> String,
) -> Result<Timestamp, SourceError> {
    DateTime::from_timestamp(time.seconds(), 0).ok_or_else(|| {
        SourceError::Data(format!(
            "git source: {} ({} seconds since 1970) is out of range",
            what(),
            time.seconds()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(name: &str, secs: i64) -> DeployTag {
        DeployTag {
            name: name.to_string(),
            commit: Oid::ZERO_SHA1,
            finished_at: DateTime::from_timestamp(secs, 0).unwrap_or_default(),
        }
    }

    #[test]
    fn deploy_order_is_time_then_name_bytewise() {
        let mut tags = vec![
            tag("v2", 200),
            tag("v10", 100),
            tag("v9", 100),
            tag("V9", 100),
            tag("v1", 300),
        ];
        sort_in_deploy_order(&mut tags);
        let names: Vec<&str> = tags.iter().map(|t| t.name.as_str()).collect();
        // Bytewise: "V" < "v", and "v10" < "v9".
        assert_eq!(names, ["V9", "v10", "v9", "v2", "v1"]);
    }

    #[test]
    fn timestamps_ignore_the_offset() {
        let t = timestamp(git2::Time::new(1_700_000_000, 120), String::new).unwrap();
        assert_eq!(t.timestamp(), 1_700_000_000);
        assert!(timestamp(git2::Time::new(i64::MAX, 0), || "x".into()).is_err());
    }
}
