use bitrix24::bitrix_method;

#[bitrix_method(name = "crm.item.get", version = "v1", scope = "crm", result = bool)]
pub struct Bad {
    #[bitrix(min_len = 1)]
    pub id: i64,
    #[bitrix(min = 1)]
    pub title: String,
    #[bitrix(max_items = 3)]
    pub code: Option<String>,
}

fn main() {}
