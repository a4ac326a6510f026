//! One notification: what happened, to which item, in words a person reads (sanitized: no
//! escape sequence from a source reaches a terminal, a command or a chat), and as the JSON a
//! command gets on its stdin and a webhook in its body ("text" is Slack's field).

use serde::Serialize;

use crate::config::notify::EventKind;
use crate::model::Timestamp;
use crate::text::sanitize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    pub kind: EventKind,
    /// The deployment or incident id, the source's name, or "<scope>/<measure>".
    pub item: String,
    /// The state the item is now in ("failed", "open", "resolved", "stale", "ok", a band).
    pub state: String,
    pub services: Vec<String>,
    /// One line for people (the webhook's "text").
    pub text: String,
    pub url: Option<String>,
    /// When the transition was seen.
    pub at: Timestamp,
}

impl Event {
    /// An event whose source-given parts are made inert.
    pub fn new(
        kind: EventKind,
        item: &str,
        state: &str,
        services: &[String],
        text: &str,
        url: Option<&str>,
        at: Timestamp,
    ) -> Event {
        Event {
            kind,
            item: sanitize(item),
            state: sanitize(state),
            services: services.iter().map(|s| sanitize(s)).collect(),
            text: one_line(&sanitize(text)),
            url: url.map(sanitize),
            at,
        }
    }

    /// A burst in one event: how many, and the first few lines.
    pub fn summary(events: &[Event], dropped: usize, at: Timestamp) -> Event {
        let total = events.len() + dropped;
        let mut lines: Vec<String> = events.iter().take(5).map(|e| e.text.clone()).collect();
        if total > lines.len() {
            lines.push(format!("and {} more", total - lines.len()));
        }
        let mut services: Vec<String> = events.iter().flat_map(|e| e.services.clone()).collect();
        services.sort();
        services.dedup();
        Event {
            kind: events.first().map_or(EventKind::SourceStale, |e| e.kind),
            item: "summary".into(),
            state: format!("{total} events"),
            services,
            text: format!("flowdeck: {total} events: {}", lines.join("; ")),
            url: None,
            at,
        }
    }

    /// The JSON a command reads and a webhook receives.
    pub fn json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| format!("{{\"text\":{:?}}}", self.text))
    }
}

/// Newlines and tabs folded: a notification is one line, capped.
fn one_line(text: &str) -> String {
    let folded: String = text
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    folded.chars().take(400).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hostile_title_arrives_inert() {
        let at = chrono::DateTime::UNIX_EPOCH;
        let event = Event::new(
            EventKind::IncidentOpened,
            "pd:P1",
            "open",
            &["api".into()],
            "incident opened: \u{1b}]777;notify;pwn;x\u{7}DB down\n\u{1b}[2J",
            None,
            at,
        );
        assert!(!event.text.contains('\u{1b}'), "{:?}", event.text);
        assert!(!event.text.contains('\u{7}'));
        assert!(!event.text.contains('\n'));
        assert!(event.text.contains("DB down"));
        let json: serde_json::Value = serde_json::from_str(&event.json()).unwrap_or_default();
        assert_eq!(json["kind"], "incident_opened");
        assert_eq!(json["text"], event.text.as_str());
    }
}
