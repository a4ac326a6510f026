//! Health panels on the dashboard, driven by actions on the demo data with the demo's panels
//! (`support::demo_panels`): a service's page (two sizes and NO_COLOR), a failed query's
//! message on its panel, the verdict in a deployment's detail, deployment lists sorted by
//! verdict, the wall's health pages, and one read per refresh.

use crate::support::demo_panels::BAD_QUERY;
use crate::support::headless;

use flowdeck::app::{Action, App, Command, update};
use headless::{
    answer_panel_reads, demo_app, demo_app_with_panels, press, screen_text, screen_text_no_color,
};

const SIZES: [(u16, u16); 2] = [(120, 40), (200, 60)];

/// Scopes the dashboard to `service` through the picker, as `f`, typing and Enter do.
fn scope_to(app: &mut App, service: &str) {
    press(app, &[Command::Service]);
    for c in service.chars() {
        update(app, Action::Input(c));
    }
    update(app, Action::SubmitInput);
}

#[test]
fn a_services_page_of_panels() {
    for (width, height) in SIZES {
        let mut app = demo_app_with_panels(width, height, false);
        scope_to(&mut app, "web");
        press(&mut app, &[Command::Health]);
        let shown = screen_text(&app);
        for panel in ["error rate · web", "latency p95 · web", "requests · web"] {
            assert!(shown.contains(panel), "{panel} missing:\n{shown}");
        }
        // A failed deployment is marked with its own shape.
        assert!(shown.contains('✖'), "{shown}");
        insta::assert_snapshot!(format!("health_web_{width}x{height}"), shown);
        insta::assert_snapshot!(
            format!("health_web_{width}x{height}_no_color"),
            screen_text_no_color(&app)
        );
    }
}

#[test]
fn a_failed_query_shows_prometheus_message_and_the_other_panels_draw() {
    let mut app = demo_app_with_panels(200, 60, false);
    scope_to(&mut app, "api");
    press(&mut app, &[Command::Health]);
    let shown = screen_text(&app);
    assert!(shown.contains("parse error: unclosed left"), "{shown}");
    assert!(BAD_QUERY.contains("unclosed left parenthesis"));
    assert!(shown.contains("error rate · api") && shown.contains("requests · api"));
}

#[test]
fn the_services_table_opens_the_selected_services_page() {
    let mut app = demo_app_with_panels(120, 40, false);
    press(&mut app, &[Command::Services, Command::Health]);
    let shown = screen_text(&app);
    assert!(shown.contains("· health"), "{shown}");
    assert!(shown.contains("error rate ·"), "{shown}");
    // H again goes back.
    press(&mut app, &[Command::Health]);
    assert!(screen_text(&app).contains("Services ("));
}

#[test]
fn without_panels_h_says_how_to_get_them() {
    let mut app = demo_app(120, 40, false);
    scope_to(&mut app, "web");
    press(&mut app, &[Command::Health]);
    assert!(screen_text(&app).contains("no health panels: add [[panels]]"));
    press(
        &mut app,
        &[Command::Panel1, Command::Open, Command::SortVerdict],
    );
    assert!(screen_text(&app).contains("no health panels"));
}

/// The failure-rate drill-down of `web`, its first failed deployment opened.
fn failed_web_deployment(app: &mut App) {
    scope_to(app, "web");
    press(app, &[Command::Panel3, Command::Open, Command::Open]);
}

#[test]
fn the_deployment_detail_shows_each_panels_verdict_as_a_hint() {
    for (width, height) in SIZES {
        let mut app = demo_app_with_panels(width, height, false);
        failed_web_deployment(&mut app);
        let shown = screen_text(&app);
        assert!(
            shown.contains("Health panels (a hint, not a failure)"),
            "{shown}"
        );
        assert!(
            shown.contains("error rate") && shown.contains("unusual"),
            "{shown}"
        );
        insta::assert_snapshot!(format!("health_deployment_{width}x{height}"), shown);
        insta::assert_snapshot!(
            format!("health_deployment_{width}x{height}_no_color"),
            screen_text_no_color(&app)
        );
    }
}

