//! `flowdeck check` for a GitLab source: reachable, authenticated (as whom, never with what),
//! the rate-limit budget left, and how much the backfill would find.

use chrono::SecondsFormat;

use super::api::Api;
use super::payload::{Deployment, Environment, Pipeline, Project, User};
use super::setup::Settings;
use super::state::{self, Marks};
use crate::model::Timestamp;
use crate::sources::SourceError;
use crate::sources::live::{ProbeReport, SyncContext};

pub async fn probe(
    api: &Api,
    settings: &Settings,
    ctx: &SyncContext,
) -> Result<ProbeReport, SourceError> {
    let project: Project = api.project().await?;
    let who = match &settings.token {
        None => {
            "anonymously (no token: set GITLAB_TOKEN or token_env for private projects)".to_string()
        }
        Some(_) => match api
            .get_optional::<User>(api.url(&["user"], &[]), "user")
            .await
        {
            Ok(Some(user)) => format!("as @{}", user.body.username),
            // Project and group access tokens may lack read_user; the project answered anyway.
            Ok(None) | Err(SourceError::Config(_)) => "with a token".to_string(),
            Err(e) => return Err(e),
        },
    };
    let marks = Marks {
        store: ctx.store.as_ref(),
        source: &settings.name,
    };
    let horizon: Timestamp = marks.horizon()?.unwrap_or(ctx.now - ctx.backfill);
    let since = state::timestamp(horizon);

    let environments: Vec<Environment> = api
        .get_all(
            api.project_url(&["environments"], &[("per_page", "100")]),
            "environments",
        )
        .await?;
    let production: Vec<&str> = environments
        .iter()
        .filter(|e| settings.is_production(&e.name, e.tier.as_deref()))
        .map(|e| e.name.as_str())
        .collect();
    let mut deployments = Count::default();
    for environment in &production {
        // finished_after needs order_by=finished_at and status=success.
        let url = api.project_url(
            &["deployments"],
            &[
                ("environment", environment),
                ("status", "success"),
                ("order_by", "finished_at"),
                ("sort", "desc"),
                ("finished_after", &since),
                ("per_page", "1"),
            ],
        );
        let page = api.get::<Vec<Deployment>>(url, "deployments").await?;
        deployments.add(Api::total(&page), page.body.len(), page.next.is_some());
    }
    let url = api.project_url(
        &["pipelines"],
        &[("updated_after", &since), ("per_page", "1")],
    );
    let page = api.get::<Vec<Pipeline>>(url, "pipelines").await?;
    let mut pipelines = Count::default();
    pipelines.add(Api::total(&page), page.body.len(), page.next.is_some());

    let rate = match api.rate() {
        Some(rate) => match (rate.remaining, rate.limit) {
            (Some(left), Some(limit)) => format!("rate limit: {left} of {limit} requests left"),
            (Some(left), None) => format!("rate limit: {left} requests left"),
            _ => "rate limit: not reported".to_string(),
        },
        None => "rate limit: not reported".to_string(),
    };
    let environments = if production.is_empty() {
        format!(
            "no production environment (none of tier production, none named {})",
            settings.deploy_environments.join(", ")
        )
    } else {
        format!(
            "{} successful deployments to {}",
            deployments,
            production.join(", ")
        )
    };
    Ok(format!(
        "{}: {} reachable, authenticated {who}{}; {environments} and {pipelines} pipelines since {}; {rate}",
        settings.name,
        project.web_url,
        project
            .visibility
            .as_deref()
            .map(|v| format!(" ({v} project)"))
            .unwrap_or_default(),
        horizon.to_rfc3339_opts(SecondsFormat::Secs, true),
    ))
}

/// A count from x-total where GitLab sends it (it omits it beyond 10,000 items).
#[derive(Debug, Default)]
struct Count {
    exact: u64,
    more: bool,
}

impl Count {
    fn add(&mut self, total: Option<u64>, on_page: usize, has_next: bool) {
        match total {
            Some(total) => self.exact += total,
            None => {
                self.exact += on_page as u64;
                self.more |= has_next;
            }
        }
    }
}

impl std::fmt::Display for Count {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.more {
            write!(f, "more than {}", self.exact.max(10_000))
        } else {
            write!(f, "{}", self.exact)
        }
    }
}
