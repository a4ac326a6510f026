//! How the text reports (Markdown, HTML) word things, so they say the same: bands with their
//! shape, trends, local times, failure reasons, the age of a source's data, and the band table's
//! thresholds written out. Nothing here escapes: callers escape for their format.

use chrono_tz::Tz;

use crate::snapshot::Snapshot;
use flowdeck_core::metrics::bands::FrequencyRule;
use flowdeck_core::metrics::trend::Trend;
use flowdeck_core::metrics::{Band, BandTable, ReasonKind};
use flowdeck_core::model::Timestamp;
use flowdeck_core::status::SourceState;
use flowdeck_core::text::{human_duration, number};

/// The report's timezone (UTC if the name does not parse, which config validation prevents).
pub(crate) fn timezone(snapshot: &Snapshot) -> Tz {
    snapshot.timezone.parse().unwrap_or(Tz::UTC)
}

/// A time as people read it in the report's timezone: "2026-11-20 14:30".
pub(crate) fn local_time(tz: Tz, t: Timestamp) -> String {
    t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()
}

/// The band's shape, so a band never depends on colour alone.
pub(crate) fn band_shape(band: Band) -> &'static str {
    match band {
        Band::Elite => "◆",
        Band::High => "▲",
        Band::Medium => "■",
        Band::Low => "▼",
    }
}

/// "◆ elite", or "–" without a band.
pub(crate) fn band_label(band: Option<Band>) -> String {
    band.map_or_else(
        || "–".to_string(),
        |b| format!("{} {}", band_shape(b), b.as_str()),
    )
}

/// "↓ −2h 44m (better)", "→ no change", or "–" when either window has no value.
pub(crate) fn trend(trend: Option<Trend>, delta: Option<&str>) -> String {
    match (trend, delta) {
        (Some(t), _) if t.better.is_none() => format!("{} no change", t.arrow()),
        (Some(t), Some(delta)) => {
            let judgement = match t.better {
                Some(true) => " (better)",
                Some(false) => " (worse)",
                None => "",
            };
            format!("{} {delta}{judgement}", t.arrow())
        }
        _ => "–".to_string(),
    }
}

/// A full commit sha shortened to 12 digits, as people quote them; other refs as they are.
pub(crate) fn short_ref(reference: &str) -> &str {
    if reference.len() == 40 && reference.chars().all(|c| c.is_ascii_hexdigit()) {
        &reference[..12]
    } else {
        reference
    }
}

/// A reason's kind in words: "incident link", "during incident".
pub(crate) fn reason_kind(kind: ReasonKind) -> String {
    kind.as_str().replace('_', " ")
}

/// How old a source's data was when the report was generated.
pub(crate) fn data_age(last_success_at: Option<Timestamp>, generated_at: Timestamp) -> String {
    match last_success_at {
        None => "never read successfully".to_string(),
        Some(at) => {
            let seconds = (generated_at - at).num_seconds();
            if seconds < 60 {
                "current".to_string()
            } else {
                format!("{} old", human_duration(seconds))
            }
        }
    }
}

/// A source's status with a sign, so it does not depend on colour: "✓ ok", "⚠ stale", "✗ error".
pub(crate) fn source_status(status: SourceState) -> String {
    let sign = match status {
        SourceState::Ok => "✓",
        SourceState::Stale => "⚠",
        SourceState::Error | SourceState::Syncing => "✗",
    };
    format!("{sign} {status}")
}

/// What the report says when its data does not cover the window or the previous one.
pub(crate) fn coverage_note(snapshot: &Snapshot) -> Option<&'static str> {
    match (snapshot.window.complete, snapshot.previous.window.complete) {
        (true, true) => None,
        (false, false) => Some(
            "the data does not cover the whole window or the previous window; numbers and trends may be low",
        ),
        (false, true) => Some("the data does not cover the whole window; numbers may be low"),
        (true, false) => Some(
            "the data does not cover the whole previous window; trends compare against numbers that may be low",
        ),
    }
}

