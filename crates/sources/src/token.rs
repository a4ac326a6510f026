//! Finding API tokens without ever showing them: `token_cmd`, else the variable `token_env`
//! names, else the provider's usual variables, else (GitHub) `gh auth token --hostname HOST`.
//! Tokens are `SecretString`s from the moment they are read; errors name where flowdeck
//! looked, never what it found.

use std::process::Command;

use secrecy::SecretString;

use super::SourceError;

/// Where a token may come from, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TokenLookup {
    /// A shell command printing the token (config `token_cmd`).
    pub command: Option<String>,
    /// The environment variable the config names (`token_env`).
    pub env: Option<String>,
    /// The provider's usual variables, in order (GH_TOKEN, GITHUB_TOKEN / GITLAB_TOKEN).
    pub defaults: &'static [&'static str],
    /// Ask the GitHub CLI for the token of this host as a last resort.
    pub gh_host: Option<String>,
    /// Ask the GitLab CLI (`glab config get token --host HOST`) as a last resort.
    pub glab_host: Option<String>,
}

/// Reads one variable; an empty value counts as unset.
fn env_var(name: &str) -> Option<SecretString> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .map(SecretString::from)
}

/// Runs a command and takes the first line of its output as the token.
fn run(program: &str, args: &[&str], shown_as: &str) -> Result<SecretString, SourceError> {
    let output = Command::new(program)
        .args(args)
        .output()
        .map_err(|e| SourceError::Config(format!("could not run {shown_as}: {e}")))?;
    if !output.status.success() {
        // stderr can be shown: token printers put their token on stdout only.
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first = flowdeck_core::text::sanitize(stderr.lines().next().unwrap_or("").trim());
        return Err(SourceError::Config(format!(
            "{shown_as} failed ({}){}",
            output.status,
            if first.is_empty() {
                String::new()
            } else {
                format!(": {first}")
            }
        )));
    }
    let token = String::from_utf8_lossy(&output.stdout)
        .lines()
        .next()
        .unwrap_or("")
        .trim()
        .to_string();
    if token.is_empty() {
        return Err(SourceError::Config(format!("{shown_as} printed no token")));
    }
    Ok(SecretString::from(token))
}

/// The token, or None when no place has one (anonymous access may still work for public
/// projects, with lower rate limits).
pub(crate) fn resolve(lookup: &TokenLookup) -> Result<Option<SecretString>, SourceError> {
    if let Some(command) = &lookup.command {
        // Through the shell, so `token_cmd = "pass show github | head -1"` works.
        // Named, never quoted: a command line can hold a secret of its own.
        return run("sh", &["-c", command], "token_cmd").map(Some);
    }
    if let Some(name) = &lookup.env {
        return match env_var(name) {
            Some(token) => Ok(Some(token)),
            None => Err(SourceError::Config(format!(
                "token_env names {name}, which is not set (or empty)"
            ))),
        };
    }
    for name in lookup.defaults {
        if let Some(token) = env_var(name) {
            return Ok(Some(token));
        }
    }
    if let Some(host) = &lookup.gh_host {
        // Only when `gh` exists; its absence is not an error, just no token.
        if Command::new("gh").arg("--version").output().is_ok()
            && let Ok(token) = run(
                "gh",
                &["auth", "token", "--hostname", host],
                &format!("gh auth token --hostname {host}"),
            )
        {
            return Ok(Some(token));
        }
    }
    if let Some(host) = &lookup.glab_host {
        // Only when `glab` exists and has a token stored for the host.
        if Command::new("glab").arg("--version").output().is_ok()
            && let Ok(token) = run(
                "glab",
                &["config", "get", "token", "--host", host],
                &format!("glab config get token --host {host}"),
            )
        {
            return Ok(Some(token));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    fn lookup() -> TokenLookup {
        TokenLookup {
            command: None,
            env: None,
            defaults: &[],
            gh_host: None,
            glab_host: None,
        }
    }

    #[test]
    fn a_command_is_run_through_the_shell() {
        let token = resolve(&TokenLookup {
            command: Some("printf 'abc123\\nsecond line' | cat".into()),
            ..lookup()
        })
        .unwrap()
        .unwrap();
        assert_eq!(token.expose_secret(), "abc123");
    }

    #[test]
    fn a_failing_command_is_a_config_error_without_the_output() {
        let error = resolve(&TokenLookup {
            command: Some("echo s3cr3t; echo oops >&2; exit 3".into()),
            ..lookup()
        })
        .unwrap_err();
        let text = error.to_string();
        assert!(text.contains("oops"), "{text}");
        assert!(!text.contains("s3cr3t"), "{text}");
        assert!(!error.is_retryable());
    }

    #[test]
    fn a_named_variable_that_is_unset_is_an_error() {
        let error = resolve(&TokenLookup {
            env: Some("FLOWDECK_TEST_SURELY_UNSET_TOKEN".into()),
            ..lookup()
        })
        .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("FLOWDECK_TEST_SURELY_UNSET_TOKEN")
        );
    }

    #[test]
    fn nothing_found_is_anonymous() {
        assert!(resolve(&lookup()).unwrap().is_none());
    }
}
