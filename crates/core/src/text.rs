//! Text helpers shared by the screen and every report: untrusted text from sources made inert,
//! and durations written the way people read them.

/// Strips what a terminal would interpret from untrusted text: escape sequences (CSI, OSC, DCS
/// and two-byte ESC forms), C0 and C1 control characters and bidirectional overrides. Line breaks
/// and tabs become spaces so one item stays on one line.
pub fn sanitize(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            // C1 CSI introduces a sequence too.
            '\u{9b}' => skip_csi(&mut chars),
            '\n' | '\r' | '\t' => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            c if c.is_control() => {}
            // Bidirectional embeddings, overrides and isolates can reorder what is shown.
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' => {}
            c => out.push(c),
        }
    }
    out
}

fn skip_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.next() {
        Some('[') => skip_csi(chars),
        // OSC, DCS, SOS, PM, APC: up to BEL or ST (ESC \).
        Some(']' | 'P' | 'X' | '^' | '_') => {
            while let Some(c) = chars.next() {
                if c == '\u{7}' {
                    break;
                }
                if c == '\u{1b}' {
                    if chars.peek() == Some(&'\\') {
                        chars.next();
                    }
                    break;
                }
            }
        }
        // Two-byte sequences (ESC c, ESC 7, ...) and ESC followed by nothing.
        _ => {}
    }
}

fn skip_csi(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    // Parameter and intermediate bytes, then one final byte in @..~.
    for c in chars.by_ref() {
        if ('@'..='~').contains(&c) {
            break;
        }
    }
}

/// A duration in seconds as a person reads it: "45s", "12m", "2h 5m", "3d 4h".
pub fn human_duration(seconds: i64) -> String {
    let s = seconds.max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3_600 => format!("{}m", s / 60),
        3_600..86_400 => {
            let (h, m) = (s / 3_600, (s % 3_600) / 60);
            if m == 0 {
                format!("{h}h")
            } else {
                format!("{h}h {m}m")
            }
        }
        _ => {
            let (d, h) = (s / 86_400, (s % 86_400) / 3_600);
            if h == 0 {
                format!("{d}d")
            } else {
                format!("{d}d {h}h")
            }
        }
    }
}

/// Seconds as f64 (how measures carry them) written for people; "–" when unknown.
pub fn human_seconds(seconds: Option<f64>) -> String {
    seconds.map_or_else(|| "–".to_string(), |s| human_duration(s.round() as i64))
}

/// A rate as a percentage with one decimal ("7.9%"); "–" when unknown.
pub fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "–".to_string(), |r| format!("{:.1}%", r * 100.0))
}

/// A number with up to `decimals` decimals, trailing zeros dropped ("2", "2.5"); "–" when unknown.
pub fn number(value: Option<f64>, decimals: usize) -> String {
    let Some(v) = value else {
        return "–".to_string();
    };
    let text = format!("{v:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// A count with its noun, singular or plural as the count asks: "1 incident", "2 incidents",
/// "0 changes". Nouns whose plural is not an added "s" go through [`count_of`].
pub fn count(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// A count with thousands separated: 4980 as "4,980".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// [`count`] with the plural given: "1 match", "3 matches".
pub fn count_of(n: u64, singular: &str, plural: &str) -> String {
    format!("{n} {}", if n == 1 { singular } else { plural })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_get_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(4980), "4,980");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn escape_sequences_and_controls_are_removed() {
        assert_eq!(sanitize("\u{1b}[31mred\u{1b}[0m"), "red");
        assert_eq!(
            sanitize("a\u{1b}]8;;http://x\u{7}link\u{1b}]8;;\u{1b}\\b"),
            "alinkb"
        );
        assert_eq!(sanitize("bell\u{7} nul\u{0} del\u{7f}"), "bell nul del");
        assert_eq!(sanitize("two\nlines\r\n"), "two lines ");
        assert_eq!(sanitize("\u{9b}2Jclear"), "clear");
        assert_eq!(sanitize("abc\u{202e}fed"), "abcfed");
        assert_eq!(sanitize("Café ✓"), "Café ✓");
        assert_eq!(sanitize("\u{1b}"), "");
    }

    #[test]
    fn durations_read_like_people_say_them() {
        assert_eq!(human_duration(45), "45s");
        assert_eq!(human_duration(720), "12m");
        assert_eq!(human_duration(7_500), "2h 5m");
        assert_eq!(human_duration(7_200), "2h");
        assert_eq!(human_duration(3 * 86_400 + 4 * 3_600 + 5), "3d 4h");
        assert_eq!(human_duration(-5), "0s");
        assert_eq!(human_seconds(None), "–");
    }

    #[test]
    fn counts_agree_with_their_noun() {
        assert_eq!(count(1, "incident"), "1 incident");
        assert_eq!(count(2, "incident"), "2 incidents");
        assert_eq!(count(0, "change"), "0 changes");
        assert_eq!(count_of(1, "match", "matches"), "1 match");
        assert_eq!(count_of(3, "match", "matches"), "3 matches");
    }

    #[test]
    fn numbers_and_percentages() {
        assert_eq!(percent(Some(0.0789)), "7.9%");
        assert_eq!(percent(None), "–");
        assert_eq!(number(Some(2.0), 1), "2");
        assert_eq!(number(Some(2.54), 1), "2.5");
        assert_eq!(number(Some(10.0), 0), "10");
    }
}
