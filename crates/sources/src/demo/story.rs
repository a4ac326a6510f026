//! The scripted part of the demo: the deployments, pull requests and incidents the story in
//! `mod.rs` is about. Everything here is data; the generator turns it into events.
//!
//! Days are working days back (see `calendar`): 0..=19 lie in the last 30 days, 22..=39 in the
//! 30 days before them, 40..=63 further back, ~68 is the baseline before the 90 days.

use super::calendar::Slot;

/// A pull request with a fixed title, shipped by a story deployment.
#[derive(Debug, Clone, Copy)]
pub(super) struct StoryPr {
    pub title: &'static str,
    /// The title of its (first) commit.
    pub commit: &'static str,
    pub branch: &'static str,
}

/// A scripted deployment. On its day the service has no routine deployment.
#[derive(Debug, Clone, Copy)]
pub(super) struct StoryDeploy {
    pub key: &'static str,
    pub service: &'static str,
    pub at: Slot,
    /// A pull request with a known title shipped by this deployment.
    pub pr: Option<StoryPr>,
    /// Whether routine pull requests ship alongside.
    pub routine_prs: bool,
    /// Redeploys the sha of the deployment with this key (a rollback; ships nothing).
    pub rollback_to: Option<&'static str>,
    /// Ships a direct `Revert "…"` commit of the story commit of the deployment with this key.
    pub reverts_commit_of: Option<&'static str>,
    /// Ships a `Revert "…"` pull request of the story pull request of the deployment with this key.
    pub reverts_pr_of: Option<&'static str>,
    /// The deployed ref, when it is not the tag (a hotfix branch).
    pub ref_name: Option<&'static str>,
    /// A failed deploy job of the same sha precedes the successful one.
    pub failed_attempt: bool,
    /// Starts a new minor version (x.y.0).
    pub minor_bump: bool,
}

const BASE: StoryDeploy = StoryDeploy {
    key: "",
    service: "",
    at: Slot::new(0, 0, 0),
    pr: None,
    routine_prs: true,
    rollback_to: None,
    reverts_commit_of: None,
    reverts_pr_of: None,
    ref_name: None,
    failed_attempt: false,
    minor_bump: false,
};

const fn pr(title: &'static str, branch: &'static str) -> Option<StoryPr> {
    Some(StoryPr {
        title,
        commit: title,
        branch,
    })
}

