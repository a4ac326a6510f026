//! What the test binaries share: look-alike servers, fixtures, harnesses and real servers
//! started for a test. Every binary (tests/{sources,stores,cli,ui,e2e}/main.rs) includes this
//! module once, as `mod support;`, and its tests `use crate::support::...`.
//!
//! The tests are a few binaries, each a tree of modules (tests/<binary>/main.rs and its
//! neighbours), rather than one binary per file: every test binary links the whole crate and
//! its dependencies, and linking dozens of them was much of CI's time.
//!
//! A binary uses only part of this module, hence the `dead_code` allowance below.
//! benches/store.rs and benches/render.rs include postgres_server.rs and headless.rs on their
//! own (`#[path]`), so those two files keep their own allowances and use no sibling.

#![allow(dead_code)]

pub mod argocd_server;
pub mod buildkite_server;
pub mod child_test;
pub mod circleci_server;
pub mod demo_panels;
pub mod forge_history;
pub mod github_fixture;
pub mod github_generated;
pub mod github_payloads;
pub mod github_server;
pub mod github_store;
pub mod gitlab_fixture;
pub mod gitlab_payloads;
pub mod gitlab_server;
pub mod gitlab_store;
pub mod gitrepo;
pub mod headless;
pub mod http_harness;
pub mod jenkins_server;
pub mod leaked;
pub mod notify_fixture;
pub mod opsgenie_server;
pub mod pagerduty_server;
pub mod postgres_server;
pub mod prometheus_server;
pub mod reports;
pub mod store_sample;
pub mod tmux;
