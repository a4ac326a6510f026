//! Health panels for the demo company, as Prometheus would answer them: four panels of every
//! service at a 5-minute step over what a request asks (the window and the 7 days before),
//! deterministic noise, and the error rate stepping up for two hours after each failed
//! deployment (what the verdict must call unusual). The queue depth of `api` is a query that
//! fails, with Prometheus' own message. Shared by the UI tests and the health panels bench.

#![allow(dead_code)]

use flowdeck::app::PanelRequest;
use flowdeck::health::{Better, Panel, PanelSeries, PanelSpec, Panels, Sample, Unit};
use flowdeck::metrics::History;

const STEP_MS: i64 = 300_000;
const COMPARE_MS: i64 = 30 * 60_000;
const HOUR_MS: i64 = 3_600_000;

/// What Prometheus says to the `api` queue-depth query.
pub const BAD_QUERY: &str = "Prometheus at 127.0.0.1:9090 rejected the query (400 bad_data): 1:15: parse error: unclosed left parenthesis";

/// A repeatable value in [0, 1) for a time and a seed.
fn noise(at_ms: i64, seed: u64) -> f64 {
    let mut x = (at_ms as u64 / 1000) ^ seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    (x % 10_000) as f64 / 10_000.0
}

fn spec(name: &str, unit: Unit, better: Better) -> PanelSpec {
    PanelSpec {
        name: name.to_string(),
        unit,
        better,
        compare_ms: COMPARE_MS,
    }
}

/// The four demo panels of every service the request names.
pub fn demo_panels(history: &History, request: &PanelRequest) -> Panels {
    let from = (request.from_ms - 7 * 24 * HOUR_MS - COMPARE_MS).div_euclid(STEP_MS) * STEP_MS;
    let times: Vec<i64> = (from..=request.to_ms).step_by(STEP_MS as usize).collect();
    let failed_at = |service: &str| -> Vec<i64> {
        history
            .events
            .deployments
            .iter()
            .zip(&history.deployments)
            .filter(|(d, f)| d.service == service && f.failed())
            .map(|(d, _)| d.finished_at.timestamp_millis())
            .collect()
    };
    let series = |service: &str, seed: u64, value: &dyn Fn(i64, f64) -> f64| PanelSeries {
        service: service.to_string(),
        points: times
            .iter()
            .map(|&t| Sample {
                at_ms: t,
                value: value(t, noise(t, seed)),
            })
            .collect(),
        error: None,
    };
    let services = &request.services;
    let error_rate = services
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let failures = failed_at(s);
            series(s, i as u64, &|t, n| {
                let stepped = failures.iter().any(|&f| t > f && t <= f + 2 * HOUR_MS);
                0.002 + 0.001 * n + if stepped { 0.012 } else { 0.0 }
            })
        })
        .collect();
    let latency = services
        .iter()
        .enumerate()
        .map(|(i, s)| series(s, 100 + i as u64, &|_, n| 0.18 + 0.05 * n))
        .collect();
    let requests = services
        .iter()
        .enumerate()
        .map(|(i, s)| {
            series(s, 200 + i as u64, &|t, n| {
                let hour = (t / HOUR_MS).rem_euclid(24) as f64;
                120.0 + 80.0 * (hour / 24.0 * std::f64::consts::TAU).sin() + 10.0 * n
            })
        })
        .collect();
    let queue = services
        .iter()
        .enumerate()
        .map(|(i, s)| {
            if s == "api" {
                PanelSeries {
                    service: s.clone(),
                    points: Vec::new(),
                    error: Some(BAD_QUERY.to_string()),
                }
            } else {
                series(s, 300 + i as u64, &|_, n| (40.0 * n).round())
            }
        })
        .collect();
    Panels {
        panels: vec![
            Panel::new(&spec("error rate", Unit::Ratio, Better::Lower), error_rate),
            Panel::new(&spec("latency p95", Unit::Seconds, Better::Lower), latency),
            Panel::new(&spec("requests", Unit::PerSecond, Better::Higher), requests),
            Panel::new(&spec("queue depth", Unit::Count, Better::Lower), queue),
        ],
    }
}
