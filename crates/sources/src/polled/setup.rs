//! What a provider's setup is given, and the checks most sources share: an API root from a
//! configured `base_url`, and a token that must be there.

use secrecy::SecretString;
use url::Url;

use super::hints::StatusHints;
use super::origin::Origin;
use crate::SourceError;
use crate::http::{Auth, HttpClient};
use crate::token::{self, TokenLookup};

/// What every source's setup may use besides its own config section.
pub struct Setup<'a> {
    http: &'a HttpClient,
    /// The flowdeck services the config knows: its `[[services]]` and every service a deployment
    /// source names. A provider's service of one of these names (ignoring case) is that service.
    pub services: &'a [String],
    /// The folder relative paths in the config are read from (the config file's).
    pub base_dir: &'a std::path::Path,
    /// The GitHub and GitLab sources (by name) that compare the deployments of other sources
    /// of their service, which name only a sha (`shipped::compared`).
    pub compares: &'a [String],
}

impl<'a> Setup<'a> {
    pub fn new(http: &'a HttpClient, services: &'a [String]) -> Setup<'a> {
        Setup {
            http,
            services,
            base_dir: std::path::Path::new("."),
            compares: &[],
        }
    }

    /// The same setup, reading relative paths from `base_dir`.
    pub fn in_dir(self, base_dir: &'a std::path::Path) -> Setup<'a> {
        Setup { base_dir, ..self }
    }

    /// The same setup, where the sources named in `compares` compare other sources'
    /// deployments of their service.
    pub fn comparing(self, compares: &'a [String]) -> Setup<'a> {
        Setup { compares, ..self }
    }

    /// Whether the source named `name` compares other sources' deployments of its service.
    pub(crate) fn compares_for(&self, name: &str) -> bool {
        self.compares.iter().any(|n| n == name)
    }

    /// An API root the source sends requests to with `auth`: every request through it is scoped
    /// to `root`'s origin, and its failures are worded with `hints`.
    pub(crate) fn origin(
        &self,
        root: Url,
        auth: Auth,
        hints: impl StatusHints + 'static,
    ) -> Origin {
        Origin::new(self.http.clone(), root, auth, hints)
    }
}

/// The API root of `base_url` (`https://api.pagerduty.com`, a test server), ending in a slash so
/// paths join under it: http(s) only, with a host, no credentials, query or fragment. `kind`
/// and `example` word the error.
pub(crate) fn api_root(kind: &str, base_url: &str, example: &str) -> Result<Url, SourceError> {
    let invalid = |why: String| {
        SourceError::Config(format!(
            "{kind} source: base_url {base_url:?} {why}; expected e.g. \"{example}\""
        ))
    };
    let mut url =
        Url::parse(base_url.trim()).map_err(|e| invalid(format!("is not a URL ({e})")))?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err(invalid("is neither https nor http".into()));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("has no host".into()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        // Not echoed: the URL itself holds the secret.
        return Err(SourceError::Config(format!(
            "{kind} source: base_url carries credentials; remove them and configure token_env or token_cmd"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("has a query or fragment".into()));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

/// The token of an API without anonymous access: `token_cmd`, else the variable `token_env`
/// names, else the provider's usual variables. None of them set is a configuration error naming
/// where flowdeck looked.
pub(crate) fn required_token(
    kind: &str,
    command: Option<&str>,
    env: Option<&str>,
    defaults: &'static [&'static str],
) -> Result<SecretString, SourceError> {
    let found = token::resolve(&TokenLookup {
        command: command.map(str::to_string),
        env: env.map(str::to_string),
        defaults,
        gh_host: None,
        glab_host: None,
    })?;
    found.ok_or_else(|| {
        SourceError::Config(format!(
            "{kind} source: no API key found; set {} or configure token_env / token_cmd",
            defaults.join(" or ")
        ))
    })
}

/// `name` as one of the config's services (`Setup::services`), compared without regard to case
/// ("API" finds "api").
pub(crate) fn known_service<'a>(services: &'a [String], name: &str) -> Option<&'a str> {
    let name = name.trim();
    services
        .iter()
        .find(|k| k.eq_ignore_ascii_case(name))
        .map(String::as_str)
}

/// Whether a configured environment name is a production one, for sources that deploy to one
/// named environment (Jenkins, Buildkite): "production" or "prod", in any case. Only
/// production deployments count in the DORA measures.
pub(crate) fn is_production_name(environment: &str) -> bool {
    ["production", "prod"]
        .iter()
        .any(|p| environment.eq_ignore_ascii_case(p))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn api_roots() {
        let root = api_root("pagerduty", "https://api.pagerduty.com", "x").unwrap();
        assert_eq!(root.as_str(), "https://api.pagerduty.com/");
        let root = api_root("opsgenie", "http://127.0.0.1:8080/proxy", "x").unwrap();
        assert_eq!(
            root.join("v2/alerts").unwrap().as_str(),
            "http://127.0.0.1:8080/proxy/v2/alerts"
        );
        for bad in [
            "api.pagerduty.com",
            "ftp://x/",
            "https://u:p@x/",
            "https://x/?token=1",
        ] {
            let error = api_root("pagerduty", bad, "https://api.pagerduty.com").unwrap_err();
            assert!(matches!(error, SourceError::Config(_)), "{bad}");
            assert!(!error.to_string().contains("u:p"), "{error}");
        }
    }

    #[test]
    fn a_missing_token_names_where_flowdeck_looked() {
        let error = required_token("pagerduty", None, None, &["FLOWDECK_TEST_SURELY_UNSET_PD"])
            .unwrap_err();
        assert!(matches!(error, SourceError::Config(_)));
        assert!(error.to_string().contains("FLOWDECK_TEST_SURELY_UNSET_PD"));
    }

    #[test]
    fn known_services_match_without_case() {
        let names = vec!["api".to_string(), "Web".to_string()];
        assert_eq!(known_service(&names, " API "), Some("api"));
        assert_eq!(known_service(&names, "web"), Some("Web"));
        assert_eq!(known_service(&names, "mail"), None);
    }
}
