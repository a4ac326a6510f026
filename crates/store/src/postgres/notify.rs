//! Announcing commits: `NOTIFY flowdeck_events, '<source>'` inside a sync's transaction when
//! it inserted or updated anything (PostgreSQL delivers it only after the commit, so a reader
//! that hears of a sync finds it when it loads), and [`PostgresFeed`], a connection of its own
//! doing `LISTEN flowdeck_events`.
//!
//! The feed's connection runs on the store's driver thread, which hands every notification to
//! a channel the feed waits on; when the connection ends (the server restarted, an
//! administrator terminated the backend, the network dropped) the channel closes and `wait`
//! gives `Err`, after the notifications that arrived before it. The caller then reads
//! periodically and may subscribe again.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use tokio_postgres::{Client, Notification, Transaction};

use super::connect::Settings;
use super::driver::{Driver, block_on};
use super::errors::mapper;
use crate::{ChangeFeed, StoreChange, StoreError};

/// The channel commits are announced on.
pub const CHANNEL: &str = "flowdeck_events";

/// PostgreSQL's limit on a payload is 8000 bytes; a longer source name is cut (at a
/// character boundary) rather than failing the sync.
const MAX_PAYLOAD: usize = 7999;

/// Announces a sync of `source` inside `tx` (delivered at commit, dropped at rollback).
pub(crate) fn announce(tx: &Transaction<'_>, server: &str, source: &str) -> Result<(), StoreError> {
    let mut end = source.len().min(MAX_PAYLOAD);
    while !source.is_char_boundary(end) {
        end -= 1;
    }
    let payload = &source[..end];
    block_on(tx.execute("SELECT pg_notify($1, $2)", &[&CHANNEL, &payload]))
        .map(|_| ())
        .map_err(mapper(server, "announcing the sync"))
}

/// Commits announced on [`CHANNEL`], heard on a connection of its own.
pub struct PostgresFeed {
    /// Kept so the connection stays open: dropping the client closes it.
    _client: Client,
    notifications: Receiver<Notification>,
    server: String,
    /// The thread the connection runs on, kept while the feed lives (even past the store).
    _driver: Arc<Driver>,
}

impl std::fmt::Debug for PostgresFeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresFeed")
            .field("server", &self.server)
            .finish_non_exhaustive()
    }
}

impl PostgresFeed {
    /// Connects and listens; commits after this returns are heard.
    pub(crate) fn subscribe(
        settings: &Settings,
        driver: Arc<Driver>,
    ) -> Result<PostgresFeed, StoreError> {
        let (tx, notifications) = std::sync::mpsc::channel();
        let client = settings.connect(&driver, Some("listen"), Some(tx))?;
        let server = settings.server().to_string();
        block_on(client.batch_execute(&format!("LISTEN {CHANNEL}")))
            .map_err(mapper(&server, "subscribing to new events"))?;
        Ok(PostgresFeed {
            _client: client,
            notifications,
            server,
            _driver: driver,
        })
    }
}

impl ChangeFeed for PostgresFeed {
    fn wait(&mut self, timeout: Duration) -> Result<Option<StoreChange>, StoreError> {
        // The connection listens on CHANNEL only.
        match self.notifications.recv_timeout(timeout) {
            Ok(n) => Ok(Some(StoreChange {
                source: n.payload().to_string(),
            })),
            Err(RecvTimeoutError::Timeout) => Ok(None),
            Err(RecvTimeoutError::Disconnected) => Err(StoreError::Unreachable {
                server: self.server.clone(),
                detail: "the connection listening for new events dropped".into(),
            }),
        }
    }
}
