//! How events become rows and rows become events, shared by every store so that SQLite and a
//! server-backed store keep exactly the same keys, bodies and order (the same history gives the
//! same report whichever store holds it).
//!
//! A row is `(kind, id, service, at, body)`: `kind` and `id` are the event's stable key, `body`
//! is the event as compact JSON (its whole truth: a deployment carries its changes), `service`
//! and `at` are copies kept only for indexes and range queries.

use std::cmp::Ordering;

use flowdeck_core::model::{
    Deployment, EventSet, Incident, PipelineRun, PullRequest, Service, Timestamp,
};

use super::StoreError;

pub use flowdeck_core::model::{EventKind, pull_request_id};

/// One event ready to be written.
#[derive(Debug, Clone, PartialEq)]
pub struct EncodedEvent<'a> {
    pub kind: EventKind,
    pub id: std::borrow::Cow<'a, str>,
    /// The event's service (an incident's first one); an index column, not the truth.
    pub service: Option<&'a str>,
    /// The event's main time in Unix nanoseconds (deployment finished_at, pull request
    /// created_at, run created_at, incident started_at; 0 for a service), clamped to the range
    /// an i64 of nanoseconds can hold. An index column, not the truth.
    pub at: i64,
    /// The event as compact JSON.
    pub body: &'a str,
}

/// A timestamp as Unix nanoseconds, for index columns: clamped outside 1677..2262.
pub fn index_nanos(at: Timestamp) -> i64 {
    at.timestamp_nanos_opt().unwrap_or(if at.timestamp() < 0 {
        i64::MIN
    } else {
        i64::MAX
    })
}

/// A timestamp as Unix nanoseconds, for columns that must round-trip exactly.
pub fn exact_nanos(at: Timestamp) -> Result<i64, StoreError> {
    at.timestamp_nanos_opt().ok_or_else(|| {
        StoreError::Io(format!(
            "the time {at} lies outside the years 1677 to 2262 and cannot be stored"
        ))
    })
}

/// The inverse of [`exact_nanos`].
pub fn from_nanos(nanos: i64) -> Timestamp {
    chrono::DateTime::from_timestamp_nanos(nanos)
}

/// Serializes `event` into `buf` (reused across events: one allocation for a whole sync).
fn json<'b, T: serde::Serialize>(
    kind: EventKind,
    id: &str,
    event: &T,
    buf: &'b mut Vec<u8>,
) -> Result<&'b str, StoreError> {
    let failed = |e: &dyn std::fmt::Display| {
        StoreError::Io(format!(
            "the {} {id} could not be encoded: {e}",
            kind.as_str()
        ))
    };
    buf.clear();
    serde_json::to_writer(&mut *buf, event).map_err(|e| failed(&e))?;
    std::str::from_utf8(buf).map_err(|e| failed(&e))
}

