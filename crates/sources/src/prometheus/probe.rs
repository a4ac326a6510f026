//! `flowdeck check` for a Prometheus source: reachable (and the token accepted), its version,
//! how many ALERTS series match the selector now (which also proves the selector parses), and
//! Alertmanager reachable with how many alerts it holds. A configured Alertmanager that cannot
//! be asked fails the check: it is part of the config.

use super::api::{Api, Server};
use super::setup::Settings;
use crate::SourceError;
use crate::http::HttpClient;
use crate::live::SyncContext;

pub async fn probe(
    http: &HttpClient,
    settings: &Settings,
    ctx: &SyncContext,
) -> Result<String, SourceError> {
    let prometheus = Api {
        http,
        endpoint: &settings.prometheus,
        server: Server::Prometheus,
    };
    let version = prometheus.version().await?;
    let firing = prometheus
        .instant(&settings.selector(), ctx.now.timestamp_millis())
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
    if let Some(endpoint) = &settings.alertmanager {
        let manager = Api {
            http,
            endpoint,
            server: Server::Alertmanager,
        };
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
