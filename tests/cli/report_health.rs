//! The HTML report's health charts: one inline SVG per panel and service, each deployment
//! marked under the plot at its time's x by shape and class (▲ ok, ✖ failed, ◆ rework),
//! incidents as shaded spans, a failed query's message in place of its chart, and hostile
//! panel text escaped.

use crate::support::demo_panels::demo_panels;
use crate::support::reports::{demo, last_30_days, now, snapshot};

use flowdeck::app::PanelRequest;
use flowdeck::config::ReportFormat;
use flowdeck::report::{self, RenderOptions};
use flowdeck::snapshot::ScopeFilter;
use scraper::{Html, Selector};

fn sel(css: &str) -> Selector {
    Selector::parse(css).unwrap()
}

const LEFT: f64 = 64.0;
const PLOT_W: f64 = 560.0 - 64.0 - 12.0;

#[test]
fn markers_sit_at_their_deployments_x_and_incidents_are_shaded() {
    let (history, sources) = demo();
    let window = last_30_days(now());
    let request = PanelRequest {
        services: history.services.iter().map(|s| s.name.clone()).collect(),
        from_ms: window.from.timestamp_millis(),
        to_ms: window.to.timestamp_millis(),
        width: 600,
    };
    let mut panels = demo_panels(&history, &request);
    panels.panels[0].name = "<script>alert(1)</script>\u{1b}[31m".into();
    let snap =
        snapshot(&history, sources, window, ScopeFilter::default()).with_panels(&history, panels);
    let html = report::render(&snap, ReportFormat::Html, RenderOptions { max_items: 200 }).unwrap();
    assert!(!html.contains("<script>alert"), "panel names are escaped");
    let doc = Html::parse_document(&html);
    let figures: Vec<_> = doc.select(&sel("#health figure")).collect();
    // Four panels of five services.
    assert_eq!(figures.len(), 4 * history.services.len());

    let caption = |f: &scraper::ElementRef<'_>| {
        f.select(&sel("figcaption"))
            .next()
            .map(|c| c.text().collect::<String>())
            .unwrap_or_default()
    };
    let web = figures
        .iter()
        .find(|f| caption(f).ends_with("· web") && caption(f).contains("alert(1)"))
        .expect("the first panel's chart of web");
    // Every deployment of web in the window, at x = left + width × (t − from) / span.
    let span = (window.to - window.from).num_milliseconds() as f64;
    let mut expected = 0;
    for (d, facts) in history.events.deployments.iter().zip(&history.deployments) {
        if d.service != "web" || d.finished_at < window.from || d.finished_at > window.to {
            continue;
        }
        if facts.baseline {
            continue;
        }
        expected += 1;
        let x = LEFT + PLOT_W * (d.finished_at - window.from).num_milliseconds() as f64 / span;
        let class = if facts.failed() {
            "marker-failed"
        } else if facts.rework() {
            "marker-rework"
        } else {
            "marker-ok"
        };
        let found = web.select(&sel(&format!("g.{class}"))).any(|g| {
            g.value()
                .attr("transform")
                .is_some_and(|t| t.starts_with(&format!("translate({x:.1} ")))
        });
        assert!(found, "{class} at x {x:.1} for {}", d.id);
    }
    let drawn = web.select(&sel("g[class^=marker-]")).count();
    assert!(
        expected > 3 && drawn >= expected,
        "{drawn} markers, {expected} expected"
    );
    // Shape, not only colour: a failed one is a cross (a path), the others polygons.
    assert!(web.select(&sel("g.marker-failed > path")).next().is_some());
    assert!(web.select(&sel("g.marker-ok > polygon")).next().is_some());
    // web's open incident is shaded up to now.
    assert!(web.select(&sel("rect.incident")).next().is_some());
    assert!(web.select(&sel("polyline.line")).next().is_some());

    // The failed query: Prometheus' words instead of a chart, the other panels of api drawn.
    let api_queue = figures
        .iter()
        .find(|f| caption(f) == "queue depth · api")
        .unwrap();
    assert!(api_queue.select(&sel("svg")).next().is_none());
    let note: String = api_queue
        .select(&sel("p.note"))
        .next()
        .unwrap()
        .text()
        .collect();
    assert!(
        note.contains("parse error: unclosed left parenthesis"),
        "{note}"
    );
    assert!(
        figures
            .iter()
            .any(|f| caption(f) == "requests · api" && f.select(&sel("svg")).next().is_some())
    );
}

#[test]
fn without_panels_there_is_no_health_section_and_many_charts_are_capped() {
    let (history, sources) = demo();
    let window = last_30_days(now());
    let snap = snapshot(&history, sources.clone(), window, ScopeFilter::default());
    let html = report::render(&snap, ReportFormat::Html, RenderOptions { max_items: 200 }).unwrap();
    assert!(!html.contains("id=\"health\""));
    // A report item limit caps the charts too.
    let request = PanelRequest {
        services: history.services.iter().map(|s| s.name.clone()).collect(),
        from_ms: window.from.timestamp_millis(),
        to_ms: window.to.timestamp_millis(),
        width: 600,
    };
    let snap = snapshot(&history, sources, window, ScopeFilter::default())
        .with_panels(&history, demo_panels(&history, &request));
    let html = report::render(&snap, ReportFormat::Html, RenderOptions { max_items: 3 }).unwrap();
    let doc = Html::parse_document(&html);
    assert_eq!(doc.select(&sel("#health figure")).count(), 3);
    assert!(html.contains("The first 3 of 20 charts are drawn"));
}
