//! The HTML report's structure, parsed: title, the five measures with bands, the tables with
//! their headers and rows, the three charts, no script, nothing loaded from elsewhere; item
//! limits, the coverage note and the scope.

use crate::support::reports;

use std::process::Command;

use flowdeck::config::ReportFormat;
use flowdeck::report::{self, RenderOptions};
use flowdeck::snapshot::ScopeFilter;
use reports::{NOW, demo, last_30_days, now, snapshot};
use scraper::{ElementRef, Html, Selector};

fn demo_html() -> String {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_flowdeck"))
        .args(["report", "--demo", "--format", "html", "--now", NOW])
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_STATE_HOME", home.path().join("state"))
        .env_remove("FLOWDECK_CONFIG")
        .env_remove("FLOWDECK_NOW")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn sel(css: &str) -> Selector {
    Selector::parse(css).unwrap()
}

fn text(e: ElementRef<'_>) -> String {
    e.text().collect::<String>().trim().to_string()
}

fn headers(doc: &Html, table: &str) -> Vec<String> {
    doc.select(&sel(&format!("#{table} thead th")))
        .map(text)
        .collect()
}

fn rows(doc: &Html, table: &str) -> usize {
    doc.select(&sel(&format!("#{table} tbody tr"))).count()
}

#[test]
fn the_demo_report_has_every_part() {
    let doc = Html::parse_document(&demo_html());
    let title = text(doc.select(&sel("head title")).next().unwrap());
    assert_eq!(
        title,
        "Delivery report 2026-10-21 14:30 → 2026-11-20 14:30 · flowdeck"
    );
    let header = text(doc.select(&sel("header")).next().unwrap());
    assert!(header.contains("Generated2026-11-20 14:30"), "{header}");
    assert!(header.contains("TimezoneUTC"), "{header}");

    // The five measures, four with a band as shape and label, rework without.
    let measures: Vec<ElementRef<'_>> = doc.select(&sel("article.measure")).collect();
    let keys: Vec<&str> = measures
        .iter()
        .map(|m| m.value().attr("data-measure").unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "deployment_frequency",
            "lead_time_for_changes",
            "change_failure_rate",
            "failed_deployment_recovery_time",
            "deployment_rework_rate"
        ]
    );
    let bands: Vec<String> = measures
        .iter()
        .map(|m| text(m.select(&sel(".band")).next().unwrap()))
        .collect();
    assert_eq!(
        bands,
        ["◆ elite", "▲ high", "▲ high", "▲ high", "no official bands"]
    );
    for m in &measures {
        assert!(m.select(&sel(".value")).next().is_some());
        let trend = text(m.select(&sel(".trend")).next().unwrap());
        assert!(trend.starts_with(['↑', '↓', '→']), "{trend}");
    }

    // Tables: headers and rows as the demo story has them.
    assert_eq!(
        headers(&doc, "services-table"),
        [
            "Service",
            "Team",
            "Deploy-days/week",
            "Deployments",
            "Lead time",
            "Failure rate",
            "Recovery",
            "Rework"
        ]
    );
    assert_eq!(rows(&doc, "services-table"), 5);
    assert_eq!(headers(&doc, "teams-table")[..2], ["Team", "Services"]);
    assert_eq!(rows(&doc, "teams-table"), 3);
    assert_eq!(
        headers(&doc, "failed-table"),
        [
            "Deployment",
            "Service",
            "Finished",
            "Why it failed",
            "Recovered"
        ]
    );
    assert_eq!(rows(&doc, "failed-table"), 4);
    assert_eq!(
        headers(&doc, "incidents-table"),
        [
            "Incident",
            "Severity",
            "Services",
            "Started",
            "Duration",
            "Attributed to",
            "Why"
        ]
    );
    assert_eq!(rows(&doc, "incidents-table"), 5);
    assert_eq!(rows(&doc, "ci-table"), 6);
    assert_eq!(rows(&doc, "deployments-table"), 58);
    assert_eq!(rows(&doc, "flow-table"), 8);
    assert_eq!(rows(&doc, "band-table"), 4);
    assert_eq!(
        headers(&doc, "sources-table"),
        [
            "Source",
            "Kind",
            "Status",
            "Last success",
            "Data age",
            "Error"
        ]
    );
    assert_eq!(rows(&doc, "sources-table"), 1);
    let failed = text(doc.select(&sel("#failed-table tbody tr")).next().unwrap());
    assert!(failed.contains("incident link: demo:INC-2060"), "{failed}");
    assert!(failed.contains("not yet"), "{failed}");
    let band_table = text(doc.select(&sel("#band-table")).next().unwrap());
    for threshold in [
        "median deploy-days per week ≥ 5",
        "deploy-days × 30 / window days ≥ 1",
        "< 1d",
        "≤ 5%",
        "> 15%",
        "≥ 7d",
    ] {
        assert!(band_table.contains(threshold), "{threshold}: {band_table}");
    }
    let definitions = doc.select(&sel("dl.definitions dt")).count();
    assert_eq!(definitions, 5 + 6);

    // The charts: inline SVG, accessible, with their marks.
    for id in ["chart-deployments", "chart-lead-time", "chart-failures"] {
        let svg = doc
            .select(&sel(&format!("svg#{id}")))
            .next()
            .unwrap_or_else(|| panic!("{id} missing"));
        assert_eq!(svg.value().attr("role"), Some("img"));
        assert!(svg.select(&sel("title")).next().is_some());
    }
    let bars = doc.select(&sel("#chart-deployments rect.bar")).count();
    assert_eq!(bars, 22, "one bar per deploy-day");
    let lead_bars: Vec<String> = doc
        .select(&sel("#chart-lead-time rect.bar title"))
        .map(text)
        .collect();
    assert_eq!(
        lead_bars,
        [
            "< 1h: 2 changes",
            "1h – 1d: 78 changes",
            "1d – 7d: 88 changes"
        ]
    );
    // Four failures: four markers, three recovery bars, one open bar.
    assert_eq!(
        doc.select(&sel("#chart-failures path.failure title"))
            .count(),
        4
    );
    assert_eq!(doc.select(&sel("#chart-failures rect.recovery")).count(), 3);
    assert_eq!(doc.select(&sel("#chart-failures rect.open")).count(), 1);
}

