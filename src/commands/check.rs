//! `flowdeck check`: validate the config and probe every source, one line per source; a
//! non-zero exit when anything fails.

use std::fmt::Write as _;
use std::io::Write as _;
use std::process::ExitCode;

use std::sync::Arc;

use super::CommandError;
use super::context::Context;
use super::live::{self, Live, NotYetSynced};
use crate::config::SourceConfig;
use crate::sources::git;
use crate::sources::live::SyncContext;
use crate::store::{SqliteStore, Store, StoreLocation, StoredStatus};

pub fn run(ctx: &Context) -> Result<ExitCode, CommandError> {
    let loaded = &ctx.loaded;
    let config = &loaded.config;
    let mut out = String::new();
    let _ = match &loaded.path {
        Some(path) => writeln!(
            out,
            "ok    config {}: {}, {}",
            path.display(),
            crate::text::count(config.sources.len() as u64, "source"),
            crate::text::count(config.services.len() as u64, "service")
        ),
        None => match (&ctx.inferred, &loaded.inferred_from) {
            (Some(_), Some(repo)) => writeln!(
                out,
                "ok    config: no config file; inferred from the git repository {} (`flowdeck init` writes it out)",
                repo.display()
            ),
            _ => writeln!(out, "ok    config: no config file, defaults apply"),
        },
    };
    for note in ctx.inferred.iter().flatten() {
        let _ = writeln!(out, "      - {note}");
    }
    let mut failures = 0;
    if ctx.demo {
        let events = crate::sources::demo::generate(ctx.now);
        let _ = writeln!(
            out,
            "ok    demo: built-in demo data, {} services, {} deployments",
            events.services.len(),
            events.deployments.len()
        );
    } else if config.sources.is_empty() {
        failures += 1;
        let _ = writeln!(
            out,
            "FAIL  sources: none configured (add [[sources]], see config.example.toml, or run with --demo)"
        );
    }
    let mut polled = if live::polls_anything(ctx) {
        probe_polled(ctx, &mut out, &mut failures)?
    } else {
        Vec::new()
    };
    if !ctx.demo {
        for source in &config.sources {
            let name = source.display_name();
            let result = match polled.iter().position(|(n, _)| *n == name) {
                Some(at) => polled.remove(at).1,
                None => probe(source, ctx),
            };
            match result {
                Ok(detail) => {
                    let _ = writeln!(out, "ok    {name}: {detail}");
                }
                Err(problem) => {
                    failures += 1;
                    let _ = writeln!(out, "FAIL  {name}: {problem}");
                }
            }
        }
    }
    if ctx.inferred.is_some() {
        deployments_line(ctx, &mut out);
    }
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(out.as_bytes());
    let _ = stdout.flush();
    Ok(if failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// For an inferred config: which system's deployments count and why, and what an empty
/// default window says about itself (from what is stored; nothing is synced here).
fn deployments_line(ctx: &Context, out: &mut String) {
    let stored = Live::open(ctx)
        .ok()
        .flatten()
        .and_then(|live| live.read(NotYetSynced::Collector).ok());
    let Ok((history, _, chosen)) = ctx.history_explained(stored) else {
        return;
    };
    if let Some(chosen) = chosen {
        let _ = writeln!(out, "ok    {chosen}");
    }
    let config = &ctx.loaded.config;
    let window = crate::metrics::Window::new(ctx.now - config.general.window.as_chrono(), ctx.now);
    let scope = crate::metrics::Scope::all(&history);
    let in_window = crate::metrics::deployments_in(&history, &scope, &window).len() as u64;
    if let Some(note) = crate::snapshot::scope_note(&history, &scope, in_window, &window, ctx.now) {
        let _ = writeln!(out, "note  {note}");
    }
}

/// A source's name and what its probe found (or why it failed).
pub(super) type ProbeLine = (String, Result<String, String>);

/// Opens the store (a line for it) and probes every polled source at once: reachable,
/// authenticated, the rate limit left, what a sync would find, and how its last sync went.
fn probe_polled(
    ctx: &Context,
    out: &mut String,
    failures: &mut usize,
) -> Result<Vec<ProbeLine>, CommandError> {
    let config = &ctx.loaded.config;
    let location = StoreLocation::parse(&config.general.store, &ctx.loaded.base_dir)
        .map_err(|e| CommandError::Usage(format!("[general] {e}")))?;
    let store: Arc<dyn Store> = match live::open_store(ctx) {
        Ok(store) => {
            let place = live::describe(&location);
            // As the commands do: a run that polls refuses a store it cannot write; one
            // that only reads (dashboards beside a collector) does not need to.
            match store.check_writable() {
                Ok(()) => {
                    let _ = writeln!(out, "ok    store {place}");
                }
                Err(error) if live::should_poll(ctx.loaded.config.general.poll, store.as_ref()) => {
                    *failures += 1;
                    let _ = writeln!(out, "FAIL  store: {error}");
                }
                Err(error) => {
                    let _ = writeln!(
                        out,
                        "ok    store {place} (read only here: `flowdeck collect` on this config would fail: {error})"
                    );
                }
            }
            store
        }
        Err(CommandError::Runtime(error)) => {
            *failures += 1;
            let _ = writeln!(out, "FAIL  store: {error:#}");
            // The sources are still probed, against an empty history.
            Arc::new(
                SqliteStore::in_memory()
                    .map_err(|e| CommandError::Runtime(anyhow::Error::msg(e.to_string())))?,
            )
        }
        Err(other) => return Err(other),
    };
    let stored = store.statuses().unwrap_or_default();
    let holders = super::holders::read(store.as_ref());
    if !live::should_poll(config.general.poll, store.as_ref()) {
        // A reader beside a collector: nothing is probed and no token is needed; each
        // source's line is what the collector last stored.
        let mut lines = read_only_lines(ctx, &Live::reading(ctx, store)?, &stored);
        super::holders::annotate(&mut lines, holders.as_deref());
        return Ok(lines);
    }
    let live = Live::with_store(ctx, store.clone())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| CommandError::Runtime(e.into()))?;
    let probed = runtime.block_on(async {
        // Side by side: each probe is one short request chain.
        let mut tasks = tokio::task::JoinSet::new();
        for (i, source) in live.sources.iter().enumerate() {
            let source = source.clone();
            let sync_ctx = SyncContext {
                store: store.clone(),
                now: ctx.now,
                backfill: live.backfill,
                lease: None,
            };
            tasks.spawn(async move { (i, source.probe(&sync_ctx).await) });
        }
        let mut results = Vec::new();
        while let Some(joined) = tasks.join_next().await {
            if let Ok(result) = joined {
                results.push(result);
            }
        }
        results.sort_by_key(|(i, _)| *i);
        results
    });
    let probed: Vec<ProbeLine> = probed
        .into_iter()
        .filter_map(|(i, result)| {
            let source = live.sources.get(i)?;
            let last = stored.iter().find(|s| s.name == source.name());
            let result = result
                .map(|found| format!("{found}{}", last_sync(last, ctx)))
                .map_err(|e| e.to_string());
            Some((source.name().to_string(), result))
        })
        .collect();
    let mut lines = probed;
    for broken in live.broken() {
        lines.push((
            broken.name.clone(),
            Err(broken.error.clone().unwrap_or_default()),
        ));
    }
    super::holders::annotate(&mut lines, holders.as_deref());
    Ok(lines)
}

/// The source lines of a run that reads the store without polling.
fn read_only_lines(ctx: &Context, live: &Live, stored: &[StoredStatus]) -> Vec<ProbeLine> {
    let not_yet = live::NotYetSynced::Collector;
    let Ok(statuses) = live.statuses(not_yet) else {
        return Vec::new();
    };
    statuses
        .into_iter()
        .map(|status| {
            let last = stored.iter().find(|s| s.name == status.name);
            let result = match (&status.error, status.last_success_at) {
                (Some(error), None) => Err(error.clone()),
                _ => Ok(format!(
                    "read from the store, kept current by `flowdeck collect` (not probed here){}",
                    last_sync(last, ctx)
                )),
            };
            (status.name, result)
        })
        .collect()
}

/// "; last synced 09:14" / "; stale since 09:14 (reason)" / "; never synced".
fn last_sync(status: Option<&StoredStatus>, ctx: &Context) -> String {
    let tz = ctx.loaded.config.general.timezone.0;
    let at = |t: crate::model::Timestamp| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string();
    match status {
        None => "; never synced".into(),
        Some(status) => match (&status.error, status.last_success_at) {
            (None, Some(t)) => format!("; last synced {}", at(t)),
            (Some(error), Some(t)) => format!("; stale since {} ({error})", at(t)),
            (Some(error), None) => format!("; never synced (last attempt: {error})"),
            (None, None) => "; never synced".into(),
        },
    }
}

/// "; 2 skipped (tag v0 skipped: it points at a tree, not a commit; …)": every matching tag
/// that is not a deployment is counted and named, the first few in full.
fn skipped_tags(skipped: &[String]) -> String {
    const NAMED: usize = 5;
    if skipped.is_empty() {
        return String::new();
    }
    let mut named = skipped[..skipped.len().min(NAMED)].join("; ");
    if skipped.len() > NAMED {
        named.push_str(&format!("; and {} more", skipped.len() - NAMED));
    }
    format!("; {} of them skipped ({named})", skipped.len())
}

fn probe(source: &SourceConfig, ctx: &Context) -> Result<String, String> {
    match source {
        SourceConfig::Git(git_config) => {
            let probe = git::probe(git_config, &ctx.loaded.base_dir).map_err(|e| e.to_string())?;
            let path = match git_config.path.as_os_str().to_str() {
                Some(".") => ctx.loaded.base_dir.clone(),
                _ => ctx.loaded.base_dir.join(&git_config.path),
            };
            if git_config.deploy_tags.is_empty() {
                return Ok(format!(
                    "repository {} opens; deploy_tags = [], so it only reads the commits other sources' deployments of {} shipped",
                    path.display(),
                    git_config.service
                ));
            }
            let tz = ctx.loaded.config.general.timezone.0;
            // The newest tag with its date: a repository whose last deployment is old reads
            // as such here, not only as an empty window on the dashboard.
            let newest = match (probe.newest_tag, probe.newest_tag_at) {
                (Some(tag), Some(at)) => format!(
                    ", newest {tag} ({}, {} ago)",
                    at.with_timezone(&tz).format("%Y-%m-%d"),
                    crate::text::human_duration((ctx.now - at).num_seconds())
                ),
                (Some(tag), None) => format!(", newest {tag}"),
                _ => String::new(),
            };
            Ok(format!(
                "repository {} opens, {} match {:?}{newest}{}",
                path.display(),
                crate::text::count(probe.tags_matched as u64, "tag"),
                git_config.deploy_tags.to_string(),
                skipped_tags(&probe.skipped_tags)
            ))
        }
        other => Err(format!(
            "{} sources are not supported by this build yet",
            other.kind()
        )),
    }
}
