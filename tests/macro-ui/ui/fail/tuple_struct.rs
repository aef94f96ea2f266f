use bitrix24::bitrix_method;

#[bitrix_method(name = "crm.item.get", version = "v1", scope = "crm", result = bool)]
pub struct Bad(i64);

fn main() {}
