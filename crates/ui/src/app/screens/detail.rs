//! The body the deployment, incident and standup screens share: a title, facts, then a list
//! read top to bottom.

use crate::app::list::{ListModel, Tone};

/// A deployment, an incident or the standup: facts at the top, then a list.
#[derive(Debug, Clone)]
pub(crate) struct Detail {
    pub(crate) title: String,
    /// (label, value, tone), in reading order.
    pub(crate) facts: Vec<(String, String, Tone)>,
    pub(crate) list: ListModel,
    pub(crate) selected: usize,
}
