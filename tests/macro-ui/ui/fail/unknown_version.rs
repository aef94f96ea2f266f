use bitrix24::bitrix_method;

#[bitrix_method(name = "crm.item.delete", version = "v2", scope = "crm", result = bool)]
pub struct Bad {
    pub id: i64,
}

fn main() {}
