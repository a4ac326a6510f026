//! The units a panel's values are in, and how a value is written in each.

use serde::{Deserialize, Serialize};

use crate::text::human_duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A fraction, written as a percentage (0.014 → "1.4%").
    Ratio,
    Seconds,
    Bytes,
    Count,
    PerSecond,
}

impl Unit {
    pub const NAMES: [&'static str; 5] = ["ratio", "seconds", "bytes", "count", "per_second"];

    /// A value as people read it: "1.4%", "230ms", "3.2 MiB", "1.2k", "15/s".
    pub fn format(self, value: f64) -> String {
        if !value.is_finite() {
            return "–".to_string();
        }
        match self {
            Unit::Ratio => format!("{}%", short(value * 100.0)),
            Unit::Seconds => seconds(value),
            Unit::Bytes => bytes(value),
            Unit::Count => scaled(value),
            Unit::PerSecond => format!("{}/s", scaled(value)),
        }
    }
}

/// Up to three significant digits, no trailing zeros.
fn short(value: f64) -> String {
    let magnitude = value.abs();
    let decimals = if magnitude >= 100.0 || magnitude == 0.0 {
        0
    } else if magnitude >= 10.0 {
        1
    } else if magnitude >= 1.0 {
        2
    } else {
        3
    };
    let text = format!("{value:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    if text == "-0" { "0".to_string() } else { text }
}

fn scaled(value: f64) -> String {
    let magnitude = value.abs();
    for (size, suffix) in [(1e9, "G"), (1e6, "M"), (1e3, "k")] {
        if magnitude >= size {
            return format!("{}{suffix}", short(value / size));
        }
    }
    short(value)
}

fn bytes(value: f64) -> String {
    let magnitude = value.abs();
    for (size, suffix) in [
        (1024f64.powi(4), "TiB"),
        (1024f64.powi(3), "GiB"),
        (1024f64.powi(2), "MiB"),
        (1024.0, "KiB"),
    ] {
        if magnitude >= size {
            return format!("{} {suffix}", short(value / size));
        }
    }
    format!("{} B", short(value))
}

fn seconds(value: f64) -> String {
    let magnitude = value.abs();
    if magnitude >= 60.0 {
        #[allow(
            clippy::cast_possible_truncation,
            reason = "bounded by the check above"
        )]
        let whole = value.clamp(-1e15, 1e15).round() as i64;
        let sign = if whole < 0 { "-" } else { "" };
        format!("{sign}{}", human_duration(whole.abs()))
    } else if magnitude >= 1.0 || magnitude == 0.0 {
        format!("{}s", short(value))
    } else if magnitude >= 1e-3 {
        format!("{}ms", short(value * 1e3))
    } else {
        format!("{}µs", short(value * 1e6))
    }
}
