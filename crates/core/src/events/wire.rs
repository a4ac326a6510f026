//! One line of `flowdeck.events/v1` as it arrives, and its checks. Fields a line may leave out
//! are `Option`s here (missing means null); unknown fields are ignored (serde's default), so a
//! newer writer's additions do not break this reader. The required fields are checked after
//! deserializing, so the message can say which one is missing, and so a removal
//! (`"deleted": true`) needs only its key.

use serde::Deserialize;

use super::EventKey;
use crate::model::{
    Change, Deployment, DeploymentStatus, EventKind, Incident, PipelineRun, PullRequest,
    RunConclusion, RunStatus, Service, Timestamp, pull_request_id, reverted_sha,
};

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(super) enum Line {
    Service(WireService),
    Deployment(WireDeployment),
    Incident(WireIncident),
    PipelineRun(WireRun),
    PullRequest(WirePullRequest),
}

#[derive(Debug, Deserialize)]
pub(super) struct WireService {
    name: Option<String>,
    team: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct WireDeployment {
    id: Option<String>,
    #[serde(default)]
    deleted: bool,
    name: Option<String>,
    service: Option<String>,
    environment: Option<String>,
    production: Option<bool>,
    sha: Option<String>,
    ref_name: Option<String>,
    started_at: Option<Timestamp>,
    finished_at: Option<Timestamp>,
    status: Option<DeploymentStatus>,
    url: Option<String>,
    changes: Option<Vec<WireChange>>,
}

#[derive(Debug, Deserialize)]
pub(super) struct WireChange {
    sha: Option<String>,
    authored_at: Option<Timestamp>,
    committed_at: Option<Timestamp>,
    author: Option<String>,
    title: Option<String>,
    /// The whole commit message, when the writer has it: "This reverts commit …" is read
    /// from it when `reverts` is not given.
    message: Option<String>,
    #[serde(default)]
    merge: bool,
    reverts: Option<String>,
    pr: Option<u64>,
}

#[derive(Debug, Deserialize)]
pub(super) struct WireIncident {
    id: Option<String>,
    #[serde(default)]
    deleted: bool,
    source: Option<String>,
    services: Option<Vec<String>>,
    title: Option<String>,
    severity: Option<String>,
    #[serde(default)]
    labels: Vec<String>,
    body: Option<String>,
    started_at: Option<Timestamp>,
    resolved_at: Option<Timestamp>,
    url: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct WireRun {
    id: Option<String>,
    #[serde(default)]
    deleted: bool,
    service: Option<String>,
    workflow: Option<String>,
    branch: Option<String>,
    sha: Option<String>,
    status: Option<RunStatus>,
    conclusion: Option<RunConclusion>,
    attempt: Option<u32>,
    created_at: Option<Timestamp>,
    started_at: Option<Timestamp>,
    finished_at: Option<Timestamp>,
    url: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct WirePullRequest {
    service: Option<String>,
    number: Option<u64>,
    #[serde(default)]
    deleted: bool,
    title: Option<String>,
    author: Option<String>,
    url: Option<String>,
    head_branch: Option<String>,
    created_at: Option<Timestamp>,
    first_commit_at: Option<Timestamp>,
    first_review_at: Option<Timestamp>,
    merged_at: Option<Timestamp>,
    merge_sha: Option<String>,
    closed_at: Option<Timestamp>,
    reverts_pr: Option<u64>,
}

/// What one line asks for.
#[derive(Debug)]
pub(super) enum Parsed {
    Service(Service),
    /// A deployment, and whether its line carried `changes` (absent: the ingesting side may
    /// look them up).
    Deployment(Deployment, bool),
    Incident(Incident),
    Run(PipelineRun),
    PullRequest(PullRequest),
    Remove(EventKey),
}

/// What the checks need besides the line.
pub(super) struct Context<'a> {
    pub production_environments: &'a [String],
    pub incident_source: &'a str,
}

/// Longest id, name, sha or other short field; longer is a writer's mistake.
const MAX_SHORT: usize = 1024;
/// Longest free text (a title, an incident body, a label).
const MAX_TEXT: usize = 64 * 1024;
/// Times outside these years are refused: the store keeps nanoseconds in an i64, and a
/// delivery event before 1970 or after 2100 is a writer's mistake (the config's bounds).
const FIRST_YEAR: i32 = 1970;
const LAST_YEAR: i32 = 2100;

type Checked<T> = Result<T, String>;

fn required<T>(value: Option<T>, field: &str) -> Checked<T> {
    value.ok_or_else(|| format!("missing field `{field}`"))
}

fn short(value: Option<String>, field: &str) -> Checked<String> {
    let value = required(value, field)?;
    check_short(&value, field)?;
    Ok(value)
}

fn check_short(value: &str, field: &str) -> Checked<()> {
    if value.trim().is_empty() {
        return Err(format!("`{field}` is empty"));
    }
    if value.len() > MAX_SHORT {
        return Err(format!(
            "`{field}` is {} bytes long; at most {MAX_SHORT}",
            value.len()
        ));
    }
    Ok(())
}

fn optional_short(value: Option<String>, field: &str) -> Checked<Option<String>> {
    if let Some(v) = &value {
        check_short(v, field)?;
    }
    Ok(value)
}

fn text(value: Option<String>, field: &str) -> Checked<Option<String>> {
    match value {
        Some(v) if v.len() > MAX_TEXT => Err(format!(
            "`{field}` is {} bytes long; at most {MAX_TEXT}",
            v.len()
        )),
        other => Ok(other),
    }
}

/// A commit id: 40 (SHA-1) or 64 (SHA-256) hex digits, stored lower-case as git prints them.
fn sha(value: Option<String>, field: &str) -> Checked<String> {
    let value = required(value, field)?;
    if !matches!(value.len(), 40 | 64) || !value.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!(
            "`{field}` is not a commit id (40 or 64 hex digits): {:?}",
            crate::text::sanitize(&value.chars().take(80).collect::<String>())
        ));
    }
    Ok(value.to_ascii_lowercase())
}

