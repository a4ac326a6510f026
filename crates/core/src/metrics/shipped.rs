//! Which deployment shipped a given commit: revert targets and pull request merge shas are looked
//! up among the shipped commits of every counted deployment in one pass.
//!
//! Millions of shipped commits against a few thousand wanted shas: each commit's first seven hex
//! digits index a small hash map of the wanted ones, so the pass costs one integer hash per commit.

use rustc_hash::FxHashMap;

use super::facts::History;

/// A reverting commit found in a counted deployment.
#[derive(Debug, Clone)]
pub(crate) struct RevertCommit {
    /// The deployment that shipped the revert.
    pub(crate) deployment: u32,
    /// The reverting commit's sha.
    pub(crate) sha: String,
    /// The sha it reverts (possibly abbreviated, lower-case).
    pub(crate) target: String,
    /// The counted deployment of the same service that shipped the target.
    pub(crate) target_shipper: Option<u32>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Shippers {
    pub(crate) reverts: Vec<RevertCommit>,
    /// Per pull request: the counted deployment of its service that shipped its merge sha.
    pub(crate) pr_merge: Vec<Option<u32>>,
}

#[derive(Debug, Clone, Copy)]
enum Slot {
    Revert(usize),
    PrMerge(usize),
}

struct Wanted {
    service: u32,
    sha: String,
    slot: Slot,
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

pub(crate) fn find_shippers(history: &History) -> Shippers {
    let events = &history.events;
    let mut shippers = Shippers {
        reverts: Vec::new(),
        pr_merge: vec![None; events.pull_requests.len()],
    };
    for (d, deployment) in events.deployments.iter().enumerate() {
        if !history.deployments[d].counted {
            continue;
        }
        for change in &deployment.changes {
            if let Some(target) = &change.reverts {
                shippers.reverts.push(RevertCommit {
                    deployment: d as u32,
                    sha: change.sha.clone(),
                    target: target.clone(),
                    target_shipper: None,
                });
            }
        }
    }

    let mut wanted: Vec<Wanted> = Vec::new();
    for (i, revert) in shippers.reverts.iter().enumerate() {
        wanted.push(Wanted {
            service: history.deployments[revert.deployment as usize].service,
            sha: revert.target.clone(),
            slot: Slot::Revert(i),
        });
    }
    for (i, pr) in events.pull_requests.iter().enumerate() {
        if let (Some(sha), Some(service)) = (&pr.merge_sha, history.service(&pr.service)) {
            wanted.push(Wanted {
                service,
                sha: sha.clone(),
                slot: Slot::PrMerge(i),
            });
        }
    }
    if wanted.is_empty() {
        return shippers;
    }
    let mut by_key: FxHashMap<u32, Vec<usize>> = FxHashMap::default();
    for (i, w) in wanted.iter().enumerate() {
        if let Some(key) = sha_key(&w.sha) {
            by_key.entry(key).or_default().push(i);
        }
    }

    let mut found: Vec<Option<u32>> = vec![None; wanted.len()];
    for (d, deployment) in events.deployments.iter().enumerate() {
        let facts = &history.deployments[d];
        if !facts.counted {
            continue;
        }
        for change in &deployment.changes {
            let Some(candidates) = sha_key(&change.sha).and_then(|k| by_key.get(&k)) else {
                continue;
            };
            for &w in candidates {
                let want = &wanted[w];
                if want.service != facts.service || !sha_has_prefix(&change.sha, &want.sha) {
                    continue;
                }
                let earlier = match found[w] {
                    None => true,
                    Some(other) => history.deployed_before(d as u32, other),
                };
                if earlier {
                    found[w] = Some(d as u32);
                }
            }
        }
    }

    for (w, shipper) in wanted.iter().zip(found) {
        match w.slot {
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
