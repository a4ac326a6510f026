//! `flowdeck report` run as a user runs it, on the demo data with a fixed clock.

use std::process::{Command, Output};

use serde_json::Value;

const NOW: &str = "2026-11-20T14:30:00Z";

fn flowdeck(args: &[&str]) -> Output {
    let home = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_flowdeck"))
        .args(args)
        // Outside any git repository: inside one, a run with no config configures itself.
        .current_dir(home.path())
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_STATE_HOME", home.path().join("state"))
        .env_remove("FLOWDECK_CONFIG")
        .env_remove("FLOWDECK_NOW")
        .output()
        .unwrap()
}

fn demo_json(extra: &[&str]) -> Value {
    let mut args = vec!["report", "--demo", "--format", "json", "--now", NOW];
    args.extend_from_slice(extra);
    let out = flowdeck(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Every leaf of a metrics object, with its path.
fn leaves<'a>(value: &'a Value, path: String, out: &mut Vec<(String, &'a Value)>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                leaves(v, format!("{path}.{k}"), out);
            }
        }
        other => out.push((path, other)),
    }
}

#[test]
fn the_demo_report_has_a_value_for_every_measure_and_a_band_where_one_applies() {
    let report = demo_json(&[]);
    assert_eq!(report["schema"], "flowdeck.report/v1");
    assert_eq!(report["bands"], "dora-2023");
    assert_eq!(report["timezone"], "UTC");
    assert_eq!(report["window"]["days"], 30.0);
    assert_eq!(report["window"]["complete"], true);
    assert_eq!(report["previous"]["window"]["complete"], true);
    for metrics in [&report["metrics"], &report["previous"]["metrics"]] {
        let mut all = Vec::new();
        leaves(metrics, "metrics".into(), &mut all);
        assert!(all.len() >= 40, "{} leaves", all.len());
        for (path, value) in all {
            assert!(!value.is_null(), "{path} is null");
        }
    }
    for band in [
        "deployment_frequency",
        "lead_time_for_changes",
        "change_failure_rate",
        "failed_deployment_recovery_time",
    ] {
        let value = report["metrics"][band]["band"].as_str().unwrap();
        assert!(
            ["elite", "high", "medium", "low"].contains(&value),
            "{band}: {value}"
        );
    }
    assert_eq!(report["services"].as_array().unwrap().len(), 5);
    assert_eq!(report["teams"].as_array().unwrap().len(), 3);
    assert_eq!(report["sources"][0]["status"], "ok");
}

fn deployment<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == id)
        .unwrap_or_else(|| panic!("{id} not listed"))
}

fn kinds(reasons: &Value) -> Vec<&str> {
    reasons
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect()
}

