//! Order statistics exactly as docs/METRICS.md#statistics defines them: the median of an even count is the mean of
//! the two middle values; p90 interpolates linearly between closest ranks (numpy's default,
//! `method="linear"`). An empty set gives `None`, never 0.

/// A value statistics can be taken over: integer seconds and counts are selected as integers
/// (faster and exact), then reported as f64.
pub trait Sample: Copy + PartialOrd {
    fn to_f64(self) -> f64;
    fn cmp_total(&self, other: &Self) -> std::cmp::Ordering;
}

impl Sample for f64 {
    fn to_f64(self) -> f64 {
        self
    }
    fn cmp_total(&self, other: &Self) -> std::cmp::Ordering {
        self.total_cmp(other)
    }
}

impl Sample for i64 {
    fn to_f64(self) -> f64 {
        self as f64
    }
    fn cmp_total(&self, other: &Self) -> std::cmp::Ordering {
        self.cmp(other)
    }
}

impl Sample for u32 {
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
    fn cmp_total(&self, other: &Self) -> std::cmp::Ordering {
        self.cmp(other)
    }
}

/// The q-quantile (0 ≤ q ≤ 1) of `values` by linear interpolation between closest ranks.
///
/// Reorders `values` (selection, not a full sort: O(n) on average).
pub(crate) fn quantile<T: Sample>(values: &mut [T], q: f64) -> Option<f64> {
    if values.is_empty() || !(0.0..=1.0).contains(&q) {
        return None;
    }
    let position = q * (values.len() - 1) as f64;
    let lower = position.floor() as usize;
    let fraction = position - lower as f64;
    let (_, low, above) = values.select_nth_unstable_by(lower, T::cmp_total);
    let low = low.to_f64();
    if fraction == 0.0 || above.is_empty() {
        return Some(low);
    }
    // The next rank is the smallest value above the lower one.
    let high = above
        .iter()
        .copied()
        .min_by(T::cmp_total)
        .map_or(low, T::to_f64);
    Some(interpolate(low, high, fraction))
}

/// low + (high − low) × fraction, rounded to a millionth so that 0.9 × (n − 1) computed in
/// binary does not print as 398170.9999999999.
pub(crate) fn interpolate(low: f64, high: f64, fraction: f64) -> f64 {
    ((low + (high - low) * fraction) * 1e6).round() / 1e6
}

/// The median: the middle value, or the mean of the two middle values of an even count.
pub fn median<T: Sample>(values: &mut [T]) -> Option<f64> {
    quantile(values, 0.5)
}

/// The 90th percentile, numpy's linear method.
pub(crate) fn p90<T: Sample>(values: &mut [T]) -> Option<f64> {
    quantile(values, 0.9)
}

/// Median and p90 of one set. The p90 selection runs only over the upper half the median
/// selection left behind, so the pair costs little more than the median alone.
pub(crate) fn median_and_p90<T: Sample>(values: &mut [T]) -> (Option<f64>, Option<f64>) {
    let n = values.len();
    let median = median(values);
    if n < 4 {
        return (median, p90(values));
    }
    // After selecting the lower median at index (n-1)/2, every element at or above that index
    // is ≥ it, so the p90 ranks (≥ the median rank) can be found in that tail alone.
    let offset = (n - 1) / 2;
    let position = 0.9 * (n - 1) as f64;
    let lower = position.floor() as usize;
    let fraction = position - lower as f64;
    let tail = &mut values[offset..];
    let (_, low, above) = tail.select_nth_unstable_by(lower - offset, T::cmp_total);
    let low = low.to_f64();
    if fraction == 0.0 || above.is_empty() {
        return (median, Some(low));
    }
    let high = above
        .iter()
        .copied()
        .min_by(T::cmp_total)
        .map_or(low, T::to_f64);
    (median, Some(interpolate(low, high, fraction)))
}

/// `numerator / denominator`, or None for an empty denominator (a rate over nothing is unknown).
pub fn rate(numerator: u64, denominator: u64) -> Option<f64> {
    (denominator > 0).then(|| numerator as f64 / denominator as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_set_is_unknown_not_zero() {
        assert_eq!(median::<f64>(&mut []), None);
        assert_eq!(p90::<i64>(&mut []), None);
        assert_eq!(rate(0, 0), None);
    }

    #[test]
    fn median_of_even_count_is_mean_of_middle_values() {
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&mut [7.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(median(&mut [5.0]), Some(5.0));
    }

    #[test]
    fn p90_interpolates_like_numpy() {
        // numpy.percentile([1..=10], 90) == 9.1
        let mut v: Vec<f64> = (1..=10).map(f64::from).rev().collect();
        assert!((p90(&mut v).unwrap() - 9.1).abs() < 1e-9);
        // numpy.percentile([10, 20, 30, 40], 90) == 37.0
        assert!((p90(&mut [40.0, 10.0, 30.0, 20.0]).unwrap() - 37.0).abs() < 1e-9);
        // numpy.percentile([3, 1], 90) == 2.8
        assert!((p90(&mut [3.0, 1.0]).unwrap() - 2.8).abs() < 1e-9);
        assert_eq!(p90(&mut [42.0]), Some(42.0));
    }

    #[test]
    fn quantile_handles_ties_and_ends() {
        assert_eq!(quantile(&mut [2.0, 2.0, 2.0], 0.9), Some(2.0));
        assert_eq!(quantile(&mut [1.0, 9.0], 0.0), Some(1.0));
        assert_eq!(quantile(&mut [1.0, 9.0], 1.0), Some(9.0));
        assert_eq!(quantile(&mut [1.0], 1.5), None);
    }

    #[test]
    fn median_and_p90_agree_with_separate_selections() {
        let mut state = 7u64;
        for n in 0..60usize {
            let values: Vec<i64> = (0..n)
                .map(|_| {
                    state = state
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ((state >> 33) % 50) as i64
                })
                .collect();
            let together = median_and_p90(&mut values.clone());
            let apart = (median(&mut values.clone()), p90(&mut values.clone()));
            assert_eq!(together, apart, "n = {n}");
        }
    }

    #[test]
    fn integer_seconds_give_exact_halves() {
        assert_eq!(median(&mut [1i64, 2]), Some(1.5));
        assert_eq!(median(&mut [3u32, 1, 2]), Some(2.0));
    }

    #[test]
    fn rate_is_a_fraction() {
        assert_eq!(rate(1, 4), Some(0.25));
        assert_eq!(rate(0, 3), Some(0.0));
    }
}
