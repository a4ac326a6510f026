//! PagerDuty's REST API v2 JSON, as far as flowdeck reads it: `GET /incidents` (a page of
//! incidents with classic offset paging: `limit`, `offset`, `more`, `total`) and
//! `GET /incidents/{id}`. Unknown fields are ignored; fields PagerDuty may leave out or send as
//! null are options.

use serde::Deserialize;

use flowdeck_core::model::Timestamp;

/// One page of `GET /incidents`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct IncidentPage {
    pub incidents: Vec<Incident>,
    /// Whether another page follows this one.
    #[serde(default)]
    pub more: bool,
    /// The page size PagerDuty used (it may lower the one asked for).
    #[serde(default)]
    pub limit: Option<u64>,
    /// Only with `total=true`.
    #[serde(default)]
    pub total: Option<u64>,
}

/// `GET /incidents/{id}`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct OneIncident {
    pub incident: Incident,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Incident {
    pub id: String,
    #[serde(default)]
    pub incident_number: Option<u64>,
    #[serde(default)]
    pub title: Option<String>,
    /// "[#1234] The server is on fire.": the title with its number.
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// Only with `include[]=body` or on a single incident.
    #[serde(default)]
    pub body: Option<Body>,
    /// "triggered", "acknowledged" or "resolved".
    pub status: String,
    /// "high" or "low".
    #[serde(default)]
    pub urgency: Option<String>,
    #[serde(default)]
    pub priority: Option<Reference>,
    pub created_at: Timestamp,
    #[serde(default)]
    pub resolved_at: Option<Timestamp>,
    #[serde(default)]
    pub last_status_change_at: Option<Timestamp>,
    #[serde(default)]
    pub html_url: Option<String>,
    #[serde(default)]
    pub service: Option<Reference>,
}

/// A reference to another object (`service_reference`, a priority): its id and its name.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Reference {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Body {
    #[serde(default)]
    pub details: Option<String>,
}

impl Incident {
    pub(super) fn is_resolved(&self) -> bool {
        self.status.eq_ignore_ascii_case("resolved")
    }

    pub(super) fn service_id(&self) -> Option<&str> {
        self.service.as_ref().and_then(|s| s.id.as_deref())
    }

    pub(super) fn service_name(&self) -> Option<&str> {
        self.service.as_ref().and_then(|s| s.summary.as_deref())
    }

    pub(super) fn priority_name(&self) -> Option<&str> {
        self.priority
            .as_ref()
            .and_then(|p| p.summary.as_deref())
            .map(str::trim)
            .filter(|p| !p.is_empty())
    }
}
