//! One sync, in order (one request at a time):
//!
//! 1. the raw samples of `ALERTS{alertstate="firing", <selector>}` since the last sync's `now`
//!    minus `gap` (a first sync: since the backfill horizon), as instant queries of a range
//!    vector a day at a time, oldest first; samples are de-duplicated by timestamp per series
//!    (Prometheus 2 closes a range at both ends, Prometheus 3 leaves its start open) and only
//!    those in `(from, now]` are kept; on a first sync, an alert firing at the horizon is read
//!    back (its own series, a day at a time, up to 30 days) to where its run began;
//! 2. the same selector as an instant query at `now`: which series Prometheus says fire now;
//! 3. when an incident is open: Prometheus' `/api/v1/alerts` for the annotations, and
//!    Alertmanager's `/api/v2/alerts` (if configured) for whether it reaches anyone.
//!
//! The samples and the remembered runs become runs and incidents by the rules of `runs`.
//! Only what changed is handed back: runs with new samples, open ones (Alertmanager's word
//! can change), and ones that closed since. A failing Prometheus request fails the sync (the
//! next one reads the same range again); a failing Alertmanager does not: the incidents are
//! stored, open ones keep Alertmanager's last known word, and the source reports itself
//! degraded with the reason.

use std::collections::{BTreeMap, BTreeSet};

use super::alertmanager;
use super::api::Api;
use super::payload::{ManagedAlert, PrometheusAlert};
use super::runs::{self, Millis, Run, Span};
use super::series::Series;
use super::setup::Settings;
use super::state::{self, SeriesState, State};
use super::translate::{self, Found};
use crate::SourceError;
use crate::polled::{self, Round};
use flowdeck_core::model::{EventSet, Incident};

/// The longest range one query reads.
pub(super) const CHUNK: Millis = 86_400_000;

/// How many days before the backfill horizon a first sync reads back, at most, for the start
/// of an alert that was already firing there.
pub(super) const REACH_BACK: usize = 30;

/// A run once its step and state are decided.
struct Decided {
    series: Series,
    run: Run,
    step: Millis,
    open: bool,
}

impl Decided {
    /// Whether the store must hear of it again.
    fn changed(&self) -> bool {
        self.run.new_samples
            || self.open
            || self.run.spans.len() > 1
            || self.run.remembered().is_none_or(|s| s.open)
    }
}

pub(super) async fn sync(
    prometheus: &Api,
    alertmanager: Option<&Api>,
    settings: &Settings,
    round: &mut Round,
) -> Result<polled::Found, SourceError> {
    let now = round.now.timestamp_millis();
    let remembered = state::remembered(&round.marks)?;
    let from = match remembered.read_to {
        Some(read_to) if read_to > now => {
            // The store knows a later `now` (a report with --now in the past): what it holds
            // is newer than anything this sync could say.
            tracing::info!(source = %settings.name, "the store is newer than now; nothing to read");
            return Ok(polled::Found::default());
        }
        Some(read_to) => read_to - settings.gap,
        None => (round.now - round.backfill).timestamp_millis(),
    };

    let selector = settings.selector();
    let mut read = read_samples(prometheus, &selector, from, now).await?;
    if remembered.read_to.is_none() {
        reach_back(prometheus, &mut read, from, settings.gap).await?;
    }
    let firing: BTreeSet<Series> = prometheus
        .instant(&selector, now)
        .await?
        .into_iter()
        .map(|v| Series::of(v.metric))
        .collect();

    let spans: BTreeMap<Series, Vec<Span>> = remembered
        .series
        .into_iter()
        .map(|s| {
            let mut spans = s.spans;
            spans.sort_by_key(|span| span.start);
            (Series(s.labels), spans)
        })
        .collect();
    let decided = decide(settings, &read, &spans, &firing, now);

    let (annotations, managed, degraded) = if !decided.iter().any(|d| d.open) {
        (Vec::new(), None, None)
    } else {
        let annotations = prometheus.alerts().await?;
        match ask_alertmanager(alertmanager).await {
            Ok(managed) => (annotations, managed, None),
            Err(error) => {
                let reason = format!(
                    "{error}; the Prometheus incidents are current, open ones keep Alertmanager's last known state"
                );
                tracing::warn!(source = %settings.name, "{reason}");
                (annotations, None, Some(reason))
            }
        }
    };

    let (incidents, state) = assemble(settings, &decided, &annotations, managed.as_deref(), now);
    round.marks.set(state::STATE, state::encode(&state));
    tracing::info!(
        source = %settings.name,
        series = read.len(),
        incidents = incidents.len(),
        open = decided.iter().filter(|d| d.open).count(),
        "read Prometheus alerts"
    );
    Ok(polled::Found {
        events: EventSet {
            incidents,
            ..EventSet::default()
        },
        removals: Vec::new(),
        degraded,
    })
}

