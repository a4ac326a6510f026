//! `flowdeck check` for a Prometheus source: reachable (and the token accepted), its version,
//! how many ALERTS series match the selector now (which also proves the selector parses), and
//! Alertmanager reachable with how many alerts it holds. A configured Alertmanager that cannot
//! be asked fails the check: it is part of the config.

use super::api::Api;
use super::setup::Settings;
use crate::SourceError;
use crate::polled::Round;

pub(super) async fn probe(
    prometheus: &Api,
    alertmanager: Option<&Api>,
    settings: &Settings,
    round: &Round,
) -> Result<String, SourceError> {
    let version = prometheus.version().await?;
    let firing = prometheus
        .instant(&settings.selector(), round.now.timestamp_millis())
        .await?
        .len();
    let mut text = format!(
        "Prometheus {} at {}; {} firing",
        version.as_deref().map_or("(version unknown)", |v| v),
        prometheus.host(),
        count(firing, "alert series", "alert series")
    );
    if !settings.matchers.is_empty() {
        text.push_str(&format!(" matching {{{}}}", settings.matchers));
    }
    if let Some(manager) = alertmanager {
        let version = manager.manager_version().await?;
        let alerts = manager.managed_alerts().await?;
        let suppressed = alerts
            .iter()
            .filter(|a| a.status.state == "suppressed")
            .count();
        text.push_str(&format!(
            "; Alertmanager {} at {}: {} ({suppressed} silenced or inhibited)",
            version.as_deref().map_or("(version unknown)", |v| v),
            manager.host(),
            count(alerts.len(), "alert", "alerts"),
        ));
    }
    Ok(flowdeck_core::text::sanitize(&text))
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
