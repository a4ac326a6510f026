//! Opsgenie's Alert API v2 JSON, as far as flowdeck reads it: `GET /v2/alerts` (a page of
//! alerts in `data`, links to other pages in `paging`) and `GET /v2/alerts/{id}` (one alert in
//! `data`). Unknown fields are ignored; fields Opsgenie may leave out are options.

use serde::Deserialize;

use flowdeck_core::model::Timestamp;

/// One page of `GET /v2/alerts`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct AlertPage {
    pub data: Vec<Alert>,
    #[serde(default)]
    pub paging: Option<Paging>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct Paging {
    /// The next page, an absolute URL with `offset` advanced; absent on the last page.
    #[serde(default)]
    pub next: Option<String>,
}

/// `GET /v2/alerts/{id}`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct OneAlert {
    pub data: Alert,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Alert {
    pub id: String,
    /// The short number people use ("1791").
    #[serde(default)]
    pub tiny_id: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    /// "open" or "closed".
    pub status: String,
    #[serde(default)]
    pub tags: Vec<String>,
    pub created_at: Timestamp,
    #[serde(default)]
    pub updated_at: Option<Timestamp>,
    #[serde(default)]
    pub source: Option<String>,
    /// "P1" … "P5".
    #[serde(default)]
    pub priority: Option<String>,
    #[serde(default)]
    pub integration: Option<Integration>,
    #[serde(default)]
    pub report: Option<Report>,
    /// Only on a single alert.
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Integration {
    #[serde(default)]
    pub name: Option<String>,
}

/// How the alert went, in milliseconds after its creation.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Report {
    #[serde(default)]
    pub close_time: Option<i64>,
}

impl Alert {
    pub(super) fn is_closed(&self) -> bool {
        self.status.eq_ignore_ascii_case("closed")
    }

    pub(super) fn integration_name(&self) -> Option<&str> {
        self.integration
            .as_ref()
            .and_then(|i| i.name.as_deref())
            .map(str::trim)
            .filter(|n| !n.is_empty())
    }

    /// When it was closed: `createdAt + report.closeTime`, else (closed without a report)
    /// `updatedAt`; None while open.
    pub(super) fn closed_at(&self) -> Option<Timestamp> {
        if !self.is_closed() {
            return None;
        }
        let by_report = self
            .report
            .as_ref()
            .and_then(|r| r.close_time)
            .filter(|ms| *ms >= 0)
            // A closeTime past what a timestamp holds is no close time: updatedAt says it.
            .and_then(|ms| {
                self.created_at
                    .checked_add_signed(chrono::TimeDelta::try_milliseconds(ms)?)
            });
        by_report.or(self.updated_at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn closed(created_at: &str, close_time: i64) -> Alert {
        serde_json::from_value(serde_json::json!({
            "id": "a-1",
            "status": "closed",
            "createdAt": created_at,
            "updatedAt": "2026-03-03T11:00:00.000Z",
            "report": {"closeTime": close_time}
        }))
        .unwrap()
    }

    #[test]
    fn closed_at_is_created_at_plus_the_close_time() {
        let alert = closed("2026-03-03T10:00:00.000Z", 60_000);
        assert_eq!(
            alert.closed_at().unwrap().to_rfc3339(),
            "2026-03-03T10:01:00+00:00"
        );
    }

    #[test]
    fn a_close_time_no_timestamp_can_hold_falls_back_to_updated_at() {
        // Found reading the code for the fuzz target opsgenie_payloads: createdAt + a closeTime
        // of hundreds of millions of years overflowed and panicked.
        for ms in [i64::MAX, 9_000_000_000_000_000] {
            let alert = closed("9999-12-31T23:59:59.000Z", ms);
            assert_eq!(alert.closed_at(), alert.updated_at);
        }
    }
}
