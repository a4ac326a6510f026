//! The derived-history cache: a warm start reads the history derived last time from a file
//! beside the SQLite store instead of loading every event and deriving again
//! (docs/ARCHITECTURE.md#the-derived-history-cache).
//!
//! The file is only used when it was written for exactly this input: its key is this build,
//! the config's rules (`Config::rules_fingerprint`), the events the config itself adds (its
//! `[[services]]`), and the store's generation, which every commit that changes an event
//! replaces in the same transaction (`store::Generation`). A history that depends on anything
//! else (a git clone read at each start, zero-config inference, the demo data) never uses it.
//! Whatever goes wrong with the file, the history is derived from the store as without it.

use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::context::Context;
use crate::bytes::{DecodeError, Reader, Writer, write_events};
use crate::config::Config;
use crate::metrics::History;
use crate::model::EventSet;
use crate::sources::registry;
use crate::sources::shipped::{self, ShippedNote};
use crate::store::derived::DerivedCache;
use crate::store::{Store, StoreError};

/// What the cache's bytes are: bump when the payload's layout changes without the build
/// changing (the build is part of the key anyway).
const PAYLOAD: &[u8] = b"flowdeck derived history 1\0";

/// A process writes the cache at most this often: a dashboard whose poller keeps changing the
/// store would otherwise write the whole history at every reload. What matters is the next
/// start, and a miss there only costs what a start without the cache costs.
const WRITE_EVERY: Duration = Duration::from_secs(5 * 60);

/// When to write the cache after deriving.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Write {
    /// At most every [`WRITE_EVERY`] in this process (the commands).
    Throttled,
    /// Every time (benchmarks and tests).
    Always,
}

/// Whether a run's history is a function of the store and the config alone, so a cached one
/// can stand for it: no source read directly (git clones change outside the store, and a
/// deployment naming only a sha is filled in from one), no zero-config inference, no demo, and
/// no forge compare fallback (its compares are kept in the store outside the event commits
/// that move the generation, and are applied when the store is read: `Live::read`).
pub fn applies(ctx: &Context) -> bool {
    !ctx.demo
        && ctx.inferred.is_none()
        && ctx.loaded.config.sources.iter().all(registry::is_polled)
        && crate::sources::shipped::compared::fallbacks(&ctx.loaded.config).is_empty()
}

/// The history of `store` with the events the config adds (`direct`: what `sources::collect`
/// gives for a config that reads no source directly), and the notes on deployments that name
/// only a sha: read from the cache when it matches, else loaded, derived and cached.
pub fn history(
    store: &dyn Store,
    config: &Config,
    base_dir: &Path,
    direct: EventSet,
    write: Write,
) -> Result<(History, Vec<ShippedNote>), StoreError> {
    let cache = store.derived_cache_path().map(DerivedCache::at);
    let key = key(config, &direct);
    if let Some(cache) = &cache {
        match store.generation() {
            Ok(Some(generation)) => {
                if let Some(bytes) = cache.read(&[key.as_slice(), &generation.stamp()].concat()) {
                    match decode(&bytes, config) {
                        Ok(found) => {
                            tracing::info!(
                                generation = generation.counter,
                                "derived history read from the cache"
                            );
                            return Ok(found);
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "the derived history cache was not usable")
                        }
                    }
                }
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "the store's generation cannot be read"),
        }
    }
    let (stored, generation) = store.load_stamped()?;
    let mut events = direct;
    events.extend(stored);
    // As `Context::history_explained` does for a config without git sources.
    let notes = shipped::resolve(config, base_dir, &mut events);
    let history = History::derive(events, config.rules());
    if let (Some(cache), Some(generation)) = (&cache, generation)
        && may_write(write)
    {
        let mut w = Writer::default();
        encode(&mut w, &history, &notes);
        let key = [key.as_slice(), &generation.stamp()].concat();
        match cache.write(&key, &w.buf) {
            Ok(()) => tracing::info!(
                bytes = w.buf.len(),
                generation = generation.counter,
                "derived history cached"
            ),
            Err(e) => tracing::warn!(error = %e, "the derived history was not cached"),
        }
    }
    Ok((history, notes))
}

/// Everything but the store's generation that the cached bytes depend on.
fn key(config: &Config, direct: &EventSet) -> Vec<u8> {
    let mut w = Writer::default();
    w.buf.extend_from_slice(PAYLOAD);
    w.str(&build());
    w.str(&config.rules_fingerprint());
    write_events(&mut w, direct);
    w.buf
}

/// This build: its version and its executable (path, size, modification time), so a rebuilt
/// flowdeck whose derivation changed never reads what an older one derived.
fn build() -> String {
    static BUILD: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    BUILD
        .get_or_init(|| {
            let exe = std::env::current_exe().ok();
            let meta = exe.as_ref().and_then(|p| std::fs::metadata(p).ok());
            let modified = meta
                .as_ref()
                .and_then(|m| m.modified().ok())
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_nanos());
            format!(
                "{} {:?} {:?} {:?}",
                env!("CARGO_PKG_VERSION"),
                exe,
                meta.map(|m| m.len()),
                modified
            )
        })
        .clone()
}

fn may_write(write: Write) -> bool {
    static LAST: Mutex<Option<Instant>> = Mutex::new(None);
    let mut last = LAST
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let due = write == Write::Always || last.is_none_or(|at| at.elapsed() >= WRITE_EVERY);
    if due {
        *last = Some(Instant::now());
    }
    due
}

fn encode(w: &mut Writer, history: &History, notes: &[ShippedNote]) {
    w.count(notes.len());
    for note in notes {
        w.str(&note.service);
        w.str(&note.text);
    }
    history.write_to(w);
}

fn decode(bytes: &[u8], config: &Config) -> Result<(History, Vec<ShippedNote>), DecodeError> {
    let mut r = Reader::new(bytes);
    let notes = r.vec(16, |r| {
        Ok(ShippedNote {
            service: r.str()?,
            text: r.str()?,
        })
    })?;
    let history = History::read_from(&mut r, config.rules())?;
    Ok((history, notes))
}
