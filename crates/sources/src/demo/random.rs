//! Seeded randomness: one small ChaCha stream per item, so that changing one part of the story
//! never reshuffles the rest, plus the few distributions the demo needs.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub(super) type DemoRng = ChaCha8Rng;

/// The demo's fixed seed.
const SEED: u64 = 0xf10d_ec0d_0a7a_2025;

/// What a stream is used for; part of its seed.
#[derive(Debug, Clone, Copy)]
#[repr(u64)]
pub(super) enum Stream {
    Plan = 1,
    Ship = 2,
    PullRequest = 3,
    Numbering = 4,
    Ci = 5,
    NowCluster = 6,
}

/// SplitMix64 finaliser: spreads nearby inputs over the whole seed space.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The stream for one item, named by its purpose and up to two coordinates.
pub(super) fn rng(stream: Stream, a: u64, b: u64) -> DemoRng {
    let seed = mix(mix(mix(SEED ^ stream as u64) ^ a) ^ b);
    ChaCha8Rng::seed_from_u64(seed)
}

/// A git object id: 40 lower-case hex digits.
pub(super) fn sha(rng: &mut DemoRng) -> String {
    let (a, b, c): (u64, u64, u32) = (rng.random(), rng.random(), rng.random());
    format!("{a:016x}{b:016x}{c:08x}")
}

/// A log-normal draw with the given median and spread (sigma of the underlying normal),
/// clamped to [lo, hi]. Heavy right tails are what delivery durations look like.
pub(super) fn log_normal(rng: &mut DemoRng, median: f64, sigma: f64, lo: f64, hi: f64) -> f64 {
    // Box-Muller; 1 - u keeps ln away from 0.
    let u1: f64 = 1.0 - rng.random::<f64>();
    let u2: f64 = rng.random::<f64>();
    let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
    (median * (sigma * z).exp()).clamp(lo, hi)
}

/// An integer in [lo, hi] (inclusive); `lo` when the range is empty.
pub(super) fn between(rng: &mut DemoRng, lo: i64, hi: i64) -> i64 {
    if hi <= lo {
        lo
    } else {
        rng.random_range(lo..=hi)
    }
}

/// True with probability `p` (clamped to [0, 1]).
pub(super) fn chance(rng: &mut DemoRng, p: f64) -> bool {
    rng.random::<f64>() < p.clamp(0.0, 1.0)
}

/// One item of a non-empty slice; `None` only for an empty one.
pub(super) fn pick<'a, T>(rng: &mut DemoRng, items: &'a [T]) -> Option<&'a T> {
    if items.is_empty() {
        None
    } else {
        items.get(rng.random_range(0..items.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_stable_and_distinct() {
        let a = sha(&mut rng(Stream::Ship, 1, 2));
        assert_eq!(a, sha(&mut rng(Stream::Ship, 1, 2)));
        assert_ne!(a, sha(&mut rng(Stream::Ship, 2, 1)));
        assert_ne!(a, sha(&mut rng(Stream::Ci, 1, 2)));
        assert_eq!(a.len(), 40);
        assert!(
            a.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        );
    }

    #[test]
    fn log_normal_respects_its_clamp() {
        let mut r = rng(Stream::Plan, 0, 0);
        for _ in 0..1000 {
            let x = log_normal(&mut r, 10.0, 2.0, 1.0, 50.0);
            assert!((1.0..=50.0).contains(&x));
        }
    }
}
