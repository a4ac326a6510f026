//! Where a service's rows changed: the time of the earliest row that differs between the rows
//! before `History::apply` and after. Every measure of a window reads only rows whose time lies
//! in the window (and the open pull requests), so a window that ends at or before that time
//! measures the same as before, and `MetricBoard::refresh` leaves it as it is.

use super::rows::ServiceRows;

/// The time (nanoseconds) of the earliest row of `old` and `new` that differs: `i64::MAX` when
/// none does, `i64::MIN` when the open pull requests differ (work in progress reads them for
/// every window).
pub(crate) fn earliest_difference(old: &ServiceRows, new: &ServiceRows) -> i64 {
    if old.open.len() != new.open.len() || old.open.iter().zip(&new.open).any(|(a, b)| a != b) {
        return i64::MIN;
    }
    let deploys = first_different(&old.deploy_time, &new.deploy_time, |i| {
        let (a, b) = (&old.deploys[i], &new.deploys[i]);
        a == b
            && old.lead.get(a.lead_start as usize..a.lead_end as usize)
                == new.lead.get(b.lead_start as usize..b.lead_end as usize)
    });
    let runs = first_different(&old.run_time, &new.run_time, |i| old.runs[i] == new.runs[i]);
    let merged = first_different(&old.merged_time, &new.merged_time, |i| {
        old.merged[i] == new.merged[i]
    });
    let incidents = first_different(&old.incident_time, &new.incident_time, |i| {
        old.incidents[i] == new.incidents[i]
    });
    deploys.min(runs).min(merged).min(incidents)
}

/// The earliest time at which two time-ordered lists differ (in a time, or in the row at an
/// index as `same_row` says, called only for indexes both have): the smaller of the two times
/// there, or the first extra row's time when one list is a prefix of the other.
fn first_different(old: &[i64], new: &[i64], same_row: impl Fn(usize) -> bool) -> i64 {
    let both = old.len().min(new.len());
    for i in 0..both {
        if old[i] != new[i] || !same_row(i) {
            return old[i].min(new[i]);
        }
    }
    match (old.get(both), new.get(both)) {
        (Some(&t), _) | (None, Some(&t)) => t,
        (None, None) => i64::MAX,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_earliest_differing_time_of_either_list() {
        assert_eq!(first_different(&[1, 2, 3], &[1, 2, 3], |_| true), i64::MAX);
        assert_eq!(first_different(&[1, 2, 3], &[1, 2], |_| true), 3);
        assert_eq!(first_different(&[1, 2], &[1, 2, 5], |_| true), 5);
        assert_eq!(first_different(&[1, 4, 9], &[1, 3, 9], |_| true), 3);
        assert_eq!(first_different(&[1, 4, 9], &[1, 4, 9], |i| i != 1), 4);
        assert_eq!(first_different(&[], &[], |_| true), i64::MAX);
    }
}
