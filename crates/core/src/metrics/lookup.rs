//! A service's deployments and runs by id, name and sha: what `History::apply` looks up to tell
//! an update from an insert and to resolve the names incidents use (rule (a)) without a pass
//! over every deployment. Built per service the first time `apply` needs it, and dropped when
//! the service is derived again, so the full derivation never pays for it.
//!
//! Keys are 64-bit hashes (sha keys: the first seven hex digits) sorted with the index they
//! point at; a hit is always checked against the event itself, so a collision costs a
//! comparison, never a wrong answer.

use std::hash::BuildHasher;

use rustc_hash::FxBuildHasher;

use super::shipped::{sha_has_prefix, sha_key};
use crate::model::EventSet;

#[derive(Debug, Clone, Default)]
pub(crate) struct ServiceLookup {
    /// Every deployment by id.
    ids: Vec<(u64, u32)>,
    /// Every deployment with a name, by name.
    names: Vec<(u64, u32)>,
    /// Every deployment by the first seven hex digits of its sha.
    shas: Vec<(u32, u32)>,
    /// Every run by id.
    runs: Vec<(u64, u32)>,
}

pub(crate) fn hash(text: &str) -> u64 {
    FxBuildHasher.hash_one(text)
}

fn matching<K: Ord + Copy>(list: &[(K, u32)], key: K) -> impl Iterator<Item = u32> + '_ {
    let start = list.partition_point(|(k, _)| *k < key);
    list[start..]
        .iter()
        .take_while(move |(k, _)| *k == key)
        .map(|(_, i)| *i)
}

impl ServiceLookup {
    /// `members`: the service's deployments; `runs`: its runs.
    pub(crate) fn build(events: &EventSet, members: &[u32], runs: &[u32]) -> ServiceLookup {
        let deployments = &events.deployments;
        let mut lookup = ServiceLookup {
            ids: Vec::with_capacity(members.len()),
            names: Vec::with_capacity(members.len()),
            shas: Vec::with_capacity(members.len()),
            runs: runs
                .iter()
                .map(|&r| (hash(&events.pipeline_runs[r as usize].id), r))
                .collect(),
        };
        for &d in members {
            let deployment = &deployments[d as usize];
            lookup.ids.push((hash(&deployment.id), d));
            if let Some(name) = &deployment.name {
                lookup.names.push((hash(name), d));
            }
            if let Some(key) = sha_key(&deployment.sha) {
                lookup.shas.push((key, d));
            }
        }
        lookup.ids.sort_unstable();
        lookup.names.sort_unstable();
        lookup.shas.sort_unstable();
        lookup.runs.sort_unstable();
        lookup
    }

    /// The deployments with this id.
    pub(crate) fn deployments_with_id<'a>(
        &'a self,
        events: &'a EventSet,
        id: &'a str,
    ) -> impl Iterator<Item = u32> + 'a {
        matching(&self.ids, hash(id)).filter(move |&d| events.deployments[d as usize].id == id)
    }

    /// The deployments named `word`.
    pub(crate) fn deployments_named<'a>(
        &'a self,
        events: &'a EventSet,
        word: &'a str,
    ) -> impl Iterator<Item = u32> + 'a {
        matching(&self.names, hash(word))
            .filter(move |&d| events.deployments[d as usize].name.as_deref() == Some(word))
    }

    /// The deployments whose sha starts with `prefix`.
    pub(crate) fn deployments_with_prefix<'a>(
        &'a self,
        events: &'a EventSet,
        prefix: &'a str,
    ) -> impl Iterator<Item = u32> + 'a {
        let key = sha_key(prefix);
        let list = if key.is_some() { &self.shas[..] } else { &[] };
        matching(list, key.unwrap_or(0))
            .filter(move |&d| sha_has_prefix(&events.deployments[d as usize].sha, prefix))
    }

    /// The runs with this id.
    pub(crate) fn runs_with_id<'a>(
        &'a self,
        events: &'a EventSet,
        id: &'a str,
    ) -> impl Iterator<Item = u32> + 'a {
        matching(&self.runs, hash(id)).filter(move |&r| events.pipeline_runs[r as usize].id == id)
    }
}
