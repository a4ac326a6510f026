//! `flowdeck check` for a GitLab source: reachable, authenticated (as whom, never with what),
//! the rate-limit budget left, and how much the backfill would find.

use chrono::SecondsFormat;

use super::api::Api;
use super::payload::{Deployment, Environment, Pipeline, Project, User};
use super::setup::Settings;
use super::state;
use crate::SourceError;
use crate::live::ProbeReport;
use crate::polled::Round;
use flowdeck_core::model::Timestamp;

pub(super) async fn probe(
    api: &Api,
    settings: &Settings,
    round: &Round,
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
    let horizon: Timestamp = round.covers_from;
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
                ("per_page", "100"),
            ],
        );
        deployments.add(count::<Deployment>(api, url, "deployments").await?);
    }
    let url = api.project_url(
        &["pipelines"],
        &[("updated_after", &since), ("per_page", "100")],
    );
    let mut pipelines = Count::default();
    pipelines.add(count::<Pipeline>(api, url, "pipelines").await?);

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

/// Pages a probe reads at most per list: `check` stays quick on big projects.
const PROBE_PAGES: usize = 10;

/// Items in a list, reading at most `PROBE_PAGES` pages.
async fn count<T: serde::de::DeserializeOwned>(
    api: &Api,
    first: url::Url,
    what: &str,
) -> Result<Count, SourceError> {
    let mut found = Count::default();
    let mut next = Some(first);
    let mut pages = 0;
    while let Some(url) = next {
        let page = api.get::<Vec<T>>(url, what).await?;
        found.exact += page.body.len() as u64;
        pages += 1;
        next = page.next;
        if pages >= PROBE_PAGES && next.is_some() {
            found.more = true;
            break;
        }
    }
    Ok(found)
}

/// How many, or at least how many.
#[derive(Debug, Default)]
struct Count {
    exact: u64,
    more: bool,
}

impl Count {
    fn add(&mut self, other: Count) {
        self.exact += other.exact;
        self.more |= other.more;
    }
}

impl std::fmt::Display for Count {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.more {
            write!(f, "more than {}", self.exact)
        } else {
            write!(f, "{}", self.exact)
        }
    }
}
