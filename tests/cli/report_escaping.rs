//! Text from sources is inert in every report format. Every text field of the history (service,
//! team, deployment id and name, commit title, incident id, source, title, severity and URL,
//! source name and error) holds `<script>alert(1)</script>`, a `|`, an ANSI escape, quotes,
//! Markdown emphasis and a `javascript:` link.

use crate::support::reports;

use std::sync::{Arc, LazyLock};

use flowdeck::config::ReportFormat;
use flowdeck::metrics::History;
use flowdeck::report::{self, RenderOptions};
use flowdeck::snapshot::{ScopeFilter, Snapshot};
use flowdeck::status::SourceStatus;
use reports::{HOSTILE, hostile, last_30_days, now, snapshot};
use scraper::{Html, Selector};

/// The hostile history, derived once for every test here.
static HOSTILE_HISTORY: LazyLock<(History, Vec<SourceStatus>)> = LazyLock::new(hostile);

fn hostile_snapshot() -> Snapshot<'static> {
    let (history, sources) = &*HOSTILE_HISTORY;
    snapshot(
        history,
        sources.clone(),
        last_30_days(now()),
        ScopeFilter::All,
    )
}

fn render(snapshot: &Snapshot, format: ReportFormat) -> String {
    report::render(snapshot, format, RenderOptions { max_items: 200 }).unwrap()
}

/// No raw ESC or other C0 control character besides line breaks (serde and every escaper must
/// have removed or encoded them).
fn assert_no_controls(text: &str, format: &str) {
    let bad: Vec<char> = text
        .chars()
        .filter(|c| c.is_control() && *c != '\n' && *c != '\r' && *c != '\t')
        .collect();
    assert!(bad.is_empty(), "{format} holds control characters {bad:?}");
}

#[test]
fn the_hostile_story_is_really_in_the_reports() {
    // Guards the other tests: the hostile texts reach every list.
    let snap = hostile_snapshot();
    assert_eq!(snap.deployments.len(), 2);
    assert_eq!(snap.deployments.failed_counts(), (1, 1));
    assert_eq!(snap.incidents.len(), 1);
    assert!(snap.incidents[0].attributed_to.is_some());
    assert_eq!(snap.services.len(), 1);
    assert_eq!(snap.teams.len(), 1);
}

#[test]
fn json_keeps_the_text_as_data_with_controls_escaped() {
    let snap = hostile_snapshot();
    let text = render(&snap, ReportFormat::Json);
    assert_no_controls(&text, "json");
    assert!(text.contains("\\u001b[31m"), "ESC is written as \\u001b");
    let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
    // JSON is data: the exact text survives, for the consumer to escape for its own medium.
    assert_eq!(parsed["incidents"][0]["title"], HOSTILE);
}

#[test]
fn html_shows_the_text_and_runs_nothing() {
    let snap = hostile_snapshot();
    let text = render(&snap, ReportFormat::Html);
    assert_no_controls(&text, "html");
    assert!(!text.to_ascii_lowercase().contains("<script"));
    assert!(!text.contains("javascript:alert(3)"));

    let doc = Html::parse_document(&text);
    let select = |css: &str| Selector::parse(css).unwrap();
    assert_eq!(doc.select(&select("script")).count(), 0);
    // Handlers would need an attribute named on*; none exists.
    for element in doc
        .root_element()
        .descendants()
        .filter_map(scraper::ElementRef::wrap)
    {
        for (name, value) in element.value().attrs() {
            assert!(!name.starts_with("on"), "{name}={value}");
            if name == "href" {
                assert_eq!(element.value().name(), "a");
                assert!(value.starts_with("https://"), "{value}");
            }
        }
    }
    // The text reads as written, minus the terminal escape.
    let inert = HOSTILE.replace("\u{1b}[31m", "").replace("\u{1b}[0m", "");
    let incident = doc
        .select(&select(
            "#incidents-table tbody tr td a, #incidents-table tbody tr td",
        ))
        .map(|e| e.text().collect::<String>())
        .find(|t| t.contains("<script>"))
        .unwrap();
    assert!(incident.contains(&inert), "{incident}");
    // The one safe URL is a link, its quotes and brackets kept inside the attribute.
    let links: Vec<&str> = doc
        .select(&select("a[href]"))
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(
        links,
        vec!["https://git.example.com/tags/v8?a=1&b=\"><script>alert(4)</script>"]
    );
    // Service, team and source names are text in their cells.
    let cells: Vec<String> = doc
        .select(&select(
            "#services-table td, #teams-table td, #sources-table td",
        ))
        .map(|e| e.text().collect())
        .collect();
    assert!(cells.contains(&format!("api{inert}")), "{cells:#?}");
    assert!(cells.contains(&format!("team{inert}")), "{cells:#?}");
    assert!(cells.contains(&format!("git{inert}")), "{cells:#?}");
}

#[test]
fn markdown_tables_keep_their_columns_and_render_no_markup() {
    let snap = hostile_snapshot();
    let text = render(&snap, ReportFormat::Md);
    assert_no_controls(&text, "md");
    assert!(!text.contains("<script"));
    assert!(text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    // The link syntax in the text is escaped: `\[x\](javascript:…)` is literal text.
    assert!(text.contains("\\[x\\](javascript:alert(2))"));
    assert_eq!(
        text.matches("](javascript:").count(),
        text.matches("\\](javascript:").count(),
        "no live javascript: link"
    );
    // Every row of a table has as many unescaped pipes as its header.
    let mut columns = None;
    for line in text.lines() {
        if !line.starts_with('|') {
            columns = None;
            continue;
        }
        let pipes = line
            .char_indices()
            .filter(|&(i, c)| c == '|' && (i == 0 || &line[i - 1..i] != "\\"))
            .count();
        match columns {
            None => columns = Some(pipes),
            Some(n) => assert_eq!(pipes, n, "{line}"),
        }
    }
    assert!(text.contains("\\| pipe"));
    assert!(text.contains("\\*bold\\*"));
}

#[test]
fn svg_draws_the_text_as_text() {
    let (history, sources) = hostile();
    let picture = report::svg::Picture {
        width: 200,
        height: 60,
        theme: Arc::new(flowdeck::ui::theme::Theme::builtin("default").unwrap()),
        title: format!("flowdeck {HOSTILE}"),
    };
    let svg = report::svg::dashboard(
        Arc::new(history),
        sources,
        last_30_days(now()),
        now(),
        &picture,
    );
    assert_no_controls(&svg, "svg");
    assert!(!svg.to_ascii_lowercase().contains("<script"));
    assert!(svg.contains("&lt;script&gt;"), "the hostile text is drawn");
    let doc = Html::parse_fragment(&svg);
    assert_eq!(doc.select(&Selector::parse("script").unwrap()).count(), 0);
    assert_eq!(
        doc.select(&Selector::parse("[href], a").unwrap()).count(),
        0,
        "no links in the SVG"
    );
}
