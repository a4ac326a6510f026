//! The forge compare fallback (docs/METRICS.md#deployments-that-name-only-a-sha, rule 2): the
//! shipped commits of deployments that name only a sha, for a service with no git source but
//! a GitHub or GitLab source, from that forge's compare API.
//!
//! Two halves meet in the store's `compares` table:
//! - [`fetch`], run by the forge source at the end of its sync: walks the service's counted
//!   deployments in deploy order and asks the forge for each pair it has not asked before. A
//!   compare found is kept for ever (the commits between two shas never change), so no pair
//!   is ever fetched twice; one the forge could not answer (a sha it does not have) is asked
//!   again after a day, in case the sha was pushed late.
//! - [`apply`], run where the history is put together: the same walk, reading only the store,
//!   gives each deployment the compare's commits less those an earlier deployment shipped,
//!   and says which deployments are left without.
//!
//! Base = the previous counted deployment's sha (any source of the service); a redeploy of
//! that sha ships nothing; the service's first counted deployment is the baseline and is never
//! compared. When the forge cannot compare a pair (the base was force-pushed away), the
//! deployments before it are tried in turn, up to [`MAX_BASES`] distinct shas, so one lost
//! sha costs its own deployment's lead time and nothing else.

use std::collections::HashSet;
use std::future::Future;

use flowdeck_config::{Config, SourceConfig};
use flowdeck_core::model::{Change, Deployment, EventSet, Timestamp};
use flowdeck_store::{Store, StoreError, StoredCompare};

use super::{ShippedNote, lookup_for, names_commits};
use crate::SourceError;
use crate::polled::Round;

/// How many earlier deployments' shas a deployment is compared with, nearest first, when the
/// forge cannot compare it with the nearer ones.
pub const MAX_BASES: usize = 3;

/// A pair the forge could not compare is asked again after this long.
pub const RETRY_MISSING: chrono::Duration = chrono::Duration::days(1);

/// A service whose deployments naming only a sha get their commits from a forge's compares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fallback {
    pub service: String,
    /// The forge source that compares them (its name): the scope of its stored compares.
    pub forge: String,
    /// The sources whose deployments name only a sha: their status lines carry the notes.
    pub shown_on: Vec<String>,
}

/// Every service that needs the fallback: deployments from a source that names only a sha, no
/// git source, and a GitHub or GitLab source (the first configured one compares).
pub fn fallbacks(config: &Config) -> Vec<Fallback> {
    let mut out: Vec<Fallback> = Vec::new();
    for source in &config.sources {
        let Some(service) = source.deployment_service() else {
            continue;
        };
        if !names_only_a_sha(source) || lookup_for(config, service).is_some() {
            continue;
        }
        if let Some(existing) = out.iter_mut().find(|f| f.service == service) {
            existing.shown_on.push(source.display_name());
            continue;
        }
        let forge = config.sources.iter().find(|s| {
            matches!(s, SourceConfig::Github(_) | SourceConfig::Gitlab(_))
                && s.deployment_service() == Some(service)
        });
        if let Some(forge) = forge {
            out.push(Fallback {
                service: service.to_string(),
                forge: forge.display_name(),
                shown_on: vec![source.display_name()],
            });
        }
    }
    out
}

/// Whether a configured source's deployments name only a sha.
fn names_only_a_sha(source: &SourceConfig) -> bool {
    !matches!(
        source,
        SourceConfig::Git(_) | SourceConfig::Github(_) | SourceConfig::Gitlab(_)
    )
}

/// What a forge answered for one pair.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Fetched {
    /// Reachable from head and not from base, newest first.
    pub commits: Vec<Change>,
    pub status: Option<String>,
    pub total_commits: Option<u64>,
}

/// A forge's compare API, as the fallback uses it.
pub(crate) trait Forge: Sync {
    /// `base...head`: None when the forge cannot compare them (404: a sha it does not have;
    /// an answer too large to read). Errors are the source's own (rate limits, timeouts).
    fn compare(
        &self,
        base: &str,
        head: &str,
    ) -> impl Future<Output = Result<Option<Fetched>, SourceError>> + Send;
}

/// One deployment naming only a sha that needs a compare.
#[derive(Debug, Clone, PartialEq)]
struct Need {
    /// Its position in the service's deploy order.
    position: usize,
    head: String,
    /// The shas to compare it with, nearest earlier deployment first, distinct, at most
    /// [`MAX_BASES`].
    bases: Vec<String>,
}

/// The positions in `events.deployments` of the service's counted deployments, in deploy
/// order (finished_at, then id bytewise).
fn deploy_order(events: &EventSet, service: &str) -> Vec<usize> {
    let all = &events.deployments;
    let mut order: Vec<usize> = (0..all.len())
        .filter(|&i| all[i].counts() && all[i].service == service)
        .collect();
    order.sort_by(|&a, &b| {
        all[a]
            .finished_at
            .cmp(&all[b].finished_at)
            .then_with(|| all[a].id.as_bytes().cmp(all[b].id.as_bytes()))
    });
    order
}

