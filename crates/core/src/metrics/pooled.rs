//! Order statistics of large pooled sets (a total's millions of lead times, one slice per
//! service), exactly as `stats` defines them (docs/METRICS.md#statistics), without copying the
//! slices together and without a selection over millions of values.
//!
//! The values are counted into 4,096 buckets by their top bits, the buckets holding the ranks
//! wanted are found from the counts, and only their values are gathered and selected. Two
//! streaming passes over the data instead of a random-access selection; the k-th smallest value
//! is the same however it is found, so the results equal `stats::median_and_p90`'s bit for bit.
//! Small sets take `stats` directly.

use super::stats::{Sample, interpolate, median_and_p90};

/// Below this many values, copying and selecting is faster.
const SMALL: usize = 1 << 15;

/// 4,096 counters: the histogram stays in the first-level cache.
const BUCKET_BITS: u32 = 12;

/// The ranks (0-based) and interpolation of the q-quantile of `n` values, as `stats::quantile`
/// takes them: position q × (n − 1), its floor, and the fraction towards the next rank.
fn ranks(n: usize, q: f64) -> (usize, f64) {
    let position = q * (n - 1) as f64;
    let lower = position.floor() as usize;
    (lower, position - lower as f64)
}

/// The k-th smallest values (for each of `wanted`, 0-based) of the pooled `parts`.
fn kth_smallest(parts: &[&[u32]], wanted: &[usize]) -> Vec<u32> {
    let max = parts
        .iter()
        .filter_map(|p| p.iter().copied().max())
        .max()
        .unwrap_or(0);
    let shift = (32 - max.leading_zeros()).saturating_sub(BUCKET_BITS);
    let mut counts = [0u32; 1 << BUCKET_BITS];
    for part in parts {
        for &v in *part {
            counts[(v >> shift) as usize] += 1;
        }
    }
    // For each wanted rank: its bucket and its rank inside the bucket.
    let mut places: Vec<(usize, usize)> = Vec::with_capacity(wanted.len());
    for &k in wanted {
        let mut below = 0usize;
        let mut place = (counts.len() - 1, 0);
        for (bucket, &count) in counts.iter().enumerate() {
            if below + count as usize > k {
                place = (bucket, k - below);
                break;
            }
            below += count as usize;
        }
        places.push(place);
    }
    let mut needed: Vec<usize> = places.iter().map(|&(b, _)| b).collect();
    needed.sort_unstable();
    needed.dedup();
    let mut gathered: Vec<Vec<u32>> = needed
        .iter()
        .map(|&b| Vec::with_capacity(counts[b] as usize))
        .collect();
    if needed.len() == 1 {
        let only = needed[0] as u32;
        for part in parts {
            gathered[0].extend(part.iter().copied().filter(|&v| v >> shift == only));
        }
    } else {
        for part in parts {
            for &v in *part {
                if let Ok(slot) = needed.binary_search(&((v >> shift) as usize)) {
                    gathered[slot].push(v);
                }
            }
        }
    }
    places
        .iter()
        .map(|&(bucket, rank)| {
            let slot = needed.binary_search(&bucket).unwrap_or(0);
            let values = &mut gathered[slot];
            let rank = rank.min(values.len().saturating_sub(1));
            *values.select_nth_unstable(rank).1
        })
        .collect()
}

/// The q-quantile from the values at its lower rank and the one above.
fn quantile_from(low: u32, high: u32, fraction: f64, has_next: bool) -> f64 {
    let low = low.to_f64();
    if fraction == 0.0 || !has_next {
        return low;
    }
    interpolate(low, high.to_f64(), fraction)
}

/// Median and p90 of every value of every part together.
pub(crate) fn median_and_p90_pooled(parts: &[&[u32]]) -> (Option<f64>, Option<f64>) {
    let n: usize = parts.iter().map(|p| p.len()).sum();
    if n < SMALL {
        let mut values: Vec<u32> = parts.concat();
        return median_and_p90(&mut values);
    }
    let (m, mf) = ranks(n, 0.5);
    let (p, pf) = ranks(n, 0.9);
    let next = |k: usize| (k + 1).min(n - 1);
    let got = kth_smallest(parts, &[m, next(m), p, next(p)]);
    (
        Some(quantile_from(got[0], got[1], mf, m + 1 < n)),
        Some(quantile_from(got[2], got[3], pf, p + 1 < n)),
    )
}

/// The median of every value of every part together.
pub(crate) fn median_pooled(parts: &[&[u32]]) -> Option<f64> {
    let n: usize = parts.iter().map(|p| p.len()).sum();
    if n < SMALL {
        let mut values: Vec<u32> = parts.concat();
        return super::stats::median(&mut values);
    }
    let (m, mf) = ranks(n, 0.5);
    let got = kth_smallest(parts, &[m, (m + 1).min(n - 1)]);
    Some(quantile_from(got[0], got[1], mf, m + 1 < n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::stats::median;

    fn values(seed: u64, n: usize, spread: u64) -> Vec<u32> {
        let mut state = seed;
        (0..n)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((state >> 33) % spread) as u32
            })
            .collect()
    }

    #[test]
    fn pooled_statistics_equal_the_selections_they_replace() {
        for (seed, n, spread) in [
            (1, SMALL + 1, 10),
            (2, SMALL * 3 + 7, 1_000_000),
            (3, SMALL * 2, u64::from(u32::MAX)),
            (4, SMALL * 2 + 1, 1),
            (5, 100_000, 600_000),
        ] {
            let all = values(seed, n, spread);
            let parts: Vec<&[u32]> = all.chunks(997).collect();
            assert_eq!(
                median_and_p90_pooled(&parts),
                median_and_p90(&mut all.clone()),
                "seed {seed}"
            );
            assert_eq!(
                median_pooled(&parts),
                median(&mut all.clone()),
                "seed {seed}"
            );
        }
        assert_eq!(median_and_p90_pooled(&[]), (None, None));
        assert_eq!(median_pooled(&[&[], &[3, 1]]), Some(2.0));
    }
}
