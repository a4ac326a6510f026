//! The sources and their HTTP layer against local servers (wiremock look-alikes of GitHub,
//! GitLab, PagerDuty and Opsgenie; real Prometheus and Alertmanager; git repositories built with
//! the git command line), in process and through the binary.
//!
//! One of the few test binaries (tests/support/mod.rs says why they are few); run one module
//! with `cargo test --test sources MODULE::`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![recursion_limit = "256"]

#[path = "../support/mod.rs"]
mod support;

mod argocd;
mod buildkite;
mod ci_binary;
mod ci_faults;
mod ci_figures;
mod ci_lead_time;
mod circleci;
mod compare_fallback;
mod credential_scope;
mod events;
mod git;
mod github;
mod github_hooks;
mod gitlab;
mod http_layer;
mod jenkins;
mod opsgenie;
mod pagerduty;
mod panel_requests;
mod panels;
mod poller_faults;
mod prometheus;
mod resume;
mod shipped;
mod webhook_post;
