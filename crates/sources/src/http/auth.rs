//! How a request proves who it is. Tokens are secrets: they are only ever read to build the
//! header, whose value is marked sensitive; `Debug` never shows them.

use std::fmt;

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

/// The credential of a request.
#[derive(Clone, Default)]
pub enum Auth {
    /// `Authorization: Bearer <token>` (GitHub, PagerDuty OAuth app tokens).
    Bearer(SecretString),
    /// `PRIVATE-TOKEN: <token>` (GitLab).
    PrivateToken(SecretString),
    /// `Authorization: Token token=<key>` (PagerDuty REST API keys).
    PagerDutyToken(SecretString),
    /// `Authorization: GenieKey <key>` (Opsgenie API keys).
    GenieKey(SecretString),
    /// `Authorization: Basic base64(user:token)` (Jenkins API tokens). The user is no secret;
    /// the token is, and so is the encoded header.
    Basic { user: String, token: SecretString },
    /// `Circle-Token: <token>` (CircleCI personal API tokens).
    CircleToken(SecretString),
    /// No credential (public APIs, Prometheus).
    #[default]
    None,
}

/// GitLab's token header.
pub(super) const PRIVATE_TOKEN: HeaderName = HeaderName::from_static("private-token");
/// CircleCI's token header.
const CIRCLE_TOKEN: HeaderName = HeaderName::from_static("circle-token");

/// Header names whose values are credentials: never logged, marked sensitive.
pub(crate) fn is_sensitive_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    matches!(
        name.as_str(),
        "authorization" | "private-token" | "proxy-authorization" | "cookie" | "job-token"
    ) || name.contains("token")
        || name.contains("api-key")
        || name.contains("apikey")
        || name.contains("secret")
}

impl Auth {
    /// Whether the request carries a credential.
    pub fn is_some(&self) -> bool {
        !matches!(self, Auth::None)
    }

    /// Adds the credential header. A token that is not a valid header value (a newline pasted
    /// with it) gives an error that does not repeat it.
    pub(crate) fn apply(&self, headers: &mut HeaderMap) -> Result<(), &'static str> {
        let (name, value) = match self {
            Auth::Bearer(token) => (
                AUTHORIZATION,
                HeaderValue::from_str(&format!("Bearer {}", token.expose_secret().trim())),
            ),
            Auth::PrivateToken(token) => (
                PRIVATE_TOKEN,
                HeaderValue::from_str(token.expose_secret().trim()),
            ),
            Auth::PagerDutyToken(token) => (
                AUTHORIZATION,
                HeaderValue::from_str(&format!("Token token={}", token.expose_secret().trim())),
            ),
            Auth::GenieKey(token) => (
                AUTHORIZATION,
                HeaderValue::from_str(&format!("GenieKey {}", token.expose_secret().trim())),
            ),
            Auth::Basic { user, token } => {
                use base64::Engine as _;
                let pair = format!("{}:{}", user.trim(), token.expose_secret().trim());
                let encoded = base64::engine::general_purpose::STANDARD.encode(pair.as_bytes());
                (
                    AUTHORIZATION,
                    HeaderValue::from_str(&format!("Basic {encoded}")),
                )
            }
            Auth::CircleToken(token) => (
                CIRCLE_TOKEN,
                HeaderValue::from_str(token.expose_secret().trim()),
            ),
            Auth::None => return Ok(()),
        };
        let mut value =
            value.map_err(|_| "the token contains characters that cannot be sent in a header")?;
        value.set_sensitive(true);
        headers.insert(name, value);
        Ok(())
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Bearer(_) => f.write_str("Bearer([redacted])"),
            Auth::PrivateToken(_) => f.write_str("PrivateToken([redacted])"),
            Auth::PagerDutyToken(_) => f.write_str("PagerDutyToken([redacted])"),
            Auth::GenieKey(_) => f.write_str("GenieKey([redacted])"),
            Auth::Basic { user, .. } => write!(f, "Basic({user:?}, [redacted])"),
            Auth::CircleToken(_) => f.write_str("CircleToken([redacted])"),
            Auth::None => f.write_str("None"),
        }
    }
}

