//! flowdeck.events/v1 through the binary: `flowdeck ingest` (a file, standard input), `flowdeck
//! export events`, and the round trip between them. A small scenario written as NDJSON gives
//! report numbers computed by hand; every kind of bad input is refused with `FILE:LINE:` and
//! leaves the store as it was (its export compared before and after).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

pub(crate) const NOW: &str = "2026-03-07T00:00:00Z";
pub(crate) const SHA: &str = "0123456789abcdef0123456789abcdef01234567";

/// A temporary home for every XDG folder, so no real config or store is touched.
pub(crate) fn command(home: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_flowdeck"));
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("FLOWDECK_NOW", NOW);
    command
}

/// A folder with a config whose store is `history.db` beside it and whose one source is a
/// pathless events source (so runs read the store).
pub(crate) fn home() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("flowdeck.toml");
    std::fs::write(
        &config,
        "[general]\nstore = \"history.db\"\n\n[[sources]]\nkind = \"events\"\nname = \"pushed\"\n",
    )
    .unwrap();
    (dir, config)
}

pub(crate) fn run(home: &Path, config: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = command(home)
        .arg("--config")
        .arg(config)
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(bytes) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        // A refused batch may stop reading early: a broken pipe is the test's, not a failure.
        let _ = pipe.write_all(bytes);
    }
    child.wait_with_output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Everything the store holds, as exported.
pub(crate) fn exported(home: &Path, config: &Path) -> String {
    let output = run(home, config, &["export", "events"], None);
    assert!(output.status.success(), "{}", stderr(&output));
    String::from_utf8(output.stdout).unwrap()
}

fn ingest_text(home: &Path, config: &Path, text: &str) -> Output {
    let file = home.join("batch.ndjson");
    std::fs::write(&file, text).unwrap();
    run(home, config, &["ingest", file.to_str().unwrap()], None)
}

fn report(home: &Path, config: &Path, from: &str, to: &str) -> Value {
    let output = run(
        home,
        config,
        &["report", "--format", "json", "--from", from, "--to", to],
        None,
    );
    assert!(output.status.success(), "{}", stderr(&output));
    serde_json::from_slice(&output.stdout).unwrap()
}

/// The scenario: service api of team payments; a baseline deployment before the window, then
/// two production deployments in it with one inline change each (lead times 24 h and 2 h), a
/// staging deployment that does not count, an incident an hour long right after the second
/// deployment, a CI run, a merged pull request.
pub(crate) fn scenario() -> String {
    let sha = |c: char| c.to_string().repeat(40);
    [
        r#"{"type":"service","name":"api","team":"payments"}"#.to_string(),
        format!(
            r#"{{"type":"deployment","id":"d0","service":"api","environment":"production","sha":"{}","finished_at":"2026-02-20T10:00:00Z","status":"success","changes":[]}}"#,
            sha('a')
        ),
        format!(
            r#"{{"type":"deployment","id":"d1","service":"api","environment":"production","sha":"{}","name":"v1.1.0","started_at":"2026-03-02T09:50:00+01:00","finished_at":"2026-03-02T11:00:00+01:00","status":"success","changes":[{{"sha":"{}","authored_at":"2026-03-01T10:00:00Z","author":"ann","title":"Add cache","pr":12}}]}}"#,
            sha('b'),
            sha('b')
        ),
        format!(
            r#"{{"type":"deployment","id":"d2","service":"api","environment":"production","sha":"{}","finished_at":"2026-03-04T10:00:00Z","status":"success","changes":[{{"sha":"{}","authored_at":"2026-03-04T08:00:00Z","author":"bob","title":"Tune cache"}}]}}"#,
            sha('c'),
            sha('c')
        ),
        format!(
            r#"{{"type":"deployment","id":"s1","service":"api","environment":"staging","sha":"{}","finished_at":"2026-03-04T09:00:00Z","status":"success","changes":[]}}"#,
            sha('c')
        ),
        r#"{"type":"incident","id":"i1","services":["api"],"title":"5xx on checkout","severity":"sev1","started_at":"2026-03-04T11:00:00Z","resolved_at":"2026-03-04T12:00:00Z"}"#.to_string(),
        format!(
            r#"{{"type":"pipeline_run","id":"r1","service":"api","workflow":"ci","branch":"main","sha":"{}","status":"completed","conclusion":"success","attempt":1,"created_at":"2026-03-04T07:00:00Z","started_at":"2026-03-04T07:01:00Z","finished_at":"2026-03-04T07:11:00Z"}}"#,
            sha('c')
        ),
        r#"{"type":"pull_request","service":"api","number":12,"title":"Add cache","author":"ann","created_at":"2026-03-01T09:00:00Z","first_commit_at":"2026-03-01T08:00:00Z","merged_at":"2026-03-01T12:00:00Z","closed_at":"2026-03-01T12:00:00Z"}"#.to_string(),
    ]
    .join("\n")
        + "\n"
}

