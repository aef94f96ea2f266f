use bitrix24::bitrix_method;

#[bitrix_method(name = "crm.item.get", version = "v1", scope = "crm", result = bool)]
pub struct Bad {
    pub title: &'static str,
    pub pair: (i64, i64),
    pub size: usize,
}

fn main() {}
