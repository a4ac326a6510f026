//! What the PagerDuty source remembers between syncs is what every polled incident source
//! remembers (`crate::incidents::state`: when it last ran, which incidents were open, where the
//! next listing starts), and its sync is theirs (`crate::incidents::sync`). This is how
//! PagerDuty feeds them: an incident is open until resolved, listed when it passes the filters
//! the listing asks PagerDuty for, stored when it passes them all.

use std::collections::BTreeMap;

use super::Pagerduty;
use super::api;
use super::payload::Incident;
use super::translate;
use crate::SourceError;
use crate::incidents::state::Seen;
use crate::incidents::sync::IncidentSource;
use flowdeck_core::model::{self, Timestamp};

impl IncidentSource for Pagerduty {
    type Raw = Incident;

    fn source(&self) -> &str {
        &self.settings.name
    }

    async fn list(
        &self,
        since: Timestamp,
        now: Timestamp,
    ) -> Result<BTreeMap<String, Incident>, SourceError> {
        api::incidents(&self.api, &self.settings, since, now).await
    }

    async fn lookup(&self, id: &str) -> Result<Option<Incident>, SourceError> {
        self.api.incident(id).await
    }

    fn seen<'a>(&self, raw: &'a Incident) -> Seen<'a> {
        Seen {
            id: &raw.id,
            created_at: raw.created_at,
            open: !raw.is_resolved(),
            listed: translate::listed(raw, &self.settings),
            passes: translate::passes(raw, &self.settings),
        }
    }

    fn incident(&self, raw: &Incident) -> model::Incident {
        translate::incident(raw, &self.settings)
    }
}
