//! `flowdeck check` for a GitHub source: the repository is reachable with the token, how much of
//! the rate limit is left, and how much there is to read (cheap estimates: the first page of
//! deployments, the run count GitHub reports).

use super::api::{Api, PER_PAGE};
use super::payload;
use super::setup::Settings;
use crate::SourceError;
use crate::http::RateInfo;
use crate::polled::Round;
use flowdeck_core::text::thousands;

fn describe_rate(rate: Option<RateInfo>) -> String {
    match rate {
        Some(RateInfo {
            remaining: Some(remaining),
            limit,
            reset_at,
        }) => {
            let mut text = match limit {
                Some(limit) => format!(
                    "{} of {} requests left",
                    thousands(remaining),
                    thousands(limit)
                ),
                None => format!("{} requests left", thousands(remaining)),
            };
            if let Some(reset) = reset_at {
                text.push_str(&format!(" (resets {} UTC)", reset.format("%H:%M")));
            }
            text
        }
        _ => "no rate limit reported".into(),
    }
}

pub(super) async fn probe(
    api: &Api,
    settings: &Settings,
    round: &Round,
) -> Result<String, SourceError> {
    let repo = api.get::<payload::Repository>(api.repo_url()).await?.body;
    let access = match (api.has_token(), repo.private) {
        (true, true) => "private, token accepted",
        (true, false) => "public, token accepted",
        (false, _) => "public, no token (anonymous, 60 requests an hour)",
    };

    let mut found: Vec<String> = Vec::new();
    if settings.deploy_workflows.is_empty() {
        for env in &settings.deploy_environments {
            let url = api.url(
                &["deployments"],
                &[("environment", env.as_str()), ("per_page", PER_PAGE)],
            );
            let page = api.get::<Vec<payload::Deployment>>(url).await?;
            let more = if page.next.is_some() { "+" } else { "" };
            found.push(format!(
                "{}{more} deployments to {env}",
                thousands(page.body.len() as u64)
            ));
        }
    } else {
        found.push(format!(
            "deployments from workflow runs of {}",
            settings.deploy_workflows.join(", ")
        ));
    }
    let horizon = round.now - round.backfill;
    let created = format!(">={}", horizon.format("%Y-%m-%d"));
    let url = api.url(
        &["actions", "runs"],
        &[("per_page", "1"), ("created", created.as_str())],
    );
    let runs = api
        .get::<payload::WorkflowRuns>(url)
        .await?
        .body
        .total_count;
    found.push(format!(
        "{} workflow runs in the last {} days",
        thousands(runs),
        round.backfill.num_days()
    ));

    Ok(format!(
        "{} on {} ({access}); {}; {}",
        repo.full_name,
        api.host(),
        describe_rate(api.rate()),
        found.join(", ")
    ))
}
