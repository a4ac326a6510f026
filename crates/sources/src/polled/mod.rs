//! The scaffold every polled source is built on (docs/ARCHITECTURE.md#the-polled-source-scaffold):
//! a source implements [`Provider`] — what is particular to its provider — and the one generic
//! wrapper [`Polled`] does what every source needs alike:
//!
//! - the poll interval: the source's own `interval`, else `[general] refresh`, else
//!   60 s;
//! - HTTP through an `Origin` per API root: every request is scoped to that root (its
//!   credentials go nowhere else), and every failure becomes a [`SourceError`] the same way —
//!   rate limits and passing failures retryable (at the provider's reset time when it said one),
//!   configuration problems not retried in a loop, the rest bad data — worded with the
//!   provider's own `StatusHints`;
//! - watermarks: a [`Round`] reads the source's stored watermarks, collects the new ones, keeps
//!   the first sync's backfill horizon (how far back the data reaches), and hands everything to
//!   the poller, which commits it atomically with the events.
//!
//! A source module has the same files everywhere: `payload.rs` (the provider's JSON), `api.rs`
//! (every request, and its `StatusHints`), `translate.rs` (payloads into model events),
//! `state.rs` (what is remembered between syncs), `setup.rs` (settings from config), and its
//! `mod.rs` implementing [`Provider`]; `registry.rs` names it in one line.

mod hints;
mod origin;
mod round;
mod setup;
mod watermarks;
mod wrapper;

use std::future::Future;
use std::time::Duration;

pub(crate) use hints::{Failure, Hint, StatusHints};
pub(crate) use origin::Origin;
pub use round::{Horizon, Round};
pub use setup::Setup;
pub(crate) use setup::{api_root, is_production_name, known_service, required_token};
pub use watermarks::Watermarks;
pub(crate) use watermarks::{day_start, format_time, store_error};
pub use wrapper::Polled;

use crate::SourceError;
use crate::live::ProbeReport;
use flowdeck_config::SourceConfig;
use flowdeck_core::model::EventSet;

/// What is particular to one provider. Everything else — interval, HTTP scoping, error mapping,
/// watermarks and the backfill horizon — is [`Polled`]'s.
pub trait Provider: std::fmt::Debug + Send + Sync + Sized + 'static {
    /// The `kind` of its `[[sources]]` entries ("github"): its key in the registry, and the kind
    /// its status lines show.
    const KIND: &'static str;

    /// Where the first sync's backfill horizon is remembered. A new source keeps the default.
    const HORIZON: Horizon = Horizon::DEFAULT;

    /// Its section of the config (`flowdeck_config::GithubSourceConfig`).
    type Config;

    /// Its section, when a `[[sources]]` entry is of this kind.
    fn config(source: &SourceConfig) -> Option<&Self::Config>;

    /// Settings from the config section: checked, defaulted, tokens looked up once, an
    /// `Origin` per API root (`Setup::origin`). No request is sent; a config that cannot work
    /// is a `SourceError::Config` that names the key to fix.
    fn setup(config: &Self::Config, setup: &Setup<'_>) -> Result<Self, SourceError>;

    /// The name it is shown and stored under: config `name`, else `<kind>:<scope>`.
    fn name(&self) -> &str;

    /// The poll interval its own config sets; None takes `[general] refresh`.
    fn interval(&self) -> Option<Duration>;

    /// Reads what is new since the watermarks in `round` (everything since the backfill horizon
    /// on a first sync), sets the new watermarks, and returns the events. Any failure fails the
    /// whole sync: nothing is stored, and the next one starts from the same watermarks.
    fn sync(&self, round: &mut Round) -> impl Future<Output = Result<Found, SourceError>> + Send;

    /// What `flowdeck check` says: reachable, the token accepted (never shown), the rate-limit
    /// budget left, how much the backfill would find. One line for people.
    fn probe(&self, round: &Round)
    -> impl Future<Output = Result<ProbeReport, SourceError>> + Send;

    /// Whether its sync reads what other sources stored (`Source::reads_others`).
    fn reads_others(&self) -> bool {
        false
    }
}

/// What one sync found.
#[derive(Debug, Clone, Default)]
pub struct Found {
    /// New and changed events (upserted by stable id; unchanged ones may be included).
    pub events: EventSet,
    /// Events to remove (only the `events` source has any: its `"deleted": true` lines).
    pub removals: Vec<flowdeck_core::events::EventKey>,
    /// What this sync could not read although its events are good (Prometheus without its
    /// Alertmanager): shown on the status line. None when it read everything.
    pub degraded: Option<String>,
}

impl Found {
    /// Events, everything read.
    pub fn events(events: EventSet) -> Found {
        Found {
            events,
            removals: Vec::new(),
            degraded: None,
        }
    }
}