/// The raw firing samples in `(from, now]`, per series, sorted and unique.
async fn read_samples(
    prometheus: &Api,
    selector: &str,
    from: Millis,
    now: Millis,
) -> Result<BTreeMap<Series, Vec<Millis>>, SourceError> {
    let mut read: BTreeMap<Series, Vec<Millis>> = BTreeMap::new();
    let mut start = from;
    while start < now {
        let end = start.saturating_add(CHUNK).min(now);
        for series in prometheus.raw_samples(selector, end, end - start).await? {
            let samples = read.entry(Series::of(series.metric)).or_default();
            samples.extend(
                series
                    .values
                    .iter()
                    .map(|(t, _)| millis(*t))
                    .filter(|t| from < *t && *t <= now),
            );
        }
        start = end;
    }
    read.retain(|_, samples| {
        samples.sort_unstable();
        samples.dedup();
        !samples.is_empty()
    });
    Ok(read)
}

/// On a first sync, an alert already firing at the backfill horizon is read back to where
/// it began (a day at a time, at most [`REACH_BACK`]), so its incident starts when it started
/// rather than at the horizon: only the samples that chain to it within `gap` are kept.
async fn reach_back(
    prometheus: &Api,
    read: &mut BTreeMap<Series, Vec<Millis>>,
    from: Millis,
    gap: Millis,
) -> Result<(), SourceError> {
    for (series, samples) in read.iter_mut() {
        let Some(mut earliest) = samples.first().copied() else {
            continue;
        };
        let mut end = from;
        for _ in 0..REACH_BACK {
            if earliest - end > gap {
                break;
            }
            let mut older: Vec<Millis> = prometheus
                .raw_samples(&series.selector(), end, CHUNK)
                .await?
                .into_iter()
                .filter(|found| Series::of(found.metric.clone()) == *series)
                .flat_map(|found| found.values.into_iter().map(|(t, _)| millis(t)))
                .filter(|t| end - CHUNK < *t && *t <= end && *t < earliest)
                .collect();
            older.sort_unstable_by(|a, b| b.cmp(a));
            older.dedup();
            let mut chained = true;
            for t in older {
                if earliest - t > gap {
                    chained = false;
                    break;
                }
                samples.push(t);
                earliest = t;
            }
            if !chained {
                break;
            }
            end -= CHUNK;
        }
        samples.sort_unstable();
        samples.dedup();
    }
    Ok(())
}

/// Prometheus' float seconds as milliseconds.
pub(super) fn millis(seconds: f64) -> Millis {
    // `as` saturates; sample times are far inside i64 milliseconds.
    (seconds * 1000.0).round() as Millis
}

