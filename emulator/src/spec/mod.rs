//! The spec as the portal reads it: the embedded spec and its method index, validation of a
//! request against its method, and answers shaped from it for methods with no state behind them.

pub mod index;
pub mod shape;
pub mod validate;
