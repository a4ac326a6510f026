//! "Did you mean …?": the closest known name to a misspelt one, by edit distance.

/// The candidate closest to `input`, if it is close enough to be a plausible typo.
///
/// Case and `-`/`_` are ignored, so `Report-Items` finds `report_items`. The allowed distance
/// grows with the name's length (1 for short names, at most 3) so short names do not "match"
/// unrelated short names.
pub(crate) fn closest<'a, I>(input: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let wanted = normalize(input);
    // Ranked by distance, then by the longer shared prefix (typos sit more often late in a
    // word: "gitlub" is "gitlab" more likely than "github"), then by candidate order.
    let mut best: Option<(usize, std::cmp::Reverse<usize>, &'a str)> = None;
    for candidate in candidates {
        let normalized = normalize(candidate);
        let distance = edit_distance(&wanted, &normalized);
        let longest = wanted.chars().count().max(normalized.chars().count());
        let allowed = (longest / 3).clamp(1, 3);
        let prefix = wanted
            .chars()
            .zip(normalized.chars())
            .take_while(|(a, b)| a == b)
            .count();
        let rank = (distance, std::cmp::Reverse(prefix), candidate);
        if distance <= allowed && best.is_none_or(|(d, p, _)| (rank.0, rank.1) < (d, p)) {
            best = Some(rank);
        }
    }
    best.map(|(_, _, candidate)| candidate)
}

fn normalize(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c == '-' {
                '_'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

/// Edit distance over characters, counting a swap of two neighbours as one edit (optimal
/// string alignment): swapped letters ("fial", "nrod") are the commonest typo, and plain
/// Levenshtein charges them two, more than short names are allowed.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Rows i-1 and i of the table, and row i-2 for swaps.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let substitution = previous[j - 1] + usize::from(a[i - 1] != b[j - 1]);
            let mut best = substitution.min(previous[j] + 1).min(current[j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(before[j - 2] + 1);
            }
            current[j] = best;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_edits() {
        assert_eq!(edit_distance("window", "windw"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
        assert_eq!(edit_distance("fial", "fail"), 1);
        assert_eq!(edit_distance("nrod", "nord"), 1);
        assert_eq!(edit_distance("ab", "ba"), 1);
        assert_eq!(edit_distance("abc", "ca"), 3);
    }

    #[test]
    fn suggests_close_names_only() {
        let keys = ["window", "refresh", "bands", "timezone", "report_items"];
        assert_eq!(closest("windw", keys), Some("window"));
        assert_eq!(closest("Report-Items", keys), Some("report_items"));
        assert_eq!(closest("timezon", keys), Some("timezone"));
        assert_eq!(closest("colour", keys), None);
        assert_eq!(closest("tz", keys), None);
    }

    #[test]
    fn ties_prefer_the_longer_shared_prefix_then_the_first_candidate() {
        assert_eq!(closest("gitlub", ["github", "gitlab"]), Some("gitlab"));
        assert_eq!(closest("githab", ["github", "gitlab"]), Some("github"));
        assert_eq!(closest("gitxab", ["github", "gitlab"]), Some("gitlab"));
        assert_eq!(closest("gitxub", ["github", "gitlab"]), Some("github"));
    }
}
