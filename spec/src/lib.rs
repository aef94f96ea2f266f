//! The Bitrix24 REST API as data.
//!
//! This crate owns the spec format of bitrix24-rs (see `FORMAT.md` beside this crate): the
//! [`model`], [`load`]ing a spec directory, [`validate`]ing it (every problem, with file and JSON
//! path), the shared error [`catalog`], the [`naming`] rules that turn wire names into Rust
//! identifiers, and the [`tree`] of produced files kept in sync with its producer. Every tool of
//! the project (generator, macros, importer, emulator) goes through it.

pub mod catalog;
pub mod error_codes;
pub mod listing;
pub mod load;
pub mod model;
pub mod naming;
pub mod problem;
mod raw;
pub mod tree;
pub mod validate;

pub use listing::ListShape;
pub use load::{load_dir, LoadedSpec};
pub use model::*;
pub use problem::{Problem, Problems, Severity};
