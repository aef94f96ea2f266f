use bitrix24::bitrix_method;

#[bitrix_method(
    name = "crm.deal.list",
    version = "v1",
    scope = "crm",
    result = Vec<serde_json::Value>,
    paging(kind = "pages", id = "I D", sort = "ORDER"),
)]
pub struct UnknownKind {
    pub start: Option<i64>,
}

#[bitrix_method(
    name = "tasks.task.list",
    version = "v1",
    scope = "task",
    result = Vec<serde_json::Value>,
    paging(kind = "pagination"),
)]
pub struct KindOfAnotherGeneration {
    pub start: Option<i64>,
}

#[bitrix_method(
    name = "crm.item.list",
    version = "v1",
    scope = "crm",
    result = Vec<serde_json::Value>,
    paging(id = "id"),
)]
pub struct NoKind {
    pub start: Option<i64>,
}

fn main() {}
