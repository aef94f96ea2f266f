use bitrix24::bitrix_method;

#[bitrix_method(name = "crm.item.get", version = "v1", scope = "crm")]
pub struct Bad {
    pub id: i64,
}

fn main() {}
