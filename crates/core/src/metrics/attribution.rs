//! Incident attribution, rules (a) and (b) of the change failure rate: each incident is blamed
//! on at most one deployment per service, by the first rule that matches (full text:
//! docs/METRICS.md#incident-attribution, docs/METRICS.md#rule-a-explicit-link and
//! docs/METRICS.md#rule-b-time-window):
//! (a) an explicit link — the incident's title, labels or body name a deployment's sha (7+ hex
//!     digits on word boundaries, unique among deployment shas), its whole tag/version name as a
//!     word, or its id as `deployment:<id>` (text) or `deployment=<id>` (label); any service;
//! (b) time — the latest deployment D of the incident's service with
//!     D.finished_at ≤ started_at < min(D.finished_at + attribution_window, next.finished_at).
//!
//! Decisions that are part of the definition: when an incident links explicitly, rule (b) is not
//! applied to it at all (a person named the cause); when links name deployments of several
//! services and some are the incident's own services, only those count; within one service,
//! the linked deployment that finished last at or before the incident start wins, else the
//! earliest. Bare numbers (all digits) never match, neither as names nor as shas. Every
//! deployment an incident is attributed to has failed, with that incident as its reason.

use rustc_hash::FxHashMap;

use super::facts::{Attribution, History, Reason, ReasonKind, push_reason};
use super::links::LinkLookup;
use crate::model::Incident;

/// What an incident's text names.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Named {
    /// Hex runs of 7+ digits (lower-case), possible sha prefixes.
    pub(crate) shas: Vec<String>,
    /// Words that could be tag or version names.
    pub(crate) words: Vec<String>,
    /// Explicit `deployment:<id>` / `deployment=<id>` ids.
    pub(crate) ids: Vec<String>,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Characters a tag or version name is made of (git forbids spaces, ':' and most punctuation).
fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '/' | '+' | '@')
}

fn all_digits(s: &str) -> bool {
    s.chars().all(|c| c.is_ascii_digit())
}

/// Reads the sha prefixes, names and explicit ids out of an incident.
pub(crate) fn mentions(incident: &Incident) -> Named {
    let mut found = Named::default();
    let mut texts: Vec<&str> = vec![incident.title.as_str()];
    if let Some(body) = &incident.body {
        texts.push(body);
    }
    for label in &incident.labels {
        match label.split_once('=') {
            Some((key, value)) if key.trim().eq_ignore_ascii_case("deployment") => {
                let id = value.trim();
                if !id.is_empty() && !all_digits(id) {
                    found.ids.push(id.to_string());
                }
            }
            Some((_, value)) => texts.push(value),
            None => texts.push(label),
        }
    }
    for text in texts {
        scan_text(text, &mut found);
    }
    found.shas.sort();
    found.shas.dedup();
    found.words.sort();
    found.words.dedup();
    found.ids.sort();
    found.ids.dedup();
    found
}

fn scan_text(text: &str, found: &mut Named) {
    for run in text.split(|c: char| !is_word_char(c)) {
        if (7..=64).contains(&run.len())
            && run.chars().all(|c| c.is_ascii_hexdigit())
            && !all_digits(run)
        {
            found.shas.push(run.to_ascii_lowercase());
        }
    }
    for word in text.split(|c: char| !is_name_char(c)) {
        let word = word.trim_matches(|c| matches!(c, '.' | '-' | '/'));
        if !word.is_empty() && !all_digits(word) {
            found.words.push(word.to_string());
        }
    }
    const EXPLICIT: &str = "deployment:";
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(pos) = lower[from..].find(EXPLICIT) {
        let start = from + pos;
        from = start + EXPLICIT.len();
        let preceded_by_word = text[..start].chars().next_back().is_some_and(is_word_char);
        if preceded_by_word {
            continue;
        }
        let id: &str = text[from..]
            .split(|c: char| {
                c.is_whitespace()
                    || matches!(c, ',' | ';' | '"' | '\'' | '`' | ')' | ']' | '}' | '>')
            })
            .next()
            .unwrap_or("")
            .trim_end_matches('.');
        if !id.is_empty() && !all_digits(id) {
            found.ids.push(id.to_string());
        }
    }
}

