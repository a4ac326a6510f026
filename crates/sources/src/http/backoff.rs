//! Exponential backoff with jitter, for retries the server gave no timing for.

use std::time::Duration;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Where the jitter of backoff waits comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Jitter {
    /// Seeded from the time and process: clients started together spread out.
    #[default]
    Random,
    /// A fixed seed: the same waits on every run (tests).
    Seeded(u64),
    /// No jitter: exactly `base × 2^attempt`, capped (tests that assert exact waits).
    Off,
}

/// Backoff waits: attempt n (0 for the first retry) waits `d = min(max, base × 2^n)` reduced by
/// a random fraction of up to half ("equal jitter"), so each wait lies in `[d/2, d]`.
#[derive(Debug)]
pub(super) struct Backoff {
    base: Duration,
    max: Duration,
    rng: Option<ChaCha8Rng>,
}

impl Backoff {
    pub(super) fn new(base: Duration, max: Duration, jitter: Jitter) -> Backoff {
        let rng = match jitter {
            Jitter::Off => None,
            Jitter::Seeded(seed) => Some(ChaCha8Rng::seed_from_u64(seed)),
            Jitter::Random => Some(ChaCha8Rng::seed_from_u64(entropy_seed())),
        };
        Backoff { base, max, rng }
    }

    /// The longest wait before jitter for retry `attempt` (0-based).
    pub(super) fn ceiling(&self, attempt: u32) -> Duration {
        let factor = 2u32.checked_pow(attempt.min(31)).unwrap_or(u32::MAX);
        self.base.saturating_mul(factor).min(self.max)
    }

    /// The wait before retry `attempt` (0-based).
    pub(super) fn delay(&mut self, attempt: u32) -> Duration {
        let ceiling = self.ceiling(attempt);
        match &mut self.rng {
            None => ceiling,
            Some(rng) => {
                let half = ceiling / 2;
                let spread = u64::try_from((ceiling - half).as_millis()).unwrap_or(u64::MAX);
                half + Duration::from_millis(rng.random_range(0..=spread))
            }
        }
    }
}

fn entropy_seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    // Truncation is fine: this only spreads retries.
    (nanos as u64) ^ (u64::from(std::process::id()) << 32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_up_to_the_cap_without_jitter() {
        let mut backoff =
            Backoff::new(Duration::from_secs(1), Duration::from_secs(60), Jitter::Off);
        let waits: Vec<u64> = (0..8).map(|n| backoff.delay(n).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60]);
        assert_eq!(backoff.delay(400), Duration::from_secs(60));
    }

    #[test]
    fn jitter_stays_in_the_upper_half_and_is_reproducible() {
        let mut a = Backoff::new(
            Duration::from_secs(1),
            Duration::from_secs(60),
            Jitter::Seeded(7),
        );
        let mut b = Backoff::new(
            Duration::from_secs(1),
            Duration::from_secs(60),
            Jitter::Seeded(7),
        );
        for n in 0..10 {
            let wait = a.delay(n);
            let ceiling = a.ceiling(n);
            assert!(
                wait >= ceiling / 2 && wait <= ceiling,
                "{wait:?} vs {ceiling:?}"
            );
            assert_eq!(wait, b.delay(n));
        }
    }
}
