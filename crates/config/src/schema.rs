//! The config file's schema. Every key has a default where one makes sense; unknown keys are
//! errors. Values that can be checked on their own (durations, timezones, patterns, globs) are
//! checked while deserializing, so the TOML parser reports their exact position.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use chrono_tz::Tz;
use serde::de::Deserializer;
use serde::{Deserialize, Serialize, Serializer};

use super::duration::HumanDuration;
use super::parsed::{Invalid, from_number_with, from_str_with};
use super::suggest::closest;
use super::theme::ThemeOverrides;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub general: General,
    pub incidents: Incidents,
    pub ui: Ui,
    pub export: Export,
    /// `flowdeck serve --ingest`: the push endpoint's token, body limit and webhook secrets.
    pub serve: Serve,
    /// Role styles applied over the theme `general.theme` picks.
    #[serde(deserialize_with = "super::theme::overrides_table")]
    pub theme: ThemeOverrides,
    /// Key bindings over the defaults: `"ctrl-r" = "refresh"`, `"q" = "none"`.
    pub keys: super::keymap::KeyBindings,
    /// The custom band table, used when `general.bands = "custom"`.
    pub bands: Option<CustomBands>,
    pub services: Vec<ServiceConfig>,
    pub sources: Vec<SourceConfig>,
    /// `[[notify]]`: who is told what when something changes.
    pub notify: Vec<super::notify::NotifyConfig>,
    /// Health panels: a service's series from a Prometheus source, with its deployments.
    pub panels: Vec<super::panels::PanelConfig>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct General {
    pub window: HumanDuration,
    pub refresh: HumanDuration,
    pub bands: BandsChoice,
    pub timezone: TimeZoneName,
    /// A built-in theme or a file `<name>.toml` in the user theme directory; whether it
    /// exists is known only when the theme is loaded (the ui layer's `Theme::load`).
    #[serde(deserialize_with = "super::theme::theme_name")]
    pub theme: String,
    pub store: String,
    /// The environment variable holding a PostgreSQL store's password when the `store` URL
    /// has none. Unset: `PGPASSWORD` (as libpq).
    pub store_password_env: Option<String>,
    pub backfill: HumanDuration,
    pub report_items: usize,
    pub exclude_authors: Vec<GlobPattern>,
    /// Where logs go; default: flowdeck.log in the XDG state (or cache) directory.
    pub log_file: Option<PathBuf>,
    /// Whether the dashboard, `report` and `serve` poll the sources themselves. Unset: they do
    /// on an embedded store (SQLite) and do not on a shared one (PostgreSQL, fed by
    /// `flowdeck collect`).
    pub poll: Option<bool>,
}