#[test]
fn the_report_is_self_contained_and_runs_nothing() {
    let html = demo_html();
    let doc = Html::parse_document(&html);
    assert_eq!(
        doc.select(&sel("script, iframe, object, embed, link, img"))
            .count(),
        0
    );
    for element in doc
        .root_element()
        .descendants()
        .filter_map(ElementRef::wrap)
    {
        for (name, value) in element.value().attrs() {
            assert!(!name.starts_with("on"), "event handler {name}");
            assert_ne!(name, "src", "{value}");
            if name == "href" {
                assert_eq!(
                    element.value().name(),
                    "a",
                    "href on <{}>",
                    element.value().name()
                );
                assert!(value.starts_with("https://") || value.starts_with("http://"));
            }
        }
    }
    let style = text(doc.select(&sel("head style")).next().unwrap());
    assert!(!style.contains("url("), "no external fonts or images");
    assert!(!style.contains("@import"));
    assert!(style.contains("@media print"));
    assert!(style.contains("break-inside: avoid"));
    assert!(style.contains("break-before: page"));
}

#[test]
fn long_tables_say_how_many_items_were_left_out() {
    let (history, sources) = demo();
    let snap = snapshot(&history, sources, last_30_days(now()), ScopeFilter::All);
    let html = report::render(&snap, ReportFormat::Html, RenderOptions { max_items: 2 }).unwrap();
    let doc = Html::parse_document(&html);
    assert_eq!(rows(&doc, "failed-table"), 2);
    assert_eq!(rows(&doc, "incidents-table"), 2);
    assert_eq!(rows(&doc, "deployments-table"), 2);
    let notes: Vec<String> = doc.select(&sel("p.omitted")).map(text).collect();
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("2 more failed deployments left out")),
        "{notes:#?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("56 more deployments left out")),
        "{notes:#?}"
    );
    let caption = text(doc.select(&sel("#failed-table caption")).next().unwrap());
    assert_eq!(caption, "The 2 most recent of 4 failed deployments");
    // The newest are the ones kept.
    let first = text(
        doc.select(&sel("#failed-table tbody tr td"))
            .next()
            .unwrap(),
    );
    assert_eq!(first, "v4.9.0");
    // The timeline draws at most as many as the tables list.
    assert_eq!(
        doc.select(&sel("#chart-failures path.failure title"))
            .count(),
        2
    );
}

#[test]
fn incomplete_data_and_a_scope_are_said() {
    let (history, _) = demo();
    // No source reaches back: neither window is known to be complete.
    let snap = snapshot(
        &history,
        Vec::new(),
        last_30_days(now()),
        ScopeFilter::Service("api".into()),
    );
    let html = report::render(&snap, ReportFormat::Html, RenderOptions { max_items: 200 }).unwrap();
    let doc = Html::parse_document(&html);
    let note = text(doc.select(&sel("p.note")).next().unwrap());
    assert!(
        note.contains("does not cover the whole window or the previous window"),
        "{note}"
    );
    let header = text(doc.select(&sel("header")).next().unwrap());
    assert!(header.contains("Scopeservice api"), "{header}");
    assert_eq!(rows(&doc, "services-table"), 1);
    // A team row needs all its services in scope: payments also has billing.
    assert!(doc.select(&sel("#teams-table")).next().is_none());
    let services: Vec<String> = doc
        .select(&sel("#deployments-table tbody tr td:nth-child(2)"))
        .map(text)
        .collect();
    assert!(!services.is_empty() && services.iter().all(|s| s == "api"));
    // Lead-time buckets count exactly the measure's changes.
    let buckets: u64 = snap.charts.lead_time_buckets.iter().sum();
    assert_eq!(buckets, snap.metrics.lead_time_for_changes.changes);
}

#[test]
fn times_are_written_in_the_configured_timezone() {
    let (events, sources) = flowdeck::sources::collect_demo(now());
    let rules = flowdeck::metrics::Rules {
        timezone: "Europe/Berlin".parse().unwrap(),
        ..Default::default()
    };
    let history = flowdeck::metrics::History::derive(events, rules);
    let snap = snapshot(&history, sources, last_30_days(now()), ScopeFilter::All);
    assert_eq!(snap.timezone, "Europe/Berlin");
    let html = report::render(&snap, ReportFormat::Html, RenderOptions { max_items: 200 }).unwrap();
    let doc = Html::parse_document(&html);
    let header = text(doc.select(&sel("header")).next().unwrap());
    // 14:30 UTC is 15:30 in Berlin in November; the machine-readable attribute stays UTC.
    assert!(header.contains("Generated2026-11-20 15:30"), "{header}");
    assert!(header.contains("TimezoneEurope/Berlin"), "{header}");
    let generated = doc
        .select(&sel("header dd time"))
        .find(|t| text(*t) == "2026-11-20 15:30")
        .unwrap();
    assert_eq!(generated.value().attr("datetime"), Some(NOW));
    let md = report::render(&snap, ReportFormat::Md, RenderOptions { max_items: 200 }).unwrap();
    assert!(
        md.contains("Generated 2026-11-20 15:30 (Europe/Berlin)"),
        "{md:.300}"
    );
}
