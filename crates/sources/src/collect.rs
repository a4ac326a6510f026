//! Reading every configured source into one event history, with a status per source.

use std::path::Path;

use super::{SourceError, demo, git, registry};
use flowdeck_config::{Config, SourceConfig};
use flowdeck_core::model::{EventSet, Service, Timestamp};
use flowdeck_core::status::{SourceState, SourceStatus};

/// The events of every configured source read directly (not the polled ones: those come from
/// the store), and how each fared. A failing source does not stop the others: its status
/// carries the error.
pub fn collect(config: &Config, base_dir: &Path, now: Timestamp) -> (EventSet, Vec<SourceStatus>) {
    let mut events = EventSet {
        services: config
            .services
            .iter()
            .map(|s| Service {
                name: s.name.clone(),
                team: s.team.clone(),
            })
            .collect(),
        ..EventSet::default()
    };
    let mut statuses = Vec::with_capacity(config.sources.len());
    for source in config.sources.iter().filter(|s| !registry::is_polled(s)) {
        let name = source.display_name();
        let kind = source.kind().to_string();
        let outcome = read_source(source, base_dir);
        tracing::info!(source = %name, ok = outcome.is_ok(), "source read");
        statuses.push(match outcome {
            Ok(source_events) => {
                events.extend(source_events);
                SourceStatus {
                    name,
                    kind,
                    status: SourceState::Ok,
                    last_success_at: Some(now),
                    error: None,
                    covers_from: None,
                    collector: None,
                }
            }
            Err(error) => {
                tracing::warn!(source = %name, %error, "source failed");
                SourceStatus {
                    name,
                    kind,
                    status: SourceState::Error,
                    last_success_at: None,
                    error: Some(error.to_string()),
                    covers_from: None,
                    collector: None,
                }
            }
        });
    }
    (events, statuses)
}

fn read_source(source: &SourceConfig, base_dir: &Path) -> Result<EventSet, SourceError> {
    match source {
        SourceConfig::Git(git_config) => {
            let loaded = git::load(git_config, base_dir)?;
            Ok(EventSet {
                services: vec![Service {
                    name: git_config.service.clone(),
                    team: None,
                }],
                deployments: loaded.deployments,
                ..EventSet::default()
            })
        }
        other => Err(SourceError::Config(format!(
            "{} sources are not supported by this build yet",
            other.kind()
        ))),
    }
}

/// The demo data set and its status line.
pub fn collect_demo(now: Timestamp) -> (EventSet, Vec<SourceStatus>) {
    let events = demo::generate(now);
    let status = SourceStatus {
        name: "demo".into(),
        kind: "demo".into(),
        status: SourceState::Ok,
        last_success_at: Some(now),
        error: None,
        covers_from: Some(now - chrono::Duration::days(demo::HISTORY_DAYS)),
        collector: None,
    };
    (events, vec![status])
}