impl Default for General {
    fn default() -> Self {
        General {
            window: HumanDuration::seconds(30 * 86_400),
            refresh: HumanDuration::seconds(60),
            bands: BandsChoice::Dora2023,
            timezone: TimeZoneName(Tz::UTC),
            theme: "default".into(),
            store: "sqlite".into(),
            store_password_env: None,
            backfill: HumanDuration::seconds(90 * 86_400),
            report_items: 200,
            exclude_authors: flowdeck_core::metrics::rules::DEFAULT_EXCLUDE_AUTHORS
                .iter()
                .map(|glob| GlobPattern::new_unchecked(glob))
                .collect(),
            log_file: None,
            poll: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum BandsChoice {
    #[serde(rename = "dora-2023")]
    Dora2023,
    #[serde(rename = "dora-2021")]
    Dora2021,
    #[serde(rename = "custom")]
    Custom,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Incidents {
    pub attribution_window: HumanDuration,
    pub hotfix_pattern: RegexPattern,
}

/// The default `hotfix_pattern`: a first line or branch starting with "hotfix" or "revert".
pub use flowdeck_core::metrics::rules::DEFAULT_HOTFIX_PATTERN;

impl Default for Incidents {
    fn default() -> Self {
        Incidents {
            attribution_window: HumanDuration::seconds(86_400),
            hotfix_pattern: RegexPattern::default_hotfix(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Ui {
    pub wall_rotate: HumanDuration,
    pub mouse: bool,
}

impl Default for Ui {
    fn default() -> Self {
        Ui {
            wall_rotate: HumanDuration::seconds(20),
            mouse: false,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Export {
    pub dir: PathBuf,
    pub format: ReportFormat,
}

impl Default for Export {
    fn default() -> Self {
        Export {
            dir: PathBuf::from("."),
            format: ReportFormat::Html,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum ReportFormat {
    Json,
    Md,
    Html,
    Svg,
}

/// A custom band table: for each measure, the thresholds of elite, high and medium.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomBands {
    /// Deploy-days per period: "5/week" (median over whole weeks) or "1/30d".
    pub frequency: Thresholds<FrequencyThreshold>,
    /// Exclusive upper bounds on the lead-time median.
    pub lead_time: Thresholds<HumanDuration>,
    /// Inclusive upper bounds on the change failure rate, as fractions (0.15 = 15%).
    pub change_failure_rate: Thresholds<Fraction>,
    /// Exclusive upper bounds on the recovery-time median.
    pub recovery_time: Thresholds<HumanDuration>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds<T> {
    pub elite: T,
    pub high: T,
    pub medium: T,
}

/// "N/week" or "N/Dd": at least N deploy-days per week (weekly median) or per D days.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FrequencyThreshold {
    PerWeek(f64),
    PerDays { min: f64, days: f64 },
}

impl FrequencyThreshold {
    fn parse(s: &str) -> Result<Self, Invalid> {
        let bad = || {
            Invalid::new(
                format!("invalid frequency threshold {s:?}"),
                "write deploy-days per period, like \"5/week\" (weekly median) or \"1/30d\"",
            )
        };
        let (min, period) = s.split_once('/').ok_or_else(bad)?;
        let min: f64 = min.trim().parse().map_err(|_| bad())?;
        if !(min.is_finite() && min >= 0.0) {
            return Err(bad());
        }
        let period = period.trim();
        // Deploy-days cannot outnumber the days of the period: such a band could never hold.
        let impossible = || {
            Invalid::new(
                format!("frequency threshold {s:?} asks for more deploy-days than the period has"),
                format!(
                    "at most 7 per week, or at most D per D days (D up to {})",
                    super::limits::MAX_WINDOW_DAYS
                ),
            )
        };
        if period == "week" {
            if min > 7.0 {
                return Err(impossible());
            }
            return Ok(FrequencyThreshold::PerWeek(min));
        }
        #[allow(clippy::cast_precision_loss, reason = "a small constant")]
        let longest = super::limits::MAX_WINDOW_DAYS as f64;
        let days: f64 = period
            .strip_suffix('d')
            .and_then(|d| d.parse().ok())
            .filter(|d: &f64| d.is_finite() && *d > 0.0 && *d <= longest)
            .ok_or_else(bad)?;
        if min > days {
            return Err(impossible());
        }
        Ok(FrequencyThreshold::PerDays { min, days })
    }
}

impl FromStr for FrequencyThreshold {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FrequencyThreshold::parse(s).map_err(|e| format!("{}: {}", e.problem, e.hint))
    }
}

impl<'de> Deserialize<'de> for FrequencyThreshold {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        from_str_with(
            deserializer,
            "a string like \"5/week\" or \"1/30d\"",
            FrequencyThreshold::parse,
        )
    }
}

/// A rate threshold in [0, 1].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fraction(pub f64);

impl<'de> Deserialize<'de> for Fraction {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        from_number_with(deserializer, "a fraction like 0.15", |value| {
            if (0.0..=1.0).contains(&value) {
                Ok(Fraction(value))
            } else {
                Err(Invalid::new(
                    format!("invalid rate {value}"),
                    "write a fraction between 0 and 1: 0.15 means 15%",
                ))
            }
        })
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceConfig {
    pub name: String,
    pub team: Option<String>,
}

/// One `[[sources]]` entry: a provider and its scope.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum SourceConfig {
    Git(GitSourceConfig),
    Github(GithubSourceConfig),
    Gitlab(GitlabSourceConfig),
    Prometheus(PrometheusSourceConfig),
    Pagerduty(PagerdutySourceConfig),
    Opsgenie(OpsgenieSourceConfig),
    Jenkins(JenkinsSourceConfig),
    Buildkite(BuildkiteSourceConfig),
    Circleci(CircleciSourceConfig),
    Argocd(ArgocdSourceConfig),
    Events(EventsSourceConfig),
}

impl SourceConfig {
    pub fn kind(&self) -> &'static str {
        match self {
            SourceConfig::Git(_) => "git",
            SourceConfig::Github(_) => "github",
            SourceConfig::Gitlab(_) => "gitlab",
            SourceConfig::Prometheus(_) => "prometheus",
            SourceConfig::Pagerduty(_) => "pagerduty",
            SourceConfig::Opsgenie(_) => "opsgenie",
            SourceConfig::Jenkins(_) => "jenkins",
            SourceConfig::Buildkite(_) => "buildkite",
            SourceConfig::Circleci(_) => "circleci",
            SourceConfig::Argocd(_) => "argocd",
            SourceConfig::Events(_) => "events",
        }
    }

    /// The one service whose deployments the source reads, for sources that have one.
    pub fn deployment_service(&self) -> Option<&str> {
        match self {
            SourceConfig::Git(s) => Some(&s.service),
            SourceConfig::Github(s) => Some(&s.service),
            SourceConfig::Gitlab(s) => Some(&s.service),
            SourceConfig::Jenkins(s) => Some(&s.service),
            SourceConfig::Buildkite(s) => Some(&s.service),
            SourceConfig::Circleci(s) => Some(&s.service),
            SourceConfig::Argocd(s) => Some(&s.service),
            SourceConfig::Prometheus(_)
            | SourceConfig::Pagerduty(_)
            | SourceConfig::Opsgenie(_)
            | SourceConfig::Events(_) => None,
        }
    }

    /// The name the source is shown under: its `name`, else kind and scope.
    pub fn display_name(&self) -> String {
        let (name, scope) = match self {
            SourceConfig::Git(s) => (&s.name, s.service.clone()),
            SourceConfig::Github(s) => (&s.name, s.repo.clone()),
            SourceConfig::Gitlab(s) => (&s.name, s.project.trim().trim_matches('/').to_string()),
            SourceConfig::Prometheus(s) => (&s.name, s.url.clone()),
            SourceConfig::Pagerduty(s) => (&s.name, s.base_url.clone()),
            SourceConfig::Opsgenie(s) => (&s.name, s.base_url.clone()),
            SourceConfig::Jenkins(s) => (&s.name, s.deploy_job.clone()),
            SourceConfig::Buildkite(s) => {
                (&s.name, format!("{}/{}", s.organization, s.deploy_pipeline))
            }
            SourceConfig::Circleci(s) => (&s.name, s.project.clone()),
            SourceConfig::Argocd(s) => (&s.name, s.application.clone()),
            SourceConfig::Events(s) => (&s.name, s.path.clone().unwrap_or_else(|| "pushed".into())),
        };
        name.clone()
            .unwrap_or_else(|| format!("{}:{}", self.kind(), scope))
    }
}

/// `[[sources]] kind = "events"`: flowdeck.events/v1 lines, followed in files and pushed.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventsSourceConfig {
    pub name: Option<String>,
    /// A file, a directory (its `*.ndjson`, `*.jsonl`, `*.json` and `.gz` files) or a glob;
    /// relative to the config file. None: the source only stands for pushed and ingested
    /// events (the store is read for them).
    pub path: Option<String>,
    /// Environment names that mean production for a deployment whose line does not say.
    #[serde(default = "default_production_environments")]
    pub deploy_environments: Vec<String>,
    pub interval: Option<HumanDuration>,
}

/// The `[serve]` table: what `flowdeck serve --ingest` needs.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Serve {
    /// The environment variable holding the bearer token of POST /v1/events. Unset: the
    /// endpoint starts only on a loopback address, and takes pushes without a token.
    pub ingest_token_env: Option<String>,
    /// Largest request body accepted, in bytes (413 above it).
    pub max_body: u64,
    /// How long a client may take to send its whole request.
    pub request_timeout: HumanDuration,
    /// The environment variable holding the GitHub webhook secret (X-Hub-Signature-256).
    /// Unset: /v1/hooks/github answers 404.
    pub github_webhook_secret_env: Option<String>,
    /// The environment variable holding the GitLab webhook token (X-Gitlab-Token). Unset:
    /// /v1/hooks/gitlab answers 404.
    pub gitlab_webhook_token_env: Option<String>,
}

/// `[serve] max_body`'s default: 10 MiB.
pub const DEFAULT_MAX_BODY: u64 = 10 << 20;

impl Default for Serve {
    fn default() -> Self {
        Serve {
            ingest_token_env: None,
            max_body: DEFAULT_MAX_BODY,
            request_timeout: HumanDuration::seconds(30),
            github_webhook_secret_env: None,
            gitlab_webhook_token_env: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CommitTime {
    #[default]
    Authored,
    Committed,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GitSourceConfig {
    pub name: Option<String>,
    pub service: String,
    /// Work tree or bare repository; relative paths are relative to the config file.
    #[serde(default = "default_path")]
    pub path: PathBuf,
    /// Tags matching one of these globs are production deployments; none (`[]`) makes the
    /// source a commit lookup only (docs/METRICS.md#shipped-commits-and-the-baseline).
    #[serde(default = "default_deploy_tags")]
    pub deploy_tags: DeployTags,
    #[serde(default)]
    pub commit_time: CommitTime,
    /// Monorepo: only commits touching these globs are this service's changes.
    #[serde(default)]
    pub paths: Vec<GlobPattern>,
    /// The environment name tags stand for.
    #[serde(default = "default_environment")]
    pub environment: String,
    pub interval: Option<HumanDuration>,
}

fn default_path() -> PathBuf {
    PathBuf::from(".")
}

fn default_deploy_tags() -> DeployTags {
    DeployTags(vec![GlobPattern::new_unchecked("v*")])
}

/// A git source's `deploy_tags`: one glob (`"v*"`, the form every older config has) or a list
/// of globs (`["api-v*", "hotfix-*"]`); the empty list means no tag is a deployment and the
/// repository serves only to read the commits other sources' deployments shipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployTags(Vec<GlobPattern>);

impl DeployTags {
    pub fn patterns(&self) -> &[GlobPattern] {
        &self.0
    }

    /// No tag is a deployment: the source is a commit lookup only.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// One matcher for all the globs (matching none when there are none). Globs are checked
    /// when read, so this fails only for a default.
    pub fn matcher(&self) -> Result<globset::GlobSet, globset::Error> {
        let mut set = globset::GlobSetBuilder::new();
        for pattern in &self.0 {
            set.add(
                globset::GlobBuilder::new(pattern.as_str())
                    .literal_separator(false)
                    .build()?,
            );
        }
        set.build()
    }
}

/// The globs as a person wrote them: `v*`, or `api-v*, hotfix-*`, or `[]`.
impl fmt::Display for DeployTags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("[]");
        }
        for (i, pattern) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(pattern.as_str())?;
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for DeployTags {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(DeployTagsVisitor)
    }
}

/// A string or a list of strings, each checked as a glob with `GlobPattern`'s own error.
struct DeployTagsVisitor;

impl<'de> serde::de::Visitor<'de> for DeployTagsVisitor {
    type Value = DeployTags;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a glob like \"v*\", or a list of globs like [\"api-v*\"] ([] for none)")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<DeployTags, E> {
        let one = GlobPattern::deserialize(serde::de::value::StrDeserializer::<E>::new(text))?;
        Ok(DeployTags(vec![one]))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<DeployTags, A::Error> {
        let mut patterns = Vec::new();
        while let Some(pattern) = seq.next_element::<GlobPattern>()? {
            patterns.push(pattern);
        }
        Ok(DeployTags(patterns))
    }
}

fn default_environment() -> String {
    "production".into()
}

fn default_production_environments() -> Vec<String> {
    vec!["production".into(), "prod".into()]
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GithubSourceConfig {
    pub name: Option<String>,
    pub service: String,
    pub repo: String,
    #[serde(default = "default_github_url")]
    pub base_url: String,
    pub token_env: Option<String>,
    pub token_cmd: Option<String>,
    #[serde(default = "default_production_environments")]
    pub deploy_environments: Vec<String>,
    #[serde(default)]
    pub deploy_workflows: Vec<String>,
    #[serde(default)]
    pub ci_workflows: Vec<String>,
    #[serde(default = "default_incident_labels")]
    pub incident_labels: Vec<String>,
    #[serde(default)]
    pub commit_time: CommitTime,
    pub interval: Option<HumanDuration>,
}

fn default_github_url() -> String {
    "https://api.github.com".into()
}

fn default_incident_labels() -> Vec<String> {
    vec!["incident".into()]
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GitlabSourceConfig {
    pub name: Option<String>,
    pub service: String,
    pub project: String,
    #[serde(default = "default_gitlab_url")]
    pub base_url: String,
    pub token_env: Option<String>,
    #[serde(default = "default_production_environments")]
    pub deploy_environments: Vec<String>,
    #[serde(default)]
    pub commit_time: CommitTime,
    pub interval: Option<HumanDuration>,
}

fn default_gitlab_url() -> String {
    "https://gitlab.com".into()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrometheusSourceConfig {
    /// Shown and stored under, and the scope of incident ids: set it to keep ids when the URL
    /// changes. Default `prometheus:<url>`.
    pub name: Option<String>,
    pub url: String,
    pub alertmanager_url: Option<String>,
    /// Which ALERTS series are incidents, as PromQL label matchers.
    #[serde(default)]
    pub selector: String,
    #[serde(default = "default_service_label")]
    pub service_label: String,
    /// The alert label giving the incident's severity.
    #[serde(default = "default_severity_label")]
    pub severity_label: String,
    /// Samples of one alert further apart than this are two incidents (Prometheus' lookback
    /// delta); it must exceed the rules' evaluation interval.
    #[serde(default = "default_alert_gap")]
    pub gap: HumanDuration,
    /// The variable holding a bearer token for Prometheus (behind an authenticating proxy).
    pub token_env: Option<String>,
    /// The variable holding a bearer token for Alertmanager.
    pub alertmanager_token_env: Option<String>,
    pub interval: Option<HumanDuration>,
}

fn default_service_label() -> String {
    "service".into()
}

fn default_severity_label() -> String {
    "severity".into()
}

fn default_alert_gap() -> HumanDuration {
    HumanDuration::seconds(300)
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PagerdutySourceConfig {
    pub name: Option<String>,
    #[serde(default = "default_pagerduty_url")]
    pub base_url: String,
    pub token_env: Option<String>,
    /// A command printing the API key; wins over token_env.
    pub token_cmd: Option<String>,
    /// PagerDuty service id (or name) -> flowdeck service.
    #[serde(default)]
    pub service_map: BTreeMap<String, String>,
    /// Only incidents of these PagerDuty services are listed; empty: every service.
    #[serde(default)]
    pub service_ids: Vec<String>,
    /// Which urgencies count; empty: every urgency.
    #[serde(default = "default_urgencies")]
    pub urgencies: Vec<String>,
    /// Which statuses are stored (triggered, acknowledged, resolved); must include resolved.
    #[serde(default = "default_pagerduty_statuses")]
    pub statuses: Vec<String>,
    pub interval: Option<HumanDuration>,
}

fn default_pagerduty_statuses() -> Vec<String> {
    vec!["triggered".into(), "acknowledged".into(), "resolved".into()]
}

fn default_pagerduty_url() -> String {
    "https://api.pagerduty.com".into()
}

fn default_urgencies() -> Vec<String> {
    vec!["high".into()]
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpsgenieSourceConfig {
    pub name: Option<String>,
    #[serde(default = "default_opsgenie_url")]
    pub base_url: String,
    pub token_env: Option<String>,
    /// A command printing the API key; wins over token_env.
    pub token_cmd: Option<String>,
    /// A tag, `service:` tag value, integration name or alert source -> flowdeck service.
    #[serde(default)]
    pub service_map: BTreeMap<String, String>,
    /// Which priorities count; empty: every priority.
    #[serde(default = "default_priorities")]
    pub priorities: Vec<String>,
    /// Opsgenie search query narrowing which alerts are incidents.
    #[serde(default)]
    pub query: String,
    /// The web app alert links point into, e.g. https://acme.app.opsgenie.com.
    pub app_url: Option<String>,
    pub interval: Option<HumanDuration>,
}

/// A Jenkins job's builds as deployments (docs/METRICS.md#deployments-that-name-only-a-sha).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JenkinsSourceConfig {
    pub name: Option<String>,
    pub service: String,
    /// The Jenkins root, e.g. https://jenkins.example.com (or .../jenkins behind a prefix).
    pub base_url: String,
    /// A job path, folders separated by `/`: each finished build is a deployment attempt.
    pub deploy_job: String,
    /// Job paths whose builds are CI runs.
    #[serde(default)]
    pub ci_jobs: Vec<String>,
    /// The environment `deploy_job` deploys to.
    #[serde(default = "default_environment")]
    pub environment: String,
    /// The Jenkins user the API token belongs to (HTTP Basic user:token).
    pub user: String,
    pub token_env: Option<String>,
    /// A command printing the API token; wins over token_env.
    pub token_cmd: Option<String>,
    pub interval: Option<HumanDuration>,
}

/// A Buildkite pipeline's builds as deployments.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuildkiteSourceConfig {
    pub name: Option<String>,
    pub service: String,
    /// The organization slug.
    pub organization: String,
    /// The pipeline slug whose finished builds are deployment attempts.
    pub deploy_pipeline: String,
    /// Pipeline slugs whose builds are CI runs.
    #[serde(default)]
    pub ci_pipelines: Vec<String>,
    #[serde(default = "default_buildkite_url")]
    pub base_url: String,
    /// The environment `deploy_pipeline` deploys to.
    #[serde(default = "default_environment")]
    pub environment: String,
    pub token_env: Option<String>,
    /// A command printing the API access token; wins over token_env.
    pub token_cmd: Option<String>,
    pub interval: Option<HumanDuration>,
}

fn default_buildkite_url() -> String {
    "https://api.buildkite.com".into()
}

fn default_opsgenie_url() -> String {
    "https://api.opsgenie.com".into()
}

fn default_priorities() -> Vec<String> {
    vec!["P1".into(), "P2".into()]
}

/// CircleCI (API v2): runs of `deploy_workflows` are deployment attempts, the other workflows
/// (or only `ci_workflows`) CI runs.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CircleciSourceConfig {
    pub name: Option<String>,
    pub service: String,
    /// The project slug, `<vcs>/<org>/<repo>` ("gh/acme/api", "bb/acme/api",
    /// "circleci/<org-id>/<project-id>").
    pub project: String,
    /// Workflow names whose runs are deployment attempts.
    #[serde(default)]
    pub deploy_workflows: Vec<String>,
    /// Workflow names whose runs are CI runs; empty: every workflow not in deploy_workflows.
    #[serde(default)]
    pub ci_workflows: Vec<String>,
    /// The environment the deploy workflows deploy to.
    #[serde(default = "default_environment")]
    pub environment: String,
    #[serde(default = "default_circleci_url")]
    pub base_url: String,
    /// The variable holding the personal API token, sent as `Circle-Token`.
    pub token_env: Option<String>,
    /// A command printing the token; wins over token_env.
    pub token_cmd: Option<String>,
    pub interval: Option<HumanDuration>,
}

fn default_circleci_url() -> String {
    "https://circleci.com".into()
}

/// Argo CD: the sync history of one application is its deployments.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArgocdSourceConfig {
    pub name: Option<String>,
    pub service: String,
    pub base_url: String,
    pub application: String,
    /// The namespace of an application outside Argo CD's own (`appNamespace`).
    pub app_namespace: Option<String>,
    /// The environment the application deploys to.
    #[serde(default = "default_environment")]
    pub environment: String,
    /// The variable holding an Argo CD API token, sent as a Bearer token.
    pub token_env: Option<String>,
    /// A command printing the token; wins over token_env.
    pub token_cmd: Option<String>,
    /// Each period the application's health is Degraded is an incident of the service.
    #[serde(default)]
    pub incidents_from_health: bool,
    pub interval: Option<HumanDuration>,
}

/// An IANA timezone name ("UTC", "Europe/Berlin"), checked when read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeZoneName(pub Tz);

impl<'de> Deserialize<'de> for TimeZoneName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        from_str_with(deserializer, "a string like \"Europe/Berlin\"", |name| {
            name.parse::<Tz>().map(TimeZoneName).map_err(|_| {
                let names = chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name());
                let hint = match closest(name, names) {
                    Some(near) => format!("did you mean {near:?}? Timezones are IANA names"),
                    None => {
                        "use an IANA name like \"UTC\", \"Europe/Berlin\" or \"America/New_York\""
                            .to_string()
                    }
                };
                Invalid::new(format!("unknown timezone {name:?}"), hint)
            })
        })
    }
}

/// A regular expression (Rust `regex` syntax), compiled when read.
#[derive(Debug, Clone)]
pub struct RegexPattern(pub regex::Regex);

impl RegexPattern {
    fn default_hotfix() -> Self {
        RegexPattern(flowdeck_core::metrics::rules::default_hotfix_pattern())
    }
}

impl<'de> Deserialize<'de> for RegexPattern {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        from_str_with(
            deserializer,
            "a string holding a regular expression",
            |text| {
                regex::Regex::new(text).map(RegexPattern).map_err(|e| {
                Invalid::new(
                    format!("invalid regular expression {text:?}"),
                    format!(
                        "{}; the syntax is Rust's regex crate (https://docs.rs/regex), e.g. '(?i)^(hotfix|revert)\\b'",
                        regex_reason(&e)
                    ),
                )
            })
            },
        )
    }
}

/// The regex crate's syntax errors draw the pattern and a caret over several lines; the hint
/// keeps only the last line, which says what is wrong ("unclosed group").
fn regex_reason(error: &regex::Error) -> String {
    let text = error.to_string();
    let last = text
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(&text);
    last.trim().trim_start_matches("error: ").to_string()
}

/// A glob ("v*", "services/api/**", "*[bot]"), checked when read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlobPattern(String);

impl GlobPattern {
    /// For built-in defaults known to be valid globs.
    fn new_unchecked(text: &str) -> Self {
        GlobPattern(text.to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The compiled matcher. Globs are checked when read, so this fails only for defaults.
    pub fn matcher(&self) -> Result<globset::GlobMatcher, globset::Error> {
        globset::GlobBuilder::new(&self.0)
            .literal_separator(false)
            .build()
            .map(|g| g.compile_matcher())
    }
}

impl fmt::Display for GlobPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for GlobPattern {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        from_str_with(
            deserializer,
            "a string holding a glob like \"v*\"",
            |text| {
                globset::Glob::new(text)
                .map(|_| GlobPattern(text.to_string()))
                .map_err(|e| {
                    Invalid::new(
                        format!("invalid glob {text:?}"),
                        format!(
                            "{}; globs use *, ?, [abc] and **, like \"v*\" or \"services/api/**\"",
                            e.kind()
                        ),
                    )
                })
            },
        )
    }
}

impl Serialize for GlobPattern {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}
