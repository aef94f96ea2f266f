//! A structure only the server sends: decoded and re-encoded as any other, built empty with
//! `Default`, without a constructor or setters.
use bitrix24::bitrix_object;
use serde_json::{json, Map, Value};

/// An answer.
#[bitrix_object(received)]
pub struct Deal {
    /// `ID`
    #[bitrix(rename = "ID")]
    pub id: Option<i64>,
    /// `OPENED`
    #[bitrix(rename = "OPENED", yn)]
    pub opened: Option<bool>,
    /// Undocumented keys.
    #[bitrix(extra)]
    pub extra: Map<String, Value>,
}

fn main() {
    let answer = json!({"ID": "7", "OPENED": "Y", "UF_CRM_1": 5});
    let deal: Deal = serde_json::from_value(answer.clone()).unwrap();
    assert_eq!(deal.id, Some(7));
    assert_eq!(deal.opened, Some(true));
    assert_eq!(deal.get_extra("UF_CRM_1"), Some(&json!(5)));
    assert_eq!(serde_json::to_value(&deal).unwrap(), json!({"ID": 7, "OPENED": "Y", "UF_CRM_1": 5}));
    assert_eq!(Deal::default().id, None);
}
