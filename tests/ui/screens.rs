//! Every screen of the dashboard at 80×24 and 200×60 on the demo data with a fixed clock, as
//! insta snapshots; and the behaviour behind the keys.

use crate::support::headless;

use flowdeck::app::state::{Measure, Screen};
use flowdeck::app::{Action, Command};
use headless::{demo_app, press, screen_text};

const SIZES: [(u16, u16); 2] = [(80, 24), (200, 60)];

fn snapshot(name: &str, commands: &[Command]) {
    for (width, height) in SIZES {
        let mut app = demo_app(width, height, false);
        press(&mut app, commands);
        insta::assert_snapshot!(format!("{name}_{width}x{height}"), screen_text(&app));
    }
}

#[test]
fn overview() {
    snapshot("overview", &[]);
}

#[test]
fn measure_drill_downs() {
    let tiles = [
        ("frequency", Command::Panel1),
        ("lead_time", Command::Panel2),
        ("failure_rate", Command::Panel3),
        ("recovery", Command::Panel4),
        ("rework", Command::Panel5),
    ];
    for (name, panel) in tiles {
        snapshot(&format!("measure_{name}"), &[panel, Command::Open]);
    }
    // The flow row opens CI, pull requests and time to restore.
    snapshot("measure_ci", &[Command::Panel6, Command::Open]);
    snapshot(
        "measure_pull_requests",
        &[Command::Panel6, Command::Right, Command::Open],
    );
    snapshot(
        "measure_time_to_restore",
        &[
            Command::Panel6,
            Command::Right,
            Command::Right,
            Command::Open,
        ],
    );
}

#[test]
fn a_failing_deployment() {
    // The latest-deployments strip, newest first: web v4.9.0 is the second row.
    snapshot(
        "deployment",
        &[Command::Panel7, Command::Down, Command::Open],
    );
}

#[test]
fn an_open_incident() {
    // The second open incident: the checkout failure blamed on web v4.9.0 (the first is the
    // silenced disk alert, newer).
    snapshot("incident", &[Command::Panel9, Command::Down, Command::Open]);
}

#[test]
fn standup() {
    snapshot("standup", &[Command::Standup]);
}

#[test]
fn help() {
    snapshot("help", &[Command::Help]);
}

#[test]
fn wall() {
    for (width, height) in SIZES {
        let app = demo_app(width, height, true);
        insta::assert_snapshot!(format!("wall_{width}x{height}"), screen_text(&app));
    }
}

#[test]
fn too_small() {
    let app = demo_app(20, 5, false);
    insta::assert_snapshot!("too_small_20x5", screen_text(&app));
}

#[test]
fn drill_down_and_back_keeps_a_breadcrumb() {
    let mut app = demo_app(120, 40, false);
    press(&mut app, &[Command::Panel2, Command::Open]);
    assert!(matches!(
        app.screen(),
        Screen::Measure {
            measure: Measure::LeadTime,
            ..
        }
    ));
    press(&mut app, &[Command::Open]);
    assert!(matches!(app.screen(), Screen::Deployment { .. }));
    let text = screen_text(&app);
    assert!(
        text.contains("Overview › Lead time for changes › "),
        "{text}"
    );
    press(&mut app, &[Command::Back, Command::Back]);
    assert!(matches!(app.screen(), Screen::Overview));
    press(&mut app, &[Command::Back]);
    assert!(
        matches!(app.screen(), Screen::Overview),
        "back on the overview stays"
    );
}

#[test]
fn the_incident_drill_down_explains_the_attribution() {
    let mut app = demo_app(200, 60, false);
    press(&mut app, &[Command::Panel9, Command::Down, Command::Open]);
    let text = screen_text(&app);
    assert!(
        text.contains("Checkout page intermittently returns 503"),
        "{text}"
    );
    assert!(text.contains("names deployment:demo:web:v4.9.0"), "{text}");
    assert!(text.contains("still open: 2h 14m"), "{text}");
    // Enter on the attribution opens the deployment it names.
    let rows = flowdeck::app::screens::list(&app, app.screen()).rows;
    let attribution = rows
        .iter()
        .position(|r| r.cells.first().is_some_and(|c| c.text == "incident_link"))
        .unwrap();
    let selected = |app: &flowdeck::app::App| match app.screen() {
        Screen::Incident { list, .. } => list.selected,
        _ => usize::MAX,
    };
    // Headings are stepped over; the selection starts on the first item.
    assert_eq!(selected(&app), 1);
    while selected(&app) < attribution {
        press(&mut app, &[Command::Down]);
    }
    assert_eq!(selected(&app), attribution);
    press(&mut app, &[Command::Open]);
    assert!(screen_text(&app).contains("Deployment v4.9.0"));
}

#[test]
fn filters_window_and_search_change_the_scope() {
    let mut app = demo_app(200, 60, false);
    press(&mut app, &[Command::Service]);
    let text = screen_text(&app);
    assert!(text.contains("service api"), "{text}");
    press(&mut app, &[Command::Team]);
    assert!(screen_text(&app).contains("team payments"));
    press(&mut app, &[Command::ClearFilters, Command::Window]);
    assert!(screen_text(&app).contains("last 90 days"));
    press(&mut app, &[Command::Window]);
    assert!(screen_text(&app).contains("last 7 days"));

    press(&mut app, &[Command::Panel1, Command::Open, Command::Search]);
    for c in "v4.9".chars() {
        flowdeck::app::update(&mut app, Action::Input(c));
    }
    flowdeck::app::update(&mut app, Action::SubmitInput);
    let rows = flowdeck::app::screens::list(&app, app.screen()).rows;
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r.cells[0].text.contains("v4.9")));
    assert!(screen_text(&app).contains("search \"v4.9\""));
}

