//! Integrators' `metadata` as objects show it. The other views, routes and pages may import it; it
//! imports nothing of the server's (reading an update stays in `routes::metadata`, merging it is
//! `ops::metadata`).

use serde_json::Value;

/// The metadata as objects show it.
pub(crate) fn shown(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::Object(Default::default()))
}
