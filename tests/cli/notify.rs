//! `[[notify]]` in `flowdeck collect`: a command that records what it receives gets exactly
//! one event per transition, across restarts (what was sent is kept in the store), and nothing
//! old on a first run. Prints the latency from the sync's commit to the command's start.

use crate::headless::Home;
use crate::support::notify_fixture::{
    self, received as received_by, three_releases, webhook_server,
};

use serde_json::Value;

fn config(clone: &std::path::Path, recorder: &str) -> String {
    notify_fixture::config(
        clone,
        &format!(
            "[[notify]]\non = [\"deployment_failed\"]\ncommand = [\"sh\", \"-c\", \"cat >> {recorder}\"]\n"
        ),
    )
}

fn received(path: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[test]
fn a_recording_command_gets_one_event_per_transition_across_restarts() {
    let (repo, second) = three_releases("2026-03-05T06:00:00Z");

    let home = Home::new();
    let recorder = home.path().join("received.jsonl");
    let config = home.write(
        "collect.toml",
        &config(repo.path(), &recorder.display().to_string()),
    );
    let run = |now: &str| {
        let mut collector = home.collect_at(&config, now);
        collector.wait_for_sync("git:api");
        let (code, lines) = collector.terminate();
        assert_eq!(code, Some(0), "{}", lines.join("\n"));
        lines
    };

    // A first run on a new store announces nothing old.
    run("2026-03-05T08:00:00Z");
    assert!(received(&recorder).is_empty());

    // v1.2.1 rolls back to v1.1.0: v1.2.0 failed.
    repo.tag_annotated("v1.2.1", &second, "2026-03-05T10:00:00Z");
    let lines = run("2026-03-05T12:00:00Z");
    let events = received(&recorder);
    assert_eq!(events.len(), 1, "{events:?}\n{}", lines.join("\n"));
    assert_eq!(events[0]["kind"], "deployment_failed");
    assert_eq!(events[0]["item"], "git:api:v1.2.0");
    assert!(events[0]["text"].as_str().unwrap().contains("api v1.2.0"));
    let latency: Vec<String> = lines
        .iter()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|l| l["message"] == "notifying")
        .map(|l| l["latency_ms"].to_string())
        .collect();
    println!("notification latency (sync committed -> command started), ms: {latency:?}");

    // A restart sends nothing again.
    run("2026-03-05T12:30:00Z");
    assert_eq!(received(&recorder).len(), 1);
}

/// `collect` posts the event to a webhook (a local look-alike of Slack's); a second entry's
/// webhook that fails with 500 is retried a bounded number of times and logged by its host,
/// never its secret path, and the collector goes on.
#[test]
fn collect_posts_webhooks_and_logs_a_failing_one_by_host_only() {
    use wiremock::ResponseTemplate;

    let (runtime, server) = webhook_server(&[
        (Some("/hooks/good-s3cr3t"), ResponseTemplate::new(200)),
        (Some("/hooks/bad-s3cr3t"), ResponseTemplate::new(500)),
    ]);
    let (repo, second) = three_releases("2026-03-05T06:00:00Z");
    let home = Home::new();
    let config = home.write(
        "collect.toml",
        &notify_fixture::config(
            repo.path(),
            &format!(
                r#"[[notify]]
on = ["deployment_failed"]
webhook = "{uri}/hooks/good-s3cr3t"

[[notify]]
on = ["deployment_failed"]
webhook = "{uri}/hooks/bad-s3cr3t?token=q-s3cr3t"
"#,
                uri = server.uri(),
            ),
        ),
    );
    let run = |now: &str, wait: bool| {
        let mut collector = home.collect_at(&config, now);
        collector.wait_for_sync("git:api");
        if wait {
            // The good webhook, then the bad one's three attempts (backoff under 2 s).
            let started = std::time::Instant::now();
            while received_by(&runtime, &server).len() < 4
                && started.elapsed() < std::time::Duration::from_secs(20)
            {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            std::thread::sleep(std::time::Duration::from_millis(300));
        }
        let (code, lines) = collector.terminate();
        assert_eq!(code, Some(0), "{}", lines.join("\n"));
        lines
    };
    run("2026-03-05T08:00:00Z", false);
    repo.tag_annotated("v1.2.1", &second, "2026-03-05T10:00:00Z");
    let lines = run("2026-03-05T12:00:00Z", true);
    let requests = received_by(&runtime, &server);
    let good: Vec<_> = requests
        .iter()
        .filter(|r| r.url.path() == "/hooks/good-s3cr3t")
        .collect();
    assert_eq!(good.len(), 1);
    let json: Value = serde_json::from_slice(&good[0].body).unwrap();
    assert_eq!(json["kind"], "deployment_failed");
    assert!(
        json["text"].as_str().unwrap().contains("api v1.2.0"),
        "{json}"
    );
    let bad = requests.len() - good.len();
    assert_eq!(bad, 3, "the first attempt and two retries");
    let log = lines.join("\n");
    assert!(log.contains("500"), "{log}");
    assert!(!log.contains("s3cr3t"), "{log}");
}