/// One deployment named by an incident, and how (worded only for the links chosen).
struct Link<'a> {
    deployment: u32,
    how: NamedBy<'a>,
}

/// What named a deployment.
#[derive(Clone, Copy)]
enum NamedBy<'a> {
    Id(&'a str),
    Word(&'a str),
    Commit(&'a str),
}

impl Link<'_> {
    fn explanation(&self) -> String {
        match self.how {
            NamedBy::Id(id) => format!("names deployment:{id}"),
            NamedBy::Word(word) => format!("names {word}"),
            NamedBy::Commit(prefix) => format!("names commit {prefix}"),
        }
    }
}

/// The attributions of incident `i`: rule (a) through the deployments `links` finds for what
/// it names, else rule (b) in each of its services. Reads the deploy order of every service,
/// so it runs once every service is drafted.
pub(crate) fn attribute(
    history: &History,
    i: usize,
    named: &Named,
    links: &impl LinkLookup,
) -> Vec<Attribution> {
    let incident = &history.events.incidents[i];
    let window = history.rules.attribution_window;
    let found = resolve_links(history, named, links);
    let mut chosen: Vec<Attribution> = Vec::new();
    let own = &history.incident_services[i];
    let mut linked: Vec<&Link> = found.iter().collect();
    if linked
        .iter()
        .any(|l| own.contains(&history.deployments[l.deployment as usize].service))
    {
        linked.retain(|l| own.contains(&history.deployments[l.deployment as usize].service));
    }
    // One deployment per service: the latest finished at or before the start, else earliest.
    let mut per_service: FxHashMap<u32, &Link> = FxHashMap::default();
    for link in linked {
        let service = history.deployments[link.deployment as usize].service;
        let better = match per_service.get(&service) {
            None => true,
            Some(current) => prefer(history, incident, link.deployment, current.deployment),
        };
        if better {
            per_service.insert(service, link);
        }
    }
    let mut services: Vec<u32> = per_service.keys().copied().collect();
    services.sort_unstable();
    for service in services {
        if let Some(link) = per_service.get(&service) {
            chosen.push(Attribution {
                deployment: link.deployment,
                deployment_id: history.events.deployments[link.deployment as usize]
                    .id
                    .clone(),
                reason: ReasonKind::IncidentLink,
                explanation: link.explanation(),
            });
        }
    }
    if !chosen.is_empty() {
        return chosen;
    }
    for &service in own {
        let facts = &history.services[service as usize];
        let after = facts
            .deployment_finished
            .partition_point(|t| *t <= incident.started_at);
        let Some(position) = after.checked_sub(1) else {
            continue;
        };
        let finished = facts.deployment_finished[position];
        if incident.started_at < finished + window {
            let d = facts.deployments[position];
            chosen.push(Attribution {
                deployment: d,
                deployment_id: history.events.deployments[d as usize].id.clone(),
                reason: ReasonKind::IncidentWindow,
                explanation: format!(
                    "started {} after the deployment, within the {} window",
                    crate::text::human_duration((incident.started_at - finished).num_seconds()),
                    crate::text::human_duration(window.num_seconds())
                ),
            });
        }
    }
    chosen
}

/// Adds each incident attributed to a deployment of `services` to its failure reasons, in
/// incident order.
pub(crate) fn push_incident_reasons(history: &mut History, services: &[u32]) {
    for &s in services {
        for &i in &history.services[s as usize].attributed {
            let incident = &history.events.incidents[i as usize];
            for attribution in &history.attributions[i as usize] {
                let facts = &mut history.deployments[attribution.deployment as usize];
                if facts.service == s {
                    push_reason(
                        &mut facts.failure_reasons,
                        Reason::new(attribution.reason, &incident.id),
                    );
                }
            }
        }
    }
}

/// Whether `a` is a better explicit match than `b` for an incident within one service.
fn prefer(history: &History, incident: &Incident, a: u32, b: u32) -> bool {
    let started = incident.started_at;
    let finished = |d: u32| history.events.deployments[d as usize].finished_at;
    match (finished(a) <= started, finished(b) <= started) {
        (true, false) => true,
        (false, true) => false,
        (true, true) => history.deployed_before(b, a),
        (false, false) => history.deployed_before(a, b),
    }
}

/// The deployments an incident names: by explicit id, by whole tag or version name, and by
/// sha prefix (unique among deployment shas; per service the deployment that first shipped it).
fn resolve_links<'a>(
    history: &History,
    named: &'a Named,
    links: &impl LinkLookup,
) -> Vec<Link<'a>> {
    let mut found: Vec<Link<'a>> = Vec::new();
    for id in &named.ids {
        if let Some(d) = links.with_id(id) {
            found.push(Link {
                deployment: d,
                how: NamedBy::Id(id),
            });
        }
    }
    for word in &named.words {
        for d in links.named(word) {
            found.push(Link {
                deployment: d,
                how: NamedBy::Word(word),
            });
        }
    }
    for prefix in &named.shas {
        let matches = links.with_prefix(prefix);
        let Some(&first) = matches.first() else {
            continue;
        };
        // Unique: every matching deployment has the same sha.
        let first_sha = &history.events.deployments[first as usize].sha;
        if matches.iter().any(|&d| {
            !history.events.deployments[d as usize]
                .sha
                .eq_ignore_ascii_case(first_sha)
        }) {
            continue;
        }
        // Per service, the deployment that first shipped the sha.
        let mut first_per_service: FxHashMap<u32, u32> = FxHashMap::default();
        for &d in &matches {
            let service = history.deployments[d as usize].service;
            let keep = first_per_service
                .get(&service)
                .is_none_or(|&other| history.deployed_before(d, other));
            if keep {
                first_per_service.insert(service, d);
            }
        }
        for d in first_per_service.into_values() {
            found.push(Link {
                deployment: d,
                how: NamedBy::Commit(prefix),
            });
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn incident(title: &str, labels: &[&str], body: Option<&str>) -> Incident {
        Incident {
            id: "i1".into(),
            source: "test".into(),
            services: vec!["api".into()],
            title: title.into(),
            severity: None,
            labels: labels.iter().map(|s| s.to_string()).collect(),
            body: body.map(str::to_string),
            started_at: Utc::now(),
            resolved_at: None,
            url: None,
        }
    }

    #[test]
    fn reads_shas_names_and_explicit_ids() {
        let m = mentions(&incident(
            "Checkout 500s after v2.14.0 (abc1234f)",
            &["deployment=git:api:v2.13.0", "commit=DEADBEEF12"],
            Some("See deployment:demo:web:v1.2.3. Error 5000000 at 1234567."),
        ));
        assert_eq!(m.shas, vec!["abc1234f", "deadbeef12"]);
        assert!(m.words.contains(&"v2.14.0".to_string()));
        assert!(
            !m.words.contains(&"5000000".to_string()),
            "bare numbers never match"
        );
        assert_eq!(m.ids, vec!["demo:web:v1.2.3", "git:api:v2.13.0"]);
    }

    #[test]
    fn hex_runs_need_word_boundaries_and_a_letter() {
        let m = mentions(&incident("id xabc1234f and 12345678 and abc123", &[], None));
        assert!(m.shas.is_empty(), "{:?}", m.shas);
    }

    #[test]
    fn explicit_form_needs_a_boundary_before_it() {
        let m = mentions(&incident("redeployment:foo", &[], None));
        assert!(m.ids.is_empty());
    }
}
