//! What the Opsgenie source remembers between syncs is what every polled incident source
//! remembers (`crate::incidents::state`: when it last ran, which alerts were open, where the
//! next listing starts), and its sync is theirs (`crate::incidents::sync`). This is how Opsgenie
//! feeds them: an alert is open until closed, and listed and stored when it passes the
//! priorities (the query itself is Opsgenie's to apply).

use std::collections::BTreeMap;

use super::Opsgenie;
use super::api;
use super::payload::Alert;
use super::translate;
use crate::SourceError;
use crate::incidents::state::Seen;
use crate::incidents::sync::IncidentSource;
use flowdeck_core::model::{Incident, Timestamp};

impl IncidentSource for Opsgenie {
    type Raw = Alert;

    fn source(&self) -> &str {
        &self.settings.name
    }

    async fn list(
        &self,
        since: Timestamp,
        _now: Timestamp,
    ) -> Result<BTreeMap<String, Alert>, SourceError> {
        api::alerts(&self.api, &self.settings, since).await
    }

    async fn lookup(&self, id: &str) -> Result<Option<Alert>, SourceError> {
        self.api.alert(id).await
    }

    fn seen<'a>(&self, alert: &'a Alert) -> Seen<'a> {
        let listed = translate::listed(alert, &self.settings);
        Seen {
            id: &alert.id,
            created_at: alert.created_at,
            open: !alert.is_closed(),
            listed,
            passes: listed,
        }
    }

    fn incident(&self, alert: &Alert) -> Incident {
        translate::incident(alert, &self.settings)
    }
}
