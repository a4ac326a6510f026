//! Built-in, deterministic demo data: `flowdeck --demo`, screenshots and golden tests.
//!
//! [`generate`] returns the history of "acme", five services in three teams, as seen at `now`.
//! It is a pure function of `now` (fixed seeds, no I/O, a few milliseconds). Every id, name,
//! pull request number and incident number below is the same for any `now`; only dates move.
//!
//! # How time is laid out
//!
//! History is written on a grid of *working days back* from `now` (day 0 is the last weekday
//! before today's UTC date), so weekends stay quiet whatever weekday `now` is, and people write,
//! review and merge code in office hours (08:00-19:00 UTC). Moving `now` by whole weeks moves
//! every timestamp by exactly as much; moving it by anything else re-aligns the weekday rhythm.
//! A few things are placed relative to `now` itself, at most five hours back: the open
//! incident, two fresh pull requests, and the pipelines running right now.
//! Days 0..=19 lie in the last 30 days, 22..=39 in the 30 days before them (so every measure
//! has a trend), routine history reaches day 62 (inside 90 days), and each service's first
//! deployment, a baseline with a handful of changes, sits at day 68 or 69 (~95 days back).
//! Dates in brackets below are for `now` = Wednesday 2025-06-11T14:30:00Z.
//!
//! # The services
//!
//! | service | team | cadence | what its numbers show |
//! |---|---|---|---|
//! | api | payments | every weekday, 1-3 times | elite: ~30 deploys a window, lead time under a day, 1 failure (~3%), recovery under an hour |
//! | billing | payments | weekly | the troubled one: ~20-25% of deployments fail, recovery takes days |
//! | web | storefront | every other day or so | high; failure rate 20% -> 9% (improving), its last release is failing now |
//! | search | storefront | every second week | medium frequency, lead time of days, never fails |
//! | gateway | platform | weekly plus extras | high; the rollback lives here |
//!
//! Deployments are `demo:<service>:<tag>` (tag `vX.Y.Z`, environment `production`), with
//! release URLs `https://git.example.com/acme/<service>/releases/tag/<tag>`. Failed deploy jobs
//! are `demo:<service>:<tag>:attempt-1` (status failure, same sha, no changes) followed by the
//! successful retry: `api:v2.22.0` and `web:v4.5.6` (previous window), `gateway:v1.11.5` and
//! `api:v2.29.8` (last window). Release candidates went to staging (production false) a day
//! before `search:v0.12.0` and `search:v0.14.0` (`demo:search:v0.12.0-rc.1`, `...v0.14.0-rc.1`).
//!
//! # The failures (one per rule of docs/METRICS.md#change-failure-rate, in both windows)
//!
//! Previous window (30-60 days back):
//! - **Rollback (c)**: `demo:gateway:v1.8.0` (day 37 [Fri 04-18]), `demo:gateway:v1.8.1` (day
//!   36 10:30, bad: 502s on /v2, incident `demo:INC-2047` sev1 at 10:55), then
//!   `demo:gateway:v1.8.2` at 11:20 redeploys v1.8.0's sha with no changes. v1.8.1 fails by
//!   rollback and by time window; it recovers at the rollback (50 min). The fix ships in
//!   `gateway:v1.9.0` (PR gateway#571).
//! - **Explicit link by sha (a)**: `demo:INC-2048` "Invoice PDFs show blank totals" (sev2, two
//!   working days after the deploy, 28 h to resolve) names the first 10 hex digits of
//!   `demo:billing:v0.22.4`'s sha in its body. Outside any 24 h window: only the link finds it.
//! - **Revert pull request (d)**: web#2272 `Revert "Add infinite scroll to category pages"`
//!   (`reverts_pr` = 2254, branch `revert-2254-feature/infinite-scroll`) ships in
//!   `demo:web:v4.6.1` and fails `demo:web:v4.5.7`, which shipped web#2254. No incident.
//! - **Time window (b) plus a hotfix during an incident**: `demo:api:v2.25.1` (day 27 09:10)
//!   ships api#1522; `demo:INC-2050` "Payment webhooks retrying in a loop" starts 10:05; the
//!   hotfix `demo:api:v2.25.2` (ref `hotfix/webhook-retry-backoff`, change
//!   `hotfix: cap webhook retry backoff at 5 minutes`, PR api#1526) goes out at 11:20 while the
//!   incident is open (rework); resolved 11:45.
//! - **Time window (b)**: `demo:INC-2053` (web, sev3) 2 h after `demo:web:v4.6.3`.
//!
//! Last 30 days:
//! - **Explicit link by tag (a)**: `demo:INC-2056` "Card payments declined after v2.29.4" (sev1,
//!   12 min after `demo:api:v2.29.4`); hotfix `demo:api:v2.29.5` (ref `hotfix/3ds-null-address`,
//!   change `hotfix: handle null billing address in 3DS challenge`) ships while it is open;
//!   resolved 52 min after the bad deploy.
//! - **Revert commit (d)**: `demo:billing:v0.25.0` (day 12) ships billing#363 "Prorate plan
//!   changes mid-cycle"; `demo:billing:v0.25.1` (day 10) ships only a direct commit
//!   `Revert "Prorate plan changes mid-cycle"` whose `reverts` is that commit's sha.
//! - **Time window (b), two services**: `demo:INC-2059` "TLS handshake failures at the edge"
//!   (gateway + web) starts 80 min after `demo:gateway:v1.13.1`; web has not deployed for more
//!   than a day, so only the gateway deployment fails.
//! - **Still failing now (explicit link by id (a))**: `demo:web:v4.9.0` (day 0, 14:40) switched
//!   checkout to a new SDK; `demo:INC-2060` "Checkout page intermittently returns 503" (sev2),
//!   the loud open incident, started 2 h 14 min before `now` and says
//!   `deployment:demo:web:v4.9.0` in its body. Unrecovered, ticking. The fix is an open PR
//!   (web#2317, branch `hotfix/pin-payments-sdk`) whose CI run is in progress.
//!
//! Older than 60 days, `demo:INC-2044` (web, 3 h after `demo:web:v4.4.0`) fails that deployment
//! by time window. Attributed to nothing: `demo:INC-2041` (billing, before billing's first
//! deployment), `demo:INC-2042` (search, older than 60 days) and `demo:INC-2054` (search, last
//! window), both days after search's last release, and `demo:INC-2062`
//! "SearchDiskAlmostFull (instance=search-2)" (search, sev3, open since 41 min before `now`),
//! an alert Alertmanager silences (labels `alertmanager=suppressed`, `silenced_by=…`, as the
//! Prometheus source writes them): the dashboard marks it "(silenced)". That makes 12
//! incidents, sev1 to sev3, resolved in 37 minutes to two days, two of them open.
//! Rework: `api:v2.25.2`, `gateway:v1.8.2`, `web:v4.6.1` (previous window); `api:v2.29.5`,
//! `billing:v0.25.1` (last window).
//!
//! # Pull requests and CI
//!
//! Every shipped pull request has 1-4 commits and a merge commit
//! (`Merge pull request #N from acme/<branch>`); `dependabot[bot]` bumps dependencies. Open at
//! `now`: billing#340 (two months old, reviewed, also open a month ago), gateway#599, web#2311
//! (never reviewed), api#1614, search#130, and two opened in the last hour (web#2317, api#1632).
//! Closed unmerged: web#2237, api#1580. Merged but not deployed yet: api#1631.
//! The only non-ASCII text is one commit title in `web:v4.6.5`,
//! `"Handle multi-byte names like Caf\u{e9} in breadcrumbs"` (an e with an acute accent).
//! CI: `ci.yml` on every push and on main after each merge, `deploy.yml` per deploy job, and a
//! nightly `ci.yml` on gateway's main with scripted failures, cancellations, time-outs (days 11,
//! 33, 47) and one startup failure; re-runs show as attempt 2. At `now` a web run is in progress
//! and a gateway run is queued.

