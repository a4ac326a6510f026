//! Health panels read from Prometheus (`[[panels]]`): one range query
//! (`/api/v1/query_range`) per panel and service per refresh, through the prometheus source's
//! own origin (its token, and the shared client's budget, rate limits, timeouts and retries).
//!
//! The span read is the window plus the 7 days (and one `compare`) before it, which the
//! verdict of a deployment at the window's start needs. The step matches the span to the
//! width on screen, but is never coarser than a tenth of the panel's `compare` (a verdict
//! needs samples inside it) and never finer than Prometheus' 11,000 points a series allow;
//! whole seconds. Start and end are aligned to the step, so refreshes within one step ask
//! again for nothing: the answer is cached under (query, start, end, step).
//!
//! A failed query keeps Prometheus' own message on its series (sanitized); the other panels
//! and services are read as usual. NaN, ±Inf and values that are not numbers are dropped; a
//! query answering more than one series for a service is an error asking for an aggregation.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::Semaphore;

use super::api::{Api, Server};
use super::payload::MatrixSeries;
use super::setup::Settings;
use crate::SourceError;
use crate::http::HttpClient;
use crate::polled::Setup;
use flowdeck_config::{Config, PanelConfig, SourceConfig};
use flowdeck_core::health::{LOOKBACK_MS, Panel, PanelSeries, Panels, Sample};
use flowdeck_core::text::sanitize;

/// The most points Prometheus returns per series of a range query.
pub const MAX_POINTS: i64 = 11_000;

/// How many panel queries run at once.
const PARALLEL: usize = 8;

/// The step of a range query over `span_ms` drawn `width` columns wide for a panel whose
/// verdict compares spans of `compare_ms`: whole seconds.
pub fn step_ms(span_ms: i64, width: u16, compare_ms: i64) -> i64 {
    let span = span_ms.max(1);
    let per_column = span / i64::from(width.max(1));
    let for_verdict = (compare_ms / 10).max(1000);
    let finest = (span / MAX_POINTS) + i64::from(span % MAX_POINTS != 0);
    let step = per_column.min(for_verdict).max(finest).max(1000);
    (step / 1000 + i64::from(step % 1000 != 0)) * 1000
}

/// What a refresh reads: the window, and the width its charts are drawn at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PanelSpan {
    pub from_ms: i64,
    pub to_ms: i64,
    pub width: u16,
}

type CacheKey = (String, i64, i64, i64);

/// Reads every configured panel for the services it covers.
pub struct PanelReader {
    panels: Vec<(PanelConfig, Arc<Api>)>,
    cache: Mutex<HashMap<(usize, String), (CacheKey, PanelSeries)>>,
    requests: std::sync::atomic::AtomicU64,
}

impl std::fmt::Debug for PanelReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PanelReader")
            .field("panels", &self.panels.len())
            .finish_non_exhaustive()
    }
}

impl PanelReader {
    /// One reader for a validated config's panels (none: an empty reader). No request is sent.
    pub fn new(config: &Config, http: &HttpClient) -> Result<PanelReader, SourceError> {
        let setup = Setup::new(http, &[]);
        let mut apis: HashMap<String, Arc<Api>> = HashMap::new();
        let mut panels = Vec::new();
        for panel in &config.panels {
            let api = match apis.get(&panel.source) {
                Some(api) => api.clone(),
                None => {
                    let source = config.sources.iter().find_map(|s| match s {
                        SourceConfig::Prometheus(p) if s.display_name() == panel.source => Some(p),
                        _ => None,
                    });
                    let Some(source) = source else {
                        return Err(SourceError::Config(format!(
                            "panel {:?}: there is no prometheus source named {:?}",
                            sanitize(&panel.name),
                            sanitize(&panel.source)
                        )));
                    };
                    let settings = Settings::from_config(source)?;
                    let api = Arc::new(Api::new(&setup, &settings.prometheus, Server::Panels));
                    apis.insert(panel.source.clone(), api.clone());
                    api
                }
            };
            panels.push((panel.clone(), api));
        }
        Ok(PanelReader {
            panels,
            cache: Mutex::new(HashMap::new()),
            requests: std::sync::atomic::AtomicU64::new(0),
        })
    }

    pub fn is_empty(&self) -> bool {
        self.panels.is_empty()
    }

