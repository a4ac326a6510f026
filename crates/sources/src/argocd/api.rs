//! The one Argo CD request flowdeck makes, `GET /api/v1/applications/{name}` (with
//! `appNamespace` for an application outside Argo CD's namespace) and a Bearer token, and what
//! Argo CD's statuses mean (naming the application and host, never the token).

use super::payload::Application;
use super::setup::Settings;
use crate::SourceError;
use crate::http::Auth;
use crate::polled::{Failure, Hint, Origin, Setup, StatusHints};

#[derive(Debug, Clone)]
pub(super) struct Api {
    pub(super) origin: Origin,
    application: String,
    namespace: Option<String>,
}

impl Api {
    pub(super) fn new(setup: &Setup<'_>, settings: &Settings) -> Api {
        let words = Words {
            application: settings.scope.clone(),
        };
        Api {
            origin: setup.origin(
                settings.api.clone(),
                Auth::Bearer(settings.token.clone()),
                words,
            ),
            application: settings.application.clone(),
            namespace: settings.namespace.clone(),
        }
    }

    pub(super) async fn application(&self) -> Result<Application, SourceError> {
        let query: Vec<(&str, &str)> = self
            .namespace
            .as_deref()
            .map(|ns| ("appNamespace", ns))
            .into_iter()
            .collect();
        let url = self
            .origin
            .url(&["applications", self.application.as_str()], &query);
        Ok(self.origin.get(url, "the application").await?.body)
    }
}

/// What Argo CD's answers mean.
struct Words {
    application: String,
}

impl StatusHints for Words {
    fn context(&self, failure: &Failure<'_>) -> String {
        format!(
            "Argo CD at {} (application {})",
            failure.host, self.application
        )
    }

    fn hint(&self, status: u16, failure: &Failure<'_>) -> Option<Hint> {
        let (host, app) = (failure.host, &self.application);
        Some(Hint::Config(match status {
            401 => format!(
                "Argo CD at {host} rejected the token (401 Unauthorized): it is wrong or expired; check token_cmd / token_env / ARGOCD_AUTH_TOKEN (an API token of an account with apiKey capability)"
            ),
            // Argo CD answers 403 also for an application that does not exist, so as not to
            // tell who may not see it that it exists.
            403 => format!(
                "Argo CD at {host} refused to show application {app} (403 Forbidden): the application does not exist, or the token's account lacks `applications, get` on it in Argo CD's RBAC; check application and app_namespace"
            ),
            404 => format!(
                "Argo CD at {host} has no application {app} (404 Not Found): check application, app_namespace and base_url (Argo CD's address, without /api/v1)"
            ),
            _ => return None,
        }))
    }
}
