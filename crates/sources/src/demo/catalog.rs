//! The cast of the demo company "acme": its services, people, habits and the words they use.

/// How often a service deploys when nothing special happens, on the working-day grid.
#[derive(Debug, Clone, Copy)]
pub(super) enum Cadence {
    /// Every working day, one to three times.
    Daily,
    /// On days where `day % period == phase`, plus extra days with probability `extra`.
    Every { period: u32, phase: u32, extra: f64 },
    /// Any working day with probability `p`.
    Coin { p: f64 },
}

/// A dependency bump as dependabot titles it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Bump {
    pub ecosystem: &'static str,
    pub package: &'static str,
    pub from: &'static str,
    pub to: &'static str,
}

/// Everything the generator needs to know about one service.
#[derive(Debug)]
pub(super) struct Profile {
    pub name: &'static str,
    pub team: &'static str,
    /// Version of the baseline deployment (~96 days back).
    pub version: (u32, u32, u32),
    pub cadence: Cadence,
    /// Office-hour window for routine deploys, as (first, last) minute of the day UTC.
    pub deploy_hours: (u32, u32),
    /// Routine pull requests per deployment (inclusive range) and the chance of a dependabot one.
    pub prs_per_deploy: (i64, i64),
    pub bot_chance: f64,
    /// How far back (office minutes: 660 a working day) merges shipped by one deployment reach.
    pub merge_span: i64,
    /// Medians (hours) of the coding, pickup and review parts of a pull request.
    pub coding_hours: f64,
    pub pickup_hours: f64,
    pub review_hours: f64,
    /// First pull request number in the repository's window of history.
    pub pr_base: u64,
    pub cast: &'static [&'static str],
    pub titles: &'static [&'static str],
    pub bumps: &'static [Bump],
}

impl Profile {
    pub(super) fn repo_url(&self) -> String {
        format!("https://git.example.com/acme/{}", self.name)
    }
}

pub(super) const BOT: &str = "dependabot[bot]";

const PAYMENTS: &[&str] = &["priya-raman", "jonas-becker", "amara-okafor", "li-wei"];
const STOREFRONT: &[&str] = &[
    "lucia-fernandez",
    "tom-whitaker",
    "mei-chen",
    "oskar-nilsson",
];
const PLATFORM: &[&str] = &["sven-olsen", "dana-brooks", "raj-patel"];

/// Follow-up commits inside a pull request.
pub(super) const FOLLOW_UPS: &[&str] = &[
    "Address review comments",
    "Add tests",
    "Fix failing test",
    "Update docs",
    "Rename helper for clarity",
    "Handle empty input",
    "Fix lint warnings",
    "Simplify error handling",
];

const GO_BUMPS: &[Bump] = &[
    Bump {
        ecosystem: "go_modules",
        package: "golang.org/x/net",
        from: "0.23.0",
        to: "0.24.0",
    },
    Bump {
        ecosystem: "go_modules",
        package: "github.com/stretchr/testify",
        from: "1.8.4",
        to: "1.9.0",
    },
    Bump {
        ecosystem: "go_modules",
        package: "google.golang.org/grpc",
        from: "1.62.1",
        to: "1.63.2",
    },
    Bump {
        ecosystem: "go_modules",
        package: "github.com/prometheus/client_golang",
        from: "1.19.0",
        to: "1.19.1",
    },
];

const RUBY_BUMPS: &[Bump] = &[
    Bump {
        ecosystem: "bundler",
        package: "nokogiri",
        from: "1.16.2",
        to: "1.16.5",
    },
    Bump {
        ecosystem: "bundler",
        package: "rack",
        from: "3.0.9",
        to: "3.0.11",
    },
    Bump {
        ecosystem: "bundler",
        package: "sidekiq",
        from: "7.2.2",
        to: "7.2.4",
    },
];

