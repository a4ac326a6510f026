//! The body the deployment, incident and standup screens share: a title, facts, then a list
//! read top to bottom.

use crate::app::list::{ListModel, Tone};

/// A deployment, an incident or the standup: facts at the top, then a list.
#[derive(Debug, Clone)]
pub struct Detail {
    pub title: String,
    /// (label, value, tone), in reading order.
    pub facts: Vec<(String, String, Tone)>,
    pub list: ListModel,
    pub selected: usize,
}
