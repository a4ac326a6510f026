//! The text exposition formats Prometheus scrapes: OpenMetrics 1.0 and the older Prometheus
//! text format 0.0.4, written from one model of metric families.
//!
//! Both share the sample lines; they differ in what OpenMetrics adds: `# UNIT` lines, `"`
//! escaped in HELP, `le` bounds written as floats ("3600.0"), and the closing `# EOF`. A family's
//! lines stay together (HELP, TYPE, UNIT, then its samples), label values are escaped
//! (backslash, double quote, line feed), and histogram buckets are cumulative, ending in
//! `le="+Inf"` with `_sum` and `_count`.

use std::fmt::Write as _;

/// Which exposition format a scrape gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// OpenMetrics 1.0.0.
    OpenMetrics,
    /// Prometheus text format 0.0.4.
    Prometheus,
}

impl Format {
    pub fn content_type(self) -> &'static str {
        match self {
            Format::OpenMetrics => "application/openmetrics-text; version=1.0.0; charset=utf-8",
            Format::Prometheus => "text/plain; version=0.0.4; charset=utf-8",
        }
    }

    /// The format an `Accept` header asks for: OpenMetrics when it accepts
    /// `application/openmetrics-text` at least as much as plain text, else the Prometheus text
    /// format (also for no header at all).
    pub fn negotiate(accept: Option<&str>) -> Format {
        let Some(accept) = accept else {
            return Format::Prometheus;
        };
        let (mut openmetrics, mut text) = (0.0f64, 0.0f64);
        for range in accept.split(',') {
            let mut parts = range.split(';');
            let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let mut q = 1.0;
            for param in parts {
                if let Some((key, value)) = param.split_once('=')
                    && key.trim().eq_ignore_ascii_case("q")
                {
                    q = value.trim().parse::<f64>().unwrap_or(0.0).clamp(0.0, 1.0);
                }
            }
            match media.as_str() {
                "application/openmetrics-text" => openmetrics = openmetrics.max(q),
                "text/plain" | "text/*" | "*/*" => text = text.max(q),
                _ => {}
            }
        }
        if openmetrics > 0.0 && openmetrics >= text {
            Format::OpenMetrics
        } else {
            Format::Prometheus
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Gauge,
    Histogram,
}

/// Label names and values of one sample (values are escaped when written).
pub type Labels = Vec<(&'static str, String)>;

/// A histogram's observations in buckets: `counts[i]` observations fell at or below
/// `bounds[i]` and above the bound before (not cumulative; written cumulative), the last count
/// holds those above every bound.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    pub bounds: &'static [f64],
    pub counts: Vec<u64>,
    pub sum: f64,
}

impl Histogram {
    pub fn new(bounds: &'static [f64]) -> Histogram {
        Histogram {
            bounds,
            counts: vec![0; bounds.len() + 1],
            sum: 0.0,
        }
    }

    pub fn observe(&mut self, value: f64) {
        // Buckets are `le`: a value equal to a bound falls in that bound's bucket.
        let bucket = self.bounds.partition_point(|&bound| bound < value);
        if let Some(count) = self.counts.get_mut(bucket) {
            *count += 1;
        }
        self.sum += value;
    }

    pub fn count(&self) -> u64 {
        self.counts.iter().sum()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Gauge(f64),
    Histogram(Histogram),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub labels: Labels,
    pub value: Value,
}

/// A metric family: its name, help, unit and kind, and its samples.
#[derive(Debug, Clone, PartialEq)]
pub struct Family {
    pub name: &'static str,
    pub help: &'static str,
    /// The OpenMetrics unit ("seconds", "ratio"); the name then ends in `_<unit>`.
    pub unit: Option<&'static str>,
    pub kind: Kind,
    pub samples: Vec<Sample>,
}

impl Family {
    pub fn new(
        name: &'static str,
        kind: Kind,
        unit: Option<&'static str>,
        help: &'static str,
    ) -> Family {
        Family {
            name,
            help,
            unit,
            kind,
            samples: Vec::new(),
        }
    }

    pub fn gauge(&mut self, labels: Labels, value: f64) {
        self.samples.push(Sample {
            labels,
            value: Value::Gauge(value),
        });
    }

    pub fn histogram(&mut self, labels: Labels, histogram: Histogram) {
        self.samples.push(Sample {
            labels,
            value: Value::Histogram(histogram),
        });
    }
}

/// Writes the families (those with no samples are left out: a family with nothing to say
/// would only be noise) in `format`, without the closing `# EOF` (see [`finish`]).
pub fn write(out: &mut String, families: &[Family], format: Format) {
    for family in families.iter().filter(|f| !f.samples.is_empty()) {
        write_family(out, family, format);
    }
}

/// Ends an exposition: OpenMetrics closes with `# EOF`; the Prometheus format has no end mark.
pub fn finish(out: &mut String, format: Format) {
    if format == Format::OpenMetrics {
        out.push_str("# EOF\n");
    }
}

fn write_family(out: &mut String, family: &Family, format: Format) {
    let name = family.name;
    let _ = writeln!(out, "# HELP {name} {}", escape_help(family.help, format));
    let kind = match family.kind {
        Kind::Gauge => "gauge",
        Kind::Histogram => "histogram",
    };
    let _ = writeln!(out, "# TYPE {name} {kind}");
    if let (Format::OpenMetrics, Some(unit)) = (format, family.unit) {
        let _ = writeln!(out, "# UNIT {name} {unit}");
    }
    for sample in &family.samples {
        match &sample.value {
            Value::Gauge(value) => {
                line(out, name, "", &sample.labels, None, &number(*value));
            }
            Value::Histogram(histogram) => {
                let mut cumulative = 0u64;
                for (i, count) in histogram.counts.iter().enumerate() {
                    cumulative += count;
                    let bound = match histogram.bounds.get(i) {
                        Some(&bound) => bound_text(bound, format),
                        None => "+Inf".to_string(),
                    };
                    line(
                        out,
                        name,
                        "_bucket",
                        &sample.labels,
                        Some(&bound),
                        &cumulative.to_string(),
                    );
                }
                line(
                    out,
                    name,
                    "_sum",
                    &sample.labels,
                    None,
                    &number(histogram.sum),
                );
                line(
                    out,
                    name,
                    "_count",
                    &sample.labels,
                    None,
                    &cumulative.to_string(),
                );
            }
        }
    }
}

/// `name{a="x",le="1.0"} value`.
fn line(
    out: &mut String,
    name: &str,
    suffix: &str,
    labels: &Labels,
    le: Option<&str>,
    value: &str,
) {
    out.push_str(name);
    out.push_str(suffix);
    if !labels.is_empty() || le.is_some() {
        out.push('{');
        let mut first = true;
        let all = labels
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .chain(le.map(|le| ("le", le)));
        for (key, value) in all {
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str(key);
            out.push_str("=\"");
            escape_label_value(out, value);
            out.push('"');
        }
        out.push('}');
    }
    out.push(' ');
    out.push_str(value);
    out.push('\n');
}

/// Label values: backslash, double quote and line feed escaped (both formats).
pub fn escape_label_value(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
}

/// HELP text: backslash and line feed escaped; OpenMetrics escapes the double quote too (the
/// Prometheus format would read `\"` as an invalid escape).
fn escape_help(help: &str, format: Format) -> String {
    let mut out = String::with_capacity(help.len());
    for c in help.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '"' if format == Format::OpenMetrics => out.push_str("\\\""),
            c => out.push(c),
        }
    }
    out
}

