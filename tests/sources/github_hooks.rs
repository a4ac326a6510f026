//! A GitHub webhook delivery and the source's poll of the same item store one event
//! (docs/EVENTS.md#webhooks): the delivery is translated by the source's own translation under
//! the poll's id, and the next poll, even by a fresh process whose index is read from the
//! store, completes it with the commits its compare finds.

use crate::support::github_fixture as fx;
use crate::support::github_payloads::sha;

use std::path::Path;

use flowdeck::events::EventKey;
use flowdeck::model::{DeploymentStatus, Timestamp};
use flowdeck::sources::github::GithubSource;
use flowdeck::sources::hooks::{Hooks, Translated};
use flowdeck::store::{Store, StoredStatus};
use serde_json::json;

#[tokio::test]
async fn a_delivery_and_the_next_poll_of_the_same_deployment_store_one_event() {
    let (server, store, source) = super::github::repository().await;
    super::github::sync(&source, &store).await;
    fx::mount_new_deployment(&server).await;
    let base = server.uri();

    // GitHub delivers deployment 108's success before the next poll.
    let statuses = fx::statuses(&base, 108);
    let body = json!({
        "action": "created",
        "deployment_status": statuses[0],
        "deployment": fx::d(&base, 108),
        "repository": {"id": 1296269, "full_name": "acme/api", "name": "api", "private": false},
        "sender": {"login": "github-actions[bot]", "id": 41898282, "type": "Bot"}
    });
    let config = flowdeck::config::parse(
        &format!(
            "[[sources]]\nkind = \"github\"\nservice = \"api\"\nrepo = \"acme/api\"\nbase_url = {base:?}\ndeploy_environments = [\"production\", \"prod\"]\n"
        ),
        Path::new("/nonexistent/flowdeck.toml"),
    )
    .unwrap();
    let hooks = Hooks::from_config(&config);
    let reader = store.clone();
    let mut lookup = |keys: &[EventKey]| reader.events_with_keys(keys);
    let translated = hooks
        .github(
            "deployment_status",
            &serde_json::to_vec(&body).unwrap(),
            fx::now(),
            &mut lookup,
        )
        .unwrap();
    let Translated::Events(events) = translated else {
        panic!("{translated:?}")
    };
    let hooked = events.deployments[0].clone();
    assert_eq!(hooked.id, "github:acme/api:108");
    assert_eq!(hooked.status, DeploymentStatus::Success);
    assert_eq!(
        hooked.finished_at,
        "2026-03-30T12:00:00Z".parse::<Timestamp>().unwrap()
    );
    assert!(hooked.changes.is_empty(), "a delivery names no commits");
    let status = StoredStatus {
        name: "hook:github".into(),
        kind: "hook".into(),
        status: "ok".into(),
        last_success_at: None,
        error: None,
        covers_from: None,
        next_retry_at: None,
    };
    store
        .commit_sync("hook:github", &events, &[], &status)
        .unwrap();

    // A fresh process polls: its index, read from the store, holds 108 as final without
    // commits, which is compared all the same.
    let fresh = GithubSource::new(&fx::config(&base), super::github::http(&store)).unwrap();
    super::github::sync(&fresh, &store).await;
    let stored = store.load().unwrap();
    let ours: Vec<_> = stored
        .deployments
        .iter()
        .filter(|d| d.id == "github:acme/api:108")
        .collect();
    assert_eq!(ours.len(), 1, "one event");
    let polled = ours[0].clone();
    let shas: Vec<&str> = polled.changes.iter().map(|c| c.sha.as_str()).collect();
    assert_eq!(shas, [sha("c9").as_str()]);
    // Everything but the commits is what the delivery stored.
    let mut without_commits = polled.clone();
    without_commits.changes.clear();
    assert_eq!(without_commits, hooked);
}
