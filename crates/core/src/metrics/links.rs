//! The links across services: what each incident names (sha prefixes, tag or version names,
//! deployment ids; read by `attribution::mentions`), indexed from the name to the incidents.
//!
//! An incident may name a deployment of any service (rule (a),
//! docs/METRICS.md#rule-a-explicit-link), so a new or changed deployment can change the
//! attribution of an incident of another service. With this index, `History::apply` finds those
//! incidents by looking up the deployment's name, id and sha, instead of rescanning every
//! incident; and the full derivation looks up each deployment once instead of matching every
//! incident against every deployment.

use rustc_hash::FxHashMap;

use super::attribution::{Named, mentions};
use super::shipped::{sha_has_prefix, sha_key};
use crate::model::{Deployment, Incident};

/// What every incident names, and for each name the incidents naming it (index order).
#[derive(Debug, Clone, Default)]
pub(crate) struct Mentions {
    /// Per incident (parallel to `events.incidents`).
    pub(crate) named: Vec<Named>,
    words: FxHashMap<String, Vec<u32>>,
    ids: FxHashMap<String, Vec<u32>>,
    /// By the first seven hex digits of the prefix: (prefix, incidents).
    shas: FxHashMap<u32, Vec<(String, Vec<u32>)>>,
}

/// A name a deployment answers to, as some incident names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Key<'a> {
    Word(&'a str),
    Id(&'a str),
    Sha(&'a str),
}

impl Mentions {
    pub(crate) fn build(incidents: &[Incident]) -> Mentions {
        let mut index = Mentions {
            named: incidents.iter().map(mentions).collect(),
            ..Mentions::default()
        };
        for i in 0..index.named.len() {
            index.add(i as u32);
        }
        index
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.words.is_empty() && self.ids.is_empty() && self.shas.is_empty()
    }

    /// Files incident `i`'s names (already in `named`) under each name.
    fn add(&mut self, i: u32) {
        let named = &self.named[i as usize];
        for word in &named.words {
            insert_sorted(self.words.entry(word.clone()).or_default(), i);
        }
        for id in &named.ids {
            insert_sorted(self.ids.entry(id.clone()).or_default(), i);
        }
        for prefix in &named.shas {
            let Some(key) = sha_key(prefix) else { continue };
            let entry = self.shas.entry(key).or_default();
            match entry.iter_mut().find(|(p, _)| p == prefix) {
                Some((_, incidents)) => insert_sorted(incidents, i),
                None => entry.push((prefix.clone(), vec![i])),
            }
        }
    }

    /// Takes incident `i`'s names out of the index.
    fn remove(&mut self, i: u32) {
        let named = std::mem::take(&mut self.named[i as usize]);
        for word in &named.words {
            remove_from(&mut self.words, word, i);
        }
        for id in &named.ids {
            remove_from(&mut self.ids, id, i);
        }
        for prefix in &named.shas {
            let Some(key) = sha_key(prefix) else { continue };
            if let Some(entry) = self.shas.get_mut(&key) {
                for (_, incidents) in entry.iter_mut().filter(|(p, _)| p == prefix) {
                    incidents.retain(|&x| x != i);
                }
                entry.retain(|(_, incidents)| !incidents.is_empty());
                if entry.is_empty() {
                    self.shas.remove(&key);
                }
            }
        }
        self.named[i as usize] = named;
    }

    /// Incident `i` changed (or was added at the end): index what it names now.
    pub(crate) fn set(&mut self, i: u32, incident: &Incident) {
        if (i as usize) < self.named.len() {
            self.remove(i);
            self.named[i as usize] = mentions(incident);
        } else {
            self.named.push(mentions(incident));
        }
        self.add(i);
    }

    /// Incident `i` was removed by moving the last one into its place.
    pub(crate) fn swap_remove(&mut self, i: u32) {
        let last = self.named.len() as u32 - 1;
        self.remove(i);
        if i != last {
            self.remove(last);
        }
        self.named.swap_remove(i as usize);
        if i != last {
            self.add(i);
        }
    }

    /// Calls `found` with each name incidents use for a deployment, and the incidents using it.
    pub(crate) fn each_key_of<'a>(
        &'a self,
        deployment: &'a Deployment,
        mut found: impl FnMut(Key<'a>, &'a [u32]),
    ) {
        if let Some(name) = deployment.name.as_deref()
            && let Some(incidents) = self.words.get(name)
        {
            found(Key::Word(name), incidents);
        }
        if let Some(incidents) = self.ids.get(deployment.id.as_str()) {
            found(Key::Id(deployment.id.as_str()), incidents);
        }
        if let Some(prefixes) = sha_key(&deployment.sha).and_then(|k| self.shas.get(&k)) {
            for (prefix, incidents) in prefixes {
                if sha_has_prefix(&deployment.sha, prefix) {
                    found(Key::Sha(prefix.as_str()), incidents);
                }
            }
        }
    }
}

fn insert_sorted(list: &mut Vec<u32>, i: u32) {
    if let Err(at) = list.binary_search(&i) {
        list.insert(at, i);
    }
}

fn remove_from(map: &mut FxHashMap<String, Vec<u32>>, key: &str, i: u32) {
    if let Some(list) = map.get_mut(key) {
        list.retain(|&x| x != i);
        if list.is_empty() {
            map.remove(key);
        }
    }
}

/// Which counted deployments answer to a name: what rule (a) needs to resolve an incident's
/// mentions. Every list is in index order.
pub(crate) trait LinkLookup {
    /// Counted deployments whose tag or version name is `word`.
    fn named(&self, word: &str) -> Vec<u32>;
    /// The counted deployment with this id (the last in index order, should ids repeat).
    fn with_id(&self, id: &str) -> Option<u32>;
    /// Counted deployments whose sha starts with `prefix` (ignoring case).
    fn with_prefix(&self, prefix: &str) -> Vec<u32>;
}

/// The deployments every name incidents use answers to, gathered in one pass over the counted
/// deployments (the full derivation).
#[derive(Debug, Default)]
pub(crate) struct LinkTable<'a> {
    words: FxHashMap<&'a str, Vec<u32>>,
    ids: FxHashMap<&'a str, u32>,
    shas: FxHashMap<&'a str, Vec<u32>>,
}

impl<'a> LinkTable<'a> {
    /// `found`: (name, deployment) pairs, in any order.
    pub(crate) fn new(found: impl IntoIterator<Item = (Key<'a>, u32)>) -> LinkTable<'a> {
        let mut table = LinkTable::default();
        for (key, d) in found {
            match key {
                Key::Word(w) => table.words.entry(w).or_default().push(d),
                Key::Id(id) => {
                    let slot = table.ids.entry(id).or_insert(d);
                    *slot = (*slot).max(d);
                }
                Key::Sha(p) => table.shas.entry(p).or_default().push(d),
            }
        }
        for list in table.words.values_mut().chain(table.shas.values_mut()) {
            list.sort_unstable();
            list.dedup();
        }
        table
    }
}

impl LinkLookup for LinkTable<'_> {
    fn named(&self, word: &str) -> Vec<u32> {
        self.words.get(word).cloned().unwrap_or_default()
    }

    fn with_id(&self, id: &str) -> Option<u32> {
        self.ids.get(id).copied()
    }

    fn with_prefix(&self, prefix: &str) -> Vec<u32> {
        self.shas.get(prefix).cloned().unwrap_or_default()
    }
}
