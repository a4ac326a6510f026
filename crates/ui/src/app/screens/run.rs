//! A pipeline run's screen: what ran, on which branch and commit, how it ended and how long it
//! queued and took; then the deployment of its commit, its pull request, and the other runs of
//! the same workflow on the same branch (did it pass since?).

use super::detail::{Detail, columns, url_fact};
use super::format::{ago, deployment_name, short_sha, when};
use super::items::run_status;
use crate::app::action::Command;
use crate::app::list::{ListModel, Target, Tone, detail_row, heading};
use crate::app::state::App;
use flowdeck_core::model::Timestamp;
use flowdeck_core::text::{human_duration, sanitize};

/// The keys of this screen, with what they do here.
pub(crate) const KEYS: &[(Command, &str)] = &[
    (Command::Open, "open row"),
    (Command::Back, "back"),
    (Command::OpenUrl, "open in browser"),
    (Command::Left, "back"),
    (Command::Right, "open row"),
];

/// "ci.yml on main": the run in the breadcrumb.
pub(crate) fn crumb(app: &App, run: u32) -> String {
    app.history()
        .events
        .pipeline_runs
        .get(run as usize)
        .map(|r| match &r.branch {
            Some(branch) => sanitize(&format!("{} on {branch}", r.workflow)),
            None => sanitize(&r.workflow),
        })
        .unwrap_or_else(|| "Pipeline run".into())
}

/// The run's title and facts above its list.
pub(crate) fn view(app: &App, run: u32, list: ListModel, selected: usize) -> Detail {
    let history = app.history();
    let tz = history.rules.timezone;
    let Some(r) = history.events.pipeline_runs.get(run as usize) else {
        return Detail::missing("Pipeline run", list, selected);
    };
    let fixed = app
        .scope
        .as_ref()
        .is_some_and(|s| s.fixed_runs.contains(&run));
    let (status, tone) = run_status(r, app.now, fixed);
    let took = |a: Option<Timestamp>, b: Option<Timestamp>| match (a, b) {
        (Some(a), Some(b)) => human_duration((b - a).num_seconds()),
        _ => "–".to_string(),
    };
    Detail {
        title: sanitize(&format!("Pipeline run {} of {}", r.workflow, r.service)),
        facts: vec![
            ("status".to_string(), status, tone),
            (
                "branch".to_string(),
                sanitize(r.branch.as_deref().unwrap_or("–")),
                Tone::Normal,
            ),
            ("commit".to_string(), sanitize(&r.sha), Tone::Muted),
            ("created".to_string(), when(r.created_at, tz), Tone::Normal),
            (
                "queued".to_string(),
                took(Some(r.created_at), r.started_at),
                Tone::Normal,
            ),
            (
                "took".to_string(),
                took(r.started_at, r.finished_at),
                Tone::Normal,
            ),
            ("attempt".to_string(), r.attempt.to_string(), Tone::Muted),
            url_fact(r.url.as_deref()),
        ],
        list,
        selected,
    }
}

/// The deployment of its commit, its pull request, and the other runs of its workflow on its
/// branch.
pub(crate) fn rows(app: &App, run: u32) -> ListModel {
    let history = app.history();
    let events = &history.events;
    let columns = columns(14);
    let Some(r) = events.pipeline_runs.get(run as usize) else {
        return ListModel {
            columns,
            ..ListModel::default()
        };
    };
    let mut rows = vec![heading("Deployment of its commit")];
    let deployed: Vec<usize> = events
        .deployments
        .iter()
        .enumerate()
        .filter(|(_, d)| d.sha == r.sha && d.service == r.service)
        .map(|(i, _)| i)
        .collect();
    if deployed.is_empty() {
        rows.push(detail_row(
            "",
            format!("{} was not deployed", short_sha(&r.sha)),
            Tone::Muted,
            None,
        ));
    }
    for d in deployed {
        let deployment = &events.deployments[d];
        rows.push(detail_row(
            &ago(app.now, deployment.finished_at),
            deployment_name(history, d as u32),
            Tone::Normal,
            Some(Target::Deployment(d as u32)),
        ));
    }
    let prs: Vec<usize> = events
        .pull_requests
        .iter()
        .enumerate()
        .filter(|(_, pr)| {
            pr.service == r.service
                && (pr.merge_sha.as_deref() == Some(r.sha.as_str())
                    || (pr.merged_at.is_none()
                        && pr.head_branch.is_some()
                        && pr.head_branch == r.branch))
        })
        .map(|(i, _)| i)
        .collect();
    if !prs.is_empty() {
        rows.push(heading("Pull request"));
        for p in prs {
            let pr = &events.pull_requests[p];
            rows.push(detail_row(
                &format!("#{}", pr.number),
                format!("{} ({})", pr.title, pr.author),
                Tone::Normal,
                Some(Target::PullRequest(p as u32)),
            ));
        }
    }
    let mut others: Vec<usize> = events
        .pipeline_runs
        .iter()
        .enumerate()
        .filter(|(i, o)| {
            *i != run as usize
                && o.service == r.service
                && o.workflow == r.workflow
                && o.branch == r.branch
        })
        .map(|(i, _)| i)
        .collect();
    others.sort_by_key(|&i| std::cmp::Reverse(events.pipeline_runs[i].created_at));
    if !others.is_empty() {
        rows.push(heading(&format!(
            "Other runs of {} on {}",
            r.workflow,
            r.branch.as_deref().unwrap_or("–")
        )));
        for i in others.into_iter().take(30) {
            let other = &events.pipeline_runs[i];
            let (status, tone) = run_status(other, app.now, false);
            rows.push(detail_row(
                &ago(app.now, other.created_at),
                format!("{status}  {}", short_sha(&other.sha)),
                tone,
                Some(Target::Run(i as u32)),
            ));
        }
    }
    ListModel { columns, rows }
}
