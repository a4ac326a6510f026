//! What the PagerDuty source remembers between syncs is what every polled incident source
//! remembers (`crate::incidents::state`: when it last ran, which incidents were open, where the
//! next listing starts). This is how a PagerDuty incident feeds it: open until resolved, listed
//! when it passes the filters the listing asks PagerDuty for, stored when it passes them all.

use super::payload::Incident;
use super::setup::Settings;
use super::translate;
use crate::incidents::state::Seen;

pub(super) fn seen<'a>(raw: &'a Incident, settings: &Settings) -> Seen<'a> {
    Seen {
        id: &raw.id,
        created_at: raw.created_at,
        open: !raw.is_resolved(),
        listed: translate::listed(raw, settings),
        passes: translate::passes(raw, settings),
    }
}
