//! Which collector alive should hold each source: rendezvous hashing over the members'
//! tokens with a bounded load. Each source ranks the members by a hash of (source, token);
//! the sources, in name order, go each to the first member in its ranking that holds fewer
//! than its share (the number of sources over the number of members, rounded up). Every
//! member computes the same answer from the same sources and members, the shares differ by
//! at most one, and a member joining or leaving moves few sources.
//!
//! The hash is FNV-1a (64 bits), written out here so that collectors built by different
//! flowdeck versions agree (the standard library's hasher may change between Rust versions).

use std::collections::BTreeMap;

/// The member (by token) that should hold each of `sources`; empty without members.
pub(crate) fn assign<'a, 's>(
    sources: impl IntoIterator<Item = &'s str>,
    members: &'a [String],
) -> BTreeMap<&'s str, &'a str> {
    let mut sources: Vec<&str> = sources.into_iter().collect();
    sources.sort_unstable();
    sources.dedup();
    let mut assigned = BTreeMap::new();
    if members.is_empty() {
        return assigned;
    }
    let share = sources.len().div_ceil(members.len());
    let mut load: BTreeMap<&str, usize> = BTreeMap::new();
    for source in sources {
        let mut ranked: Vec<&String> = members.iter().collect();
        ranked.sort_by_key(|token| std::cmp::Reverse((score(source, token), token.as_str())));
        let chosen = ranked
            .iter()
            .find(|token| load.get(token.as_str()).copied().unwrap_or(0) < share)
            .or(ranked.first());
        if let Some(token) = chosen {
            *load.entry(token.as_str()).or_default() += 1;
            assigned.insert(source, token.as_str());
        }
    }
    assigned
}

fn score(source: &str, token: &str) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let bytes = source.bytes().chain([0]).chain(token.bytes());
    let hash = bytes.fold(OFFSET, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(PRIME)
    });
    // FNV's low bits mix poorly on short inputs that differ at the end: finish with a
    // multiply-xorshift (splitmix64's finalizer).
    let mut z = hash;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(n: usize) -> Vec<String> {
        (0..n)
            .map(|i| format!("host{i}:100{i}/1700000000{i}"))
            .collect()
    }

    fn sources(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("github:acme/repo{i}")).collect()
    }

    fn shares(assigned: &BTreeMap<&str, &str>, members: &[String]) -> Vec<usize> {
        members
            .iter()
            .map(|m| assigned.values().filter(|t| **t == m.as_str()).count())
            .collect()
    }

    #[test]
    fn no_members_no_holder_and_one_member_holds_everything() {
        let all = sources(3);
        assert!(assign(all.iter().map(String::as_str), &[]).is_empty());
        let one = members(1);
        let assigned = assign(all.iter().map(String::as_str), &one);
        assert_eq!(shares(&assigned, &one), vec![3]);
    }

    #[test]
    fn the_shares_differ_by_at_most_one() {
        for (s, m) in [(6, 3), (7, 3), (2, 3), (300, 7), (1, 1)] {
            let all = sources(s);
            let members = members(m);
            let assigned = assign(all.iter().map(String::as_str), &members);
            assert_eq!(assigned.len(), s);
            let shares = shares(&assigned, &members);
            let (low, high) = (shares.iter().min(), shares.iter().max());
            assert!(high.zip(low).is_some_and(|(h, l)| h - l <= 1), "{shares:?}");
        }
    }

    #[test]
    fn a_member_leaving_moves_its_sources_and_few_others() {
        let all = sources(300);
        let three = members(3);
        let two = vec![three[0].clone(), three[2].clone()];
        let before = assign(all.iter().map(String::as_str), &three);
        let after = assign(all.iter().map(String::as_str), &two);
        let moved_from_staying = before
            .iter()
            .filter(|(source, holder)| **holder != three[1] && after[*source] != **holder)
            .count();
        // Its 100 sources must move; of the other 200, rendezvous keeps most where they were.
        assert!(
            moved_from_staying < 60,
            "{moved_from_staying} moved needlessly"
        );
    }

    #[test]
    fn the_order_of_the_lists_does_not_matter() {
        let all = sources(20);
        let members = members(4);
        let mut reversed = members.clone();
        reversed.reverse();
        let forward = assign(all.iter().map(String::as_str), &members);
        let backward = assign(all.iter().rev().map(String::as_str), &reversed);
        assert_eq!(forward, backward);
    }
}