fn time(value: Option<Timestamp>, field: &str) -> Checked<Timestamp> {
    let value = required(value, field)?;
    check_time(value, field)?;
    Ok(value)
}

fn optional_time(value: Option<Timestamp>, field: &str) -> Checked<Option<Timestamp>> {
    if let Some(v) = value {
        check_time(v, field)?;
    }
    Ok(value)
}

fn check_time(value: Timestamp, field: &str) -> Checked<()> {
    use chrono::Datelike as _;
    if !(FIRST_YEAR..=LAST_YEAR).contains(&value.year()) {
        return Err(format!(
            "`{field}` {} lies outside the years {FIRST_YEAR} to {LAST_YEAR}",
            value.to_rfc3339()
        ));
    }
    Ok(())
}

/// The id of an event that has one; a removal needs nothing else.
fn removal(kind: EventKind, id: Option<String>) -> Checked<Parsed> {
    let id = short(id, "id")?;
    Ok(Parsed::Remove(EventKey { kind, id }))
}

impl Line {
    pub(super) fn check(self, cx: &Context<'_>) -> Checked<Parsed> {
        match self {
            Line::Service(s) => Ok(Parsed::Service(Service {
                name: short(s.name, "name")?,
                team: optional_short(s.team, "team")?,
            })),
            Line::Deployment(d) if d.deleted => removal(EventKind::Deployment, d.id),
            Line::Deployment(d) => d.check(cx),
            Line::Incident(i) if i.deleted => removal(EventKind::Incident, i.id),
            Line::Incident(i) => i.check(cx).map(Parsed::Incident),
            Line::PipelineRun(r) if r.deleted => removal(EventKind::PipelineRun, r.id),
            Line::PipelineRun(r) => r.check().map(Parsed::Run),
            Line::PullRequest(p) if p.deleted => {
                let service = short(p.service, "service")?;
                let number = required(p.number, "number")?;
                Ok(Parsed::Remove(EventKey {
                    kind: EventKind::PullRequest,
                    id: pull_request_id(&service, number),
                }))
            }
            Line::PullRequest(p) => p.check().map(Parsed::PullRequest),
        }
    }
}

impl WireDeployment {
    fn check(self, cx: &Context<'_>) -> Checked<Parsed> {
        let id = short(self.id, "id")?;
        let service = short(self.service, "service")?;
        let environment = short(self.environment, "environment")?;
        let production = self.production.unwrap_or_else(|| {
            cx.production_environments
                .iter()
                .any(|e| e.eq_ignore_ascii_case(&environment))
        });
        let given = self.changes.is_some();
        let changes = self
            .changes
            .unwrap_or_default()
            .into_iter()
            .enumerate()
            .map(|(n, c)| c.check().map_err(|e| format!("changes[{n}]: {e}")))
            .collect::<Checked<Vec<Change>>>()?;
        let deployment = Deployment {
            id,
            name: optional_short(self.name, "name")?,
            service,
            environment,
            production,
            sha: sha(self.sha, "sha")?,
            ref_name: optional_short(self.ref_name, "ref_name")?,
            started_at: optional_time(self.started_at, "started_at")?,
            finished_at: time(self.finished_at, "finished_at")?,
            status: required(self.status, "status")?,
            url: text(self.url, "url")?,
            changes,
        };
        Ok(Parsed::Deployment(deployment, given))
    }
}

