use bitrix24::bitrix_method;

// One expansion reports every problem, each at its own tokens.
#[bitrix_method(name = "crm.item.get", version = "3", scope = "CRM", result = bool, error(status = 700))]
pub struct Bad {
    #[bitrix(rename = "x", min = 1)]
    pub a: String,
    #[bitrix(rename = "x")]
    pub b: Option<i64>,
}

fn main() {}
