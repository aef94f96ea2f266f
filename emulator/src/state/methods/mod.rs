//! Methods with state behind them. Each module answers the calls of one family and returns
//! `None` for any other method, which then gets an answer shaped by its spec result type.

pub mod call;
mod crm_activity;
mod crm_entity;
mod crm_item;
mod event_handlers;
mod event_offline;
mod mail;
mod note;
mod portal_info;

use bitrix_spec::Version;

use crate::state::store::Data;
use call::{Call, Handled};

/// Answers `call` from the data, or `None` when no state is behind the method.
pub fn handle(data: &mut Data, call: &mut Call<'_>) -> Handled {
    let name = call.method.name.to_ascii_lowercase();
    let handled = match call.method.version {
        Version::V3 => mail::handle(data, call, &name).or_else(|| note::handle(data, call, &name)),
        Version::V1 => crm_activity::handle(data, call, &name)
            .or_else(|| crm_item::handle(data, call, &name))
            .or_else(|| crm_entity::handle(data, call, &name))
            .or_else(|| event_handlers::handle(data, call, &name))
            .or_else(|| event_offline::handle(data, call, &name))
            .or_else(|| portal_info::handle(data, call, &name)),
    };
    event_offline::enqueue(data, &call.fired);
    handled
}