#[test]
fn a_small_scenario_gives_the_numbers_computed_by_hand() {
    let (dir, config) = home();
    let output = ingest_text(dir.path(), &config, &scenario());
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        format!(
            "{}: stored 8 inserted, 0 updated, 0 unchanged, 0 removed",
            dir.path().join("batch.ndjson").display()
        )
    );
    let report = report(dir.path(), &config, "2026-03-01", "2026-03-06");
    let m = &report["metrics"];
    // d1 and d2: production and successful in the window; d0 before it, s1 not production.
    assert_eq!(m["deployment_frequency"]["deployments"], 2);
    // One change each, 24 h and 2 h: the median of two is their mean, 13 h.
    assert_eq!(m["lead_time_for_changes"]["changes"], 2);
    assert_eq!(m["lead_time_for_changes"]["median_seconds"], 46800.0);
    // The incident started an hour after d2 (inside the 24 h attribution window): d2 failed.
    assert_eq!(m["change_failure_rate"]["failed"], 1);
    assert_eq!(m["change_failure_rate"]["rate"], 0.5);
    assert_eq!(m["time_to_restore"]["incidents"], 1);
    assert_eq!(m["time_to_restore"]["median_seconds"], 3600.0);
    assert_eq!(report["teams"][0]["name"], "payments");
}

