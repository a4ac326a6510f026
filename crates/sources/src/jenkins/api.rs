//! Every Jenkins request flowdeck makes: a job's builds through the JSON API's tree query,
//! `GET {root}job/{folder}/job/{name}/api/json?tree=allBuilds[...]{M,N}`, paged by the `{M,N}`
//! range (builds M up to N-1, newest first; plain `builds` stops at 100, `allBuilds` does not),
//! with HTTP Basic user:token; and what Jenkins' statuses mean.

use serde::de::DeserializeOwned;

use super::payload::{Build, Job, JobNumbers};
use super::setup::{Settings, job_name};
use crate::SourceError;
use crate::http::Auth;
use crate::polled::{Failure, Hint, Origin, Setup, StatusHints};

/// Builds per request.
pub(super) const PAGE: u64 = 100;

/// The fields of a build flowdeck reads.
const FIELDS: &str =
    "number,url,timestamp,duration,building,result,actions[lastBuiltRevision[SHA1,branch[name]]]";

#[derive(Debug, Clone)]
pub(super) struct Api {
    pub(super) origin: Origin,
}

impl Api {
    pub(super) fn new(setup: &Setup<'_>, settings: &Settings) -> Api {
        let auth = Auth::Basic {
            user: settings.user.clone(),
            token: settings.token.clone(),
        };
        Api {
            origin: setup.origin(settings.root.clone(), auth, Words),
        }
    }

    /// Builds `from` up to `from + count - 1` of `job`, newest first.
    pub(super) async fn builds(
        &self,
        job: &[String],
        from: u64,
        count: u64,
    ) -> Result<Vec<Build>, SourceError> {
        let tree = format!("allBuilds[{FIELDS}]{{{from},{}}}", from + count);
        Ok(self.tree::<Job>(job, &tree).await?.all_builds)
    }

    /// The numbers of every build of `job` (for `check`: how many there are).
    pub(super) async fn build_numbers(&self, job: &[String]) -> Result<usize, SourceError> {
        Ok(self
            .tree::<JobNumbers>(job, "allBuilds[number]")
            .await?
            .all_builds
            .len())
    }

    async fn tree<T: DeserializeOwned>(
        &self,
        job: &[String],
        tree: &str,
    ) -> Result<T, SourceError> {
        let mut segments: Vec<&str> = Vec::with_capacity(job.len() * 2 + 2);
        for folder in job {
            segments.push("job");
            segments.push(folder);
        }
        segments.extend(["api", "json"]);
        let url = self.origin.url(&segments, &[("tree", tree)]);
        let what = format!("the builds of job {}", job_name(job));
        Ok(self.origin.get::<T>(url, &what).await?.body)
    }
}

/// What Jenkins' answers mean.
struct Words;

impl StatusHints for Words {
    fn context(&self, failure: &Failure<'_>) -> String {
        format!("Jenkins at {} ({})", failure.host, failure.what)
    }

    fn hint(&self, status: u16, failure: &Failure<'_>) -> Option<Hint> {
        let (host, what) = (failure.host, failure.what);
        Some(Hint::Config(match status {
            401 => format!(
                "Jenkins at {host} rejected the credentials (401 Unauthorized): check user and the API token in token_cmd / token_env / JENKINS_TOKEN (an API token of that user, not a password)"
            ),
            403 => format!(
                "Jenkins at {host} refused to show {what} (403 Forbidden): Jenkins answers 403 to a request it takes as anonymous, so check user and the API token first; else the user lacks Overall/Read and Job/Read"
            ),
            404 => format!(
                "Jenkins at {host} has no {what} (404 Not Found): check the job path (folders separated by /, as in deploy/api-production) and base_url (the Jenkins root, with its prefix if it has one)"
            ),
            _ => return None,
        }))
    }
}
