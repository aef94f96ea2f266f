//! The call itself, when state is behind it: the portal's data, the handlers of the stateful
//! method families, the v1 list semantics they share, and `batch`, which runs calls in order.

pub mod batch;
pub mod listing;
pub mod methods;
pub mod store;
pub mod synthetic;
pub mod table;
pub mod wire;
