//! Setup shared by the incident sources: the API root of a configured `base_url`, the token
//! (a secret from the moment it is read; these APIs have no anonymous access), and the names of
//! the flowdeck services a config knows, which an unmapped provider service may match.

use secrecy::SecretString;
use url::Url;

use crate::SourceError;
use crate::token::{self, TokenLookup};
use flowdeck_config::{Config, SourceConfig};

/// The largest page both APIs give.
pub const PAGE_SIZE: usize = 100;

/// The API root of `base_url` (`https://api.pagerduty.com`, `https://api.eu.opsgenie.com`, a
/// test server), ending in a slash so paths join under it. http(s) only, with a host, no
/// credentials, query or fragment.
pub fn api_root(kind: &str, base_url: &str, example: &str) -> Result<Url, SourceError> {
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

/// The token: `token_cmd`, else the variable `token_env` names, else the provider's usual
/// variables. None of them set is a configuration error naming where flowdeck looked.
pub fn token(
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
    })?;
    found.ok_or_else(|| {
        SourceError::Config(format!(
            "{kind} source: no API key found; set {} or configure token_env / token_cmd",
            defaults.join(" or ")
        ))
    })
}

/// The flowdeck services a config knows: its `[[services]]` and every service a deployment
/// source names. An unmapped provider service whose name is one of these is that service.
pub fn known_services(config: &Config) -> Vec<String> {
    let mut names: Vec<String> = config.services.iter().map(|s| s.name.clone()).collect();
    for source in &config.sources {
        let named = match source {
            SourceConfig::Git(s) => Some(&s.service),
            SourceConfig::Github(s) => Some(&s.service),
            SourceConfig::Gitlab(s) => Some(&s.service),
            _ => None,
        };
        if let Some(name) = named
            && !names.contains(name)
        {
            names.push(name.clone());
        }
    }
    names
}

/// `name` as a known service, compared without regard to case ("API" finds "api").
pub fn known<'a>(known: &'a [String], name: &str) -> Option<&'a str> {
    let name = name.trim();
    known
        .iter()
        .find(|k| k.eq_ignore_ascii_case(name))
        .map(String::as_str)
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
        let error = token("pagerduty", None, None, &["FLOWDECK_TEST_SURELY_UNSET_PD"]).unwrap_err();
        assert!(matches!(error, SourceError::Config(_)));
        assert!(error.to_string().contains("FLOWDECK_TEST_SURELY_UNSET_PD"));
    }

    #[test]
    fn known_services_match_without_case() {
        let names = vec!["api".to_string(), "Web".to_string()];
        assert_eq!(known(&names, " API "), Some("api"));
        assert_eq!(known(&names, "web"), Some("Web"));
        assert_eq!(known(&names, "mail"), None);
    }
}