#[test]
fn the_demo_story_is_explained_deployment_by_deployment() {
    // The last 30 days.
    let report = demo_json(&[]);
    let still_failing = deployment(&report, "demo:web:v4.9.0");
    assert_eq!(
        kinds(&still_failing["failure_reasons"]),
        vec!["incident_link"]
    );
    assert_eq!(still_failing["failure_reasons"][0]["ref"], "demo:INC-2060");
    assert!(still_failing["recovered_at"].is_null());
    let by_tag = deployment(&report, "demo:api:v2.29.4");
    assert_eq!(kinds(&by_tag["failure_reasons"]), vec!["incident_link"]);
    // Resolved 52 min 55 s after the bad deploy.
    assert_eq!(by_tag["recovery_seconds"], 52.0 * 60.0 + 55.0);
    let reverted = deployment(&report, "demo:billing:v0.25.0");
    assert_eq!(kinds(&reverted["failure_reasons"]), vec!["revert"]);
    assert_eq!(
        kinds(&deployment(&report, "demo:billing:v0.25.1")["rework_reasons"]),
        vec!["revert"]
    );
    let hotfix = deployment(&report, "demo:api:v2.29.5");
    let rework = kinds(&hotfix["rework_reasons"]);
    assert!(
        rework.contains(&"hotfix") && rework.contains(&"during_incident"),
        "{rework:?}"
    );
    let open: Vec<&Value> = report["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["resolved_at"].is_null())
        .collect();
    assert_eq!(open.len(), 2);
    let (silenced, loud): (Vec<&Value>, Vec<&Value>) = open
        .iter()
        .partition(|i| i["title"] == "SearchDiskAlmostFull (instance=search-2)");
    assert_eq!(loud[0]["attributed_to"]["deployment_id"], "demo:web:v4.9.0");
    assert_eq!(loud[0]["attributed_to"]["reason"], "incident_link");
    // The silenced disk alert on search, days after search's last release: blamed on nothing.
    assert_eq!(silenced.len(), 1);
    assert!(silenced[0]["attributed_to"].is_null());
    assert_eq!(report["metrics"]["time_to_restore"]["open"], 2);

    // The 30 days before: the rollback, the revert PR, the sha link.
    let before = demo_json(&[
        "--from",
        "2026-09-21T14:30:00Z",
        "--to",
        "2026-10-21T14:30:00Z",
    ]);
    let rolled_back = deployment(&before, "demo:gateway:v1.8.1");
    let reasons = kinds(&rolled_back["failure_reasons"]);
    assert!(
        reasons.contains(&"rollback") && reasons.contains(&"incident_window"),
        "{reasons:?}"
    );
    // Rolled back 50 min 48 s after it went out.
    assert_eq!(rolled_back["recovery_seconds"], 50.0 * 60.0 + 48.0);
    // The rollback went out while INC-2047 was still open: rework twice over.
    assert_eq!(
        kinds(&deployment(&before, "demo:gateway:v1.8.2")["rework_reasons"]),
        vec!["rollback", "during_incident"]
    );
    let by_pr = deployment(&before, "demo:web:v4.5.7");
    assert_eq!(by_pr["failure_reasons"][0]["kind"], "revert");
    assert_eq!(by_pr["failure_reasons"][0]["ref"], "#2272");
    let by_sha = deployment(&before, "demo:billing:v0.22.4");
    assert_eq!(kinds(&by_sha["failure_reasons"]), vec!["incident_link"]);
}

#[test]
fn the_markdown_report_reads_well() {
    let out = flowdeck(&["report", "--demo", "--format", "md", "--now", NOW]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    insta::assert_snapshot!("demo_report_md", text);
}

#[test]
fn calendar_dates_are_whole_inclusive_days() {
    let report = demo_json(&["--from", "2026-11-01", "--to", "2026-11-14"]);
    assert_eq!(report["window"]["from"], "2026-11-01T00:00:00Z");
    assert_eq!(report["window"]["to"], "2026-11-15T00:00:00Z");
    assert_eq!(report["window"]["days"], 14.0);
    assert_eq!(report["previous"]["window"]["from"], "2026-10-18T00:00:00Z");
}

#[test]
fn usage_errors_exit_2_with_one_sentence() {
    let both = flowdeck(&[
        "report",
        "--demo",
        "--window",
        "7d",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-02",
    ]);
    assert_eq!(both.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&both.stderr).contains("cannot be used with"));

    let bad_date = flowdeck(&[
        "report",
        "--demo",
        "--from",
        "yesterday",
        "--to",
        "2026-11-02",
    ]);
    assert_eq!(bad_date.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&bad_date.stderr);
    assert_eq!(
        stderr.trim(),
        "error: \"yesterday\" is neither a date (YYYY-MM-DD) nor an RFC 3339 time (2026-03-01T09:00:00Z)"
    );

    let bad_window = flowdeck(&["report", "--demo", "--window", "30x"]);
    assert_eq!(bad_window.status.code(), Some(2));

    let no_sources = flowdeck(&["report"]);
    assert_eq!(no_sources.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&no_sources.stderr).contains("flowdeck init"));
}