/// The deployments at `order`'s positions.
fn at<'a>(events: &'a EventSet, order: &[usize]) -> Vec<&'a Deployment> {
    order
        .iter()
        .filter_map(|&i| events.deployments.get(i))
        .collect()
}

/// The compares the deployments in deploy order need: none for the baseline (the first), none
/// for a deployment that names its own commits, none for a redeploy of the previous sha.
fn needs(deployments: &[&Deployment]) -> Vec<Need> {
    let mut out = Vec::new();
    for (position, deployment) in deployments.iter().enumerate().skip(1) {
        if names_commits(deployment) {
            continue;
        }
        let head = deployment.sha.trim().to_ascii_lowercase();
        // A deployment that names no sha at all has nothing to compare.
        if head.is_empty() {
            continue;
        }
        if position
            .checked_sub(1)
            .and_then(|p| deployments.get(p))
            .is_some_and(|previous| previous.sha.eq_ignore_ascii_case(&head))
        {
            continue;
        }
        let mut bases: Vec<String> = Vec::new();
        for earlier in deployments.iter().take(position).rev() {
            let base = earlier.sha.trim().to_ascii_lowercase();
            if !base.is_empty() && base != head && !bases.contains(&base) {
                bases.push(base);
            }
            if bases.len() == MAX_BASES {
                break;
            }
        }
        if !bases.is_empty() {
            out.push(Need {
                position,
                head,
                bases,
            });
        }
    }
    out
}

/// What one fallback pass of a forge's sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fetch {
    /// Requests of compares sent (a pair is one; each further page is the HTTP layer's).
    pub compared: usize,
    /// Why the pass stopped early (a rate limit, a timeout): the rest is asked next sync.
    pub stopped: Option<String>,
}

/// Asks `forge` for every pair the service's deployments need and the store does not hold.
/// `events` is what the store holds with this sync's own events added. A failed request
/// stops the pass (the compares kept so far stay kept) and says why; it never fails the
/// forge's own sync.
pub(crate) async fn fetch(
    forge: &impl Forge,
    store: &dyn Store,
    scope: &str,
    service: &str,
    events: &EventSet,
    now: Timestamp,
) -> Result<Fetch, SourceError> {
    let deployments = at(events, &deploy_order(events, service));
    let mut done = Fetch::default();
    for need in needs(&deployments) {
        for base in &need.bases {
            match kept(store, scope, base, &need.head).map_err(crate::polled::store_error)? {
                Some(kept) if kept.commits.is_some() => break,
                Some(kept) if now - kept.fetched_at < RETRY_MISSING => continue,
                _ => {}
            }
            done.compared += 1;
            let answer = match forge.compare(base, &need.head).await {
                Ok(answer) => answer,
                Err(error) => {
                    tracing::warn!(scope, %service, %error, "compare fallback stopped");
                    done.stopped = Some(format!(
                        "the compares of {service}'s deployments stopped ({error}); the rest next sync"
                    ));
                    return Ok(done);
                }
            };
            let found = answer.is_some();
            let kept = match answer {
                Some(fetched) => StoredCompare {
                    commits: Some(fetched.commits),
                    status: fetched.status,
                    total_commits: fetched.total_commits,
                    fetched_at: now,
                },
                None => StoredCompare {
                    commits: None,
                    status: None,
                    total_commits: None,
                    fetched_at: now,
                },
            };
            store
                .put_compare(scope, base, &need.head, &kept)
                .map_err(crate::polled::store_error)?;
            if found {
                break;
            }
        }
    }
    Ok(done)
}

/// The fallback pass at the end of a forge's sync: [`fetch`] over what the store holds and
/// what this sync found (its own deployments take their place in the deploy order before
/// they are stored). Returns why the pass stopped early, for the status line.
pub(crate) async fn after_sync(
    forge: &impl Forge,
    round: &Round,
    scope: &str,
    service: &str,
    own: &EventSet,
) -> Result<Option<String>, SourceError> {
    let mut events = round.stored_events()?;
    let own_ids: HashSet<&str> = own.deployments.iter().map(|d| d.id.as_str()).collect();
    events
        .deployments
        .retain(|d| !own_ids.contains(d.id.as_str()));
    events.deployments.extend(own.deployments.iter().cloned());
    let done = fetch(forge, round.store(), scope, service, &events, round.now).await?;
    tracing::debug!(scope, %service, compared = done.compared, "compare fallback");
    Ok(done.stopped)
}

/// Why deployments of a service have no commits from the fallback yet.
#[derive(Debug, Default)]
struct Gaps {
    /// The forge could compare them with none of their bases.
    missing: Vec<(String, String)>,
    /// Not asked yet (the forge's next sync asks).
    waiting: Vec<String>,
    /// Listed in part: (id, listed, counted).
    cut: Vec<(String, usize, u64)>,
}

