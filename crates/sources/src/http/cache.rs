//! The ETag cache behind conditional requests: on a 200 with an ETag the body is kept under the
//! URL; the next request for that URL sends If-None-Match, and a 304 reuses the kept body (and
//! its next-page link). A cache that fails is a miss, never a failed request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use flowdeck_store::{CachedResponse, Store};

/// Where conditional-request bodies are kept, by URL (the full URL, query included).
pub trait EtagCache: Send + Sync {
    fn get(&self, url: &str) -> Option<CachedResponse>;
    fn put(&self, url: &str, response: &CachedResponse);
}

/// No cache: every request is unconditional.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoEtagCache;

impl EtagCache for NoEtagCache {
    fn get(&self, _url: &str) -> Option<CachedResponse> {
        None
    }
    fn put(&self, _url: &str, _response: &CachedResponse) {}
}

/// An in-memory cache (tests, and runs without a store).
#[derive(Debug, Default)]
pub struct MemoryEtagCache {
    entries: Mutex<HashMap<String, CachedResponse>>,
}

impl MemoryEtagCache {
    pub fn new() -> MemoryEtagCache {
        MemoryEtagCache::default()
    }

    pub fn len(&self) -> usize {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl EtagCache for MemoryEtagCache {
    fn get(&self, url: &str) -> Option<CachedResponse> {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(url)
            .cloned()
    }

    fn put(&self, url: &str, response: &CachedResponse) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        // The stores' per-body bound; a memory cache lives only as long as its run.
        if response.body.len() > flowdeck_store::ETAG_CACHE_MAX_BODY {
            entries.remove(url);
        } else {
            entries.insert(url.to_string(), response.clone());
        }
    }
}

/// The persisted cache: the store's `cached_response` table. Store errors are logged and read
/// as a miss (get) or dropped (put). The store is called synchronously; its writes are small.
pub struct StoreEtagCache(pub Arc<dyn Store>);

impl EtagCache for StoreEtagCache {
    fn get(&self, url: &str) -> Option<CachedResponse> {
        match self.0.cached_response(url) {
            Ok(found) => found,
            Err(err) => {
                tracing::warn!(url = %loggable(url), error = %err, "ETag cache read failed; sending an unconditional request");
                None
            }
        }
    }

    fn put(&self, url: &str, response: &CachedResponse) {
        if let Err(err) = self.0.put_cached_response(url, response) {
            tracing::warn!(url = %loggable(url), error = %err, "ETag cache write failed; the next request will be unconditional");
        }
    }
}

/// A URL for logs: host and path, no query string.
fn loggable(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(url) => super::error::Endpoint::of(&url).to_string(),
        Err(_) => "(unparsable URL)".to_string(),
    }
}
