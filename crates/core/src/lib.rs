//! flowdeck's domain: the normalized events (`model`), the metric engine and its configurable
//! rules (`metrics`), how a source fared (`status`), and the text helpers every output shares
//! (`text`). It knows nothing of HTTP, SQL, terminals or config files; the definitions the
//! numbers follow are in docs/METRICS.md, the layering in docs/ARCHITECTURE.md.

pub mod bytes;
pub mod events;
pub mod health;
pub mod metrics;
pub mod model;
pub mod plausible;
pub mod progress;
pub mod status;
pub mod text;
