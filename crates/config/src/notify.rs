//! `[[notify]]`: what to tell whom when something changes (a deployment fails, an incident
//! opens or resolves, a source goes stale or recovers, a measure's band changes). Every value
//! is checked while deserializing, so a mistake is reported at its line and column.

use std::fmt;

use chrono::NaiveTime;
use serde::Deserialize;
use serde::de::Deserializer;

use super::parsed::{Invalid, from_str_with};

/// The longest command line a `command` may have (arguments), and the longest argument.
pub const MAX_COMMAND_ARGS: usize = 64;
pub const MAX_ARG_BYTES: usize = 4096;

/// One `[[notify]]` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotifyConfig {
    /// The kinds of event this entry sends; default: every kind.
    #[serde(default = "every_kind")]
    pub on: Vec<EventKind>,
    /// Only events of these services; empty: all (an event of no service, a source going
    /// stale, always passes).
    #[serde(default)]
    pub services: Vec<String>,
    /// Ring the terminal bell (the dashboard and wall mode).
    #[serde(default)]
    pub bell: bool,
    /// A terminal notification (OSC 777 / OSC 9), else notify-send where present.
    #[serde(default)]
    pub desktop: bool,
    /// A program and its arguments, run without a shell, the event as JSON on its stdin.
    pub command: Option<NotifyCommand>,
    /// A URL the event is POSTed to as JSON with a "text" field (Slack-compatible).
    pub webhook: Option<WebhookUrl>,
    /// "22:00-07:00" in `general.timezone`: bell and desktop stay silent.
    pub quiet_hours: Option<QuietHours>,
}

impl NotifyConfig {
    /// Whether this entry sends events of `kind` about `services` (empty: no service).
    pub fn wants(&self, kind: EventKind, services: &[String]) -> bool {
        self.on.contains(&kind)
            && (self.services.is_empty()
                || services.is_empty()
                || services.iter().any(|s| self.services.contains(s)))
    }
}

fn every_kind() -> Vec<EventKind> {
    EventKind::ALL.to_vec()
}

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    DeploymentFailed,
    IncidentOpened,
    IncidentResolved,
    /// A source went stale, or (the same subscription) recovered.
    SourceStale,
    BandChanged,
    /// A deployment whose health verdict is unusual (the health panels).
    UnusualDeployment,
}

impl EventKind {
    pub const ALL: [EventKind; 6] = [
        EventKind::DeploymentFailed,
        EventKind::IncidentOpened,
        EventKind::IncidentResolved,
        EventKind::SourceStale,
        EventKind::BandChanged,
        EventKind::UnusualDeployment,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::DeploymentFailed => "deployment_failed",
            EventKind::IncidentOpened => "incident_opened",
            EventKind::IncidentResolved => "incident_resolved",
            EventKind::SourceStale => "source_stale",
            EventKind::BandChanged => "band_changed",
            EventKind::UnusualDeployment => "unusual_deployment",
        }
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `command = ["/usr/local/bin/page-me", "--team", "core"]`: never run through a shell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifyCommand(pub Vec<String>);

impl<'de> Deserialize<'de> for NotifyCommand {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let argv = Vec::<String>::deserialize(deserializer)?;
        check_command(&argv)
            .map(|()| NotifyCommand(argv))
            .map_err(Invalid::into_de_error)
    }
}

fn check_command(argv: &[String]) -> Result<(), Invalid> {
    let hint = "write the program and its arguments as a list, like [\"/usr/local/bin/page-me\", \"--team\", \"core\"] (no shell runs it)";
    match argv.first() {
        None => return Err(Invalid::new("the command is empty", hint)),
        Some(program) if program.trim().is_empty() => {
            return Err(Invalid::new("the command's program is empty", hint));
        }
        Some(_) => {}
    }
    if argv.len() > MAX_COMMAND_ARGS {
        return Err(Invalid::new(
            format!("the command has {} arguments", argv.len()),
            format!("at most {MAX_COMMAND_ARGS}"),
        ));
    }
    if let Some(arg) = argv
        .iter()
        .find(|a| a.contains('\0') || a.len() > MAX_ARG_BYTES)
    {
        let shown: String = arg.chars().take(40).collect();
        return Err(Invalid::new(
            format!("the command argument {shown:?} is too long or holds a NUL byte"),
            format!("arguments are text of at most {MAX_ARG_BYTES} bytes"),
        ));
    }
    Ok(())
}

/// `webhook = "https://hooks.example.com/T000/B000"`: an http(s) URL with a host.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookUrl(pub String);

impl fmt::Debug for WebhookUrl {
    /// A webhook URL is a secret (its path is the token): never logged whole.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WebhookUrl({})", self.host())
    }
}

impl WebhookUrl {
    /// `scheme://host[:port]`, for messages: the path may hold the token.
    pub fn host(&self) -> String {
        let (scheme, rest) = self.0.split_once("://").unwrap_or(("", &self.0));
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host = host.rsplit('@').next().unwrap_or_default();
        format!("{scheme}://{host}")
    }

    fn parse(text: &str) -> Result<WebhookUrl, Invalid> {
        let hint = "write an http(s) URL, like \"https://hooks.slack.com/services/T000/B000/XXXX\"";
        let Some((scheme, rest)) = text.split_once("://") else {
            return Err(Invalid::new(format!("{text:?} is not a URL"), hint));
        };
        if !matches!(scheme, "http" | "https") {
            return Err(Invalid::new(
                format!("the webhook scheme {scheme:?} is not http or https"),
                hint,
            ));
        }
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if host.is_empty() || text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(Invalid::new(
                "the webhook URL has no host or holds spaces",
                hint,
            ));
        }
        if text.len() > 2048 {
            return Err(Invalid::new(
                "the webhook URL is longer than 2048 bytes",
                hint,
            ));
        }
        Ok(WebhookUrl(text.to_string()))
    }
}

