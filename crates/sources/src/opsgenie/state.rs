//! What the Opsgenie source remembers between syncs is what every polled incident source
//! remembers (`crate::incidents::state`: when it last ran, which alerts were open, where the
//! next listing starts). This is how an Opsgenie alert feeds it: open until closed, and listed
//! and stored when it passes the priorities (the query itself is Opsgenie's to apply).

use super::payload::Alert;
use super::setup::Settings;
use super::translate;
use crate::incidents::state::Seen;

pub(super) fn seen<'a>(alert: &'a Alert, settings: &Settings) -> Seen<'a> {
    let listed = translate::listed(alert, settings);
    Seen {
        id: &alert.id,
        created_at: alert.created_at,
        open: !alert.is_closed(),
        listed,
        passes: listed,
    }
}
