//! What the polled incident sources (PagerDuty, Opsgenie) share: where a sync's listing starts
//! and what is remembered between syncs (`marks`), and the setup both need (`common`: the API
//! root of `base_url`, the token, which flowdeck services exist, the page size and the time
//! format of query parameters).

pub mod common;
pub mod marks;