/// Whether a host is this machine, where plain http cannot leak a token to the network.
pub(crate) fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => {
            let domain = domain.trim_end_matches('.').to_ascii_lowercase();
            domain == "localhost" || domain.ends_with(".localhost")
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_tokens() {
        let auth = Auth::Bearer(SecretString::from("ghp_secret123"));
        assert_eq!(format!("{auth:?}"), "Bearer([redacted])");
        let auth = Auth::PrivateToken(SecretString::from("glpat-secret123"));
        assert!(!format!("{auth:?}").contains("secret123"));
    }

    #[test]
    fn headers_are_sensitive() {
        let mut headers = HeaderMap::new();
        Auth::PrivateToken(SecretString::from(" glpat-x \n"))
            .apply(&mut headers)
            .unwrap();
        let value = headers.get("private-token").unwrap();
        assert!(value.is_sensitive());
        assert_eq!(value.to_str().unwrap(), "glpat-x");
        assert!(!format!("{headers:?}").contains("glpat"));

        let mut headers = HeaderMap::new();
        let auth = Auth::CircleToken(SecretString::from("CCIPAT_secret\n"));
        assert_eq!(format!("{auth:?}"), "CircleToken([redacted])");
        auth.apply(&mut headers).unwrap();
        let value = headers.get("circle-token").unwrap();
        assert!(value.is_sensitive());
        assert_eq!(value.to_str().unwrap(), "CCIPAT_secret");
    }

    #[test]
    fn pagerduty_and_opsgenie_schemes() {
        let cases = [
            (
                Auth::PagerDutyToken(SecretString::from("u+pd-secret-key\n")),
                "Token token=u+pd-secret-key",
                "PagerDutyToken([redacted])",
            ),
            (
                Auth::GenieKey(SecretString::from(" eb243592-og-secret ")),
                "GenieKey eb243592-og-secret",
                "GenieKey([redacted])",
            ),
        ];
        for (auth, expected, debug) in cases {
            assert!(auth.is_some());
            assert_eq!(format!("{auth:?}"), debug);
            let mut headers = HeaderMap::new();
            auth.apply(&mut headers).unwrap();
            let value = headers.get(AUTHORIZATION).unwrap();
            assert!(value.is_sensitive());
            assert_eq!(value.to_str().unwrap(), expected);
            assert!(!format!("{headers:?}").contains("secret"), "{headers:?}");
        }
        let mut headers = HeaderMap::new();
        let err = Auth::GenieKey(SecretString::from("og\u{0}key"))
            .apply(&mut headers)
            .unwrap_err();
        assert!(!err.contains("og"));
        assert!(headers.is_empty());
    }

    #[test]
    fn basic_auth_encodes_user_and_token_and_hides_the_token() {
        let auth = Auth::Basic {
            user: "ci-bot".into(),
            token: SecretString::from(" 11aa-jenkins-secret\n"),
        };
        assert_eq!(format!("{auth:?}"), "Basic(\"ci-bot\", [redacted])");
        let mut headers = HeaderMap::new();
        auth.apply(&mut headers).unwrap();
        let value = headers.get(AUTHORIZATION).unwrap();
        assert!(value.is_sensitive());
        // base64("ci-bot:11aa-jenkins-secret")
        assert_eq!(
            value.to_str().unwrap(),
            "Basic Y2ktYm90OjExYWEtamVua2lucy1zZWNyZXQ="
        );
        assert!(!format!("{headers:?}").contains("Y2kt"));
    }

    #[test]
    fn bad_token_error_does_not_echo_it() {
        let mut headers = HeaderMap::new();
        let err = Auth::Bearer(SecretString::from("ab\u{7}cd"))
            .apply(&mut headers)
            .unwrap_err();
        assert!(!err.contains("ab"));
    }

    #[test]
    fn loopback_hosts() {
        for url in [
            "http://127.0.0.1:80/",
            "http://[::1]/",
            "http://localhost/",
            "http://LOCALHOST.:8080/",
            "http://127.3.4.5/",
        ] {
            assert!(is_loopback(&url::Url::parse(url).unwrap()), "{url}");
        }
        for url in [
            "http://10.0.0.1/",
            "http://gitlab.example.com/",
            "http://localhost.evil.com/",
        ] {
            assert!(!is_loopback(&url::Url::parse(url).unwrap()), "{url}");
        }
    }
}
