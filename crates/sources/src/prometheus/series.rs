//! What identifies an alert: its ALERTS series' labels without `__name__` and `alertstate`
//! (the same set Prometheus' /api/v1/alerts shows and sends to Alertmanager), a stable hash of
//! them for incident ids, and the words an incident is shown with.

use std::fmt::Write;

use super::payload::LabelMap;

/// The labels of one alert series.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) struct Series(pub LabelMap);

impl Series {
    /// The series of an ALERTS sample's labels (or an alert's): `__name__` and `alertstate`
    /// dropped.
    pub(super) fn of(mut labels: LabelMap) -> Series {
        labels.remove("__name__");
        labels.remove("alertstate");
        Series(labels)
    }

    pub(super) fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// 16 hex digits of FNV-1a (64 bit) over the sorted `name=value` lines: the same on every
    /// machine and in every version (std's hasher promises neither).
    pub(super) fn hash(&self) -> String {
        const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
        const PRIME: u64 = 0x0000_0100_0000_01b3;
        let mut hash = OFFSET;
        for (name, value) in &self.0 {
            for byte in name
                .bytes()
                .chain([b'='])
                .chain(value.bytes())
                .chain([b'\n'])
            {
                hash ^= u64::from(byte);
                hash = hash.wrapping_mul(PRIME);
            }
        }
        format!("{hash:016x}")
    }

    /// Every label as `name=value`, sorted by name.
    pub(super) fn label_strings(&self) -> Vec<String> {
        self.0.iter().map(|(k, v)| format!("{k}={v}")).collect()
    }

    /// `HighErrorRate (instance=10.0.0.1:9100, job=api)`: the alert name and the labels that
    /// tell its series apart, leaving out the service and severity (shown on their own).
    pub(super) fn title(&self, service_label: &str, severity_label: &str) -> String {
        let mut title = self.get("alertname").unwrap_or("ALERTS").to_string();
        let rest: Vec<String> = self
            .0
            .iter()
            .filter(|(k, _)| {
                k.as_str() != "alertname"
                    && k.as_str() != service_label
                    && k.as_str() != severity_label
            })
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        if !rest.is_empty() {
            let _ = write!(title, " ({})", rest.join(", "));
        }
        title
    }

    /// The PromQL selector of exactly this series' firing samples.
    pub(super) fn selector(&self) -> String {
        let mut out = String::from("ALERTS{alertstate=\"firing\"");
        for (name, value) in &self.0 {
            let _ = write!(out, ",{name}=\"{}\"", escape(value));
        }
        out.push('}');
        out
    }

    /// Whether every label of this series is in `labels` with the same value (Alertmanager
    /// adds Prometheus' external labels, so it may hold more).
    pub(super) fn is_within(&self, labels: &LabelMap) -> bool {
        self.0.iter().all(|(k, v)| labels.get(k) == Some(v))
    }
}

/// A PromQL string literal's inside: backslashes and double quotes escaped, newlines written
/// as `\n`.
fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(pairs: &[(&str, &str)]) -> Series {
        Series::of(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn a_series_is_its_labels_without_name_and_state() {
        let a = series(&[
            ("__name__", "ALERTS"),
            ("alertstate", "firing"),
            ("alertname", "HighErrorRate"),
            ("job", "api"),
        ]);
        let b = series(&[("job", "api"), ("alertname", "HighErrorRate")]);
        assert_eq!(a, b);
        assert_eq!(a.hash(), b.hash());
        assert_eq!(a.label_strings(), ["alertname=HighErrorRate", "job=api"]);
    }

    #[test]
    fn hashes_are_fixed_and_tell_series_apart() {
        // FNV-1a 64 of "alertname=A\n", computed independently (a three-line Python loop over
        // the bytes): ids stay the same across builds and versions.
        assert_eq!(series(&[("alertname", "A")]).hash(), "bb6db4c25b20303a");
        // "a=bc" vs "ab=c": the separator keeps them apart.
        assert_ne!(series(&[("a", "bc")]).hash(), series(&[("ab", "c")]).hash());
        assert_ne!(
            series(&[("alertname", "A"), ("job", "x")]).hash(),
            series(&[("alertname", "A"), ("job", "y")]).hash()
        );
    }

    #[test]
    fn titles_name_the_alert_and_its_distinguishing_labels() {
        let s = series(&[
            ("alertname", "HighErrorRate"),
            ("instance", "10.0.0.1:9100"),
            ("job", "api"),
            ("service", "api"),
            ("severity", "page"),
        ]);
        assert_eq!(
            s.title("service", "severity"),
            "HighErrorRate (instance=10.0.0.1:9100, job=api)"
        );
        assert_eq!(
            series(&[("alertname", "Down"), ("service", "web")]).title("service", "severity"),
            "Down"
        );
        assert_eq!(
            series(&[("job", "x")]).title("service", "severity"),
            "ALERTS (job=x)"
        );
    }

    #[test]
    fn selectors_quote_values() {
        let s = series(&[("alertname", "A"), ("msg", "say \"hi\"\\n")]);
        assert_eq!(
            s.selector(),
            r#"ALERTS{alertstate="firing",alertname="A",msg="say \"hi\"\\n"}"#
        );
    }

    #[test]
    fn alertmanager_labels_may_hold_more() {
        let s = series(&[("alertname", "A"), ("job", "x")]);
        let mut am: LabelMap = s.0.clone();
        am.insert("cluster".into(), "eu".into());
        assert!(s.is_within(&am));
        am.insert("job".into(), "y".into());
        assert!(!s.is_within(&am));
    }
}
