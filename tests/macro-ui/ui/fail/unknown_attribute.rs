use bitrix24::bitrix_method;

#[bitrix_method(name = "crm.item.get", version = "v1", scope = "crm", result = bool, retries = 3)]
pub struct Bad {
    #[bitrix(renmae = "ID")]
    pub id: i64,
}

fn main() {}