impl WireChange {
    fn check(self) -> Checked<Change> {
        let authored_at = time(self.authored_at, "authored_at")?;
        let message = text(self.message, "message")?;
        let title = match (text(self.title, "title")?, &message) {
            (Some(title), _) => title,
            (None, Some(message)) => message.lines().next().unwrap_or_default().to_string(),
            (None, None) => return Err("missing field `title`".into()),
        };
        let reverts = match self.reverts {
            Some(reverts) => Some(sha(Some(reverts), "reverts")?),
            None => message.as_deref().and_then(reverted_sha),
        };
        Ok(Change {
            sha: sha(self.sha, "sha")?,
            authored_at,
            committed_at: optional_time(self.committed_at, "committed_at")?.unwrap_or(authored_at),
            author: short(self.author, "author")?,
            title,
            merge: self.merge,
            reverts,
            pr: self.pr,
        })
    }
}

impl WireIncident {
    fn check(self, cx: &Context<'_>) -> Checked<Incident> {
        let services = required(self.services, "services")?;
        if services.is_empty() {
            return Err("`services` is empty: name at least one service".into());
        }
        for service in &services {
            check_short(service, "services")?;
        }
        for label in &self.labels {
            if label.len() > MAX_TEXT {
                return Err(format!(
                    "a label is {} bytes long; at most {MAX_TEXT}",
                    label.len()
                ));
            }
        }
        let source = match self.source {
            Some(source) => {
                check_short(&source, "source")?;
                source
            }
            None => cx.incident_source.to_string(),
        };
        let started_at = time(self.started_at, "started_at")?;
        let resolved_at = optional_time(self.resolved_at, "resolved_at")?;
        if resolved_at.is_some_and(|r| r < started_at) {
            return Err("`resolved_at` is before `started_at`".into());
        }
        Ok(Incident {
            id: short(self.id, "id")?,
            source,
            services,
            title: required(text(self.title, "title")?, "title")?,
            severity: optional_short(self.severity, "severity")?,
            labels: self.labels,
            body: text(self.body, "body")?,
            started_at,
            resolved_at,
            url: text(self.url, "url")?,
        })
    }
}

impl WireRun {
    fn check(self) -> Checked<PipelineRun> {
        Ok(PipelineRun {
            id: short(self.id, "id")?,
            service: short(self.service, "service")?,
            workflow: short(self.workflow, "workflow")?,
            branch: optional_short(self.branch, "branch")?,
            sha: sha(self.sha, "sha")?,
            status: required(self.status, "status")?,
            conclusion: self.conclusion,
            attempt: self.attempt.unwrap_or(1),
            created_at: time(self.created_at, "created_at")?,
            started_at: optional_time(self.started_at, "started_at")?,
            finished_at: optional_time(self.finished_at, "finished_at")?,
            url: text(self.url, "url")?,
        })
    }
}

impl WirePullRequest {
    fn check(self) -> Checked<PullRequest> {
        let merge_sha = match self.merge_sha {
            Some(merge_sha) => Some(sha(Some(merge_sha), "merge_sha")?),
            None => None,
        };
        Ok(PullRequest {
            service: short(self.service, "service")?,
            number: required(self.number, "number")?,
            title: required(text(self.title, "title")?, "title")?,
            author: short(self.author, "author")?,
            url: text(self.url, "url")?,
            head_branch: optional_short(self.head_branch, "head_branch")?,
            created_at: time(self.created_at, "created_at")?,
            first_commit_at: optional_time(self.first_commit_at, "first_commit_at")?,
            first_review_at: optional_time(self.first_review_at, "first_review_at")?,
            merged_at: optional_time(self.merged_at, "merged_at")?,
            merge_sha,
            closed_at: optional_time(self.closed_at, "closed_at")?,
            reverts_pr: self.reverts_pr,
        })
    }
}