/// A sample value: the shortest text that reads back as the same number; NaN and the
/// infinities as both formats spell them.
pub fn number(value: f64) -> String {
    if value.is_nan() {
        "NaN".into()
    } else if value == f64::INFINITY {
        "+Inf".into()
    } else if value == f64::NEG_INFINITY {
        "-Inf".into()
    } else {
        format!("{value}")
    }
}

/// A bucket bound: OpenMetrics writes `le` in canonical float form ("3600.0"), as its client
/// libraries do; the Prometheus format as the number ("3600").
fn bound_text(bound: f64, format: Format) -> String {
    let text = number(bound);
    match format {
        Format::OpenMetrics if bound.is_finite() && !text.contains(['.', 'e', 'E']) => {
            format!("{text}.0")
        }
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&'static str, &str)]) -> Labels {
        pairs.iter().map(|(k, v)| (*k, v.to_string())).collect()
    }

    #[test]
    fn label_values_escape_backslash_quote_and_line_feed() {
        let mut family = Family::new("flowdeck_x", Kind::Gauge, None, "X.");
        family.gauge(labels(&[("service", "a\\b\"c\nd")]), 1.0);
        for format in [Format::OpenMetrics, Format::Prometheus] {
            let mut out = String::new();
            write(&mut out, std::slice::from_ref(&family), format);
            assert!(
                out.contains("flowdeck_x{service=\"a\\\\b\\\"c\\nd\"} 1\n"),
                "{out}"
            );
            // One sample line: the line feed did not break it.
            assert_eq!(out.lines().filter(|l| !l.starts_with('#')).count(), 1);
        }
    }

    #[test]
    fn help_type_and_unit_lines_come_first_and_unit_only_in_openmetrics() {
        let mut family = Family::new(
            "flowdeck_lead_time_median_seconds",
            Kind::Gauge,
            Some("seconds"),
            "Median \"lead\" time,\nin seconds \\ per change.",
        );
        family.gauge(labels(&[("scope", "total")]), 86_400.0);
        let mut om = String::new();
        write(&mut om, std::slice::from_ref(&family), Format::OpenMetrics);
        finish(&mut om, Format::OpenMetrics);
        assert_eq!(
            om,
            "# HELP flowdeck_lead_time_median_seconds Median \\\"lead\\\" time,\\nin seconds \\\\ per change.\n\
             # TYPE flowdeck_lead_time_median_seconds gauge\n\
             # UNIT flowdeck_lead_time_median_seconds seconds\n\
             flowdeck_lead_time_median_seconds{scope=\"total\"} 86400\n\
             # EOF\n"
        );
        let mut text = String::new();
        write(&mut text, std::slice::from_ref(&family), Format::Prometheus);
        finish(&mut text, Format::Prometheus);
        assert_eq!(
            text,
            "# HELP flowdeck_lead_time_median_seconds Median \"lead\" time,\\nin seconds \\\\ per change.\n\
             # TYPE flowdeck_lead_time_median_seconds gauge\n\
             flowdeck_lead_time_median_seconds{scope=\"total\"} 86400\n"
        );
    }

    #[test]
    fn histogram_buckets_are_cumulative_and_end_in_inf_sum_and_count() {
        const BOUNDS: &[f64] = &[3_600.0, 86_400.0];
        const HALF: &[f64] = &[0.5];
        let mut histogram = Histogram::new(BOUNDS);
        // 60 s and exactly 1 h in the first bucket, 2 h in the second, 2 days above both.
        for value in [60.0, 3_600.0, 7_200.0, 172_800.0] {
            histogram.observe(value);
        }
        assert_eq!(histogram.counts, vec![2, 1, 1]);
        assert_eq!(histogram.count(), 4);
        let mut family = Family::new(
            "flowdeck_lead_time_seconds",
            Kind::Histogram,
            Some("seconds"),
            "Lead times.",
        );
        family.histogram(labels(&[("scope", "total")]), histogram);
        let mut om = String::new();
        write(&mut om, std::slice::from_ref(&family), Format::OpenMetrics);
        finish(&mut om, Format::OpenMetrics);
        assert_eq!(
            om,
            "# HELP flowdeck_lead_time_seconds Lead times.\n\
             # TYPE flowdeck_lead_time_seconds histogram\n\
             # UNIT flowdeck_lead_time_seconds seconds\n\
             flowdeck_lead_time_seconds_bucket{scope=\"total\",le=\"3600.0\"} 2\n\
             flowdeck_lead_time_seconds_bucket{scope=\"total\",le=\"86400.0\"} 3\n\
             flowdeck_lead_time_seconds_bucket{scope=\"total\",le=\"+Inf\"} 4\n\
             flowdeck_lead_time_seconds_sum{scope=\"total\"} 183660\n\
             flowdeck_lead_time_seconds_count{scope=\"total\"} 4\n\
             # EOF\n"
        );
        let mut text = String::new();
        write(&mut text, std::slice::from_ref(&family), Format::Prometheus);
        assert!(
            text.contains("flowdeck_lead_time_seconds_bucket{scope=\"total\",le=\"3600\"} 2\n")
        );
        assert!(
            text.contains("flowdeck_lead_time_seconds_bucket{scope=\"total\",le=\"+Inf\"} 4\n")
        );
        assert!(!text.contains("# UNIT") && !text.contains("# EOF"));
        // A fractional bound is written as it is in both.
        let mut half = Histogram::new(HALF);
        half.observe(0.25);
        let mut family = Family::new("flowdeck_h_seconds", Kind::Histogram, None, "H.");
        family.histogram(Labels::new(), half);
        let mut om = String::new();
        write(&mut om, std::slice::from_ref(&family), Format::OpenMetrics);
        assert!(
            om.contains("flowdeck_h_seconds_bucket{le=\"0.5\"} 1\n"),
            "{om}"
        );
        assert!(om.contains("flowdeck_h_seconds_sum 0.25\n"), "{om}");
    }

    #[test]
    fn an_empty_histogram_still_has_every_bucket() {
        const BOUNDS: &[f64] = &[1.0];
        let mut family = Family::new("flowdeck_h_seconds", Kind::Histogram, None, "H.");
        family.histogram(Labels::new(), Histogram::new(BOUNDS));
        let mut text = String::new();
        write(&mut text, std::slice::from_ref(&family), Format::Prometheus);
        assert!(text.ends_with(
            "flowdeck_h_seconds_bucket{le=\"1\"} 0\nflowdeck_h_seconds_bucket{le=\"+Inf\"} 0\nflowdeck_h_seconds_sum 0\nflowdeck_h_seconds_count 0\n"
        ), "{text}");
    }

    #[test]
    fn families_without_samples_are_left_out_and_eof_ends_openmetrics_only() {
        let empty = Family::new("flowdeck_nothing", Kind::Gauge, None, "Nothing.");
        let mut om = String::new();
        write(&mut om, std::slice::from_ref(&empty), Format::OpenMetrics);
        finish(&mut om, Format::OpenMetrics);
        assert_eq!(om, "# EOF\n");
        let mut text = String::new();
        write(&mut text, &[empty], Format::Prometheus);
        finish(&mut text, Format::Prometheus);
        assert_eq!(text, "");
    }

    #[test]
    fn numbers_read_back_exactly() {
        assert_eq!(number(0.1), "0.1");
        assert_eq!(number(4.0 / 30.0), "0.13333333333333333");
        assert_eq!(number(4.0 / 30.0).parse::<f64>().ok(), Some(4.0 / 30.0));
        assert_eq!(number(3.0), "3");
        assert_eq!(number(f64::NAN), "NaN");
        assert_eq!(number(f64::INFINITY), "+Inf");
        assert_eq!(number(f64::NEG_INFINITY), "-Inf");
        assert_eq!(bound_text(3_600.0, Format::OpenMetrics), "3600.0");
        assert_eq!(bound_text(3_600.0, Format::Prometheus), "3600");
        assert_eq!(bound_text(0.5, Format::OpenMetrics), "0.5");
    }

    #[test]
    fn the_accept_header_picks_the_format() {
        // What Prometheus 2.x sends.
        let prometheus = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
        assert_eq!(Format::negotiate(Some(prometheus)), Format::OpenMetrics);
        assert_eq!(Format::negotiate(None), Format::Prometheus);
        assert_eq!(Format::negotiate(Some("*/*")), Format::Prometheus);
        assert_eq!(
            Format::negotiate(Some("text/plain;version=0.0.4")),
            Format::Prometheus
        );
        assert_eq!(
            Format::negotiate(Some("Application/OpenMetrics-Text; version=1.0.0")),
            Format::OpenMetrics
        );
        assert_eq!(
            Format::negotiate(Some("application/openmetrics-text;q=0.2,text/plain;q=0.9")),
            Format::Prometheus
        );
        assert_eq!(
            Format::negotiate(Some("application/openmetrics-text;q=0")),
            Format::Prometheus
        );
        assert_eq!(
            Format::negotiate(Some("application/openmetrics-text;q=bad")),
            Format::Prometheus
        );
        assert!(
            Format::OpenMetrics
                .content_type()
                .starts_with("application/openmetrics-text; version=1.0.0")
        );
        assert!(
            Format::Prometheus
                .content_type()
                .starts_with("text/plain; version=0.0.4")
        );
    }
}
