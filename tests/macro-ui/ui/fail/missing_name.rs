use bitrix24::bitrix_method;

/// A method without its wire name.
#[bitrix_method(version = "v1", scope = "crm", result = bool)]
pub struct NoName {
    /// Id.
    pub id: i64,
}

fn uses<M: bitrix24::Method>() {}

fn main() {
    // The stand-in expansion keeps this from adding a second error.
    uses::<NoName>();
}
