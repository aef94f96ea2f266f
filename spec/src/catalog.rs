//! The shared error catalogues, embedded at compile time from `errors/*.json`.
//!
//! The same files are part of every spec loaded from this directory; embedding them lets the
//! proc macros give every method the shared system and REST 3.0 codes without reading files.

use crate::model::{ErrorCatalogue, ErrorEntry};

/// `errors/system.json`: errors any method may return.
pub const SYSTEM_JSON: &str = include_str!("../errors/system.json");
/// `errors/rest-v3.json`: REST 3.0 common exceptions.
pub const REST_V3_JSON: &str = include_str!("../errors/rest-v3.json");
/// `errors/limits.json`: the refusal of a method whose operating time is spent.
pub const LIMITS_JSON: &str = include_str!("../errors/limits.json");

/// The embedded catalogues, system first. Parsed once per process: the importer asks for
/// them on every page.
///
/// # Panics
/// Never for a published crate: the files are validated by this crate's tests.
pub fn embedded() -> &'static [ErrorCatalogue] {
    static PARSED: std::sync::OnceLock<Vec<ErrorCatalogue>> = std::sync::OnceLock::new();
    PARSED.get_or_init(|| {
        [SYSTEM_JSON, LIMITS_JSON, REST_V3_JSON]
            .iter()
            .map(|text| serde_json::from_str(text).expect("embedded error catalogue is valid"))
            .collect()
    })
}

/// The entry of a shared code, if any catalogue has it.
pub fn find(code: &str) -> Option<&'static ErrorEntry> {
    embedded()
        .iter()
        .flat_map(|c| &c.errors)
        .find(|e| e.code.as_deref() == Some(code))
}
