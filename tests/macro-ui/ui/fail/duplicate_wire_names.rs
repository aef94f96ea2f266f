use bitrix24::bitrix_method;

#[bitrix_method(name = "crm.item.get", version = "v1", scope = "crm", result = bool)]
pub struct Bad {
    #[bitrix(rename = "ID")]
    pub id: i64,
    #[bitrix(rename = "ID")]
    pub other_id: Option<i64>,
}

fn main() {}
