//! A small in-memory `Store` for source tests: events upserted by stable id (deployments by id,
//! pull requests by (service, number), runs and incidents by id), watermarks, statuses, the
//! ETag cache; counts inserted / updated / unchanged like the real store.

use std::collections::BTreeMap;
use std::sync::Mutex;

use flowdeck::model::EventSet;
use flowdeck::store::{CachedResponse, Store, StoreError, StoredStatus, UpsertCount};

#[derive(Default)]
struct Inner {
    events: EventSet,
    watermarks: BTreeMap<(String, String), String>,
    statuses: Vec<StoredStatus>,
    cache: BTreeMap<String, CachedResponse>,
    loads: usize,
}

#[derive(Default)]
pub struct MemoryStore {
    inner: Mutex<Inner>,
}

fn upsert<T: Clone + PartialEq>(
    items: &mut Vec<T>,
    item: &T,
    same: impl Fn(&T, &T) -> bool,
    count: &mut UpsertCount,
) {
    match items.iter_mut().find(|i| same(i, item)) {
        Some(existing) if existing == item => count.unchanged += 1,
        Some(existing) => {
            *existing = item.clone();
            count.updated += 1;
        }
        None => {
            items.push(item.clone());
            count.inserted += 1;
        }
    }
}

impl MemoryStore {
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    /// Every watermark of `source`, sorted by key.
    pub fn watermarks(&self, source: &str) -> Vec<(String, String)> {
        let inner = self.inner.lock().unwrap();
        inner
            .watermarks
            .iter()
            .filter(|((s, _), _)| s == source)
            .map(|((_, k), v)| (k.clone(), v.clone()))
            .collect()
    }

    /// How often `load()` was called (the GitLab source loads only for late deployments).
    pub fn loads(&self) -> usize {
        self.inner.lock().unwrap().loads
    }

    pub fn events(&self) -> EventSet {
        self.inner.lock().unwrap().events.clone()
    }
}

impl Store for MemoryStore {
    fn load(&self) -> Result<EventSet, StoreError> {
        let mut inner = self.inner.lock().unwrap();
        inner.loads += 1;
        Ok(inner.events.clone())
    }

    fn commit_sync(
        &self,
        source: &str,
        events: &EventSet,
        watermarks: &[(String, String)],
        status: &StoredStatus,
    ) -> Result<UpsertCount, StoreError> {
        let mut inner = self.inner.lock().unwrap();
        let mut count = UpsertCount::default();
        let stored = &mut inner.events;
        for service in &events.services {
            if !stored.services.iter().any(|s| s.name == service.name) {
                stored.services.push(service.clone());
            }
        }
        for d in &events.deployments {
            upsert(&mut stored.deployments, d, |a, b| a.id == b.id, &mut count);
        }
        for pr in &events.pull_requests {
            upsert(
                &mut stored.pull_requests,
                pr,
                |a, b| a.service == b.service && a.number == b.number,
                &mut count,
            );
        }
        for run in &events.pipeline_runs {
            upsert(
                &mut stored.pipeline_runs,
                run,
                |a, b| a.id == b.id,
                &mut count,
            );
        }
        for incident in &events.incidents {
            upsert(
                &mut stored.incidents,
                incident,
                |a, b| a.id == b.id,
                &mut count,
            );
        }
        for (key, value) in watermarks {
            inner
                .watermarks
                .insert((source.to_string(), key.clone()), value.clone());
        }
        inner.statuses.retain(|s| s.name != status.name);
        inner.statuses.push(status.clone());
        Ok(count)
    }

    fn put_status(&self, status: &StoredStatus) -> Result<(), StoreError> {
        let mut inner = self.inner.lock().unwrap();
        inner.statuses.retain(|s| s.name != status.name);
        inner.statuses.push(status.clone());
        Ok(())
    }

    fn statuses(&self) -> Result<Vec<StoredStatus>, StoreError> {
        Ok(self.inner.lock().unwrap().statuses.clone())
    }

    fn watermark(&self, source: &str, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .inner
            .lock()
            .unwrap()
            .watermarks
            .get(&(source.to_string(), key.to_string()))
            .cloned())
    }

    fn cached_response(&self, url: &str) -> Result<Option<CachedResponse>, StoreError> {
        Ok(self.inner.lock().unwrap().cache.get(url).cloned())
    }

    fn put_cached_response(&self, url: &str, response: &CachedResponse) -> Result<(), StoreError> {
        self.inner
            .lock()
            .unwrap()
            .cache
            .insert(url.to_string(), response.clone());
        Ok(())
    }
}