#[test]
fn output_goes_to_a_file_in_the_format_its_extension_names() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("standup.md");
    let out = flowdeck(&[
        "report",
        "--demo",
        "--now",
        NOW,
        "-o",
        path.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("# Delivery report"));
    // Nothing else is left behind in the folder.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn the_fixed_clock_can_come_from_the_environment() {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_flowdeck"))
        .args(["report", "--demo", "--format", "json"])
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path())
        .env("FLOWDECK_NOW", NOW)
        .env_remove("FLOWDECK_CONFIG")
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["generated_at"], NOW);
}

fn demo_text(format: &str, extra: &[&str]) -> String {
    let mut args = vec!["report", "--demo", "--format", format, "--now", NOW];
    args.extend_from_slice(extra);
    let out = flowdeck(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_json_report_is_golden() {
    let text = demo_text("json", &[]);
    insta::assert_snapshot!("demo_report_json", text);
}

#[test]
fn the_html_report_is_golden() {
    let text = demo_text("html", &[]);
    insta::assert_snapshot!("demo_report_html", text);
}

#[test]
fn the_svg_report_is_golden_at_a_small_size() {
    let text = demo_text("svg", &["--size", "100x30"]);
    assert!(
        text.starts_with("<svg") || text.starts_with("<?xml"),
        "{text:.80}"
    );
    insta::assert_snapshot!("demo_report_svg_100x30", text);
}

#[test]
fn every_format_is_inferred_from_the_file_extension() {
    let dir = tempfile::tempdir().unwrap();
    for (name, starts) in [
        ("r.html", "<!DOCTYPE html>"),
        ("r.htm", "<!DOCTYPE html>"),
        ("r.json", "{"),
        ("r.md", "# Delivery report"),
        ("r.svg", "<"),
    ] {
        let path = dir.path().join(name);
        let out = flowdeck(&[
            "report",
            "--demo",
            "--now",
            NOW,
            "--size",
            "80x24",
            "-o",
            path.to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with(starts), "{name}: {text:.60}");
        if name == "r.svg" {
            assert!(text.contains("<svg"), "{name}");
        }
    }
    // An explicit --format wins over the extension.
    let path = dir.path().join("report.txt");
    let out = flowdeck(&[
        "report",
        "--demo",
        "--now",
        NOW,
        "--format",
        "html",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .starts_with("<!DOCTYPE html>")
    );
}

#[test]
fn a_report_that_cannot_be_written_is_a_runtime_failure() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing/report.json");
    let out = flowdeck(&["report", "--demo", "-o", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("could not write the report to"), "{stderr}");
    // Nothing half-written is left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);

    if std::path::Path::new("/dev/full").exists() {
        let home = tempfile::tempdir().unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_flowdeck"))
            .args(["report", "--demo", "--format", "json"])
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env_remove("FLOWDECK_CONFIG")
            .stdout(std::fs::File::create("/dev/full").unwrap())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            stderr.trim(),
            "error: could not write the report to standard output: No space left on device (os error 28)"
        );
    }
}

#[test]
fn an_output_extension_flowdeck_does_not_write_is_refused_without_format() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("demo.pdf");
    let out = flowdeck(&[
        "report",
        "--demo",
        "--now",
        NOW,
        "-o",
        pdf.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("flowdeck does not write .pdf files; name the file .json, .md, .html or .svg, or choose with --format"),
        "{stderr}"
    );
    assert!(!pdf.exists(), "nothing is written");
    // Chosen with --format, the name is the user's.
    let out = flowdeck(&[
        "report",
        "--demo",
        "--now",
        NOW,
        "--format",
        "md",
        "-o",
        pdf.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(std::fs::read_to_string(&pdf).unwrap().starts_with('#'));
}

#[test]
fn export_dir_with_a_tilde_is_in_the_home_directory() {
    // Never a folder named "~" beside the config: the home directory, resolved at load.
    let config = flowdeck::config::parse(
        "[export]\ndir = \"~/exports\"\n",
        std::path::Path::new("c.toml"),
    )
    .unwrap();
    assert!(
        !config.export.dir.starts_with("~") && config.export.dir.ends_with("exports"),
        "{}",
        config.export.dir.display()
    );
}
