//! Which forge runs on a host flowdeck does not know: one request to `<web>/api/v3/meta`
//! (GitHub Enterprise answers it without a token), then one to `<web>/api/v4/version` (GitLab
//! answers 200 with a token, 401 without). Each has 5 seconds. The answer is remembered in the
//! data directory (`forges.json`), so only the first run in a clone asks.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use super::origin::Forge;

/// How long each probe request may take.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

/// The largest remembered-answers file read; a bigger one is ignored (and rewritten).
const MAX_CACHE_BYTES: u64 = 256 * 1024;

/// What a probe found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probed {
    Forge(Forge),
    /// The host answered, but as neither forge.
    Neither,
}

/// Asks `web` which forge it runs; Err says why no answer came (unreachable, timed out).
pub fn probe(web: &str) -> Result<Probed, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the probe: {e}"))?;
    runtime.block_on(probe_async(web))
}

async fn probe_async(web: &str) -> Result<Probed, String> {
    // Err means a provider is already installed, which is as good.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .tls_backend_rustls()
        .timeout(PROBE_TIMEOUT)
        .connect_timeout(PROBE_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("flowdeck/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("cannot build the probe's client: {e}"))?;
    let web = web.trim_end_matches('/');
    let github = client.get(format!("{web}/api/v3/meta")).send().await;
    let github = match github {
        Ok(response) => response,
        Err(e) if e.is_timeout() => {
            return Err(format!(
                "{web} did not answer within {}s",
                PROBE_TIMEOUT.as_secs()
            ));
        }
        Err(e) => return Err(format!("{web} cannot be reached ({})", short(&e))),
    };
    if github.status().is_success() && is_json_object(github).await {
        return Ok(Probed::Forge(Forge::Github));
    }
    let gitlab = client
        .get(format!("{web}/api/v4/version"))
        .send()
        .await
        .map_err(|e| format!("{web} cannot be reached ({})", short(&e)))?;
    let status = gitlab.status();
    if (status.is_success() || status == reqwest::StatusCode::UNAUTHORIZED)
        && is_json_object(gitlab).await
    {
        return Ok(Probed::Forge(Forge::Gitlab));
    }
    Ok(Probed::Neither)
}

/// Whether the body is a JSON object (an HTML login page is not), reading at most 64 KiB.
async fn is_json_object(mut response: reqwest::Response) -> bool {
    let mut body = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        body.extend_from_slice(&chunk);
        if body.len() > 64 * 1024 {
            return false;
        }
    }
    serde_json::from_slice::<serde_json::Value>(&body).is_ok_and(|v| v.is_object())
}

/// The error's cause without the URL reqwest repeats.
fn short(error: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = error;
    while let Some(next) = cause.source() {
        cause = next;
    }
    flowdeck_core::text::sanitize(&cause.to_string())
}

/// The answers remembered in `file`, by web root: "github", "gitlab" or "none".
pub fn remembered(file: &Path, web: &str) -> Option<Probed> {
    let text = flowdeck_config::read_text(file, MAX_CACHE_BYTES).ok()?;
    let answers: BTreeMap<String, String> = serde_json::from_str(&text).ok()?;
    match answers.get(web)?.as_str() {
        "github" => Some(Probed::Forge(Forge::Github)),
        "gitlab" => Some(Probed::Forge(Forge::Gitlab)),
        "none" => Some(Probed::Neither),
        _ => None,
    }
}

/// Remembers `answer` for `web` in `file` (best effort: a failure only means probing again).
pub fn remember(file: &Path, web: &str, answer: Probed) {
    let mut answers: BTreeMap<String, String> = flowdeck_config::read_text(file, MAX_CACHE_BYTES)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default();
    let value = match answer {
        Probed::Forge(forge) => forge.kind(),
        Probed::Neither => "none",
    };
    answers.insert(web.to_string(), value.to_string());
    let Ok(text) = serde_json::to_string_pretty(&answers) else {
        return;
    };
    if let Some(dir) = file.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    // Written beside and renamed, so a reader never sees half a file.
    let partial = file.with_extension("json.partial");
    if std::fs::write(&partial, text).is_ok() && std::fs::rename(&partial, file).is_err() {
        let _ = std::fs::remove_file(&partial);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_remembered_by_web_root() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("sub/forges.json");
        assert_eq!(remembered(&file, "https://a"), None);
        remember(&file, "https://a", Probed::Forge(Forge::Gitlab));
        remember(&file, "https://b", Probed::Neither);
        assert_eq!(
            remembered(&file, "https://a"),
            Some(Probed::Forge(Forge::Gitlab))
        );
        assert_eq!(remembered(&file, "https://b"), Some(Probed::Neither));
        assert_eq!(remembered(&file, "https://c"), None);
    }

    #[test]
    fn a_broken_file_is_no_answer_and_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("forges.json");
        std::fs::write(&file, "{not json").unwrap();
        assert_eq!(remembered(&file, "https://a"), None);
        remember(&file, "https://a", Probed::Forge(Forge::Github));
        assert_eq!(
            remembered(&file, "https://a"),
            Some(Probed::Forge(Forge::Github))
        );
    }

    #[test]
    fn an_unreachable_host_says_so() {
        // A port nothing listens on (bound, then closed).
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let error = probe(&format!("http://127.0.0.1:{port}")).unwrap_err();
        assert!(error.contains("cannot be reached"), "{error}");
    }
}