#[test]
fn an_unusual_worsening_never_changes_the_change_failure_rate() {
    let mut without = demo_app(200, 60, false);
    let mut with = demo_app_with_panels(200, 60, false);
    press(&mut without, &[Command::Panel3, Command::Open]);
    press(&mut with, &[Command::Panel3, Command::Open]);
    let summary = |app: &App| {
        screen_text(app)
            .lines()
            .take(8)
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(summary(&without), summary(&with));
}

#[test]
fn deployment_lists_sort_by_verdict_worse_first() {
    let mut app = demo_app_with_panels(200, 60, false);
    press(
        &mut app,
        &[Command::Panel1, Command::Open, Command::ToggleAll],
    );
    press(&mut app, &[Command::SortVerdict]);
    let shown = screen_text(&app);
    assert!(shown.contains("by Health ↓"), "{shown}");
    // The rows under the header: every "unusual" row before any other.
    let rows: Vec<&str> = shown
        .lines()
        .skip_while(|l| !l.contains("Outcome") || !l.contains("Health"))
        .skip(1)
        .take_while(|l| l.starts_with('┃') && !l.trim_matches(['┃', ' ']).is_empty())
        .collect();
    assert!(rows.len() > 3, "{shown}");
    let unusual: Vec<bool> = rows.iter().map(|r| r.contains("unusual")).collect();
    assert!(unusual[0], "the worst first: {rows:#?}");
    assert!(
        unusual.windows(2).all(|w| w[0] || !w[1]),
        "unusual rows first:\n{shown}"
    );
    // The key is in the command bar and in help.
    assert!(shown.contains("V sort by health"), "{shown}");
    press(&mut app, &[Command::Help]);
    assert!(screen_text(&app).contains("sort by health"));
}

#[test]
fn wall_mode_rotates_through_each_services_health_page() {
    let mut app = demo_app_with_panels(200, 60, true);
    let pages = app.wall_pages();
    let health: Vec<usize> = pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.kind == flowdeck::app::state::HEALTH_PAGE)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(health.len(), app.history().services.len(), "{pages:?}");
    for _ in 0..health[0] {
        update(&mut app, Action::RotateWall);
    }
    let shown = screen_text(&app);
    assert!(shown.contains("health panels · page"), "{shown}");
    assert!(shown.contains("error rate ·"), "{shown}");
    insta::assert_snapshot!("health_wall_200x60", shown);
}

#[test]
fn one_read_per_refresh_and_window_never_per_key_or_minute() {
    let mut app = demo_app_with_panels(120, 40, false);
    // Keys and the clock ask for nothing.
    press(&mut app, &[Command::Panel3, Command::Open, Command::Back]);
    let later = app.now + chrono::Duration::minutes(3);
    update(&mut app, Action::Tick(later));
    assert_eq!(answer_panel_reads(&mut app), 0);
    // A new window asks once; so does a reload.
    press(&mut app, &[Command::Window]);
    assert_eq!(answer_panel_reads(&mut app), 1);
    let loaded = flowdeck::app::Loaded {
        history: app.data.history.clone(),
        sources: app.data.sources.clone(),
        read_at: app.now + chrono::Duration::minutes(4),
    };
    update(&mut app, Action::Loaded(Box::new(loaded)));
    assert_eq!(answer_panel_reads(&mut app), 1);
    // A small resize stays within the request's width step; a large one asks again.
    update(
        &mut app,
        Action::Resize {
            width: 118,
            height: 40,
        },
    );
    assert_eq!(answer_panel_reads(&mut app), 0);
    update(
        &mut app,
        Action::Resize {
            width: 200,
            height: 60,
        },
    );
    assert_eq!(answer_panel_reads(&mut app), 1);
}

#[test]
fn the_failure_drill_downs_of_one_service_show_its_first_panel() {
    let mut app = demo_app_with_panels(200, 60, false);
    scope_to(&mut app, "web");
    for (measure, shown) in [
        (Command::Panel3, true),
        (Command::Panel4, true),
        (Command::Panel1, false),
    ] {
        press(&mut app, &[measure, Command::Open]);
        let text = screen_text(&app);
        assert_eq!(text.contains("error rate · web"), shown, "{text}");
        press(&mut app, &[Command::Back]);
    }
    // Every service in scope: no single service's panel.
    let mut all = demo_app_with_panels(200, 60, false);
    press(&mut all, &[Command::Panel3, Command::Open]);
    assert!(!screen_text(&all).contains("error rate ·"));
}

#[test]
fn hostile_panel_names_and_messages_reach_the_screen_inert() {
    let mut app = demo_app_with_panels(200, 60, false);
    // A second read whose text is hostile: it replaces the first.
    press(&mut app, &[Command::Window]);
    let requests: Vec<_> = app
        .take_effects()
        .into_iter()
        .filter_map(|e| match e {
            flowdeck::app::Effect::ReadPanels(r) => Some(r),
            _ => None,
        })
        .collect();
    assert_eq!(requests.len(), 1);
    let request = requests.into_iter().next().unwrap();
    let mut panels = crate::support::demo_panels::demo_panels(&app.data.history, &request);
    panels.panels[0].name = "\u{1b}]0;owned\u{7}\u{1b}[2Jerror rate".into();
    for series in &mut panels.panels[3].series {
        series.error = Some("\u{1b}[31mbad\u{1b}]8;;http://x\u{7}query\u{9b}2J".into());
        series.points.clear();
    }
    update(
        &mut app,
        Action::PanelsRead(Box::new(flowdeck::app::PanelsRead { request, panels })),
    );
    scope_to(&mut app, "web");
    press(&mut app, &[Command::Health]);
    let page = screen_text(&app);
    press(&mut app, &[Command::Back]);
    failed_web_deployment(&mut app);
    let detail = screen_text(&app);
    for shown in [&page, &detail] {
        assert!(!shown.contains(['\u{1b}', '\u{7}', '\u{9b}']), "{shown:?}");
    }
    assert!(
        page.contains("error rate") && page.contains("bad"),
        "{page}"
    );
    assert!(detail.contains("error rate"), "{detail}");
}
