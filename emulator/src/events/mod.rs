//! Events: the posts a call's raised events make to the handlers bound to them, and their
//! delivery, form-encoded, to loopback handlers only.

pub mod deliver;
pub mod handler_url;
pub mod post;
