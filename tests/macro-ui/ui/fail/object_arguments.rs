use bitrix24::bitrix_object;

#[bitrix_object(recieved)]
pub struct Misspelt {
    pub id: Option<i64>,
}

fn main() {}
