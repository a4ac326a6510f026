//! The dashboard's `e`, headless: it writes a report of the scope and window on screen, in the
//! configured format, to the export folder, and says where.

use crate::support::headless;

use std::path::PathBuf;

use flowdeck::app::state::{Effect, WindowChoice};
use flowdeck::app::{Action, App, Command, update};
use flowdeck::config::ReportFormat;
use flowdeck::tui::{ExportSettings, export};
use headless::{demo_app, press, theme};
use serde_json::Value;

fn settings(dir: &std::path::Path, format: ReportFormat) -> ExportSettings {
    ExportSettings {
        dir: dir.join("reports"),
        format,
        max_items: 200,
        theme: theme("default"),
        protected: Vec::new(),
    }
}

/// Presses `e` (the update only queues the effect), runs the export, returns the written file.
fn press_e(app: &mut App, settings: &ExportSettings) -> PathBuf {
    press(app, &[Command::Export]);
    assert_eq!(app.effects.pop(), Some(Effect::Export));
    let note = export(app, settings);
    let path = note
        .strip_prefix("exported ")
        .unwrap_or_else(|| panic!("{note}"));
    // What the status line will show.
    update(app, Action::Notify(note.clone()));
    PathBuf::from(path)
}

fn read_json(path: &std::path::Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn e_exports_everything_as_html_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(120, 40, false);
    let path = press_e(&mut app, &settings(dir.path(), ReportFormat::Html));
    assert_eq!(
        path,
        dir.path().join("reports/flowdeck-20261120-143000.html")
    );
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<dt>Scope</dt><dd>all services</dd>"));
    assert!(
        app.message
            .as_deref()
            .unwrap()
            .contains(path.to_str().unwrap())
    );
}

#[test]
fn e_exports_the_service_filter_and_window_on_screen() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(120, 40, false);
    press(&mut app, &[Command::Service]);
    let service = app.filters.service.clone().unwrap();
    // The 7-day window.
    press(&mut app, &[Command::Window, Command::Window]);
    assert_eq!(app.window, WindowChoice::Days(7));
    let path = press_e(&mut app, &settings(dir.path(), ReportFormat::Json));
    assert!(
        path.file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with(&format!("flowdeck-service-{service}-")),
        "{}",
        path.display()
    );
    let report = read_json(&path);
    assert_eq!(report["scope"]["kind"], "service");
    assert_eq!(report["scope"]["name"], service.as_str());
    assert_eq!(report["scope"]["services"], serde_json::json!([service]));
    assert!(report["scope"]["environment"].is_null());
    assert_eq!(report["window"]["days"], 7.0);
    assert_eq!(report["services"].as_array().unwrap().len(), 1);
    let deployments = report["deployments"].as_array().unwrap();
    assert!(!deployments.is_empty());
    assert!(deployments.iter().all(|d| d["service"] == service.as_str()));
    // The totals are the service's own, as on screen.
    let shown = app.scope.as_ref().unwrap();
    assert_eq!(
        report["metrics"]["deployment_frequency"]["deployments"],
        shown.metrics.deployment_frequency.deployments
    );
    assert_eq!(report["metrics"], report["services"][0]["metrics"]);
}

#[test]
fn e_exports_a_team_in_markdown() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(120, 40, false);
    press(&mut app, &[Command::Team]);
    let team = app.filters.team.clone().unwrap();
    let path = press_e(&mut app, &settings(dir.path(), ReportFormat::Md));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains(&format!("Scope: team {team} · Generated")),
        "{text:.400}"
    );
    let json_path = press_e(&mut app, &settings(dir.path(), ReportFormat::Json));
    let report = read_json(&json_path);
    assert_eq!(report["scope"]["kind"], "team");
    assert_eq!(report["teams"].as_array().unwrap().len(), 1);
    assert_eq!(report["teams"][0]["name"], team.as_str());
}

#[test]
fn e_exports_the_environment_filter() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(120, 40, false);
    press(&mut app, &[Command::Environment]);
    let environment = app.filters.environment.clone().unwrap();
    let path = press_e(&mut app, &settings(dir.path(), ReportFormat::Json));
    let report = read_json(&path);
    assert_eq!(report["scope"]["environment"], environment.as_str());
    assert!(
        report["deployments"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["environment"] == environment.as_str())
    );
}

#[test]
fn e_exports_the_screen_as_svg() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(100, 30, false);
    let path = press_e(&mut app, &settings(dir.path(), ReportFormat::Svg));
    assert!(path.to_str().unwrap().ends_with(".svg"));
    let svg = std::fs::read_to_string(&path).unwrap();
    assert!(svg.contains("<svg"));
}

#[test]
fn a_failed_export_says_why() {
    let dir = tempfile::tempdir().unwrap();
    // The export folder's place is taken by a file.
    let blocked = dir.path().join("reports");
    std::fs::write(&blocked, "not a folder").unwrap();
    let app = demo_app(120, 40, false);
    let note = export(&app, &settings(dir.path(), ReportFormat::Html));
    assert!(note.starts_with("export to "), "{note}");
    assert!(note.contains("failed"), "{note}");
}

#[test]
fn in_wall_mode_e_exports_the_page_on_screen() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(120, 40, true);
    // Page 0 is everything, then each team, then each service.
    let pages = app.wall_pages();
    let teams = pages.iter().filter(|(t, _)| t.starts_with("Team ")).count();
    // The gateway is the platform team's only service: its page is still a service's.
    let gateway = pages
        .iter()
        .position(|(t, _)| t == "Service gateway")
        .unwrap();
    for (page, kind) in [
        (0, "all"),
        (1, "team"),
        (1 + teams, "service"),
        (gateway, "service"),
    ] {
        while app.wall.as_ref().unwrap().page != page {
            update(&mut app, Action::RotateWall);
        }
        let note = export(&app, &settings(dir.path(), ReportFormat::Json));
        let path = note.strip_prefix("exported ").unwrap();
        let report = read_json(std::path::Path::new(path));
        assert_eq!(report["scope"]["kind"], kind, "page {page}");
        let (title, services) = &pages[page];
        if let Some(name) = report["scope"]["name"].as_str() {
            assert!(title.ends_with(name), "{title} vs {name}");
        }
        assert_eq!(
            report["scope"]["services"].as_array().unwrap().len(),
            services.len()
        );
    }
}
