//! A small in-memory `Store` for source tests: events upserted by stable id (deployments by id,
//! pull requests by (service, number), runs and incidents by id, services by name), counted as
//! inserted / updated / unchanged by comparing their serialized form, as the SQLite store does.

use std::collections::BTreeMap;
use std::sync::Mutex;

use flowdeck::model::{EventSet, Timestamp};
use flowdeck::store::{CachedResponse, Store, StoreError, StoredStatus, UpsertCount};
use serde::Serialize;

#[derive(Default)]
struct Inner {
    services: BTreeMap<String, serde_json::Value>,
    deployments: BTreeMap<String, serde_json::Value>,
    pull_requests: BTreeMap<(String, u64), serde_json::Value>,
    pipeline_runs: BTreeMap<String, serde_json::Value>,
    incidents: BTreeMap<String, serde_json::Value>,
    watermarks: BTreeMap<(String, String), String>,
    statuses: BTreeMap<String, StoredStatus>,
    cache: BTreeMap<String, CachedResponse>,
}

#[derive(Default)]
pub struct MemoryStore {
    inner: Mutex<Inner>,
}

fn upsert<K: Ord, T: Serialize>(
    map: &mut BTreeMap<K, serde_json::Value>,
    key: K,
    value: &T,
    count: &mut UpsertCount,
) -> Result<(), StoreError> {
    let value = serde_json::to_value(value).map_err(|e| StoreError::Io(e.to_string()))?;
    match map.get(&key) {
        None => count.inserted += 1,
        Some(old) if *old == value => {
            count.unchanged += 1;
            return Ok(());
        }
        Some(_) => count.updated += 1,
    }
    map.insert(key, value);
    Ok(())
}

fn decode<T: serde::de::DeserializeOwned>(
    values: impl Iterator<Item = serde_json::Value>,
) -> Result<Vec<T>, StoreError> {
    values
        .map(|v| serde_json::from_value(v).map_err(|e| StoreError::Decode(e.to_string())))
        .collect()
}

impl MemoryStore {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Everything stored (events, watermarks, statuses, cached bodies) as one text, for
    /// searching it for things that must never be stored.
    pub fn dump(&self) -> String {
        let inner = self.lock();
        let mut text = String::new();
        for v in inner
            .services
            .values()
            .chain(inner.deployments.values())
            .chain(inner.pull_requests.values())
            .chain(inner.pipeline_runs.values())
            .chain(inner.incidents.values())
        {
            text.push_str(&v.to_string());
            text.push('\n');
        }
        for ((source, key), value) in &inner.watermarks {
            text.push_str(&format!("{source} {key} {value}\n"));
        }
        for status in inner.statuses.values() {
            text.push_str(&format!("{status:?}\n"));
        }
        for (url, cached) in &inner.cache {
            text.push_str(url);
            text.push_str(&String::from_utf8_lossy(&cached.body));
            text.push_str(&format!("{:?}\n", cached.next));
        }
        text
    }

    fn commit_part(
        &self,
        source: &str,
        events: &EventSet,
        watermarks: &[(String, String)],
    ) -> Result<UpsertCount, StoreError> {
        let mut inner = self.lock();
        let mut count = UpsertCount::default();
        for s in &events.services {
            upsert(&mut inner.services, s.name.clone(), s, &mut count)?;
        }
        for d in &events.deployments {
            upsert(&mut inner.deployments, d.id.clone(), d, &mut count)?;
        }
        for p in &events.pull_requests {
            upsert(
                &mut inner.pull_requests,
                (p.service.clone(), p.number),
                p,
                &mut count,
            )?;
        }
        for r in &events.pipeline_runs {
            upsert(&mut inner.pipeline_runs, r.id.clone(), r, &mut count)?;
        }
        for i in &events.incidents {
            upsert(&mut inner.incidents, i.id.clone(), i, &mut count)?;
        }
        for (key, value) in watermarks {
            inner
                .watermarks
                .insert((source.to_string(), key.clone()), value.clone());
        }
        Ok(count)
    }

    /// The watermarks of one source.
    pub fn watermarks(&self, source: &str) -> BTreeMap<String, String> {
        self.lock()
            .watermarks
            .iter()
            .filter(|((s, _), _)| s == source)
            .map(|((_, k), v)| (k.clone(), v.clone()))
            .collect()
    }
}

impl Store for MemoryStore {
    fn load(&self) -> Result<EventSet, StoreError> {
        let inner = self.lock();
        Ok(EventSet {
            services: decode(inner.services.values().cloned())?,
            deployments: decode(inner.deployments.values().cloned())?,
            pull_requests: decode(inner.pull_requests.values().cloned())?,
            pipeline_runs: decode(inner.pipeline_runs.values().cloned())?,
            incidents: decode(inner.incidents.values().cloned())?,
        })
    }

    fn commit_sync(
        &self,
        source: &str,
        events: &EventSet,
        watermarks: &[(String, String)],
        status: &StoredStatus,
    ) -> Result<UpsertCount, StoreError> {
        let count = self.commit_part(source, events, watermarks)?;
        self.lock()
            .statuses
            .insert(status.name.clone(), status.clone());
        Ok(count)
    }

    /// A sync's part committed while it runs (no removals; a status only when given).
    fn commit_batch(
        &self,
        source: &str,
        events: &EventSet,
        removals: &[flowdeck::events::EventKey],
        watermarks: &[(String, String)],
        status: Option<&StoredStatus>,
    ) -> Result<flowdeck::store::BatchCount, StoreError> {
        if !removals.is_empty() {
            return Err(StoreError::Io("this test store keeps no removals".into()));
        }
        let upserts = self.commit_part(source, events, watermarks)?;
        if let Some(status) = status {
            self.put_status(status)?;
        }
        Ok(flowdeck::store::BatchCount {
            upserts,
            removed: 0,
        })
    }

    fn put_status(&self, status: &StoredStatus) -> Result<(), StoreError> {
        self.lock()
            .statuses
            .insert(status.name.clone(), status.clone());
        Ok(())
    }

    fn statuses(&self) -> Result<Vec<StoredStatus>, StoreError> {
        Ok(self.lock().statuses.values().cloned().collect())
    }

    fn watermark(&self, source: &str, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .lock()
            .watermarks
            .get(&(source.to_string(), key.to_string()))
            .cloned())
    }

    fn cached_response(&self, url: &str) -> Result<Option<CachedResponse>, StoreError> {
        Ok(self.lock().cache.get(url).cloned())
    }

    fn put_cached_response(&self, url: &str, response: &CachedResponse) -> Result<(), StoreError> {
        self.lock().cache.insert(url.to_string(), response.clone());
        Ok(())
    }

    fn prune_cached_responses(&self, fetched_before: Timestamp) -> Result<u64, StoreError> {
        let mut inner = self.lock();
        let before = inner.cache.len();
        inner.cache.retain(|_, c| c.fetched_at >= fetched_before);
        Ok((before - inner.cache.len()) as u64)
    }
}