pub(super) const DEPLOYS: &[StoryDeploy] = &[
    // --- older than 60 days ---
    StoryDeploy {
        key: "web-images",
        service: "web",
        at: Slot::new(50, 10, 30),
        pr: pr(
            "Serve product images from the new CDN bucket",
            "feature/images-cdn-bucket",
        ),
        ..BASE
    },
    // --- the 30 days before the last 30 ---
    StoryDeploy {
        key: "api-failed-job-old",
        service: "api",
        at: Slot::new(38, 10, 15),
        failed_attempt: true,
        ..BASE
    },
    StoryDeploy {
        key: "gateway-good",
        service: "gateway",
        at: Slot::new(37, 11, 0),
        minor_bump: true,
        ..BASE
    },
    StoryDeploy {
        key: "billing-pdf",
        service: "billing",
        at: Slot::new(37, 15, 10),
        pr: pr(
            "Render invoice totals with the new PDF template",
            "feature/invoice-pdf-template",
        ),
        ..BASE
    },
    StoryDeploy {
        key: "gateway-bad",
        service: "gateway",
        at: Slot::new(36, 10, 30),
        pr: pr(
            "Normalize trailing slashes in route matching",
            "feature/route-trailing-slashes",
        ),
        routine_prs: false,
        ..BASE
    },
    StoryDeploy {
        key: "gateway-rollback",
        service: "gateway",
        at: Slot::new(36, 11, 20),
        routine_prs: false,
        rollback_to: Some("gateway-good"),
        ..BASE
    },
    StoryDeploy {
        key: "gateway-fix",
        service: "gateway",
        at: Slot::new(34, 11, 40),
        pr: pr("Fix /v2 route prefix matching", "fix/v2-route-prefix"),
        ..BASE
    },
    StoryDeploy {
        key: "search-release-old",
        service: "search",
        at: Slot::new(34, 15, 0),
        minor_bump: true,
        ..BASE
    },
    StoryDeploy {
        key: "billing-pdf-fix",
        service: "billing",
        at: Slot::new(32, 15, 30),
        pr: pr("Fix blank totals in invoice PDFs", "fix/invoice-pdf-totals"),
        ..BASE
    },
    StoryDeploy {
        key: "web-failed-job",
        service: "web",
        at: Slot::new(31, 11, 45),
        failed_attempt: true,
        ..BASE
    },
    StoryDeploy {
        key: "web-scroll",
        service: "web",
        at: Slot::new(30, 11, 0),
        pr: pr(
            "Add infinite scroll to category pages",
            "feature/infinite-scroll",
        ),
        ..BASE
    },
    StoryDeploy {
        key: "web-scroll-revert",
        service: "web",
        at: Slot::new(28, 16, 20),
        routine_prs: false,
        reverts_pr_of: Some("web-scroll"),
        ..BASE
    },
    StoryDeploy {
        key: "api-webhooks",
        service: "api",
        at: Slot::new(27, 9, 10),
        pr: pr(
            "Send payment webhooks from the outbox worker",
            "feature/webhooks-outbox",
        ),
        ..BASE
    },
    StoryDeploy {
        key: "api-webhooks-hotfix",
        service: "api",
        at: Slot::new(27, 11, 20),
        pr: Some(StoryPr {
            title: "Hotfix: cap webhook retry backoff",
            commit: "hotfix: cap webhook retry backoff at 5 minutes",
            branch: "hotfix/webhook-retry-backoff",
        }),
        routine_prs: false,
        ref_name: Some("hotfix/webhook-retry-backoff"),
        ..BASE
    },
    StoryDeploy {
        key: "web-cart",
        service: "web",
        at: Slot::new(24, 11, 15),
        pr: pr(
            "Show item count badge on the cart icon",
            "feature/cart-count-badge",
        ),
        ..BASE
    },
    // --- the last 30 days ---
    StoryDeploy {
        key: "web-breadcrumbs",
        service: "web",
        at: Slot::new(18, 15, 40),
        pr: Some(StoryPr {
            title: "Fix breadcrumb truncation for long category names",
            commit: "Handle multi-byte names like Caf\u{e9} in breadcrumbs",
            branch: "fix/breadcrumb-truncation",
        }),
        ..BASE
    },
    StoryDeploy {
        key: "gateway-failed-job",
        service: "gateway",
        at: Slot::new(17, 10, 40),
        failed_attempt: true,
        ..BASE
    },
    StoryDeploy {
        key: "search-release",
        service: "search",
        at: Slot::new(14, 15, 0),
        minor_bump: true,
        ..BASE
    },
    StoryDeploy {
        key: "api-3ds",
        service: "api",
        at: Slot::new(12, 11, 40),
        pr: pr(
            "Require billing address for 3DS challenges",
            "feature/3ds-billing-address",
        ),
        ..BASE
    },
    StoryDeploy {
        key: "api-3ds-hotfix",
        service: "api",
        at: Slot::new(12, 12, 25),
        pr: Some(StoryPr {
            title: "Hotfix: handle missing billing address in 3DS",
            commit: "hotfix: handle null billing address in 3DS challenge",
            branch: "hotfix/3ds-null-address",
        }),
        routine_prs: false,
        ref_name: Some("hotfix/3ds-null-address"),
        ..BASE
    },
    StoryDeploy {
        key: "billing-proration",
        service: "billing",
        at: Slot::new(12, 14, 50),
        pr: pr(
            "Prorate plan changes mid-cycle",
            "feature/mid-cycle-proration",
        ),
        minor_bump: true,
        ..BASE
    },
    StoryDeploy {
        key: "billing-revert",
        service: "billing",
        at: Slot::new(10, 11, 5),
        routine_prs: false,
        reverts_commit_of: Some("billing-proration"),
        ..BASE
    },
    StoryDeploy {
        key: "api-failed-job",
        service: "api",
        at: Slot::new(9, 10, 20),
        failed_attempt: true,
        ..BASE
    },
    StoryDeploy {
        key: "gateway-edge",
        service: "gateway",
        at: Slot::new(8, 13, 10),
        pr: pr(
            "Enable TLS session resumption at the edge",
            "feature/tls-session-resumption",
        ),
        ..BASE
    },
    StoryDeploy {
        key: "web-checkout",
        service: "web",
        at: Slot::new(0, 14, 40),
        pr: pr(
            "Switch checkout to the new payments SDK",
            "feature/checkout-payments-sdk",
        ),
        minor_bump: true,
        ..BASE
    },
];

/// Days on which a service must not deploy routinely (keeps attribution windows clean).
pub(super) const QUIET_DAYS: &[(&str, u32)] = &[("web", 8), ("web", 9)];

/// Staging deployments (not production): a release candidate of a story deployment, a day early.
pub(super) const STAGING: &[(&str, Slot)] = &[
    ("search-release-old", Slot::new(35, 16, 0)),
    ("search-release", Slot::new(15, 16, 0)),
];

/// Where an incident starts.
#[derive(Debug, Clone, Copy)]
pub(super) enum Start {
    Grid(Slot),
    /// Minutes before `now`.
    BeforeNow(i64),
}

