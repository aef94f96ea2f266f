//! placeholder until the generator runs
#![deny(missing_docs)]
extern crate self as bitrix24;
pub use bitrix_macros::{bitrix_enum, bitrix_method, bitrix_object};
pub use bitrix_runtime::*;
