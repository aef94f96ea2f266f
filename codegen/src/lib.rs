//! The bitrix24-rs generator: spec → IR → tokens (quote) → prettyplease.
//!
//! Two outputs from the same IR:
//! - [`generate_crate`]: the checked-in `bitrix24` crate (`Cargo.toml` with one feature per
//!   scope, `src/lib.rs`, a folder per group and a file per method, named type or event, and
//!   `tests/conformance.rs`, which checks the types against the spec's wire examples);
//! - [`generate_file`]: one self-contained file for a downstream `build.rs`.
//!
//! And from the spec's error catalogues, [`generate_runtime`]: the runtime crate's
//! `CommonError`, checked in beside its hand-written code.
//!
//! Output is deterministic: the same spec gives the same bytes.
//!
//! # From a `build.rs`
//!
//! A crate that depends on `bitrix24` (for the runtime and macros) can generate a client for
//! its own spec (same format as the project's `spec/`) at build time:
//!
//! ```no_run
//! // build.rs: `fn main() { … }` around this line
//! bitrix_codegen::build_rs("spec", "bitrix_api.rs").expect("spec is valid");
//! ```
//!
//! ```ignore
//! // src/lib.rs
//! pub mod api {
//!     include!(concat!(env!("OUT_DIR"), "/bitrix_api.rs"));
//! }
//! ```

mod common_error;
mod conformance;
mod emit;
mod event_enum;
mod ir;
mod lower;
mod output;

use std::path::Path;

pub use bitrix_spec::{Problems, Spec};
pub use output::{check, check_runtime, write, write_runtime, Output, Stale};

/// Loads and validates a spec directory.
///
/// # Errors
/// Every problem of the spec when it has errors.
pub fn load_spec(dir: &Path) -> Result<Spec, Problems> {
    bitrix_spec::load_dir(dir).into_result()
}

/// The files of the `bitrix24` crate, keyed by path relative to the crate root.
pub fn generate_crate(spec: &Spec) -> Output {
    let krate = lower::lower(spec);
    let mut files = output::crate_files(&krate);
    if let Some(test) = conformance::test_file(spec, &krate, &emit::header("spec/")) {
        files.insert(conformance::PATH.to_owned(), test);
    }
    files
}

/// The generated files of the runtime crate (`src/common_error.rs`: the shared error codes of
/// the spec's catalogues), keyed by path relative to the runtime crate's root.
pub fn generate_runtime(spec: &Spec) -> Output {
    Output::from([(common_error::PATH.to_owned(), common_error::file(spec))])
}

/// One self-contained Rust file with every group as an inline module, for `include!`.
pub fn generate_file(spec: &Spec, source: &str) -> String {
    output::single_file(&lower::lower(spec), source)
}

/// Error of [`build_rs`].
#[derive(Debug)]
pub enum BuildError {
    /// `OUT_DIR` is not set: not running inside a build script.
    NoOutDir,
    /// The spec has errors.
    Spec(Problems),
    /// Writing the output failed.
    Io(std::io::Error),
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::NoOutDir => {
                f.write_str("OUT_DIR is not set; call build_rs from a build script")
            }
            BuildError::Spec(p) => write!(f, "the spec has errors:\n{p}"),
            BuildError::Io(e) => write!(f, "cannot write the generated file: {e}"),
        }
    }
}

impl std::error::Error for BuildError {}

/// For a `build.rs`: generates `$OUT_DIR/<file_name>` from the spec in `spec_dir` (relative to
/// the crate root) and asks cargo to rerun when the spec changes.
///
/// # Errors
/// [`BuildError`] when not in a build script, the spec is invalid or the file cannot be written.
pub fn build_rs(spec_dir: impl AsRef<Path>, file_name: &str) -> Result<(), BuildError> {
    let spec_dir = spec_dir.as_ref();
    println!("cargo:rerun-if-changed={}", spec_dir.display());
    let out_dir = std::env::var_os("OUT_DIR").ok_or(BuildError::NoOutDir)?;
    let spec = load_spec(spec_dir).map_err(BuildError::Spec)?;
    let text = generate_file(&spec, &spec_dir.display().to_string());
    std::fs::write(Path::new(&out_dir).join(file_name), text).map_err(BuildError::Io)
}