#[test]
fn sending_the_same_batch_again_changes_nothing_and_a_later_line_replaces() {
    let (dir, config) = home();
    assert!(
        ingest_text(dir.path(), &config, &scenario())
            .status
            .success()
    );
    let before = exported(dir.path(), &config);
    let again = ingest_text(dir.path(), &config, &scenario());
    assert!(String::from_utf8_lossy(&again.stdout).contains("0 inserted, 0 updated, 8 unchanged"));
    assert_eq!(exported(dir.path(), &config), before);
    // The incident resolved later, and d2 removed, from standard input.
    let update = concat!(
        r#"{"type":"incident","id":"i1","services":["api"],"title":"5xx on checkout","started_at":"2026-03-04T11:00:00Z","resolved_at":"2026-03-04T13:00:00Z"}"#,
        "\n",
        r#"{"type":"deployment","id":"d2","deleted":true}"#,
        "\n",
        r#"{"type":"deployment","id":"never-stored","deleted":true}"#,
        "\n"
    );
    let output = run(
        dir.path(),
        &config,
        &["ingest", "-"],
        Some(update.as_bytes()),
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        "-: stored 0 inserted, 1 updated, 0 unchanged, 1 removed"
    );
    let after = exported(dir.path(), &config);
    assert!(!after.contains(r#""id":"d2""#));
    assert!(after.contains("2026-03-04T13:00:00Z"));
}

#[test]
fn dry_run_checks_everything_and_stores_nothing() {
    let (dir, config) = home();
    let file = dir.path().join("batch.ndjson");
    std::fs::write(&file, scenario()).unwrap();
    let output = run(
        dir.path(),
        &config,
        &["ingest", "--dry-run", file.to_str().unwrap()],
        None,
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains(
        "valid; would store 1 services, 4 deployments, 1 pull requests, 1 pipeline runs, 1 incidents, 0 removals"
    ));
    assert!(!dir.path().join("history.db").exists());
}

/// Each bad batch: exit 2, its error at `FILE:LINE`, and the store exactly as before.
#[test]
fn bad_input_is_refused_whole_and_the_store_is_unchanged() {
    let (dir, config) = home();
    assert!(
        ingest_text(dir.path(), &config, &scenario())
            .status
            .success()
    );
    let before = exported(dir.path(), &config);
    let good = format!(
        r#"{{"type":"deployment","id":"new","service":"api","environment":"production","sha":"{SHA}","finished_at":"2026-03-05T10:00:00Z","status":"success"}}"#
    );
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "invalid JSON",
            "{\"type\":\"deployment\",".into(),
            ":2: the line ends too early",
        ),
        ("not an object", "[1,2]".into(), ":2: not a JSON object"),
        (
            "a wrong type",
            good.replace(r#""id":"new""#, r#""id":42"#),
            ":2: column",
        ),
        (
            "a missing field",
            good.replace(r#""service":"api","#, ""),
            ":2: missing field `service`",
        ),
        (
            "a bad timestamp",
            good.replace("2026-03-05T10:00:00Z", "2026-03-05 10:00"),
            ":2: column",
        ),
        (
            "a time without offset",
            good.replace("2026-03-05T10:00:00Z", "2026-03-05T10:00:00"),
            ":2: column",
        ),
        (
            "an unknown type",
            r#"{"type":"release","id":"x"}"#.into(),
            "unknown variant `release`",
        ),
        ("no type", r#"{"id":"x"}"#.into(), ":2: no `type`"),
        ("a NUL byte", format!("{good}\0"), ":2: a NUL byte"),
        (
            "an escaped NUL",
            good.replace(r#""id":"new""#, r#""id":"n\u0000ew""#),
            ":2: a string holds a NUL",
        ),
        (
            "a bad status",
            good.replace("success", "done"),
            "unknown variant `done`",
        ),
        (
            "a short sha",
            good.replace(SHA, "abc123"),
            "not a commit id",
        ),
        (
            "a year out of range",
            good.replace("2026-03-05", "1900-03-05"),
            "outside the years",
        ),
    ];
    for (what, line, expected) in cases {
        // A good line first: the bad one is line 2 and the good one is not stored either.
        let text = format!("{good}\n{line}\n");
        let output = ingest_text(dir.path(), &config, &text);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{what}: {err}");
        assert!(err.contains("batch.ndjson:2:"), "{what}: {err}");
        assert!(err.contains(expected), "{what}: {err}");
        assert!(err.contains("nothing was stored"), "{what}: {err}");
        assert_eq!(exported(dir.path(), &config), before, "{what}");
    }
    // Bytes that are not UTF-8 at all.
    let mut bytes = good.clone().into_bytes();
    bytes.extend_from_slice(b"\n{\"type\":\"service\",\"name\":\"a\xff\"}\n");
    let output = run(dir.path(), &config, &["ingest", "-"], Some(&bytes));
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("-:2: not UTF-8"),
        "{}",
        stderr(&output)
    );
    assert_eq!(exported(dir.path(), &config), before);
}

#[test]
fn a_hundred_megabyte_line_is_refused_without_being_held() {
    let (dir, config) = home();
    let file = dir.path().join("huge.ndjson");
    {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
        out.write_all(br#"{"type":"service","name":""#).unwrap();
        let block = vec![b'x'; 1 << 20];
        for _ in 0..100 {
            out.write_all(&block).unwrap();
        }
        out.write_all(b"\"}\n").unwrap();
    }
    let output = run(
        dir.path(),
        &config,
        &["ingest", file.to_str().unwrap()],
        None,
    );
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("huge.ndjson:1: the line is longer than"),
        "{err}"
    );
    assert!(!dir.path().join("history.db").exists());
}

#[test]
fn empty_input_stores_nothing_and_what_is_not_a_file_is_refused() {
    let (dir, config) = home();
    let empty = dir.path().join("empty.ndjson");
    std::fs::write(&empty, "").unwrap();
    let output = run(
        dir.path(),
        &config,
        &["ingest", empty.to_str().unwrap()],
        None,
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("stored 0 inserted"));
    let output = run(
        dir.path(),
        &config,
        &["ingest", dir.path().to_str().unwrap()],
        None,
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("is a directory"),
        "{}",
        stderr(&output)
    );
    let output = run(
        dir.path(),
        &config,
        &["ingest", "/nonexistent/x.ndjson"],
        None,
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("cannot open it"));
}

#[test]
fn a_gzip_file_is_read_decompressed() {
    let (dir, config) = home();
    let file = dir.path().join("batch.ndjson.gz");
    let mut gz = flate2_writer(std::fs::File::create(&file).unwrap());
    gz.write_all(scenario().as_bytes()).unwrap();
    drop(gz);
    let output = run(
        dir.path(),
        &config,
        &["ingest", file.to_str().unwrap()],
        None,
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("8 inserted"));
    // A truncated gzip is a read error: nothing stored.
    let (dir, config) = home();
    let cut = dir.path().join("cut.ndjson.gz");
    let bytes = std::fs::read(&file).unwrap();
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let output = run(
        dir.path(),
        &config,
        &["ingest", cut.to_str().unwrap()],
        None,
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("nothing was stored"));
}

/// A gzip writer (the test links flate2 through the sources crate's use of it).
fn flate2_writer(file: std::fs::File) -> impl Write {
    flate2::write::GzEncoder::new(file, flate2::Compression::fast())
}

#[test]
fn export_filters_by_time_and_never_writes_over_the_store() {
    let (dir, config) = home();
    assert!(
        ingest_text(dir.path(), &config, &scenario())
            .status
            .success()
    );
    let output = run(
        dir.path(),
        &config,
        &[
            "export",
            "events",
            "--from",
            "2026-03-03",
            "--to",
            "2026-03-04",
        ],
        None,
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let text = String::from_utf8(output.stdout).unwrap();
    let types: Vec<String> = text
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            format!(
                "{}:{}",
                v["type"].as_str().unwrap(),
                v["id"].as_str().or(v["name"].as_str()).unwrap_or("-")
            )
        })
        .collect();
    assert_eq!(
        types,
        [
            "service:api",
            "deployment:s1",
            "deployment:d2",
            "pipeline_run:r1",
            "incident:i1"
        ]
    );
    let store = dir.path().join("history.db");
    let output = run(
        dir.path(),
        &config,
        &["export", "events", "-o", store.to_str().unwrap()],
        None,
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
}

#[test]
fn the_round_trip_from_the_demo_gives_the_same_events_and_the_same_report() {
    let (dir, config) = home();
    let demo = command(dir.path())
        .args(["--demo", "export", "events"])
        .output()
        .unwrap();
    assert!(demo.status.success(), "{}", stderr(&demo));
    let first = dir.path().join("first.ndjson");
    std::fs::write(&first, &demo.stdout).unwrap();
    assert!(
        run(
            dir.path(),
            &config,
            &["ingest", first.to_str().unwrap()],
            None
        )
        .status
        .success()
    );
    let exported_once = exported(dir.path(), &config);
    assert_eq!(
        exported_once.as_bytes(),
        &demo.stdout[..],
        "the store keeps every field"
    );
    let report_once = report(dir.path(), &config, "2026-01-01", "2026-03-06");

    let (second, config2) = home();
    let file = second.path().join("again.ndjson");
    std::fs::write(&file, &exported_once).unwrap();
    assert!(
        run(
            second.path(),
            &config2,
            &["ingest", file.to_str().unwrap()],
            None
        )
        .status
        .success()
    );
    assert_eq!(exported(second.path(), &config2), exported_once);
    let report_twice = report(second.path(), &config2, "2026-01-01", "2026-03-06");
    assert_eq!(
        serde_json::to_string_pretty(&report_once).unwrap(),
        serde_json::to_string_pretty(&report_twice).unwrap()
    );
    // The measures are the demo's own (the demo lists services in its own order, a store by
    // name: the lists are compared as sets).
    let demo_report = command(dir.path())
        .args([
            "--demo",
            "report",
            "--format",
            "json",
            "--from",
            "2026-01-01",
            "--to",
            "2026-03-06",
        ])
        .output()
        .unwrap();
    let demo_report: Value = serde_json::from_slice(&demo_report.stdout).unwrap();
    assert_eq!(demo_report["metrics"], report_once["metrics"]);
    assert_eq!(demo_report["previous"], report_once["previous"]);
}

/// Every line `export events` writes (the demo data and the scenario) is valid under
/// schema/flowdeck.events.v1.schema.json, and the schema refuses what the reader refuses.
#[test]
fn exported_lines_follow_the_schema() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/flowdeck.events.v1.schema.json"),
    )
    .unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::meta::validate(&schema).unwrap();
    let validator = jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let (dir, config) = home();
    let demo = command(dir.path())
        .args(["--demo", "export", "events"])
        .output()
        .unwrap();
    let demo = String::from_utf8(demo.stdout).unwrap();
    for line in demo.lines().chain(scenario().lines()).chain([
        r#"{"type":"deployment","id":"x","deleted":true}"#,
        r#"{"type":"pull_request","service":"api","number":3,"deleted":true}"#,
    ]) {
        let value: Value = serde_json::from_str(line).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{line}: {errors:?}");
    }
    for bad in [
        r#"{"type":"release","id":"x"}"#,
        r#"{"type":"deployment","id":"x"}"#,
        r#"{"type":"service"}"#,
        r#"{"type":"incident","id":"i","services":[],"title":"t","started_at":"2026-03-01T00:00:00Z"}"#,
    ] {
        let value: Value = serde_json::from_str(bad).unwrap();
        assert!(!validator.is_valid(&value), "{bad}");
        assert_eq!(
            ingest_text(dir.path(), &config, bad).status.code(),
            Some(2),
            "{bad}"
        );
    }
}
