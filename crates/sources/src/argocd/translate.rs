//! Argo CD's application status into model events. Pure functions: no I/O.
//!
//! - Each `status.history` entry is a successful sync: a deployment
//!   `argocd:<application>:<deployStartedAt>` of its revision, from `deployStartedAt` to
//!   `deployedAt`. Its shipped commits are not Argo CD's to say (`changes` stays empty).
//! - The latest operation (`status.operationState`), when it `Failed` or ended in `Error`, is a
//!   failed deploy job of `syncResult.revision` (else the revision it asked for), with the same
//!   id a success of it would have had (Argo CD writes the operation's `startedAt` as the history
//!   entry's `deployStartedAt`); `Running` or `Terminating` is one in progress. A `Succeeded`
//!   operation adds nothing: its history entry is the deployment.
//! - With `incidents_from_health`, a period of `Degraded` health is an incident of the service,
//!   `argocd:<application>:degraded:<since>`, from the health's last transition (else when it
//!   was first seen Degraded) until it was seen `Healthy` again.

use super::payload::{History, OperationState};
use super::setup::Settings;
use crate::polled::format_time;
use flowdeck_core::model::{Deployment, DeploymentStatus, Incident, Timestamp};

fn deployment_id(settings: &Settings, started: Timestamp) -> String {
    format!("argocd:{}:{}", settings.scope, format_time(started))
}

/// Whether an environment name is production ("production", "prod", "prod-eu"): only those
/// deployments count in the DORA measures; the others are deploy-job health.
fn is_production(environment: &str) -> bool {
    environment.to_ascii_lowercase().starts_with("prod")
}

fn deployment(
    settings: &Settings,
    sha: String,
    ref_name: Option<String>,
    started: Timestamp,
    finished: Timestamp,
    status: DeploymentStatus,
) -> Deployment {
    Deployment {
        id: deployment_id(settings, started),
        name: None,
        service: settings.service.clone(),
        environment: settings.environment.clone(),
        production: is_production(&settings.environment),
        sha,
        ref_name,
        started_at: Some(started),
        finished_at: finished,
        status,
        url: settings.app_url(),
        changes: Vec::new(),
    }
}

/// A history entry as a successful deployment; None without a revision.
pub(super) fn synced(settings: &Settings, entry: &History) -> Option<Deployment> {
    let ref_name = entry
        .source
        .as_ref()
        .and_then(|s| s.target_revision.clone())
        .filter(|r| !r.trim().is_empty());
    Some(deployment(
        settings,
        entry.sha()?,
        ref_name,
        entry.started(),
        entry.deployed_at,
        DeploymentStatus::Success,
    ))
}

/// The latest operation as a failed or running deploy job; None when it succeeded (its history
/// entry says so) or names no revision.
pub(super) fn operation(
    settings: &Settings,
    op: &OperationState,
    now: Timestamp,
) -> Option<Deployment> {
    let status = match op.phase.as_str() {
        "Failed" | "Error" => DeploymentStatus::Failure,
        "Running" | "Terminating" => DeploymentStatus::InProgress,
        _ => return None,
    };
    let finished = match status {
        DeploymentStatus::InProgress => now,
        _ => op.finished_at.unwrap_or(now),
    };
    Some(deployment(
        settings,
        op.sha()?,
        None,
        op.started_at,
        finished,
        status,
    ))
}

/// The id a history entry or an operation that started at `started` is stored under.
pub(super) fn id_of(settings: &Settings, started: Timestamp) -> String {
    deployment_id(settings, started)
}

/// The incident of a Degraded period that began at `since`.
pub(super) fn degraded(settings: &Settings, since: Timestamp, message: Option<&str>) -> Incident {
    let message = message.map(str::trim).filter(|m| !m.is_empty());
    Incident {
        id: format!("argocd:{}:degraded:{}", settings.scope, format_time(since)),
        source: "argocd".into(),
        services: vec![settings.service.clone()],
        title: match message {
            Some(message) => format!("{} Degraded: {message}", settings.application),
            None => format!("{} Degraded", settings.application),
        },
        severity: None,
        labels: vec![
            format!("application={}", settings.scope),
            "health=Degraded".into(),
        ],
        body: message.map(str::to_string),
        started_at: since,
        resolved_at: None,
        url: settings.app_url(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn settings() -> Settings {
        let config = toml::from_str(
            "service = \"api\"\nbase_url = \"https://argocd.example.com\"\napplication = \"api-production\"\ntoken_cmd = \"printf %s t\"\n",
        )
        .unwrap();
        Settings::from_config(&config).unwrap()
    }

    fn op(phase: &str, result: Option<&str>, asked: Option<&str>) -> OperationState {
        serde_json::from_value(serde_json::json!({
            "phase": phase,
            "startedAt": "2026-03-02T10:00:00Z",
            "finishedAt": "2026-03-02T10:01:00Z",
            "syncResult": result.map(|r| serde_json::json!({"revision": r})),
            "operation": {"sync": {"revision": asked}}
        }))
        .unwrap()
    }

    #[test]
    fn operations_by_phase() {
        let s = settings();
        let now = "2026-03-02T12:00:00Z".parse().unwrap();
        let failed = operation(&s, &op("Failed", Some("ABC"), Some("def")), now).unwrap();
        assert_eq!(failed.status, DeploymentStatus::Failure);
        assert_eq!(failed.sha, "abc");
        assert_eq!(failed.id, "argocd:api-production:2026-03-02T10:00:00Z");
        assert_eq!(
            failed.finished_at,
            "2026-03-02T10:01:00Z".parse::<Timestamp>().unwrap()
        );
        let error = operation(&s, &op("Error", None, Some("def")), now).unwrap();
        assert_eq!(
            (error.status, error.sha.as_str()),
            (DeploymentStatus::Failure, "def")
        );
        let running = operation(&s, &op("Running", None, Some("def")), now).unwrap();
        assert_eq!(
            (running.status, running.finished_at),
            (DeploymentStatus::InProgress, now)
        );
        assert!(operation(&s, &op("Succeeded", Some("abc"), None), now).is_none());
        assert!(
            operation(&s, &op("Failed", None, None), now).is_none(),
            "no revision"
        );
    }

    #[test]
    fn history_entries_and_degraded_periods() {
        let s = settings();
        let entry: History = serde_json::from_value(serde_json::json!({
            "id": 3,
            "revisions": ["", "F00D"],
            "deployedAt": "2026-03-02T10:02:00Z",
            "source": {"repoURL": "https://github.com/acme/deploy", "targetRevision": "HEAD"}
        }))
        .unwrap();
        let d = synced(&s, &entry).unwrap();
        assert_eq!(
            d.id, "argocd:api-production:2026-03-02T10:02:00Z",
            "no deployStartedAt"
        );
        assert_eq!(
            (d.sha.as_str(), d.ref_name.as_deref()),
            ("f00d", Some("HEAD"))
        );
        assert!(d.production && d.changes.is_empty());
        let since = "2026-03-02T11:00:00Z".parse().unwrap();
        let incident = degraded(
            &s,
            since,
            Some(" Deployment \"api\" exceeded its progress deadline "),
        );
        assert_eq!(
            incident.id,
            "argocd:api-production:degraded:2026-03-02T11:00:00Z"
        );
        assert_eq!(
            incident.title,
            "api-production Degraded: Deployment \"api\" exceeded its progress deadline"
        );
        assert_eq!(incident.services, ["api"]);
    }
}
