//! Every screen of the dashboard at 80×24 and 200×60 on the demo data with a fixed clock, as
//! insta snapshots; and the behaviour behind the keys.

use crate::support::headless;

use flowdeck::app::state::{Measure, Screen};
use flowdeck::app::{Action, Command};
use headless::{demo_app, press, screen_text, screen_text_no_color};

const SIZES: [(u16, u16); 3] = [(80, 24), (120, 40), (200, 60)];

/// The screen at each size, and as NO_COLOR draws it (the words must carry the meaning:
/// better or worse, failing, the selection).
fn snapshot(name: &str, commands: &[Command]) {
    for (width, height) in SIZES {
        let mut app = demo_app(width, height, false);
        press(&mut app, commands);
        insta::assert_snapshot!(format!("{name}_{width}x{height}"), screen_text(&app));
        insta::assert_snapshot!(
            format!("{name}_{width}x{height}_no_color"),
            screen_text_no_color(&app)
        );
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
    // Help on a drill-down lists that screen's keys first.
    snapshot(
        "help_measure",
        &[Command::Panel2, Command::Open, Command::Help],
    );
}

#[test]
fn services_and_teams() {
    snapshot("services", &[Command::Services]);
    snapshot("teams", &[Command::Services, Command::NextPanel]);
}

#[test]
fn a_pipeline_run() {
    snapshot(
        "pipeline_run",
        &[Command::Panel8, Command::Down, Command::Down, Command::Open],
    );
}

#[test]
fn the_service_picker() {
    snapshot("service_picker", &[Command::Service]);
}

#[test]
fn wall() {
    for (width, height) in SIZES {
        let app = demo_app(width, height, true);
        insta::assert_snapshot!(format!("wall_{width}x{height}"), screen_text(&app));
        insta::assert_snapshot!(
            format!("wall_{width}x{height}_no_color"),
            screen_text_no_color(&app)
        );
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
    // Plain words: the deployment by service and version, never its internal key.
    assert!(
        text.contains("web v4.9.0: its text names this deployment"),
        "{text}"
    );
    assert!(!text.contains("names deployment:demo:"), "{text}");
    assert!(text.contains("still open, for 2h 14m"), "{text}");
    // Enter on the attribution opens the deployment it names.
    let rows = flowdeck::app::screens::list(&app, app.screen()).rows;
    let attribution = rows
        .iter()
        .position(|r| r.cells.first().is_some_and(|c| c.text == "named"))
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
    // f and t open pickers that filter as you type; enter applies the highlighted name.
    press(&mut app, &[Command::Service]);
    for c in "ap".chars() {
        flowdeck::app::update(&mut app, Action::Input(c));
    }
    flowdeck::app::update(&mut app, Action::SubmitInput);
    let text = screen_text(&app);
    assert!(text.contains("service api"), "{text}");
    press(&mut app, &[Command::Team]);
    for c in "pay".chars() {
        flowdeck::app::update(&mut app, Action::Input(c));
    }
    flowdeck::app::update(&mut app, Action::SubmitInput);
    let text = screen_text(&app);
    assert!(text.contains("team payments"), "{text}");
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
    // Years shown, the last day typed is the last day included.
    let text = screen_text(&app);
    assert!(text.contains("1 Nov – 14 Nov 2026"), "{text}");
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
    assert!(screen_text(&app).contains("by Lead time ↓"));
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

/// A dashboard whose only source never loaded: no events, no success ever.
fn never_loaded(wall: bool) -> flowdeck::app::App {
    use std::sync::Arc;
    let demo = demo_app(120, 40, wall);
    let mut sources = demo.data.sources.clone();
    sources[0].status = flowdeck::status::SourceState::Error;
    sources[0].last_success_at = None;
    sources[0].error = Some("cannot open the repository".into());
    let data = flowdeck::app::Data {
        history: Arc::new(flowdeck::metrics::History::derive(
            flowdeck::model::EventSet::default(),
            flowdeck::metrics::Rules::default(),
        )),
        sources,
        loaded_at: demo.now,
        loaded: true,
    };
    let mut app = flowdeck::app::App::new(
        data,
        demo.now,
        flowdeck::app::AppOptions {
            window_days: 30,
            wall_rotate: wall.then(|| std::time::Duration::from_secs(20)),
            ..flowdeck::app::AppOptions::default()
        },
    );
    flowdeck::app::update(
        &mut app,
        Action::Resize {
            width: 120,
            height: 40,
        },
    );
    app
}

#[test]
fn a_source_that_never_loaded_gives_no_verdict_and_is_not_called_stale() {
    for wall in [false, true] {
        let text = screen_text(&never_loaded(wall));
        assert!(text.contains("demo never loaded"), "{text}");
        assert!(!text.to_lowercase().contains("stale"), "{text}");
        for band in ["◆ elite", "▲ high", "■ medium", "▼ low"] {
            assert!(!text.to_lowercase().contains(band), "{band}: {text}");
        }
        assert!(!text.contains("0 days/week"), "{text}");
    }
}

#[test]
fn an_empty_window_names_the_newest_deployment_outside_it() {
    let mut app = demo_app(120, 40, false);
    press(&mut app, &[Command::CustomWindow]);
    for c in "2026-01-01..2026-01-31".chars() {
        flowdeck::app::update(&mut app, Action::Input(c));
    }
    flowdeck::app::update(&mut app, Action::SubmitInput);
    let text = screen_text(&app);
    assert!(
        text.contains("none in this window; the newest, api"),
        "{text}"
    );
    assert!(text.contains("v2.32.3, finished 19 Nov 2026"), "{text}");
    assert!(text.contains("no deployments in this"), "{text}");
}

/// A first sync backfilling two sources (one with what is left known, one not yet): a bar per
/// source above the status line, the header says the numbers are incomplete; once the syncs
/// end, the bars and the word go.
#[test]
fn backfill_progress() {
    use flowdeck::progress::SyncProgress;
    let now = headless::now();
    let syncs = vec![
        SyncProgress {
            source: "github:acme/api".into(),
            requests: 812,
            left: Some(1206),
            rate_remaining: Some(4188),
            rate_reset_at: Some(now + chrono::Duration::minutes(40)),
            backfilling: true,
            elapsed: std::time::Duration::from_secs(41),
        },
        SyncProgress {
            source: "gitlab:acme/web".into(),
            requests: 3,
            left: None,
            rate_remaining: None,
            rate_reset_at: None,
            backfilling: true,
            elapsed: std::time::Duration::from_secs(1),
        },
        SyncProgress {
            source: "pagerduty".into(),
            requests: 2,
            left: None,
            rate_remaining: None,
            rate_reset_at: None,
            backfilling: false,
            elapsed: std::time::Duration::from_secs(1),
        },
    ];
    for (width, height) in [(80, 24), (120, 40)] {
        let mut app = demo_app(width, height, false);
        flowdeck::app::update(
            &mut app,
            Action::SyncProgress {
                syncs: syncs.clone(),
                parts: 3,
            },
        );
        assert_eq!(
            app.effects.len(),
            1,
            "a committed part asks for a reload: {:?}",
            app.effects
        );
        let text = screen_text(&app);
        // The header drops what does not fit at 80 columns; the bars say it there.
        let word = if width >= 120 {
            "incomplete: backfilling"
        } else {
            "↻ backfilling"
        };
        assert!(text.contains(word), "{text}");
        insta::assert_snapshot!(format!("backfill_progress_{width}x{height}"), text);

        flowdeck::app::update(
            &mut app,
            Action::SyncProgress {
                syncs: Vec::new(),
                parts: 3,
            },
        );
        let text = screen_text(&app);
        assert!(!text.contains("backfilling"), "{text}");
    }
}
