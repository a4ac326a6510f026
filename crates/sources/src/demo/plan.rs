//! When each service deploys: routine deployments from its cadence plus the story's scripted ones.

use super::calendar::Slot;
use super::catalog::{Cadence, Profile};
use super::random::{self, Stream};
use super::story::{self, StoryDeploy};

/// Routine history covers working days 0..HISTORY_DAYS: all of it within the last 90 days.
pub(super) const HISTORY_DAYS: u32 = 63;

/// Each service's first deployment (a baseline) sits about 95 days back.
pub(super) const BASELINE_DAY: u32 = 68;

/// One planned production deployment.
#[derive(Debug, Clone, Copy)]
pub(super) struct Planned {
    pub at: Slot,
    pub story: Option<&'static StoryDeploy>,
    pub baseline: bool,
}

/// The production deployments of one service, oldest first.
pub(super) fn plan(service: usize, profile: &Profile) -> Vec<Planned> {
    let stories: Vec<&'static StoryDeploy> = story::DEPLOYS
        .iter()
        .filter(|d| d.service == profile.name)
        .collect();
    let quiet = |day: u32| {
        stories.iter().any(|d| d.at.day == day)
            || story::QUIET_DAYS
                .iter()
                .any(|(s, d)| *s == profile.name && *d == day)
    };

    let mut planned = vec![Planned {
        at: Slot {
            day: BASELINE_DAY + (service as u32 % 2),
            minute: profile.deploy_hours.0 + 20 * service as u32,
        },
        story: None,
        baseline: true,
    }];
    for day in 0..HISTORY_DAYS {
        if quiet(day) {
            continue;
        }
        let mut rng = random::rng(Stream::Plan, service as u64, u64::from(day));
        for minute in routine_minutes(&mut rng, profile, day) {
            planned.push(Planned {
                at: Slot { day, minute },
                story: None,
                baseline: false,
            });
        }
    }
    planned.extend(stories.into_iter().map(|d| Planned {
        at: d.at,
        story: Some(d),
        baseline: false,
    }));
    planned.sort_by_key(|p| p.at.grid_minute());
    planned
}

/// Minutes of the day of a service's routine deployments on one working day (maybe none).
fn routine_minutes(rng: &mut random::DemoRng, profile: &Profile, day: u32) -> Vec<u32> {
    let (first, last) = profile.deploy_hours;
    match profile.cadence {
        Cadence::Daily => {
            // One to three deployments, in distinct thirds of the deploy hours.
            let count =
                1 + usize::from(random::chance(rng, 0.45)) + usize::from(random::chance(rng, 0.15));
            let third = (last - first) / 3;
            let mut blocks = vec![0u32, 1, 2];
            while blocks.len() > count {
                let drop = random::between(rng, 0, blocks.len() as i64 - 1) as usize;
                blocks.remove(drop);
            }
            blocks
                .into_iter()
                .map(|b| {
                    let start = first + b * third;
                    random::between(rng, i64::from(start), i64::from(start + third - 30)) as u32
                })
                .collect()
        }
        Cadence::Every {
            period,
            phase,
            extra,
        } => {
            if day % period == phase || random::chance(rng, extra) {
                vec![random::between(rng, i64::from(first), i64::from(last)) as u32]
            } else {
                Vec::new()
            }
        }
        Cadence::Coin { p } => {
            if random::chance(rng, p) {
                vec![random::between(rng, i64::from(first), i64::from(last)) as u32]
            } else {
                Vec::new()
            }
        }
    }
}
