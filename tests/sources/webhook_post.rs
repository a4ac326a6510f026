//! `[[notify]] webhook`: the HTTP layer's POST against a local look-alike of a Slack incoming
//! webhook. The JSON arrives with its "text" (a hostile incident title made inert); a 5xx is
//! retried a bounded number of times, a 4xx never, a server that hangs is cut off by the
//! timeout; no error names the URL's path or query (the webhook's secret).

use std::time::{Duration, Instant};

use flowdeck::config::notify::{EventKind, WebhookUrl};
use flowdeck::notify::Event;
use flowdeck::notify::webhook::Poster;
use wiremock::{MockServer, ResponseTemplate};

use crate::support::leaked::Leaked;
use crate::support::notify_fixture::{received, webhook_server};

const SECRET_PATH: &str = "/services/T000/B000/s3cr3t";

fn server(answer: ResponseTemplate) -> (tokio::runtime::Runtime, Leaked<MockServer>) {
    webhook_server(&[(Some(SECRET_PATH), answer)])
}

fn hook(server: &MockServer) -> WebhookUrl {
    WebhookUrl(format!("{}{SECRET_PATH}?token=q-secret", server.uri()))
}

fn event() -> Event {
    Event::new(
        EventKind::IncidentOpened,
        "pd:P1",
        "open",
        &["api".into()],
        "flowdeck: incident opened: \u{1b}]777;notify;pwn;x\u{7}DB \u{1b}[31mdown\u{9b}2J\n\u{0}now",
        Some("https://example.pagerduty.com/incidents/P1"),
        chrono::DateTime::UNIX_EPOCH,
    )
}

fn assert_secret_kept(error: &str) {
    assert!(!error.contains("s3cr3t"), "{error}");
    assert!(!error.contains("T000"), "{error}");
    assert!(!error.contains("q-secret"), "{error}");
    assert!(error.contains("127.0.0.1"), "{error}");
}

#[test]
fn the_json_arrives_with_a_text_field_and_a_hostile_title_made_inert() {
    let (runtime, server) = server(ResponseTemplate::new(200).set_body_string("ok"));
    let poster = Poster::new().unwrap();
    assert_eq!(poster.post(&hook(&server), &event()), Ok(200));
    let requests = received(&runtime, &server);
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0]
            .headers
            .get("content-type")
            .map(|v| v.as_bytes()),
        Some(&b"application/json"[..])
    );
    let body = &requests[0].body;
    assert!(
        !body.iter().any(|b| *b == 0x1b || *b == 0x07 || *b == 0),
        "raw control bytes in {:?}",
        String::from_utf8_lossy(body)
    );
    let json: serde_json::Value = serde_json::from_slice(body).unwrap();
    let text = json["text"].as_str().unwrap();
    assert!(!text.chars().any(char::is_control), "{text:?}");
    assert!(
        !text.contains("\\u001b") && !text.contains("777"),
        "{text:?}"
    );
    assert!(text.contains("DB") && text.contains("down"), "{text:?}");
    assert_eq!(json["kind"], "incident_opened");
    assert_eq!(json["item"], "pd:P1");
    assert_eq!(json["services"][0], "api");
}

#[test]
fn a_server_error_is_retried_a_bounded_number_of_times_and_named_by_host_only() {
    let (runtime, server) = server(ResponseTemplate::new(500));
    let poster = Poster::with(Duration::from_secs(2), 2, Duration::from_millis(10)).unwrap();
    let error = poster.post(&hook(&server), &event()).unwrap_err();
    assert!(error.contains("500"), "{error}");
    assert_secret_kept(&error);
    assert_eq!(
        received(&runtime, &server).len(),
        3,
        "the first try and 2 retries"
    );
}

#[test]
fn a_client_error_is_not_retried() {
    let (runtime, server) = server(ResponseTemplate::new(404));
    let poster = Poster::with(Duration::from_secs(2), 2, Duration::from_millis(10)).unwrap();
    let error = poster.post(&hook(&server), &event()).unwrap_err();
    assert_secret_kept(&error);
    assert_eq!(received(&runtime, &server).len(), 1);
}

#[test]
fn a_hostile_or_huge_answer_reaches_no_message() {
    let hostile = ResponseTemplate::new(400)
        .set_body_string(r#"{"error":"invalid_payload \u001b]0;pwn\u0007\u001b[2J"}"#);
    let (_runtime, refusing) = server(hostile);
    let poster = Poster::with(Duration::from_secs(2), 0, Duration::from_millis(10)).unwrap();
    let error = poster.post(&hook(&refusing), &event()).unwrap_err();
    assert!(!error.chars().any(char::is_control), "{error:?}");
    assert!(error.contains("400"), "{error}");
    assert_secret_kept(&error);

    // A 4 MiB answer is not kept: reported (the message may have arrived), never retried.
    let huge = ResponseTemplate::new(200).set_body_string("x".repeat(4 << 20));
    let (runtime, chatty) = server(huge);
    let poster = Poster::with(Duration::from_secs(5), 2, Duration::from_millis(10)).unwrap();
    let error = poster.post(&hook(&chatty), &event()).unwrap_err();
    assert!(error.contains("larger than"), "{error}");
    assert_secret_kept(&error);
    assert_eq!(received(&runtime, &chatty).len(), 1);
}

#[test]
fn a_hanging_webhook_is_cut_off_by_the_timeout() {
    let (runtime, server) = server(ResponseTemplate::new(200).set_delay(Duration::from_secs(30)));
    let poster = Poster::with(Duration::from_millis(300), 1, Duration::from_millis(10)).unwrap();
    let started = Instant::now();
    let error = poster.post(&hook(&server), &event()).unwrap_err();
    assert!(error.contains("timeout"), "{error}");
    assert_secret_kept(&error);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(received(&runtime, &server).len(), 2);
}

#[test]
fn a_refused_connection_fails_fast() {
    // A port nothing listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let url = WebhookUrl(format!("http://127.0.0.1:{port}{SECRET_PATH}"));
    let poster = Poster::with(Duration::from_secs(2), 2, Duration::from_millis(10)).unwrap();
    let error = poster.post(&url, &event()).unwrap_err();
    assert_secret_kept(&error);
}