/// A scripted incident. `{name}`, `{sha10}` and `{id}` in title and body are replaced by the
/// name, sha prefix and id of the story deployment `link` (the explicit-link cases).
#[derive(Debug, Clone, Copy)]
pub(super) struct StoryIncident {
    pub services: &'static [&'static str],
    pub severity: &'static str,
    pub title: &'static str,
    pub body: &'static str,
    pub link: Option<&'static str>,
    pub start: Start,
    /// Minutes to resolution; None while open.
    pub resolved_after: Option<i64>,
    /// Labels beyond team and severity: an alert's own, and how Alertmanager holds it back.
    pub labels: &'static [&'static str],
}

pub(super) const INCIDENTS: &[StoryIncident] = &[
    StoryIncident {
        services: &["billing"],
        severity: "sev2",
        title: "Payment provider webhooks rejected with 401",
        body: "The provider rotated the signing secret; updated the secret in the vault.",
        link: None,
        start: Start::Grid(Slot::new(70, 9, 40)),
        resolved_after: Some(95),
        labels: &[],
    },
    StoryIncident {
        services: &["web"],
        severity: "sev3",
        title: "Product images missing on category pages",
        body: "Some image URLs still pointed at the old bucket.",
        link: None,
        start: Start::Grid(Slot::new(50, 13, 30)),
        resolved_after: Some(50),
        labels: &[],
    },
    StoryIncident {
        services: &["search"],
        severity: "sev3",
        title: "Search index lagging behind catalog updates",
        body: "The nightly rebuild stalled on a lock; new products took up to two days to appear.",
        link: None,
        start: Start::Grid(Slot::new(58, 7, 50)),
        resolved_after: Some(51 * 60),
        labels: &[],
    },
    StoryIncident {
        services: &["gateway"],
        severity: "sev1",
        title: "502s on /v2 routes",
        body: "Requests to /v2/* return 502 from the gateway. Rolling back to the previous release.",
        link: None,
        start: Start::Grid(Slot::new(36, 10, 55)),
        resolved_after: Some(37),
        labels: &[],
    },
    StoryIncident {
        services: &["billing"],
        severity: "sev2",
        title: "Invoice PDFs show blank totals",
        body: "Customers report blank totals on new invoices. Bisected to {sha10}, the head of the \
               last billing release.",
        link: Some("billing-pdf"),
        start: Start::Grid(Slot::new(35, 14, 20)),
        resolved_after: Some(28 * 60),
        labels: &[],
    },
    StoryIncident {
        services: &["api"],
        severity: "sev2",
        title: "Payment webhooks retrying in a loop",
        body: "Merchants receive the same webhook many times. Hotfix going out from \
               hotfix/webhook-retry-backoff.",
        link: None,
        start: Start::Grid(Slot::new(27, 10, 5)),
        resolved_after: Some(100),
        labels: &[],
    },
    StoryIncident {
        services: &["web"],
        severity: "sev3",
        title: "Cart badge shows the wrong item count",
        body: "The badge counts removed items until the page is reloaded.",
        link: None,
        start: Start::Grid(Slot::new(24, 13, 20)),
        resolved_after: Some(250),
        labels: &[],
    },
    StoryIncident {
        services: &["search"],
        severity: "sev3",
        title: "Search results missing new arrivals",
        body: "Products added since this morning are not searchable. No search release in days; \
               the catalog feed is stuck.",
        link: None,
        start: Start::Grid(Slot::new(16, 9, 30)),
        resolved_after: Some(5 * 60),
        labels: &[],
    },
    StoryIncident {
        services: &["api"],
        severity: "sev1",
        title: "Card payments declined after {name}",
        body: "Decline rate for 3DS cards jumped right after the release.",
        link: Some("api-3ds"),
        start: Start::Grid(Slot::new(12, 11, 52)),
        resolved_after: Some(40),
        labels: &[],
    },
    StoryIncident {
        services: &["gateway", "web"],
        severity: "sev2",
        title: "TLS handshake failures at the edge",
        body: "Clients on older Android versions fail the TLS handshake.",
        link: None,
        start: Start::Grid(Slot::new(8, 14, 30)),
        resolved_after: Some(130),
        labels: &[],
    },
    StoryIncident {
        services: &["web"],
        severity: "sev2",
        title: "Checkout page intermittently returns 503",
        body: "Error rate on /checkout has been climbing since deployment:{id} went out; investigating.",
        link: Some("web-checkout"),
        start: Start::BeforeNow(134),
        resolved_after: None,
        labels: &[],
    },
    StoryIncident {
        services: &["search"],
        severity: "sev3",
        title: "SearchDiskAlmostFull (instance=search-2)",
        body: "Disk usage on search-2 is above 85%. Index compaction is scheduled for tonight; \
               the alert is silenced until then.",
        link: None,
        start: Start::BeforeNow(41),
        resolved_after: None,
        labels: &[
            "alertname=SearchDiskAlmostFull",
            "instance=search-2",
            "alertmanager=suppressed",
            "silenced_by=7c1e5a52-3f0d-4b8e-9d61-2a4f0c9b8e13",
        ],
    },
];

