//! What the polled incident sources (PagerDuty, Opsgenie) share: what is remembered between
//! syncs and where a sync's listing starts (`state`).

pub(crate) mod state;
