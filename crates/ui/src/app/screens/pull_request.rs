//! A pull request's screen: who opened it, how long each stage took (coding, pickup, review,
//! deploy), the deployment that shipped its merge, and the runs of its merge commit.

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

/// "#42 Add retries": the pull request in the breadcrumb.
pub(crate) fn crumb(app: &App, pr: u32) -> String {
    app.history()
        .events
        .pull_requests
        .get(pr as usize)
        .map(|p| {
            sanitize(&format!(
                "#{} {}",
                p.number,
                super::incident::short_title(&p.title)
            ))
        })
        .unwrap_or_else(|| "Pull request".into())
}

fn took(a: Option<Timestamp>, b: Option<Timestamp>) -> String {
    match (a, b) {
        (Some(a), Some(b)) => human_duration((b - a).num_seconds().max(0)),
        _ => "–".to_string(),
    }
}

/// The pull request's title and facts above its list.
pub(crate) fn view(app: &App, pr: u32, list: ListModel, selected: usize) -> Detail {
    let history = app.history();
    let tz = history.rules.timezone;
    let (Some(p), Some(facts)) = (
        history.events.pull_requests.get(pr as usize),
        history.prs.get(pr as usize),
    ) else {
        return Detail::missing("Pull request", list, selected);
    };
    let (state, tone) = match (p.merged_at, facts.deployed_at, p.closed_at) {
        (Some(_), Some(at), _) => (format!("deployed {}", when(at, tz)), Tone::Ok),
        (Some(at), None, _) => (
            format!("merged {}, not deployed yet", when(at, tz)),
            Tone::Accent,
        ),
        (None, _, Some(at)) => (format!("closed unmerged {}", when(at, tz)), Tone::Muted),
        (None, _, None) => (
            format!(
                "open for {}",
                human_duration((app.now - p.created_at).num_seconds())
            ),
            Tone::Warn,
        ),
    };
    let start = p.first_commit_at.or(Some(p.created_at));
    Detail {
        title: sanitize(&format!("Pull request #{}: {}", p.number, p.title)),
        facts: vec![
            ("state".to_string(), state, tone),
            ("author".to_string(), sanitize(&p.author), Tone::Normal),
            ("service".to_string(), sanitize(&p.service), Tone::Normal),
            ("opened".to_string(), when(p.created_at, tz), Tone::Normal),
            (
                "cycle".to_string(),
                took(start, facts.deployed_at),
                Tone::Normal,
            ),
            (
                "stages".to_string(),
                format!(
                    "coding {} · pickup {} · review {} · deploy {}",
                    took(start, Some(p.created_at)),
                    took(Some(p.created_at), p.first_review_at),
                    took(p.first_review_at, p.merged_at),
                    took(p.merged_at, facts.deployed_at)
                ),
                Tone::Normal,
            ),
            url_fact(p.url.as_deref()),
        ],
        list,
        selected,
    }
}

/// The deployment that shipped its merge, and the runs of its merge commit.
pub(crate) fn rows(app: &App, pr: u32) -> ListModel {
    let history = app.history();
    let events = &history.events;
    let columns = columns(14);
    let (Some(p), Some(facts)) = (
        events.pull_requests.get(pr as usize),
        history.prs.get(pr as usize),
    ) else {
        return ListModel {
            columns,
            ..ListModel::default()
        };
    };
    let mut rows = vec![heading("Shipped by")];
    match facts.deployment {
        Some(d) => rows.push(detail_row(
            &events
                .deployments
                .get(d as usize)
                .map(|d| ago(app.now, d.finished_at))
                .unwrap_or_default(),
            deployment_name(history, d),
            Tone::Normal,
            Some(Target::Deployment(d)),
        )),
        None => rows.push(detail_row(
            "",
            if p.merged_at.is_some() {
                "no deployment has shipped its merge yet"
            } else {
                "not merged"
            },
            Tone::Muted,
            None,
        )),
    }
    let runs: Vec<usize> = events
        .pipeline_runs
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            r.service == p.service
                && (p.merge_sha.as_deref() == Some(r.sha.as_str())
                    || (p.merged_at.is_none()
                        && p.head_branch.is_some()
                        && p.head_branch == r.branch))
        })
        .map(|(i, _)| i)
        .collect();
    if !runs.is_empty() {
        rows.push(heading("Pipeline runs"));
        for i in runs.into_iter().take(30) {
            let run = &events.pipeline_runs[i];
            let (status, tone) = run_status(run, app.now, false);
            rows.push(detail_row(
                &run.workflow,
                format!(
                    "{status}  {}  {}",
                    short_sha(&run.sha),
                    ago(app.now, run.created_at)
                ),
                tone,
                Some(Target::Run(i as u32)),
            ));
        }
    }
    ListModel { columns, rows }
}