/// Gives every deployment naming only a sha of each fallback service the commits of its
/// stored compare, less the commits an earlier deployment of the service shipped (newest
/// first); returns what the status lines should say. Reads the store only.
pub fn apply(
    fallbacks: &[Fallback],
    store: &dyn Store,
    events: &mut EventSet,
) -> Result<Vec<ShippedNote>, StoreError> {
    let mut notes = Vec::new();
    for fallback in fallbacks {
        let order = deploy_order(events, &fallback.service);
        let deployments = at(events, &order);
        let needs = needs(&deployments);
        let id = |position: usize| {
            deployments
                .get(position)
                .map(|d| d.id.clone())
                .unwrap_or_default()
        };
        let mut gaps = Gaps::default();
        let mut found: Vec<(usize, Vec<Change>)> = Vec::new();
        for need in &needs {
            match first_found(store, &fallback.forge, need)? {
                Lookup::Found(compare) => {
                    let commits = compare.commits.unwrap_or_default();
                    if let Some(total) = compare.total_commits
                        && total > commits.len() as u64
                    {
                        gaps.cut.push((id(need.position), commits.len(), total));
                    }
                    found.push((need.position, commits));
                }
                Lookup::Missing => {
                    gaps.missing.push((id(need.position), need.head.clone()));
                }
                Lookup::Waiting => gaps.waiting.push(id(need.position)),
            }
        }
        ship(events, &order, found);
        notes.extend(gaps.notes(fallback));
    }
    Ok(notes)
}

enum Lookup {
    Found(StoredCompare),
    Missing,
    Waiting,
}

/// The stored compare of the nearest base the forge could compare; `Waiting` when a nearer
/// base has not been asked yet.
fn first_found(store: &dyn Store, scope: &str, need: &Need) -> Result<Lookup, StoreError> {
    for base in &need.bases {
        match kept(store, scope, base, &need.head)? {
            Some(kept) if kept.commits.is_some() => return Ok(Lookup::Found(kept)),
            Some(_) => continue,
            None => return Ok(Lookup::Waiting),
        }
    }
    Ok(Lookup::Missing)
}

/// The compare kept for a pair; one that cannot be read back is as good as none (it is asked
/// again and replaced), never a history that cannot be read.
fn kept(
    store: &dyn Store,
    scope: &str,
    base: &str,
    head: &str,
) -> Result<Option<StoredCompare>, StoreError> {
    match store.compare(scope, base, head) {
        Err(StoreError::Decode(detail)) => {
            tracing::warn!(scope, base, head, %detail, "a kept compare cannot be read; asked again");
            Ok(None)
        }
        other => other,
    }
}

/// Walks the service's deployments in deploy order (`order`: positions in
/// `events.deployments`), giving each compared one its commits less those shipped before.
fn ship(events: &mut EventSet, order: &[usize], mut found: Vec<(usize, Vec<Change>)>) {
    found.sort_by_key(|(position, _)| *position);
    let mut found = found.into_iter().peekable();
    let mut shipped: HashSet<String> = HashSet::new();
    for (position, &index) in order.iter().enumerate() {
        let Some(deployment) = events.deployments.get_mut(index) else {
            continue;
        };
        if let Some((_, commits)) = found.next_if(|(p, _)| *p == position) {
            deployment.changes = commits
                .into_iter()
                .filter(|c| !shipped.contains(&c.sha))
                .collect();
        }
        shipped.extend(deployment.changes.iter().map(|c| c.sha.clone()));
    }
}

impl Gaps {
    fn notes(self, fallback: &Fallback) -> Vec<ShippedNote> {
        let (service, forge) = (&fallback.service, &fallback.forge);
        let note = |text: String| ShippedNote {
            service: service.clone(),
            text,
        };
        let mut notes = Vec::new();
        if let Some((id, sha)) = self.missing.first() {
            notes.push(note(format!(
                "lead time unknown for {} deployment(s) of {service}: {forge} cannot compare their sha with an earlier deployment's (force-pushed away, or not pushed there?), e.g. {id} at {}",
                self.missing.len(),
                sha.get(..12).unwrap_or(sha),
            )));
        }
        if let Some(id) = self.waiting.first() {
            notes.push(note(format!(
                "{} deployment(s) of {service} wait for their commits from {forge}'s compare (e.g. {id}): its next sync asks",
                self.waiting.len()
            )));
        }
        if let Some((id, listed, total)) = self.cut.first() {
            notes.push(note(format!(
                "{} deployment(s) of {service} shipped more commits than {forge}'s compare lists (e.g. {id}: {listed} of {total}); their lead times count those listed",
                self.cut.len()
            )));
        }
        notes
    }
}

#[cfg(test)]
mod tests;
