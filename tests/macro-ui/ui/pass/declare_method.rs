//! A method the spec does not have, declared by a user: the same API a generated one has.
use bitrix24::{bitrix_enum, bitrix_method, bitrix_object, ApiVersion, CommonError, ErrorCode, Method, Validate};

/// Answer of `user.current`.
#[bitrix_object]
pub struct UserCurrent {
    /// `ID`
    #[bitrix(rename = "ID")]
    pub id: Option<i64>,
    /// `ACTIVE`
    #[bitrix(rename = "ACTIVE")]
    pub active: Option<bool>,
}

/// Documented sort orders.
#[bitrix_enum(repr = "string")]
pub enum Order {
    /// Ascending.
    #[bitrix(value = "ASC")]
    Asc,
    /// Descending.
    #[bitrix(value = "DESC")]
    Desc,
}

/// `user.current`.
#[bitrix_method(
    name = "user.current",
    version = "v1",
    scope = "user",
    result = UserCurrent,
    error(code = "NO_USER", status = 400, message = "No user"),
    error(status = 403, message = "Access denied"),
)]
pub struct UserCurrentRequest {
    /// A made-up required parameter.
    #[bitrix(rename = "LANG", min_len = 2, max_len = 2)]
    pub lang: String,
    /// A made-up optional flag.
    #[bitrix(rename = "FULL", yn)]
    pub full: Option<bool>,
    /// A made-up optional order.
    #[bitrix(rename = "ORDER")]
    pub order: Option<Order>,
}

fn main() {
    let request = UserCurrentRequest::new("en").full(true).order(Order::Desc);
    assert_eq!(UserCurrentRequest::NAME, "user.current");
    assert_eq!(UserCurrentRequest::VERSION, ApiVersion::V1);
    assert!(request.validate().is_ok());
    let body = serde_json::to_value(&request).unwrap();
    assert_eq!(body, serde_json::json!({"LANG": "en", "FULL": "Y", "ORDER": "DESC"}));
    assert_eq!(UserCurrentRequestError::from_code("NO_USER"), UserCurrentRequestError::NoUser);
    assert_eq!(UserCurrentRequestError::from_code("expired_token"), UserCurrentRequestError::Common(CommonError::ExpiredToken));
    assert!(UserCurrentRequestError::from_code("NEW").is_unknown());
    // An error the server sends without a code is recognised by its message.
    assert_eq!(UserCurrentRequestError::from_answer("", "Access denied."), UserCurrentRequestError::AccessDenied);
    assert_eq!(UserCurrentRequestError::AccessDenied.code(), "");
    assert_eq!(UserCurrentRequestError::AccessDenied.to_string(), "Access denied");
    assert!(UserCurrentRequestError::from_answer("", "Something else").is_unknown());
    let bad = UserCurrentRequest::new("english").order(Order::Unknown("SIDEWAYS".into()));
    assert_eq!(bad.validate().unwrap_err().len(), 2);
    let user: UserCurrent = serde_json::from_value(serde_json::json!({"ID": "1", "ACTIVE": "Y"})).unwrap();
    assert_eq!((user.id, user.active), (Some(1), Some(true)));
}