#[test]
fn a_custom_window_is_typed_in() {
    let mut app = demo_app(120, 40, false);
    press(&mut app, &[Command::CustomWindow]);
    for c in "2026-11-01..2026-11-14".chars() {
        flowdeck::app::update(&mut app, Action::Input(c));
    }
    flowdeck::app::update(&mut app, Action::SubmitInput);
    assert!(screen_text(&app).contains("custom (Nov 01 – Nov 15)"));
    press(&mut app, &[Command::CustomWindow]);
    for c in "soon".chars() {
        flowdeck::app::update(&mut app, Action::Input(c));
    }
    flowdeck::app::update(&mut app, Action::SubmitInput);
    assert!(app.prompt.as_ref().and_then(|p| p.error.as_ref()).is_some());
}

#[test]
fn sorting_orders_the_list_by_the_chosen_column() {
    let mut app = demo_app(200, 60, false);
    press(&mut app, &[Command::Panel2, Command::Open]);
    // Lead-time list columns: commit, title, author, service, deployment, lead time.
    for _ in 0..6 {
        press(&mut app, &[Command::SortNext]);
    }
    press(&mut app, &[Command::SortReverse]);
    let rows = flowdeck::app::screens::list(&app, app.screen()).rows;
    let leads: Vec<f64> = rows
        .iter()
        .map(|r| match &r.keys[5] {
            flowdeck::app::list::SortKey::Number(n) => *n,
            _ => 0.0,
        })
        .collect();
    assert!(
        leads.windows(2).all(|w| w[0] >= w[1]),
        "descending by lead time"
    );
    assert!(screen_text(&app).contains("sorted by Lead time ↓"));
}

#[test]
fn text_from_sources_cannot_reach_the_terminal() {
    use std::sync::Arc;
    let mut app = demo_app(200, 60, false);
    let mut events = (*app.data.history.events).clone();
    events.incidents[0].title = "\u{1b}[2J\u{1b}]52;c;evil\u{7}pwned <script>".into();
    events.incidents[0].resolved_at = None;
    events.incidents[0].started_at = headless::now() - chrono::Duration::hours(1);
    let history = flowdeck::metrics::History::derive(events, flowdeck::metrics::Rules::default());
    let loaded = flowdeck::app::Loaded {
        history: Arc::new(history),
        sources: app.data.sources.clone(),
        read_at: app.now + chrono::Duration::seconds(1),
    };
    flowdeck::app::update(&mut app, Action::Loaded(Box::new(loaded)));
    let text = screen_text(&app);
    assert!(text.contains("pwned <script>"), "{text}");
    assert!(!text.contains('\u{1b}'));
    assert!(!text.contains('\u{7}'));
}

#[test]
fn an_alert_alertmanager_silences_is_marked_as_such() {
    let app = demo_app(200, 60, false);
    let text = screen_text(&app);
    assert!(text.contains("Incidents · 2 open"), "{text}");
    assert!(text.contains("(silenced) SearchDiskAlmostFull"), "{text}");
    // The loud one is not.
    assert!(!text.contains("(silenced) Checkout"), "{text}");
}

#[test]
fn a_source_that_read_its_data_but_not_everything_is_ok_but_says_so() {
    for wall in [false, true] {
        let mut app = demo_app(200, 60, wall);
        let mut sources = app.data.sources.clone();
        sources[0].error = Some("Alertmanager at 127.0.0.1:9093: cannot connect".into());
        // Shown as read: a reload's merge (`Data::after_reload`) is tested on its own.
        app.data.sources = sources;
        let text = screen_text(&app);
        assert!(!text.contains("STALE"), "{text}");
        if !wall {
            assert!(
                text.contains("ok, but Alertmanager at 127.0.0.1:9093: cannot connect"),
                "{text}"
            );
            assert!(!text.contains("stale since"), "{text}");
        }
    }
}

#[test]
fn mouse_clicks_focus_then_open_a_panel() {
    let mut app = demo_app(80, 24, false);
    // Tile 2 (lead time) sits at columns 16-31 of the tile row (rows 2-8) at 80x24.
    let panel = flowdeck::ui::layout::panel_at(80, 24, 20, 4).unwrap();
    assert_eq!(panel, 1);
    flowdeck::app::update(&mut app, Action::ClickPanel(panel));
    assert!(matches!(app.screen(), Screen::Overview));
    assert_eq!(app.focus, flowdeck::app::state::Panel::Tile(1));
    flowdeck::app::update(&mut app, Action::ClickPanel(panel));
    assert!(matches!(
        app.screen(),
        Screen::Measure {
            measure: Measure::LeadTime,
            ..
        }
    ));
}

#[test]
fn o_asks_for_the_selected_items_url() {
    let mut app = demo_app(120, 40, false);
    press(
        &mut app,
        &[Command::Panel7, Command::Down, Command::OpenUrl],
    );
    assert_eq!(
        app.effects,
        vec![flowdeck::app::Effect::OpenUrl(
            "https://git.example.com/acme/web/releases/tag/v4.9.0".into()
        )]
    );
}
