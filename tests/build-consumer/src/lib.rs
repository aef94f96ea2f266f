//! A downstream crate that generates a typed client for its own small spec at build time
//! (see `build.rs`) and gets the same API as the `bitrix24` crate's generated methods.

/// The generated client: `api::user::UserCurrent`, `api::im::ImNotifySystemAdd`, …
pub mod api {
    include!(concat!(env!("OUT_DIR"), "/bitrix_api.rs"));
}
