use bitrix24::bitrix_enum;

#[bitrix_enum(repr = "integer")]
pub enum Priority {
    #[bitrix(value = 1)]
    Low,
    #[bitrix(value = "2")]
    Medium,
    High,
    #[bitrix(value = 1)]
    Again,
    Unknown,
}

fn main() {}