mod calendar;
mod catalog;
mod ci;
mod incidents;
mod numbering;
mod plan;
mod pulls;
mod random;
mod ship;
mod story;
#[cfg(test)]
mod tests;

use flowdeck_core::model::{EventSet, Service, Timestamp};

/// How many days back the demo history is complete (each service's baseline sits ~95 days back).
pub(crate) const HISTORY_DAYS: i64 = 90;

/// The demo company's services and their teams.
pub(crate) const DEMO_SERVICES: &[(&str, &str)] = &[
    ("api", "payments"),
    ("billing", "payments"),
    ("web", "storefront"),
    ("search", "storefront"),
    ("gateway", "platform"),
];

/// The demo history as seen at `now`: ~95 days of deployments, pull requests, pipeline runs and
/// incidents of the five `DEMO_SERVICES`, every timestamp at or before `now`. Deterministic:
/// the same `now` gives the same events; no I/O. See the module docs for the story.
pub fn generate(now: Timestamp) -> EventSet {
    let grid = calendar::Grid::new(now);
    let mut shipped = ship::ship(&grid);
    for spec in story::LOOSE_PRS {
        if let Some((service, profile)) = catalog::profile(spec.service) {
            shipped
                .drafts
                .push(pulls::loose(&grid, service, profile, spec));
        }
    }
    numbering::number(&mut shipped);
    let pipeline_runs = ci::runs(&grid, &shipped);
    let incidents = incidents::incidents(&grid, &shipped);

    let mut deployments = shipped.deployments;
    deployments.sort_by(|a, b| (a.finished_at, &a.id).cmp(&(b.finished_at, &b.id)));
    let mut pull_requests: Vec<_> = shipped.drafts.into_iter().map(|d| d.pr).collect();
    pull_requests.sort_by(|a, b| {
        (a.created_at, &a.service, a.number).cmp(&(b.created_at, &b.service, b.number))
    });
    EventSet {
        services: DEMO_SERVICES
            .iter()
            .map(|(name, team)| Service {
                name: name.to_string(),
                team: Some(team.to_string()),
            })
            .collect(),
        deployments,
        pull_requests,
        pipeline_runs,
        incidents,
    }
}
