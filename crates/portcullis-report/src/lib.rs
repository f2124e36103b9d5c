//! Renderers: each turns a [`Report`] into bytes, knowing nothing of how
//! findings were found.

mod human;

pub use human::{printable, render_human, HumanOptions};
use portcullis_policy::Report;

/// The JSON contract (schema_version 1), pretty-printed, newline-terminated.
pub fn render_json(report: &Report) -> String {
    let mut out = serde_json::to_string_pretty(report).unwrap_or_else(|e| {
        // Serialising plain data cannot fail; say so loudly if it ever does.
        format!("{{\"error\": \"could not serialise the report: {e}\"}}")
    });
    out.push('\n');
    out
}
