//! Which deployment of a service shipped a given commit: revert targets and pull request merge
//! shas are looked up among the shipped commits of the service's counted deployments in one pass.
//!
//! Thousands of shipped commits against a few wanted shas: each commit's first seven hex digits
//! index a small hash map of the wanted ones, so the pass costs one integer hash per commit.

use rustc_hash::FxHashMap;

use super::draft::{ChangeScan, ServiceDraft};

/// A reverting commit found in a counted deployment.
#[derive(Debug, Clone)]
pub(crate) struct RevertCommit<'e> {
    /// The deployment that shipped the revert (a position in the draft).
    pub(crate) deployment: u32,
    /// The reverting commit's sha.
    pub(crate) sha: &'e str,
    /// The sha it reverts (possibly abbreviated, lower-case).
    pub(crate) target: &'e str,
    /// The counted deployment of the same service that shipped the target.
    pub(crate) target_shipper: Option<u32>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Shippers<'e> {
    pub(crate) reverts: Vec<RevertCommit<'e>>,
    /// Per pull request of the draft: the counted deployment that shipped its merge sha.
    pub(crate) pr_merge: Vec<Option<u32>>,
}

#[derive(Debug, Clone, Copy)]
enum Slot {
    Revert(usize),
    PrMerge(usize),
}

/// The value of each byte as a hex digit, `NOT_HEX` when it is not one.
const HEX: [u8; 256] = {
    let mut table = [NOT_HEX; 256];
    let mut i = 0;
    while i < 10 {
        table[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        table[b'a' as usize + i] = 10 + i as u8;
        table[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    table
};
const NOT_HEX: u8 = 0xff;

/// The first seven hex digits of a sha as a number, or None when they are not hex.
pub(crate) fn sha_key(sha: &str) -> Option<u32> {
    let bytes = sha.as_bytes().get(..7)?;
    let mut key = 0u32;
    for &b in bytes {
        let digit = HEX[b as usize];
        if digit == NOT_HEX {
            return None;
        }
        key = (key << 4) | u32::from(digit);
    }
    Some(key)
}

/// Whether `sha` starts with the (possibly abbreviated) `prefix`, ignoring case.
pub(crate) fn sha_has_prefix(sha: &str, prefix: &str) -> bool {
    sha.len() >= prefix.len()
        && sha.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// `scan`: the service's commits as its one pass over them found them (their sha keys, the
/// reverts).
pub(crate) fn find_shippers<'e>(
    draft: &ServiceDraft<'e, '_>,
    scan: &ChangeScan<'e>,
) -> Shippers<'e> {
    let events = draft.events;
    let mut shippers = Shippers {
        reverts: scan.reverts.clone(),
        pr_merge: vec![None; draft.prs.len()],
    };

    let mut wanted: Vec<(&str, Slot)> = Vec::new();
    for (i, revert) in shippers.reverts.iter().enumerate() {
        wanted.push((revert.target, Slot::Revert(i)));
    }
    for (i, &pr) in draft.prs.iter().enumerate() {
        if let Some(sha) = &events.pull_requests[pr as usize].merge_sha {
            wanted.push((sha, Slot::PrMerge(i)));
        }
    }
    if wanted.is_empty() {
        return shippers;
    }
    let mut by_key: FxHashMap<u32, Vec<usize>> = FxHashMap::default();
    for (i, (sha, _)) in wanted.iter().enumerate() {
        if let Some(key) = sha_key(sha) {
            by_key.entry(key).or_default().push(i);
        }
    }

    // Deploy order: the first deployment found to ship a sha is the earliest.
    let mut found: Vec<Option<u32>> = vec![None; wanted.len()];
    for (k, &p) in draft.order.iter().enumerate() {
        let keys = &scan.keys[scan.key_start[k] as usize..scan.key_start[k + 1] as usize];
        for (c, &key) in keys.iter().enumerate() {
            let Some(candidates) = by_key.get(&key) else {
                continue;
            };
            let change = &draft.deployment(p).changes[c];
            for &w in candidates {
                if !sha_has_prefix(&change.sha, wanted[w].0) {
                    continue;
                }
                let earlier = match found[w] {
                    None => true,
                    Some(other) => draft.deployed_before(p, other),
                };
                if earlier {
                    found[w] = Some(p);
                }
            }
        }
    }

    for ((_, slot), shipper) in wanted.iter().zip(found) {
        match *slot {
            Slot::Revert(i) => shippers.reverts[i].target_shipper = shipper,
            Slot::PrMerge(i) => shippers.pr_merge[i] = shipper,
        }
    }
    shippers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha_key_reads_seven_hex_digits() {
        assert_eq!(sha_key("0000001abc"), Some(1));
        assert_eq!(sha_key("ABCDEF0"), Some(0xabcdef0));
        assert_eq!(sha_key("abcdef"), None);
        assert_eq!(sha_key("abcdefg"), None);
    }

    #[test]
    fn prefix_match_ignores_case() {
        assert!(sha_has_prefix("abcdef0123", "ABCDEF0"));
        assert!(!sha_has_prefix("abc", "abcd"));
    }
}
