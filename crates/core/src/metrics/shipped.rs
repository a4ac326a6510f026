//! Which deployment of a service shipped a given commit: revert targets and pull request merge
//! shas are looked up among the shipped commits of the service's counted deployments in one pass.
//!
//! Thousands of shipped commits against a few wanted shas: each commit's first seven hex digits
//! index a small hash map of the wanted ones, so the pass costs one integer hash per commit.

use rustc_hash::FxHashMap;

use super::draft::ServiceDraft;

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

/// The first seven hex digits of a sha as a number, or None when they are not hex.
pub(crate) fn sha_key(sha: &str) -> Option<u32> {
    let bytes = sha.as_bytes();
    if bytes.len() < 7 {
        return None;
    }
    let mut key = 0u32;
    for &b in &bytes[..7] {
        let digit = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            _ => return None,
        };
        key = (key << 4) | u32::from(digit);
    }
    Some(key)
}

/// Whether `sha` starts with the (possibly abbreviated) `prefix`, ignoring case.
pub(crate) fn sha_has_prefix(sha: &str, prefix: &str) -> bool {
    sha.len() >= prefix.len()
        && sha.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

pub(crate) fn find_shippers<'e>(draft: &ServiceDraft<'e, '_>) -> Shippers<'e> {
    let events = draft.events;
    let mut shippers = Shippers {
        reverts: Vec::new(),
        pr_merge: vec![None; draft.prs.len()],
    };
    for p in draft.counted() {
        for change in &draft.deployment(p).changes {
            if let Some(target) = &change.reverts {
                shippers.reverts.push(RevertCommit {
                    deployment: p,
                    sha: &change.sha,
                    target,
                    target_shipper: None,
                });
            }
        }
    }

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

    let mut found: Vec<Option<u32>> = vec![None; wanted.len()];
    for p in draft.counted() {
        for change in &draft.deployment(p).changes {
            let Some(candidates) = sha_key(&change.sha).and_then(|k| by_key.get(&k)) else {
                continue;
            };
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