/// Encodes every event of `events` in turn (services, deployments, pull requests, runs,
/// incidents) and hands each to `write`, stopping at the first error. Services pass through
/// `merge` first, which gives what is to be stored given the incoming service (see
/// [`merge_service`]: the store reads the stored one).
pub fn encode_each(
    events: &EventSet,
    mut merge: impl FnMut(&Service) -> Result<Service, StoreError>,
    mut write: impl FnMut(EncodedEvent<'_>) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let mut buf = Vec::with_capacity(4096);
    for s in &events.services {
        let merged = merge(s)?;
        write(EncodedEvent {
            kind: EventKind::Service,
            id: merged.name.as_str().into(),
            service: Some(&merged.name),
            at: 0,
            body: json(EventKind::Service, &merged.name, &merged, &mut buf)?,
        })?;
    }
    for d in &events.deployments {
        write(EncodedEvent {
            kind: EventKind::Deployment,
            id: d.id.as_str().into(),
            service: Some(&d.service),
            at: index_nanos(d.finished_at),
            body: json(EventKind::Deployment, &d.id, d, &mut buf)?,
        })?;
    }
    for p in &events.pull_requests {
        let id = pull_request_id(&p.service, p.number);
        let body = json(EventKind::PullRequest, &id, p, &mut buf)?;
        write(EncodedEvent {
            kind: EventKind::PullRequest,
            id: id.into(),
            service: Some(&p.service),
            at: index_nanos(p.created_at),
            body,
        })?;
    }
    for r in &events.pipeline_runs {
        write(EncodedEvent {
            kind: EventKind::PipelineRun,
            id: r.id.as_str().into(),
            service: Some(&r.service),
            at: index_nanos(r.created_at),
            body: json(EventKind::PipelineRun, &r.id, r, &mut buf)?,
        })?;
    }
    for i in &events.incidents {
        write(EncodedEvent {
            kind: EventKind::Incident,
            id: i.id.as_str().into(),
            service: i.services.first().map(String::as_str),
            at: index_nanos(i.started_at),
            body: json(EventKind::Incident, &i.id, i, &mut buf)?,
        })?;
    }
    Ok(())
}

/// What a service upsert stores, given what is stored: as [`EventSet::extend`] merges, a
/// source that knows no team does not erase a team stored before.
pub fn merge_service(stored: Option<Service>, incoming: &Service) -> Service {
    match (stored, &incoming.team) {
        (Some(stored), None) if stored.team.is_some() => Service {
            name: incoming.name.clone(),
            team: stored.team,
        },
        _ => incoming.clone(),
    }
}

/// Decodes one stored row into `into`. Rows of a kind this build does not know (written by a
/// newer flowdeck that kept the schema version) are skipped and reported as `Ok(false)`.
pub fn decode_into(
    kind: &str,
    id: &str,
    body: &str,
    into: &mut EventSet,
) -> Result<bool, StoreError> {
    match EventKind::parse(kind) {
        Some(kind) => decode_kind_into(kind, id, body, into).map(|()| true),
        None => Ok(false),
    }
}

/// Decodes one stored row of a known kind into `into`.
pub fn decode_kind_into(
    kind: EventKind,
    id: &str,
    body: &str,
    into: &mut EventSet,
) -> Result<(), StoreError> {
    let bad = |e: serde_json::Error| {
        StoreError::Decode(format!(
            "the stored {} {id} is not valid: {e}",
            kind.as_str()
        ))
    };
    match kind {
        EventKind::Service => into
            .services
            .push(serde_json::from_str::<Service>(body).map_err(bad)?),
        EventKind::Deployment => into
            .deployments
            .push(serde_json::from_str::<Deployment>(body).map_err(bad)?),
        EventKind::PullRequest => into
            .pull_requests
            .push(serde_json::from_str::<PullRequest>(body).map_err(bad)?),
        EventKind::PipelineRun => into
            .pipeline_runs
            .push(serde_json::from_str::<PipelineRun>(body).map_err(bad)?),
        EventKind::Incident => into
            .incidents
            .push(serde_json::from_str::<Incident>(body).map_err(bad)?),
    }
    Ok(())
}

/// The canonical order `load()` returns, the same for every store: services by name;
/// deployments by finished_at, then id; pull requests by created_at, then service, then number;
/// runs by created_at, then id; incidents by started_at, then id. Ids compare bytewise (as
/// docs/METRICS.md#deployments-and-their-order orders deployments), never by a database collation.
pub fn canonical_order(events: &mut EventSet) {
    fn by<T>(a: (Timestamp, &T), b: (Timestamp, &T)) -> Ordering
    where
        T: Ord + ?Sized,
    {
        a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1))
    }
    events.services.sort_unstable_by(|a, b| a.name.cmp(&b.name));
    events
        .deployments
        .sort_unstable_by(|a, b| by((a.finished_at, a.id.as_str()), (b.finished_at, &b.id)));
    events.pull_requests.sort_unstable_by(|a, b| {
        a.created_at
            .cmp(&b.created_at)
            .then_with(|| a.service.cmp(&b.service))
            .then_with(|| a.number.cmp(&b.number))
    });
    events
        .pipeline_runs
        .sort_unstable_by(|a, b| by((a.created_at, a.id.as_str()), (b.created_at, &b.id)));
    events
        .incidents
        .sort_unstable_by(|a, b| by((a.started_at, a.id.as_str()), (b.started_at, &b.id)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_their_names() {
        for kind in EventKind::ALL {
            assert_eq!(EventKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(EventKind::parse("annotation"), None);
    }

    #[test]
    fn index_times_clamp_and_exact_times_refuse_the_unrepresentable() {
        let far = chrono::DateTime::parse_from_rfc3339("3000-01-01T00:00:00Z")
            .map(|t| t.to_utc())
            .unwrap_or_default();
        assert_eq!(index_nanos(far), i64::MAX);
        assert!(exact_nanos(far).is_err());
        let t = from_nanos(1_700_000_000_123_456_789);
        assert_eq!(exact_nanos(t).ok(), Some(1_700_000_000_123_456_789));
    }

    #[test]
    fn a_source_without_teams_keeps_the_stored_team() {
        let stored = Service {
            name: "api".into(),
            team: Some("payments".into()),
        };
        let bare = Service {
            name: "api".into(),
            team: None,
        };
        assert_eq!(merge_service(Some(stored.clone()), &bare), stored);
        let moved = Service {
            name: "api".into(),
            team: Some("core".into()),
        };
        assert_eq!(merge_service(Some(stored), &moved), moved);
        assert_eq!(merge_service(None, &bare), bare);
    }
}