/// One row of the band table with every threshold in words.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BandRow {
    pub(crate) band: Band,
    pub(crate) frequency: String,
    pub(crate) lead_time: String,
    pub(crate) change_failure_rate: String,
    pub(crate) recovery_time: String,
}

/// The table's four rows, elite to low, written out as docs/METRICS.md#bands writes the DORA tables.
pub(crate) fn band_rows(table: &BandTable) -> Vec<BandRow> {
    let frequency = |rule: &FrequencyRule| match *rule {
        FrequencyRule::PerWeek { min } => {
            format!("median deploy-days per week ≥ {}", number(Some(min), 2))
        }
        FrequencyRule::PerDays { days, min } => format!(
            "deploy-days × {} / window days ≥ {}",
            number(Some(days), 2),
            number(Some(min), 2)
        ),
    };
    let seconds = |s: f64| human_duration(s.round() as i64);
    let share = |r: f64| format!("{}%", number(Some(r * 100.0), 2));
    let mut rows: Vec<BandRow> = Band::RANKED
        .iter()
        .enumerate()
        .map(|(i, &band)| BandRow {
            band,
            frequency: frequency(&table.frequency[i]),
            lead_time: format!("< {}", seconds(table.lead_time_seconds[i])),
            change_failure_rate: format!("≤ {}", share(table.change_failure_rate[i])),
            recovery_time: format!("< {}", seconds(table.recovery_seconds[i])),
        })
        .collect();
    rows.push(BandRow {
        band: Band::Low,
        frequency: "otherwise".to_string(),
        lead_time: format!("≥ {}", seconds(table.lead_time_seconds[2])),
        change_failure_rate: format!("> {}", share(table.change_failure_rate[2])),
        recovery_time: format!("≥ {}", seconds(table.recovery_seconds[2])),
    });
    rows
}

/// The flow measures and time to restore, defined in one sentence each (the DORA five carry
/// theirs in `Headline::definition`).
pub(crate) const FLOW_DEFINITIONS: [(&str, &str); 6] = [
    (
        "Time to restore",
        "Incident start to resolution for every incident that started in the window (median and p90); open ones are counted.",
    ),
    (
        "CI success rate",
        "Successful runs over successful, failed, timed-out and startup-failed ones, latest attempt of each run only; cancelled and skipped runs are left out.",
    ),
    (
        "CI duration and queue",
        "Run start to finish (median and p90), and creation to start (median), for runs created in the window.",
    ),
    (
        "PR cycle time",
        "First commit to the deployment that shipped the merge, for pull requests merged in the window, split into coding (to opened), pickup (to first review by someone else), review (to merged) and deploy; bots are left out.",
    ),
    (
        "Batch size",
        "Median non-merge changes per non-baseline deployment.",
    ),
    (
        "Work in progress",
        "Pull requests open at the window's end (or now), and their median age.",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dora_2023_table_reads_like_design_md() {
        let rows = band_rows(&BandTable::dora_2023());
        assert_eq!(rows[0].frequency, "median deploy-days per week ≥ 5");
        assert_eq!(rows[2].frequency, "deploy-days × 30 / window days ≥ 1");
        assert_eq!(rows[3].frequency, "otherwise");
        assert_eq!(rows[0].lead_time, "< 1d");
        assert_eq!(rows[3].lead_time, "≥ 30d");
        assert_eq!(rows[1].change_failure_rate, "≤ 10%");
        assert_eq!(rows[3].change_failure_rate, "> 15%");
        assert_eq!(rows[0].recovery_time, "< 1h");
        assert_eq!(rows[3].band, Band::Low);
    }

    #[test]
    fn data_age_in_words() {
        let now = chrono::DateTime::from_timestamp(1_000_000, 0).unwrap_or_default();
        assert_eq!(data_age(None, now), "never read successfully");
        assert_eq!(data_age(Some(now), now), "current");
        assert_eq!(
            data_age(Some(now - chrono::Duration::minutes(125)), now),
            "2h 5m old"
        );
    }
}
