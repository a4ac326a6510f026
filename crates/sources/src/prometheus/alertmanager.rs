//! What Alertmanager says of an open incident: whether the alert reaches people (`active`) or
//! is held back (`suppressed`, by which silences and inhibiting alerts), as the labels
//! `src/snapshot.rs` reads to show "(silenced)" / "(inhibited)".
//!
//! An Alertmanager alert belongs to an incident when it carries every label of the incident's
//! series with the same value (Alertmanager also holds Prometheus' external labels). When
//! several do (Prometheus replicas with different external labels), one that is active makes
//! the incident active: somebody is being told; otherwise the silences and inhibitions of all
//! of them are listed.

use super::payload::ManagedAlert;
use super::series::Series;
use super::translate::body;

/// Alertmanager's labels for the series (empty when Alertmanager holds no such alert), and
/// the annotations of its alert as a body.
pub(super) fn marks(series: &Series, alerts: &[ManagedAlert]) -> (Vec<String>, Option<String>) {
    let matching: Vec<&ManagedAlert> = alerts
        .iter()
        .filter(|a| series.is_within(&a.labels))
        .collect();
    let annotations = matching.iter().find_map(|a| body(&a.annotations));
    let state = |s: &str| matching.iter().any(|a| a.status.state == s);
    let labels = if matching.is_empty() {
        Vec::new()
    } else if state("active") {
        vec!["alertmanager=active".to_string()]
    } else if state("suppressed") {
        let mut silenced: Vec<&str> = Vec::new();
        let mut inhibited: Vec<&str> = Vec::new();
        for alert in matching.iter().filter(|a| a.status.state == "suppressed") {
            silenced.extend(alert.status.silenced_by.iter().map(String::as_str));
            inhibited.extend(alert.status.inhibited_by.iter().map(String::as_str));
        }
        for ids in [&mut silenced, &mut inhibited] {
            ids.sort_unstable();
            ids.dedup();
        }
        let mut labels = vec!["alertmanager=suppressed".to_string()];
        labels.extend(silenced.iter().map(|id| format!("silenced_by={id}")));
        labels.extend(inhibited.iter().map(|id| format!("inhibited_by={id}")));
        labels
    } else {
        vec!["alertmanager=unprocessed".to_string()]
    };
    (labels, annotations)
}

#[cfg(test)]
mod tests {
    use super::super::payload::{LabelMap, ManagedStatus};
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> LabelMap {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn alert(
        pairs: &[(&str, &str)],
        state: &str,
        silenced: &[&str],
        inhibited: &[&str],
    ) -> ManagedAlert {
        ManagedAlert {
            labels: labels(pairs),
            annotations: labels(&[("summary", "it broke")]),
            status: ManagedStatus {
                state: state.into(),
                silenced_by: silenced.iter().map(|s| s.to_string()).collect(),
                inhibited_by: inhibited.iter().map(|s| s.to_string()).collect(),
            },
        }
    }

    #[test]
    fn incidents_take_the_state_of_their_alerts() {
        let series = Series::of(labels(&[("alertname", "A"), ("job", "api")]));
        let other = alert(&[("alertname", "B")], "active", &[], &[]);

        assert_eq!(
            marks(&series, std::slice::from_ref(&other)),
            (Vec::new(), None)
        );

        let silenced = alert(
            &[("alertname", "A"), ("job", "api"), ("replica", "1")],
            "suppressed",
            &["s2", "s1"],
            &[],
        );
        assert_eq!(
            marks(&series, &[other.clone(), silenced.clone()]),
            (
                vec![
                    "alertmanager=suppressed".to_string(),
                    "silenced_by=s1".to_string(),
                    "silenced_by=s2".to_string()
                ],
                Some("it broke".to_string())
            )
        );

        let inhibited = alert(
            &[("alertname", "A"), ("job", "api"), ("replica", "2")],
            "suppressed",
            &["s1"],
            &["f00d"],
        );
        assert_eq!(
            marks(&series, &[silenced.clone(), inhibited]).0,
            [
                "alertmanager=suppressed",
                "silenced_by=s1",
                "silenced_by=s2",
                "inhibited_by=f00d"
            ]
        );

        let active = alert(&[("alertname", "A"), ("job", "api")], "active", &[], &[]);
        assert_eq!(
            marks(&series, &[silenced, active]).0,
            ["alertmanager=active"]
        );

        let new = alert(
            &[("alertname", "A"), ("job", "api")],
            "unprocessed",
            &[],
            &[],
        );
        assert_eq!(marks(&series, &[new]).0, ["alertmanager=unprocessed"]);
    }
}
