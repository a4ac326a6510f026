//! The body the deployment, incident and standup screens share: a title, facts, then a list
//! read top to bottom.

use crate::app::list::{Column, ListModel, Tone, col};
use flowdeck_core::text::sanitize;

/// A deployment, an incident or the standup: facts at the top, then a list.
#[derive(Debug, Clone)]
pub(crate) struct Detail {
    pub(crate) title: String,
    /// (label, value, tone), in reading order.
    pub(crate) facts: Vec<(String, String, Tone)>,
    pub(crate) list: ListModel,
    pub(crate) selected: usize,
}

impl Detail {
    /// The screen of an item that is gone (another scope, a reload): its kind as the title.
    pub(crate) fn missing(kind: &str, list: ListModel, selected: usize) -> Detail {
        Detail {
            title: kind.to_string(),
            facts: Vec::new(),
            list,
            selected,
        }
    }
}

/// The item's link as a fact, "–" when it has none.
pub(crate) fn url_fact(url: Option<&str>) -> (String, String, Tone) {
    (
        "url".to_string(),
        url.map(sanitize).unwrap_or_else(|| "–".into()),
        Tone::Muted,
    )
}

/// A detail list's columns: a label `label_width` wide, then the text.
pub(crate) fn columns(label_width: u16) -> Vec<Column> {
    vec![col("", label_width), col("", 60)]
}