/// Where a pull request that no deployment ships stands.
#[derive(Debug, Clone, Copy)]
pub(super) enum PrState {
    Open,
    ClosedUnmerged(Slot),
    /// Merged after the service's last deployment: waiting to be deployed.
    MergedUndeployed(Slot),
}

/// A pull request that no deployment ships (yet).
#[derive(Debug, Clone, Copy)]
pub(super) struct LoosePr {
    pub service: &'static str,
    pub title: &'static str,
    pub branch: Option<&'static str>,
    /// Index into the team's cast.
    pub author: usize,
    pub created: Start,
    pub first_review: Option<Slot>,
    pub state: PrState,
}

pub(super) const LOOSE_PRS: &[LoosePr] = &[
    LoosePr {
        service: "billing",
        title: "Migrate invoice numbering to per-entity sequences",
        branch: None,
        author: 2,
        created: Start::Grid(Slot::new(44, 10, 10)),
        first_review: Some(Slot::new(42, 15, 0)),
        state: PrState::Open,
    },
    LoosePr {
        service: "web",
        title: "Experiment: server-side render the product grid",
        branch: Some("experiment/ssr-product-grid"),
        author: 3,
        created: Start::Grid(Slot::new(38, 11, 0)),
        first_review: Some(Slot::new(37, 9, 40)),
        state: PrState::ClosedUnmerged(Slot::new(33, 17, 0)),
    },
    LoosePr {
        service: "gateway",
        title: "Add per-tenant rate limit overrides",
        branch: None,
        author: 1,
        created: Start::Grid(Slot::new(13, 9, 50)),
        first_review: Some(Slot::new(12, 16, 30)),
        state: PrState::Open,
    },
    LoosePr {
        service: "api",
        title: "WIP: async idempotency store",
        branch: Some("wip/async-idempotency-store"),
        author: 3,
        created: Start::Grid(Slot::new(11, 14, 0)),
        first_review: None,
        state: PrState::ClosedUnmerged(Slot::new(8, 10, 30)),
    },
    LoosePr {
        service: "web",
        title: "Lazy-load the recommendation carousel",
        branch: None,
        author: 2,
        created: Start::Grid(Slot::new(6, 13, 45)),
        first_review: None,
        state: PrState::Open,
    },
    LoosePr {
        service: "api",
        title: "Add idempotency keys to the refund endpoint",
        branch: None,
        author: 0,
        created: Start::Grid(Slot::new(2, 10, 20)),
        first_review: Some(Slot::new(1, 11, 0)),
        state: PrState::Open,
    },
    LoosePr {
        service: "api",
        title: "Tune connection pool size for the ledger database",
        branch: None,
        author: 1,
        created: Start::Grid(Slot::new(0, 15, 5)),
        first_review: Some(Slot::new(0, 16, 40)),
        state: PrState::MergedUndeployed(Slot::new(0, 17, 50)),
    },
    LoosePr {
        service: "search",
        title: "Boost exact SKU matches in ranking",
        branch: None,
        author: 1,
        created: Start::Grid(Slot::new(0, 16, 10)),
        first_review: None,
        state: PrState::Open,
    },
    LoosePr {
        service: "web",
        title: "Hotfix: pin the payments SDK to the previous version",
        branch: Some("hotfix/pin-payments-sdk"),
        author: 0,
        created: Start::BeforeNow(52),
        first_review: None,
        state: PrState::Open,
    },
    LoosePr {
        service: "api",
        title: "Retry ledger writes with jitter",
        branch: None,
        author: 2,
        created: Start::BeforeNow(35),
        first_review: None,
        state: PrState::Open,
    },
];

/// Nightly scheduled `ci.yml` runs on main of this service, with their scripted outcomes.
pub(super) const NIGHTLY_SERVICE: &str = "gateway";

/// Days whose nightly run did not succeed, and how it ended.
pub(super) const NIGHTLY_OUTCOMES: &[(u32, NightlyOutcome)] = &[
    (5, NightlyOutcome::Failure),
    (6, NightlyOutcome::Cancelled),
    (11, NightlyOutcome::TimedOut),
    (14, NightlyOutcome::Failure),
    (26, NightlyOutcome::Cancelled),
    (30, NightlyOutcome::Failure),
    (33, NightlyOutcome::TimedOut),
    (37, NightlyOutcome::StartupFailure),
    (47, NightlyOutcome::TimedOut),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NightlyOutcome {
    Failure,
    Cancelled,
    TimedOut,
    StartupFailure,
}
