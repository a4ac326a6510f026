#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use crate::model::{DeploymentStatus, EventKind};

const SHA: &str = "0123456789abcdef0123456789abcdef01234567";

fn deploy(id: &str, status: &str) -> String {
    format!(
        r#"{{"type":"deployment","id":"{id}","service":"api","environment":"production","sha":"{SHA}","finished_at":"2026-03-02T10:00:00+01:00","status":"{status}"}}"#
    )
}

fn parse_str(text: &str) -> Result<Batch, BatchError> {
    parse(text.as_bytes(), &ParseOptions::default())
}

fn errors(text: &str) -> Vec<LineError> {
    match parse_str(text) {
        Err(BatchError::Invalid { errors, .. }) => errors,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn every_type_is_read_with_its_defaults() {
    let text = format!(
        "{}\n{}\n{}\n{}\n{}\n",
        r#"{"type":"service","name":"api","team":"payments"}"#,
        r#"{"type":"deployment","id":"d1","service":"api","environment":"prod","sha":"0123456789ABCDEF0123456789abcdef01234567","name":"v1","started_at":"2026-03-02T09:50:00Z","finished_at":"2026-03-02T10:00:00Z","status":"success","changes":[{"sha":"1111111111111111111111111111111111111111","authored_at":"2026-03-01T10:00:00Z","author":"ann","title":"Add cache","pr":12}],"extra":{"ignored":true}}"#,
        r#"{"type":"incident","id":"i1","services":["api"],"title":"5xx","severity":"sev1","started_at":"2026-03-02T11:00:00Z","resolved_at":null}"#,
        r#"{"type":"pipeline_run","id":"r1","service":"api","workflow":"ci","branch":"main","sha":"0123456789abcdef0123456789abcdef01234567","status":"completed","conclusion":"success","created_at":"2026-03-02T09:00:00Z"}"#,
        r#"{"type":"pull_request","service":"api","number":12,"title":"Add cache","author":"ann","created_at":"2026-03-01T09:00:00Z","merged_at":"2026-03-01T12:00:00Z"}"#,
    );
    let batch = parse_str(&text).unwrap();
    assert_eq!(batch.lines, 5);
    let e = &batch.events;
    assert_eq!(e.services[0].team.as_deref(), Some("payments"));
    let d = &e.deployments[0];
    assert!(d.production, "prod is a production name by default");
    assert_eq!(d.sha, SHA, "shas are lower-cased");
    assert_eq!(d.changes[0].committed_at, d.changes[0].authored_at);
    assert_eq!(d.changes[0].pr, Some(12));
    assert!(batch.without_changes.is_empty());
    assert_eq!(e.incidents[0].source, "events");
    assert_eq!(e.incidents[0].resolved_at, None);
    assert_eq!(e.pipeline_runs[0].attempt, 1);
    assert_eq!(e.pull_requests[0].number, 12);
}

#[test]
fn times_with_offsets_become_utc() {
    let batch = parse_str(&deploy("d1", "success")).unwrap();
    assert_eq!(
        batch.events.deployments[0].finished_at.to_rfc3339(),
        "2026-03-02T09:00:00+00:00"
    );
    assert_eq!(batch.without_changes, vec!["d1".to_string()]);
}

#[test]
fn a_later_line_replaces_an_earlier_one_and_a_removal_wins_when_last() {
    let text = [
        deploy("d1", "in_progress"),
        deploy("d1", "success"),
        deploy("d2", "success"),
        r#"{"type":"deployment","id":"d2","deleted":true}"#.to_string(),
        r#"{"type":"incident","id":"gone","deleted":true}"#.to_string(),
        r#"{"type":"incident","id":"gone","deleted":true}"#.to_string(),
    ]
    .join("\n");
    let batch = parse_str(&text).unwrap();
    assert_eq!(batch.events.deployments.len(), 1);
    assert_eq!(
        batch.events.deployments[0].status,
        DeploymentStatus::Success
    );
    assert_eq!(batch.without_changes, vec!["d1".to_string()]);
    assert_eq!(
        batch.removals,
        vec![
            EventKey {
                kind: EventKind::Deployment,
                id: "d2".into()
            },
            EventKey {
                kind: EventKind::Incident,
                id: "gone".into()
            }
        ]
    );
    // A removal followed by the event again: the event stays.
    let text = [
        r#"{"type":"deployment","id":"d3","deleted":true}"#.to_string(),
        deploy("d3", "success"),
    ]
    .join("\n");
    let batch = parse_str(&text).unwrap();
    assert!(batch.removals.is_empty());
    assert_eq!(batch.events.deployments.len(), 1);
}

#[test]
fn bad_lines_are_named_by_number_and_the_batch_is_refused_whole() {
    let text = [
        deploy("ok", "success"),
        "{not json".to_string(),
        r#"{"type":"release","id":"x"}"#.to_string(),
        r#"{"type":"deployment","id":"d","environment":"production","sha":"0123456789abcdef0123456789abcdef01234567","finished_at":"2026-03-02T10:00:00Z","status":"success"}"#.to_string(),
        r#"{"type":"deployment","id":"d","service":"api","environment":"production","sha":"0123456789abcdef0123456789abcdef01234567","finished_at":"2026-03-02 10:00","status":"success"}"#.to_string(),
        r#"{"type":"deployment","id":7}"#.to_string(),
        r#"["type","deployment"]"#.to_string(),
        r#"{"id":"x"}"#.to_string(),
        deploy("late", "succeeded"),
        r#"{"type":"deployment","id":"d","service":"api","environment":"production","sha":"abc","finished_at":"2026-03-02T10:00:00Z","status":"success"}"#.to_string(),
        r#"{"type":"deployment","id":"d","service":"api","environment":"production","sha":"0123456789abcdef0123456789abcdef01234567","finished_at":"1900-03-02T10:00:00Z","status":"success"}"#.to_string(),
        r#"{"type":"deployment","id":"#.to_string(),
    ]
    .join("\n");
    let errors = errors(&text);
    let lines: Vec<u64> = errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, vec![2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    let said = |n: usize| errors[n].error.clone();
    assert!(said(0).contains("column"), "{}", said(0));
    assert!(said(1).contains("unknown variant `release`"), "{}", said(1));
    assert!(said(2).contains("missing field `service`"), "{}", said(2));
    assert!(
        said(3).contains("finished_at")
            || said(3).contains("premature")
            || said(3).contains("input contains invalid characters"),
        "{}",
        said(3)
    );
    assert!(said(4).contains("invalid type"), "{}", said(4));
    assert!(said(5).contains("not a JSON object"), "{}", said(5));
    assert!(said(6).contains("no `type`"), "{}", said(6));
    assert!(said(7).contains("succeeded"), "{}", said(7));
    assert!(said(8).contains("not a commit id"), "{}", said(8));
    assert!(said(9).contains("outside the years"), "{}", said(9));
    assert!(said(10).contains("truncated"), "{}", said(10));
}

#[test]
fn nul_bytes_escaped_nuls_and_bad_utf8_are_refused() {
    let raw = format!("{}\0", deploy("d", "success"));
    assert!(errors(&raw)[0].error.contains("NUL byte"));
    let escaped = deploy("d", "success").replace(r#""id":"d""#, r#""id":"d\u0000x""#);
    assert!(errors(&escaped)[0].error.contains("NUL character"));
    let mut bytes = deploy("d", "success").into_bytes();
    bytes.insert(10, 0xff);
    match parse(&bytes[..], &ParseOptions::default()) {
        Err(BatchError::Invalid { errors, .. }) => assert!(errors[0].error.contains("UTF-8")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn escape_sequences_in_text_are_kept_as_data() {
    let line = r#"{"type":"incident","id":"i","services":["api"],"title":"\u001b[31mred\u001b[0m","started_at":"2026-03-02T11:00:00Z"}"#;
    let batch = parse_str(line).unwrap();
    assert_eq!(batch.events.incidents[0].title, "\u{1b}[31mred\u{1b}[0m");
}

#[test]
fn a_line_over_the_limit_is_refused_without_being_kept() {
    let options = ParseOptions {
        max_line_bytes: 1000,
        ..ParseOptions::default()
    };
    let long = format!(
        "{}\n{{\"type\":\"service\",\"name\":\"{}\"}}\n{}",
        deploy("a", "success"),
        "x".repeat(5000),
        deploy("b", "success")
    );
    match parse(long.as_bytes(), &options) {
        Err(BatchError::Invalid { errors, .. }) => {
            assert_eq!(errors.len(), 1);
            assert_eq!(errors[0].line, 2);
            assert!(errors[0].error.contains("longer than 1000 bytes"));
        }
        other => panic!("{other:?}"),
    }
    // The last line without its newline, over the limit.
    let tail = format!("{}\n{}", deploy("a", "success"), "y".repeat(2000));
    assert!(matches!(
        parse(tail.as_bytes(), &options),
        Err(BatchError::Invalid { .. })
    ));
}

#[test]
fn empty_and_blank_input_is_an_empty_batch() {
    assert!(parse_str("").unwrap().is_empty());
    let batch = parse_str("\n  \n\r\n").unwrap();
    assert!(batch.is_empty());
    assert_eq!(batch.lines, 3);
}

#[test]
fn errors_past_the_cap_are_counted() {
    let text = "x\n".repeat(MAX_REPORTED_ERRORS + 7);
    match parse_str(&text) {
        Err(BatchError::Invalid { errors, more }) => {
            assert_eq!(errors.len(), MAX_REPORTED_ERRORS);
            assert_eq!(more, 7);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn written_events_read_back_the_same() {
    let text = [
        r#"{"type":"service","name":"api","team":null}"#.to_string(),
        r#"{"type":"deployment","id":"d1","service":"api","environment":"staging","production":true,"sha":"0123456789abcdef0123456789abcdef01234567","ref_name":"main","finished_at":"2026-03-02T10:00:00.123456789Z","status":"failure","changes":[{"sha":"1111111111111111111111111111111111111111","authored_at":"2026-03-01T10:00:00Z","committed_at":"2026-03-01T11:00:00Z","author":"ann","title":"Revert x","merge":true,"reverts":"2222222222222222222222222222222222222222"}]}"#.to_string(),
        r#"{"type":"incident","id":"i1","source":"pagerduty","services":["api","web"],"title":"t","labels":["a=b"],"body":"see d1","started_at":"2026-03-02T11:00:00Z","resolved_at":"2026-03-02T12:00:00Z"}"#.to_string(),
        r#"{"type":"pull_request","service":"api","number":3,"title":"t","author":"bob","head_branch":"fix","created_at":"2026-03-01T09:00:00Z","reverts_pr":2}"#.to_string(),
    ]
    .join("\n");
    let first = parse_str(&text).unwrap();
    let mut out = Vec::new();
    write_events(&mut out, &first.events).unwrap();
    let second = parse(&out[..], &ParseOptions::default()).unwrap();
    assert_eq!(first.events, second.events);
    assert!(second.without_changes.is_empty());
}