impl<'de> Deserialize<'de> for WebhookUrl {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        from_str_with(deserializer, "an http(s) URL", WebhookUrl::parse)
    }
}

/// `quiet_hours = "22:00-07:00"`: from the first time up to (not including) the second, in
/// the configured timezone; across midnight when the first is later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    pub from: NaiveTime,
    pub to: NaiveTime,
}

impl QuietHours {
    /// Whether `time` (local) is inside the quiet hours.
    pub fn contains(&self, time: NaiveTime) -> bool {
        if self.from <= self.to {
            self.from <= time && time < self.to
        } else {
            time >= self.from || time < self.to
        }
    }

    fn parse(text: &str) -> Result<QuietHours, Invalid> {
        let hint =
            "write two times of day, like \"22:00-07:00\" (across midnight) or \"12:00-13:30\"";
        let bad = || Invalid::new(format!("invalid quiet hours {text:?}"), hint);
        let (from, to) = text.split_once('-').ok_or_else(bad)?;
        let time = |t: &str| NaiveTime::parse_from_str(t.trim(), "%H:%M").map_err(|_| bad());
        let hours = QuietHours {
            from: time(from)?,
            to: time(to)?,
        };
        if hours.from == hours.to {
            return Err(Invalid::new(
                format!("the quiet hours {text:?} start and end at the same time"),
                hint,
            ));
        }
        Ok(hours)
    }
}

impl<'de> Deserialize<'de> for QuietHours {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        from_str_with(
            deserializer,
            "a string like \"22:00-07:00\"",
            QuietHours::parse,
        )
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn parse(text: &str) -> Result<NotifyConfig, String> {
        toml::from_str::<NotifyConfig>(text).map_err(|e| e.to_string())
    }

    #[test]
    fn the_issue_example_parses() {
        let entry = parse(
            r#"on = ["deployment_failed", "incident_opened", "incident_resolved", "source_stale", "band_changed", "unusual_deployment"]
services = []
bell = true
desktop = true
command = ["/usr/local/bin/page-me"]
webhook = "https://hooks.example.com/T000/B000"
quiet_hours = "22:00-07:00"
"#,
        )
        .unwrap();
        assert_eq!(entry.on, EventKind::ALL);
        assert!(entry.bell && entry.desktop);
        assert_eq!(entry.webhook.unwrap().host(), "https://hooks.example.com");
        let quiet = entry.quiet_hours.unwrap();
        assert!(quiet.contains(NaiveTime::from_hms_opt(23, 0, 0).unwrap()));
        assert!(quiet.contains(NaiveTime::from_hms_opt(6, 59, 0).unwrap()));
        assert!(!quiet.contains(NaiveTime::from_hms_opt(7, 0, 0).unwrap()));
        assert!(!quiet.contains(NaiveTime::from_hms_opt(12, 0, 0).unwrap()));
    }

    #[test]
    fn careless_and_hostile_values_are_refused_with_a_hint() {
        for (text, wanted) in [
            ("on = [\"deploy_failed\"]", "unknown variant"),
            ("on = \"deployment_failed\"", "sequence"),
            ("command = []", "the command is empty"),
            ("command = [\"\"]", "program is empty"),
            ("command = \"page-me --now\"", "sequence"),
            ("command = [\"a\\u0000b\"]", "NUL"),
            ("webhook = \"ftp://x/y\"", "not http or https"),
            ("webhook = \"hooks.example.com\"", "not a URL"),
            ("webhook = \"https:///path\"", "no host"),
            ("webhook = \"https://a b/\"", "spaces"),
            ("webhook = \"https://x/\\u001b]0;t\\u0007\"", "spaces"),
            ("webhook = 3", "an http(s) URL"),
            ("quiet_hours = \"22-7\"", "invalid quiet hours"),
            ("quiet_hours = \"25:00-07:00\"", "invalid quiet hours"),
            ("quiet_hours = \"07:00-07:00\"", "same time"),
            ("quiet_hours = \"\"", "invalid quiet hours"),
            ("bell = \"yes\"", "boolean"),
            ("colour = true", "unknown field"),
        ] {
            let error = parse(text).unwrap_err();
            assert!(error.contains(wanted), "{text}: {error}");
        }
        let huge = format!("command = [{}]", vec!["\"a\""; 65].join(","));
        assert!(parse(&huge).unwrap_err().contains("at most 64"));
    }

    #[test]
    fn services_filter_events_of_services_only() {
        let entry = parse("services = [\"api\"]").unwrap();
        assert!(entry.wants(EventKind::IncidentOpened, &["api".into(), "web".into()]));
        assert!(!entry.wants(EventKind::IncidentOpened, &["web".into()]));
        assert!(entry.wants(EventKind::SourceStale, &[]));
        let only = parse("on = [\"band_changed\"]").unwrap();
        assert!(!only.wants(EventKind::DeploymentFailed, &[]));
    }

    #[test]
    fn a_webhook_url_is_never_shown_whole() {
        let url = WebhookUrl::parse("https://user:pw@hooks.example.com/T000/SECRET").unwrap();
        assert_eq!(format!("{url:?}"), "WebhookUrl(https://hooks.example.com)");
    }
}