const NPM_BUMPS: &[Bump] = &[
    Bump {
        ecosystem: "npm_and_yarn",
        package: "react-dom",
        from: "18.2.0",
        to: "18.3.1",
    },
    Bump {
        ecosystem: "npm_and_yarn",
        package: "vite",
        from: "5.2.8",
        to: "5.2.11",
    },
    Bump {
        ecosystem: "npm_and_yarn",
        package: "@testing-library/react",
        from: "14.3.0",
        to: "14.3.1",
    },
    Bump {
        ecosystem: "npm_and_yarn",
        package: "postcss",
        from: "8.4.35",
        to: "8.4.38",
    },
];

const GRADLE_BUMPS: &[Bump] = &[
    Bump {
        ecosystem: "gradle",
        package: "com.fasterxml.jackson.core:jackson-databind",
        from: "2.16.1",
        to: "2.17.0",
    },
    Bump {
        ecosystem: "gradle",
        package: "org.apache.lucene:lucene-core",
        from: "9.9.2",
        to: "9.10.0",
    },
];

pub(super) const PROFILES: &[Profile] = &[
    Profile {
        name: "api",
        team: "payments",
        version: (2, 10, 3),
        cadence: Cadence::Daily,
        deploy_hours: (9 * 60, 17 * 60 + 30),
        prs_per_deploy: (1, 2),
        bot_chance: 0.08,
        merge_span: 300,
        coding_hours: 1.2,
        pickup_hours: 0.4,
        review_hours: 0.6,
        pr_base: 1412,
        cast: PAYMENTS,
        titles: &[
            "Validate currency codes on payment intents",
            "Return 409 on duplicate capture requests",
            "Add tracing spans to the ledger client",
            "Retry card network timeouts once",
            "Expose settlement status in payment details",
            "Paginate the list transactions endpoint",
            "Reject expired cards before authorization",
            "Cache merchant config for 60 seconds",
            "Move webhook signing to a shared helper",
            "Log decline codes with request ids",
            "Support partial refunds on split payments",
            "Tighten input validation for amounts",
            "Add metrics for authorization latency",
            "Deduplicate webhook deliveries by event id",
            "Handle network tokens in card vault lookups",
            "Add OpenAPI examples for refunds",
            "Speed up payment search with a composite index",
            "Return clearer errors for blocked merchants",
            "Drop the legacy charge endpoint",
            "Record 3DS outcome on the payment",
            "Fix rounding of zero-decimal currencies",
            "Add health check for the fraud scoring client",
            "Make capture window configurable per merchant",
            "Clean up unused feature flags",
        ],
        bumps: GO_BUMPS,
    },
    Profile {
        name: "billing",
        team: "payments",
        version: (0, 21, 0),
        cadence: Cadence::Every {
            period: 5,
            phase: 2,
            extra: 0.0,
        },
        deploy_hours: (14 * 60, 16 * 60 + 30),
        prs_per_deploy: (1, 3),
        bot_chance: 0.2,
        merge_span: 3 * 660,
        coding_hours: 7.0,
        pickup_hours: 3.0,
        review_hours: 4.0,
        pr_base: 318,
        cast: PAYMENTS,
        titles: &[
            "Show tax breakdown on invoice lines",
            "Send dunning emails on day 3 and day 7",
            "Add credit notes for cancelled seats",
            "Store billing address history",
            "Fix off-by-one in trial end dates",
            "Export invoices as CSV",
            "Sync subscription status from the payments API",
            "Retry failed charges with backoff",
            "Add coupon expiry checks",
            "Support annual plans in the plan picker API",
            "Round usage charges per line, not per invoice",
            "Lock invoices once finalized",
            "Add audit log entries for plan changes",
            "Handle VAT reverse charge for EU customers",
            "Speed up the monthly invoice run",
            "Backfill missing customer tax ids",
        ],
        bumps: RUBY_BUMPS,
    },
    Profile {
        name: "web",
        team: "storefront",
        version: (4, 2, 0),
        cadence: Cadence::Coin { p: 0.5 },
        deploy_hours: (10 * 60, 17 * 60),
        prs_per_deploy: (1, 2),
        bot_chance: 0.15,
        merge_span: 2 * 660,
        coding_hours: 4.0,
        pickup_hours: 1.5,
        review_hours: 2.0,
        pr_base: 2207,
        cast: STOREFRONT,
        titles: &[
            "Show delivery estimate on product page",
            "Fix focus trap in the cart drawer",
            "Add skeleton loaders to search results",
            "Compress hero images with AVIF",
            "Remember last used payment method",
            "Move checkout steps into a single page",
            "Fix layout shift in the header",
            "Add wishlist button to product cards",
            "Translate order status labels",
            "Improve contrast of disabled buttons",
            "Prefetch product pages on hover",
            "Show stock level badges",
            "Track add-to-cart events",
            "Fix double submit on the address form",
            "Split vendor bundle to cut load time",
            "Add breadcrumbs to category pages",
            "Validate postcodes as you type",
            "Show saved addresses first",
            "Replace moment with date-fns",
            "Fix price formatting for Swiss francs",
        ],
        bumps: NPM_BUMPS,
    },
    Profile {
        name: "search",
        team: "storefront",
        version: (0, 11, 0),
        cadence: Cadence::Every {
            period: 10,
            phase: 4,
            extra: 0.0,
        },
        deploy_hours: (15 * 60, 16 * 60),
        prs_per_deploy: (2, 3),
        bot_chance: 0.3,
        merge_span: 2 * 660,
        coding_hours: 8.0,
        pickup_hours: 4.0,
        review_hours: 5.0,
        pr_base: 96,
        cast: STOREFRONT,
        titles: &[
            "Add synonyms for common product terms",
            "Reindex only changed products",
            "Tune fuzzy matching for short queries",
            "Add facet counts for brands",
            "Log zero-result queries",
            "Speed up autocomplete with a prefix index",
            "Boost in-stock items in ranking",
            "Handle plural forms in German queries",
            "Add typo tolerance settings per locale",
            "Expose search latency histogram",
        ],
        bumps: GRADLE_BUMPS,
    },
    Profile {
        name: "gateway",
        team: "platform",
        version: (1, 4, 1),
        cadence: Cadence::Every {
            period: 5,
            phase: 4,
            extra: 0.12,
        },
        deploy_hours: (10 * 60, 12 * 60),
        prs_per_deploy: (1, 3),
        bot_chance: 0.15,
        merge_span: 3 * 660,
        coding_hours: 6.0,
        pickup_hours: 2.0,
        review_hours: 3.0,
        pr_base: 527,
        cast: PLATFORM,
        titles: &[
            "Add request id header to upstream calls",
            "Rotate TLS certificates without restart",
            "Rate limit login attempts per IP",
            "Add circuit breaker for the search upstream",
            "Strip hop-by-hop headers",
            "Expose upstream latency metrics",
            "Support gRPC health checks",
            "Move route config to YAML",
            "Add canary routing by header",
            "Reject oversized request bodies early",
            "Cache JWKS keys for five minutes",
            "Log slow upstream responses",
        ],
        bumps: GO_BUMPS,
    },
];

/// The profile of a service by name.
pub(super) fn profile(name: &str) -> Option<(usize, &'static Profile)> {
    PROFILES.iter().enumerate().find(|(_, p)| p.name == name)
}

/// A branch name from a title: `author-initial/first-words-of-title`.
pub(super) fn branch_for(title: &str) -> String {
    let words: Vec<String> = title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(5)
        .map(str::to_ascii_lowercase)
        .collect();
    format!("feature/{}", words.join("-"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_match_the_public_service_list() {
        let names: Vec<(&str, &str)> = PROFILES.iter().map(|p| (p.name, p.team)).collect();
        assert_eq!(names, super::super::DEMO_SERVICES);
    }

    #[test]
    fn branch_names_are_slugs() {
        assert_eq!(
            branch_for("Return 409 on duplicate capture requests"),
            "feature/return-409-on-duplicate-capture"
        );
    }
}
