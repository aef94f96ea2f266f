use bitrix24::bitrix_enum;

#[bitrix_enum]
pub enum Priority {
    #[bitrix(value = 1)]
    Low,
}

fn main() {}
