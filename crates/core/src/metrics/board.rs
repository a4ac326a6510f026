//! The full metric set: the measures of the total, every service and every team, for a window
//! and the previous window (what a report shows), computed on the machine's cores, and kept
//! current as events arrive: after `History::apply`, only the scopes holding a changed service
//! are computed again (`MetricBoard::refresh`).

use super::compute::{PreparedWindow, Scope, compute_prepared};
use super::facts::History;
use super::incremental::Applied;
use super::measures::MetricSet;
use super::parallel;
use super::window::Window;
use crate::model::Timestamp;

/// One scope's measures: the window's, then the previous window's.
pub type Pair = [MetricSet; 2];

#[derive(Debug, Clone)]
pub struct MetricBoard {
    pub window: Window,
    pub now: Timestamp,
    prepared: [PreparedWindow; 2],
    /// Everything.
    pub total: Pair,
    /// Per service, by number.
    pub services: Vec<Pair>,
    /// Per team, in `History::teams` order: its name, services and measures.
    pub teams: Vec<(String, Vec<u32>, Pair)>,
}

/// A scope to compute: everything, a service or a team.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Total,
    Service(usize),
    Team(usize),
}

impl MetricBoard {
    /// Computes the whole set.
    pub fn new(history: &History, window: Window, now: Timestamp) -> MetricBoard {
        let mut board = MetricBoard {
            window,
            now,
            prepared: [
                PreparedWindow::new(history, window),
                PreparedWindow::new(history, window.previous()),
            ],
            total: Pair::default(),
            services: vec![Pair::default(); history.services.len()],
            teams: history
                .teams()
                .into_iter()
                .map(|(name, members)| (name, members, Pair::default()))
                .collect(),
        };
        let mut slots = vec![Slot::Total];
        slots.extend((0..board.services.len()).map(Slot::Service));
        slots.extend((0..board.teams.len()).map(Slot::Team));
        board.compute(history, &slots, &[0, 1]);
        board
    }

    /// Brings the set up to date after `History::apply` returned `applied`: computes again the
    /// total, and the services and teams it touched (everything after a full derivation, or
    /// when the teams changed).
    pub fn refresh(&mut self, history: &History, applied: &Applied) {
        if applied.is_empty() {
            return;
        }
        if applied.full || applied.teams || self.services.len() != history.services.len() {
            *self = MetricBoard::new(history, self.window, self.now);
            return;
        }
        let mut slots = vec![Slot::Total];
        slots.extend(applied.services.iter().map(|&s| Slot::Service(s as usize)));
        slots.extend(
            self.teams
                .iter()
                .enumerate()
                .filter(|(_, (_, members, _))| members.iter().any(|s| applied.services.contains(s)))
                .map(|(t, _)| Slot::Team(t)),
        );
        // A window that ends before the earliest changed row measures what it measured.
        let windows: Vec<usize> = (0..2)
            .filter(|&w| {
                applied
                    .unchanged_before
                    .is_none_or(|t| t < self.prepared[w].to)
            })
            .collect();
        self.compute(history, &slots, &windows);
    }

    /// Computes the slots' measures in `windows` (0: the window, 1: the previous one), the
    /// heaviest scopes spread over the cores.
    fn compute(&mut self, history: &History, slots: &[Slot], windows: &[usize]) {
        let work: Vec<(Slot, usize, Scope)> = slots
            .iter()
            .flat_map(|&slot| {
                let scope = match slot {
                    Slot::Total => Scope::all(history),
                    Slot::Service(s) => Scope::services(history, &[s as u32]),
                    Slot::Team(t) => Scope::services(history, &self.teams[t].1),
                };
                windows.iter().map(move |&w| (slot, w, scope.clone()))
            })
            .collect();
        let prepared = &self.prepared;
        let now = self.now;
        let weight = |(_, _, scope): &(Slot, usize, Scope)| {
            scope
                .services
                .iter()
                .filter_map(|&s| history.services.get(s as usize))
                .map(|s| s.deployments.len() + s.runs.len() / 4 + 1)
                .sum::<usize>()
        };
        let measured = parallel::map_weighted(work, weight, |(slot, w, scope)| {
            (
                slot,
                w,
                compute_prepared(history, &scope, &prepared[w], now),
            )
        });
        for (slot, w, set) in measured {
            match slot {
                Slot::Total => self.total[w] = set,
                Slot::Service(s) => {
                    if let Some(pair) = self.services.get_mut(s) {
                        pair[w] = set;
                    }
                }
                Slot::Team(t) => {
                    if let Some((_, _, pair)) = self.teams.get_mut(t) {
                        pair[w] = set;
                    }
                }
            }
        }
    }
}
