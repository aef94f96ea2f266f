//! What may stop or bend a request before and around its call: injected faults, the leaky
//! bucket, operating time per method, and REST 3.0 idempotency keys.

pub mod bucket;
pub mod faults;
pub mod idempotency;
pub mod operating;