/// Runs, steps and open state of every series read or remembered.
fn decide(
    settings: &Settings,
    read: &BTreeMap<Series, Vec<Millis>>,
    spans: &BTreeMap<Series, Vec<Span>>,
    firing: &BTreeSet<Series>,
    now: Millis,
) -> Vec<Decided> {
    let gap = settings.gap;
    let none: Vec<Millis> = Vec::new();
    let no_spans: Vec<Span> = Vec::new();
    let all: BTreeSet<&Series> = read.keys().chain(spans.keys()).collect();
    let points = |series: &Series| -> Vec<Millis> {
        let mut points: Vec<Millis> = read.get(series).unwrap_or(&none).clone();
        points.extend(
            spans
                .get(series)
                .unwrap_or(&no_spans)
                .iter()
                .map(|s| s.last),
        );
        points.sort_unstable();
        points.dedup();
        points
    };
    let own: BTreeMap<&Series, Option<Millis>> = all
        .iter()
        .map(|s| (*s, runs::median_gap(&points(s), gap)))
        .collect();
    let typical = runs::median(&mut own.values().flatten().copied().collect::<Vec<_>>());

    let mut decided = Vec::new();
    for series in all {
        let spans = spans.get(series).unwrap_or(&no_spans);
        let step = runs::step(
            own.get(series).copied().flatten(),
            spans.last().map(|s| s.step),
            typical,
            gap,
        );
        let found = runs::runs(spans, read.get(series).unwrap_or(&none), gap);
        let count = found.len();
        for (i, run) in found.into_iter().enumerate() {
            let open =
                i + 1 == count && runs::is_open(run.last, step, now, gap, firing.contains(series));
            decided.push(Decided {
                series: series.clone(),
                run,
                step,
                open,
            });
        }
    }
    decided
}

/// The incidents to hand back (the changed runs) and the state to remember.
fn assemble(
    settings: &Settings,
    decided: &[Decided],
    annotations: &[PrometheusAlert],
    managed: Option<&[ManagedAlert]>,
    now: Millis,
) -> (Vec<Incident>, State) {
    let mut incidents: Vec<Incident> = Vec::new();
    let mut next: BTreeMap<&Series, Vec<Span>> = BTreeMap::new();
    for d in decided {
        let kept = d.open || d.run.last > now - 2 * settings.gap;
        if !d.changed() {
            if let (true, Some(span)) = (kept, d.run.remembered()) {
                next.entry(&d.series).or_default().push(span.clone());
            }
            continue;
        }
        let span = finish(d, annotations, managed);
        incidents.push(translate::incident(
            settings,
            &Found {
                series: &d.series,
                start: span.start,
                resolved: (!span.open)
                    .then(|| runs::resolved_at(span.start, span.last, span.step, now)),
                body: span.body.clone(),
                alertmanager: span.alertmanager.clone(),
            },
        ));
        if kept {
            next.entry(&d.series).or_default().push(span);
        }
    }
    let state = State {
        read_to: Some(now),
        series: next
            .into_iter()
            .map(|(series, spans)| SeriesState {
                labels: series.0.clone(),
                spans,
            })
            .collect(),
    };
    (incidents, state)
}

/// Alertmanager's alerts, when it is configured.
async fn ask_alertmanager(
    alertmanager: Option<&Api>,
) -> Result<Option<Vec<ManagedAlert>>, SourceError> {
    match alertmanager {
        Some(api) => api.managed_alerts().await.map(Some),
        None => Ok(None),
    }
}

/// The span a changed run is remembered as: its annotations and Alertmanager's word (fresh
/// while open, else as remembered).
fn finish(d: &Decided, annotations: &[PrometheusAlert], managed: Option<&[ManagedAlert]>) -> Span {
    let remembered_body = d.run.spans.iter().rev().find_map(|s| s.body.clone());
    let (body, alertmanager) = if d.open {
        let from_prometheus = annotations
            .iter()
            .filter(|a| a.state == "firing")
            .find(|a| Series::of(a.labels.clone()) == d.series)
            .and_then(|a| translate::body(&a.annotations));
        let (labels, from_manager) = match managed {
            Some(alerts) => alertmanager::marks(&d.series, alerts),
            None => (
                d.run
                    .remembered()
                    .map(|s| s.alertmanager.clone())
                    .unwrap_or_default(),
                None,
            ),
        };
        (from_prometheus.or(from_manager).or(remembered_body), labels)
    } else {
        (remembered_body, Vec::new())
    };
    Span {
        start: d.run.start,
        last: d.run.last,
        step: d.step,
        open: d.open,
        body,
        alertmanager,
    }
}

