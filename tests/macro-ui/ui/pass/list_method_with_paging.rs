//! A list method declared with its paging: list streams know how to traverse it.
use bitrix24::{bitrix_method, Method, Paging, PagingKind};

/// `crm.deal.list`, as a user might declare it.
#[bitrix_method(
    name = "crm.deal.list",
    version = "v1",
    scope = "crm",
    result = Vec<serde_json::Value>,
    paging(kind = "start", id = "ID", order = "ORDER", filter = "FILTER"),
)]
pub struct DealList {
    /// Offset of the first row.
    pub start: Option<i64>,
}

/// A method without paging keeps the trait's `None`.
#[bitrix_method(name = "crm.deal.get", version = "v1", scope = "crm", result = serde_json::Value)]
pub struct DealGet {
    /// The deal.
    pub id: i64,
}

fn main() {
    assert_eq!(
        DealList::PAGING,
        Some(Paging {
            kind: PagingKind::Start,
            id_field: Some("ID"),
            order: Some("ORDER"),
            filter: Some("FILTER"),
            items: None,
        })
    );
    assert_eq!(DealGet::PAGING, None);
}