    /// How many requests this reader has sent (for the figures).
    pub fn requests_sent(&self) -> u64 {
        self.requests.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Every panel's series for each of `services` it covers, over `span`.
    pub async fn read(&self, services: &[String], span: PanelSpan) -> Panels {
        let semaphore = Arc::new(Semaphore::new(PARALLEL));
        let mut tasks = tokio::task::JoinSet::new();
        let mut found: Vec<Vec<Option<PanelSeries>>> = Vec::new();
        for (index, (panel, api)) in self.panels.iter().enumerate() {
            let covered: Vec<&String> = services.iter().filter(|s| panel.covers(s)).collect();
            found.push(vec![None; covered.len()]);
            let compare = panel.compare.as_chrono().num_milliseconds();
            let from = span
                .from_ms
                .saturating_sub(LOOKBACK_MS)
                .saturating_sub(compare);
            let step = step_ms(span.to_ms.saturating_sub(from), span.width, compare);
            let start = from.div_euclid(step) * step;
            let end = span.to_ms.div_euclid(step) * step + step;
            for (slot, service) in covered.into_iter().enumerate() {
                let query = panel.query_for(service);
                let key: CacheKey = (query.clone(), start, end, step);
                if let Some(series) = self.cached(index, service, &key) {
                    found[index][slot] = Some(series);
                    continue;
                }
                self.requests
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let (api, service, semaphore) = (api.clone(), service.clone(), semaphore.clone());
                tasks.spawn(async move {
                    let _permit = semaphore.acquire_owned().await.ok();
                    let answer = api.range(&query, start, end, step).await;
                    (index, slot, key, series_of(service, answer))
                });
            }
        }
        while let Some(joined) = tasks.join_next().await {
            let Ok((index, slot, key, series)) = joined else {
                continue;
            };
            if series.error.is_none() {
                self.remember(index, &series.service, key, &series);
            }
            if let Some(place) = found.get_mut(index).and_then(|f| f.get_mut(slot)) {
                *place = Some(series);
            }
        }
        Panels {
            panels: self
                .panels
                .iter()
                .zip(found)
                .map(|((panel, _), series)| {
                    Panel::new(&panel.spec(), series.into_iter().flatten().collect())
                })
                .collect(),
        }
    }

    fn cached(&self, index: usize, service: &str, key: &CacheKey) -> Option<PanelSeries> {
        let cache = self.cache.lock().ok()?;
        cache
            .get(&(index, service.to_string()))
            .filter(|(k, _)| k == key)
            .map(|(_, series)| series.clone())
    }

    fn remember(&self, index: usize, service: &str, key: CacheKey, series: &PanelSeries) {
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert((index, service.to_string()), (key, series.clone()));
        }
    }
}

/// One service's series from a range query's answer.
fn series_of(service: String, answer: Result<Vec<MatrixSeries>, SourceError>) -> PanelSeries {
    let failed = |error: String| PanelSeries {
        service: service.clone(),
        points: Vec::new(),
        error: Some(sanitize(&error)),
    };
    let matrix = match answer {
        Ok(matrix) => matrix,
        Err(error) => return failed(error.to_string()),
    };
    if matrix.len() > 1 {
        return failed(format!(
            "the query answered {} series for {}; aggregate it to one, e.g. sum(…)",
            matrix.len(),
            sanitize(&service)
        ));
    }
    let points = matrix
        .into_iter()
        .flat_map(|series| series.values)
        .filter_map(|(seconds, value)| {
            let value: f64 = value.trim().parse().ok()?;
            let at = seconds * 1000.0;
            #[allow(
                clippy::cast_possible_truncation,
                reason = "checked to fit just before"
            )]
            (value.is_finite() && at.is_finite() && at.abs() < 9.0e15).then(|| Sample {
                at_ms: at.round() as i64,
                value,
            })
        })
        .collect::<Vec<_>>();
    let mut points = points;
    points.sort_by_key(|p| p.at_ms);
    PanelSeries {
        service,
        points,
        error: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;
    const DAY: i64 = 86_400_000;

    #[test]
    fn the_step_follows_the_width_the_compare_and_prometheus_limit() {
        // 6 hours on 200 columns: 108 s a column, finer than a tenth of 30 m.
        assert_eq!(step_ms(6 * 60 * MIN, 200, 30 * MIN), 108_000);
        // 37 days on 200 columns would be 4.4 h; a tenth of 30 m is 3 m, but 11,000 points
        // over 37 days need at least 291 s.
        assert_eq!(step_ms(37 * DAY, 200, 30 * MIN), 291_000);
        // A minute of compare over an hour on 1000 columns: 3.6 s, rounded up to 4 s.
        assert_eq!(step_ms(60 * MIN, 1000, MIN), 4_000);
        // Careless values stay sane: whole seconds, at least one.
        assert_eq!(step_ms(0, 0, 0), 1000);
        assert_eq!(step_ms(-5, 10, -1), 1000);
        assert!(step_ms(i64::MAX / 4, 1, 30 * MIN) >= (i64::MAX / 4) / MAX_POINTS);
    }

    fn matrix(values: &[(f64, &str)]) -> Vec<MatrixSeries> {
        vec![MatrixSeries {
            metric: Default::default(),
            values: values.iter().map(|(t, v)| (*t, (*v).to_string())).collect(),
        }]
    }

    #[test]
    fn nan_infinities_and_words_are_dropped() {
        let series = series_of(
            "api".into(),
            Ok(matrix(&[
                (2.0, "0.5"),
                (1.0, "NaN"),
                (3.0, "+Inf"),
                (4.0, "-Inf"),
                (5.0, "\u{1b}[31mred"),
                (6.0, ""),
                (f64::NAN, "1"),
                (1e300, "1"),
                (0.5, "1e-9"),
            ])),
        );
        assert_eq!(series.error, None);
        assert_eq!(
            series.points,
            vec![
                Sample {
                    at_ms: 500,
                    value: 1e-9
                },
                Sample {
                    at_ms: 2000,
                    value: 0.5
                },
            ]
        );
        let empty = series_of("api".into(), Ok(Vec::new()));
        assert!(empty.points.is_empty() && empty.error.is_none());
    }

    #[test]
    fn errors_and_many_series_are_messages_on_the_panel() {
        let failed = series_of(
            "api".into(),
            Err(SourceError::Config("parse error: \u{1b}]0;x\u{7}".into())),
        );
        assert!(failed.error.as_deref().unwrap().contains("parse error"));
        assert!(!failed.error.unwrap().contains('\u{1b}'));
        let mut two = matrix(&[(1.0, "1")]);
        two.extend(matrix(&[(1.0, "2")]));
        let many = series_of("api".into(), Ok(two));
        assert!(many.error.unwrap().contains("answered 2 series"));
    }
}