#[cfg(test)]
mod tests {
    //! Syncs without a server: "Prometheus" is a list of samples per series, read the way
    //! `read_samples` reads it, and each sync hands its state to the next.
    use super::super::payload::{LabelMap, ManagedStatus};
    use super::*;
    use flowdeck_config::schema::PrometheusSourceConfig;

    const S: Millis = 1000;
    const M: Millis = 60 * S;
    /// 2026-03-02T00:00:00Z
    const T0: Millis = 1_772_409_600_000;

    fn settings() -> Settings {
        let config: PrometheusSourceConfig =
            toml::from_str("name = \"p\"\nurl = \"http://127.0.0.1:9090\"").unwrap();
        Settings::from_config(&config).unwrap()
    }

    fn series(name: &str) -> Series {
        let labels: LabelMap = [("alertname", name), ("service", "api")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Series(labels)
    }

    /// What Prometheus holds: samples per series (firing now: the instant query's answer).
    struct World {
        samples: BTreeMap<Series, Vec<Millis>>,
        firing: BTreeSet<Series>,
    }

    impl World {
        fn new() -> World {
            World {
                samples: BTreeMap::new(),
                firing: BTreeSet::new(),
            }
        }

        /// Samples every `step` in [from, to].
        fn fire(&mut self, s: &Series, from: Millis, to: Millis, step: Millis) {
            let samples = self.samples.entry(s.clone()).or_default();
            let mut t = from;
            while t <= to {
                samples.push(t);
                t += step;
            }
            samples.sort_unstable();
        }
    }

    struct Run {
        incidents: Vec<Incident>,
        state: State,
    }

    fn sync_at(
        world: &World,
        state: &State,
        now: Millis,
        backfill_from: Millis,
        managed: Option<&[ManagedAlert]>,
    ) -> Run {
        let settings = settings();
        let from = state.read_to.map_or(backfill_from, |t| t - settings.gap);
        let read: BTreeMap<Series, Vec<Millis>> = world
            .samples
            .iter()
            .map(|(s, all)| {
                let kept: Vec<Millis> = all
                    .iter()
                    .copied()
                    .filter(|t| from < *t && *t <= now)
                    .collect();
                (s.clone(), kept)
            })
            .filter(|(_, kept)| !kept.is_empty())
            .collect();
        let spans: BTreeMap<Series, Vec<Span>> = state
            .series
            .iter()
            .map(|s| (Series(s.labels.clone()), s.spans.clone()))
            .collect();
        let decided = decide(&settings, &read, &spans, &world.firing, now);
        let (incidents, state) = assemble(&settings, &decided, &[], managed, now);
        Run { incidents, state }
    }

    fn times(incident: &Incident) -> (Millis, Option<Millis>) {
        (
            incident.started_at.timestamp_millis(),
            incident.resolved_at.map(|t| t.timestamp_millis()),
        )
    }

    #[test]
    fn a_live_alert_is_open_then_resolves_under_one_id() {
        let a = series("Live");
        let mut world = World::new();
        // Fires every second from T0 to T0+80s.
        world.fire(&a, T0, T0 + 80 * S, S);
        world.firing.insert(a.clone());

        let first = sync_at(
            &world,
            &State::default(),
            T0 + 5 * S + 300,
            T0 - 90 * M,
            None,
        );
        assert_eq!(first.incidents.len(), 1);
        assert_eq!(times(&first.incidents[0]), (T0, None));
        let id = first.incidents[0].id.clone();

        // A minute later: still open, same id, though only the last 5 minutes are re-read.
        let second = sync_at(&world, &first.state, T0 + 65 * S + 300, 0, None);
        assert_eq!(second.incidents.len(), 1);
        assert_eq!(second.incidents[0].id, id);
        assert_eq!(times(&second.incidents[0]), (T0, None));

        // It resolved (a staleness marker: the instant query no longer answers it).
        world.firing.clear();
        let third = sync_at(&world, &second.state, T0 + 90 * S, 0, None);
        assert_eq!(third.incidents.len(), 1);
        assert_eq!(third.incidents[0].id, id);
        // Resolved one step (1 s) after the last sample at T0+80s.
        assert_eq!(times(&third.incidents[0]), (T0, Some(T0 + 81 * S)));

        // Nothing changes any more: nothing is handed back, and the run is forgotten once
        // it is more than 2 × gap old.
        let fourth = sync_at(&world, &third.state, T0 + 3 * M, 0, None);
        assert!(fourth.incidents.is_empty());
        assert_eq!(fourth.state.series.len(), 1);
        let fifth = sync_at(&world, &fourth.state, T0 + 20 * M, 0, None);
        assert!(fifth.incidents.is_empty());
        assert!(fifth.state.series.is_empty());
    }

    #[test]
    fn a_sync_at_the_same_time_changes_nothing() {
        let a = series("Backfilled");
        let mut world = World::new();
        world.fire(&a, T0, T0 + 30 * M, M);
        let first = sync_at(&world, &State::default(), T0 + 33 * M, T0 - M, None);
        assert_eq!(times(&first.incidents[0]), (T0, Some(T0 + 31 * M)));
        assert_eq!(first.state.series.len(), 1);
        // The re-read (from 28m) finds 29m and 30m again: known, so nothing is handed back.
        let again = sync_at(&world, &first.state, T0 + 33 * M, 0, None);
        assert!(again.incidents.is_empty());
        assert_eq!(again.state, first.state);
    }

    #[test]
    fn backfilled_samples_that_stopped_are_over_though_prometheus_still_answers_them() {
        // No staleness markers: the instant query finds the series for 5 minutes after its
        // last sample. With a 1m step the run is over 2m30s after its last sample.
        let a = series("Backfilled");
        let mut world = World::new();
        world.fire(&a, T0, T0 + 10 * M, M);
        world.firing.insert(a.clone());
        let open = sync_at(
            &world,
            &State::default(),
            T0 + 12 * M + 30 * S,
            T0 - M,
            None,
        );
        assert_eq!(times(&open.incidents[0]), (T0, None));
        let over = sync_at(
            &world,
            &State::default(),
            T0 + 12 * M + 31 * S,
            T0 - M,
            None,
        );
        assert_eq!(times(&over.incidents[0]), (T0, Some(T0 + 11 * M)));
    }

    #[test]
    fn a_gap_splits_an_alert_and_a_short_silence_does_not() {
        let a = series("Flapping");
        let mut world = World::new();
        world.fire(&a, T0, T0 + 10 * M, M);
        // 4 minutes quiet: the same incident.
        world.fire(&a, T0 + 14 * M, T0 + 20 * M, M);
        // 6 minutes quiet: a second one.
        world.fire(&a, T0 + 26 * M, T0 + 30 * M, M);
        let all = sync_at(&world, &State::default(), T0 + 60 * M, T0 - M, None);
        let found: Vec<_> = all.incidents.iter().map(times).collect();
        assert_eq!(
            found,
            [(T0, Some(T0 + 21 * M)), (T0 + 26 * M, Some(T0 + 31 * M))]
        );
        assert_ne!(all.incidents[0].id, all.incidents[1].id);
    }

    #[test]
    fn a_run_seen_as_over_continues_when_samples_resume_within_the_gap() {
        // Synced each minute; the alert stops at 10m (a staleness marker) and fires again at
        // 13m: one incident, resolved, re-opened and resolved again under one id.
        let a = series("Flapping");
        let mut world = World::new();
        world.fire(&a, T0, T0 + 10 * M, M);
        world.firing.insert(a.clone());
        let mut state = sync_at(&world, &State::default(), T0 + 10 * M, T0 - M, None).state;
        world.firing.clear();
        let stopped = sync_at(&world, &state, T0 + 12 * M, 0, None);
        assert_eq!(times(&stopped.incidents[0]), (T0, Some(T0 + 11 * M)));
        let id = stopped.incidents[0].id.clone();
        state = stopped.state;

        world.fire(&a, T0 + 13 * M, T0 + 16 * M, M);
        world.firing.insert(a.clone());
        let again = sync_at(&world, &state, T0 + 16 * M, 0, None);
        assert_eq!(again.incidents.len(), 1);
        assert_eq!(again.incidents[0].id, id);
        assert_eq!(times(&again.incidents[0]), (T0, None));
    }

    #[test]
    fn samples_are_read_only_from_the_last_sync_minus_the_gap() {
        // Remembered: an open run; a sync 10 minutes later (the poller was stopped) must not
        // lose it or start it anew, though its start is long before the re-read.
        let a = series("Long");
        let mut world = World::new();
        world.fire(&a, T0, T0 + 3 * 60 * M, M);
        world.firing.insert(a.clone());
        let first = sync_at(&world, &State::default(), T0 + 2 * 60 * M, T0 - M, None);
        let later = sync_at(&world, &first.state, T0 + 2 * 60 * M + 10 * M, 0, None);
        assert_eq!(later.incidents.len(), 1);
        assert_eq!(later.incidents[0].id, first.incidents[0].id);
        assert_eq!(times(&later.incidents[0]), (T0, None));
    }

    #[test]
    fn alertmanager_marks_open_incidents_and_its_absence_keeps_them() {
        let a = series("Silenced");
        let mut world = World::new();
        world.fire(&a, T0, T0 + 5 * M, M);
        world.firing.insert(a.clone());
        let managed = [ManagedAlert {
            labels: a.0.clone(),
            annotations: [("summary".to_string(), "5xx".to_string())].into(),
            status: ManagedStatus {
                state: "suppressed".into(),
                silenced_by: vec!["8d1e".into()],
                inhibited_by: Vec::new(),
            },
        }];
        let first = sync_at(
            &world,
            &State::default(),
            T0 + 5 * M,
            T0 - M,
            Some(&managed[..]),
        );
        let labels = &first.incidents[0].labels;
        assert!(labels.contains(&"alertmanager=suppressed".to_string()));
        assert!(labels.contains(&"silenced_by=8d1e".to_string()));
        assert_eq!(first.incidents[0].body.as_deref(), Some("5xx"));

        // Alertmanager cannot be asked: the last word stays, and so does the body.
        world.fire(&a, T0 + 6 * M, T0 + 6 * M, M);
        let second = sync_at(&world, &first.state, T0 + 6 * M, 0, None);
        assert_eq!(second.incidents[0].labels, first.incidents[0].labels);
        assert_eq!(second.incidents[0].body.as_deref(), Some("5xx"));

        // Once resolved, no Alertmanager labels; the body is kept.
        world.firing.clear();
        let third = sync_at(&world, &second.state, T0 + 8 * M, 0, Some(&[][..]));
        assert_eq!(times(&third.incidents[0]), (T0, Some(T0 + 7 * M)));
        assert_eq!(
            third.incidents[0].labels,
            ["alertname=Silenced", "service=api"]
        );
        assert_eq!(third.incidents[0].body.as_deref(), Some("5xx"));
    }

    #[test]
    fn a_lone_sample_takes_the_step_of_the_other_series() {
        let (a, b) = (series("Lone"), series("Busy"));
        let mut world = World::new();
        world.fire(&a, T0, T0, M);
        world.fire(&b, T0, T0 + 10 * M, 15 * S);
        let run = sync_at(&world, &State::default(), T0 + 60 * M, T0 - M, None);
        let lone = run.incidents.iter().find(|i| i.title == "Lone").map(times);
        assert_eq!(lone, Some((T0, Some(T0 + 15 * S))));
    }

    #[test]
    fn samples_from_prometheus_seconds() {
        assert_eq!(millis(1_796_286_820.730), 1_796_286_820_730);
        assert_eq!(millis(1_772_409_600.0), T0);
    }
}
