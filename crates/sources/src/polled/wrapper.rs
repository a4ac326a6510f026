//! The one generic wrapper: a [`Provider`] as a [`Source`] the poller runs.

use std::time::Duration;

use super::{Provider, Round, Setup};
use crate::SourceError;
use crate::live::{BoxFuture, ProbeReport, Source, SyncContext, SyncOutcome};

/// How often a source is polled when neither its own `interval` nor `[general] refresh` says.
pub(crate) const DEFAULT_INTERVAL: Duration = Duration::from_secs(60);

/// A polled source: a provider, and how often it is polled.
#[derive(Debug)]
pub struct Polled<P> {
    pub(crate) provider: P,
    interval: Duration,
}

impl<P: Provider> Polled<P> {
    /// Sets the provider up from its config section (no request is sent). It polls every
    /// [`DEFAULT_INTERVAL`] unless its config sets an `interval`.
    pub(crate) fn build(config: &P::Config, setup: &Setup<'_>) -> Result<Polled<P>, SourceError> {
        let provider = P::setup(config, setup)?;
        Ok(Polled {
            interval: provider.interval().unwrap_or(DEFAULT_INTERVAL),
            provider,
        })
    }

    /// Polls every `interval` unless the source's own config says otherwise (the registry
    /// passes `[general] refresh`).
    pub fn with_default_interval(mut self, interval: Duration) -> Polled<P> {
        self.interval = self.provider.interval().unwrap_or(interval);
        self
    }
}

impl<P: Provider> Source for Polled<P> {
    fn name(&self) -> &str {
        self.provider.name()
    }

    fn kind(&self) -> &'static str {
        P::KIND
    }

    fn interval(&self) -> Duration {
        self.interval
    }

    fn reads_others(&self) -> bool {
        self.provider.reads_others()
    }

    fn sync<'a>(&'a self, ctx: &'a SyncContext) -> BoxFuture<'a, Result<SyncOutcome, SourceError>> {
        Box::pin(async move {
            let mut round = Round::open(ctx, self.provider.name(), P::HORIZON)?;
            let (found, cuts) = crate::progress::tracking(
                self.provider.name(),
                crate::cuts::collecting(self.provider.sync(&mut round)),
            )
            .await;
            let mut found = found?;
            // An item no real event could be is refused here, for every source, rather than
            // stored.
            let refused =
                flowdeck_core::plausible::refuse_implausible(&mut found.events, round.now);
            for sentence in &refused {
                tracing::warn!(source = self.provider.name(), "{sentence}");
            }
            let cuts = [cuts, refused].concat();
            // What the sync left out reads on the status line as "ok, but …".
            if let Some(cut) = crate::cuts::summary(&cuts) {
                found.degraded = Some(match found.degraded.take() {
                    Some(degraded) => format!("{degraded}; {cut}"),
                    None => cut,
                });
            }
            Ok(round.finish(found))
        })
    }

    fn probe<'a>(
        &'a self,
        ctx: &'a SyncContext,
    ) -> BoxFuture<'a, Result<ProbeReport, SourceError>> {
        Box::pin(async move {
            let round = Round::open(ctx, self.provider.name(), P::HORIZON)?;
            self.provider.probe(&round).await
        })
    }
}
