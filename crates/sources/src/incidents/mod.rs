//! What the polled incident sources (PagerDuty, Opsgenie) share: what is remembered between
//! syncs and where a sync's listing starts (`state`), and the sync itself (`sync`).

pub(crate) mod state;
pub(crate) mod sync;
