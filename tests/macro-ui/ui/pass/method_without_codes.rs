//! A method whose page documents no codes of its own: its error type is the shared
//! `CommonCodesOnly`, matched through the method's own name.
use bitrix24::{bitrix_method, CommonCodesOnly, CommonError, ErrorCode, Method};

/// `crm.deal.delete`, declared without errors.
#[bitrix_method(name = "crm.deal.delete", version = "v1", scope = "crm", result = bool, mutates)]
pub struct DealDelete {
    /// `id`
    pub id: i64,
}

fn error_of<M: Method>(code: &str) -> M::Error {
    M::Error::from_code(code)
}

fn main() {
    let limited: DealDeleteError = error_of::<DealDelete>("QUERY_LIMIT_EXCEEDED");
    assert_eq!(limited, DealDeleteError::Common(CommonError::QueryLimitExceeded));
    assert_eq!(limited, CommonCodesOnly::Common(CommonError::QueryLimitExceeded));
    match error_of::<DealDelete>("SOMETHING_NEW") {
        DealDeleteError::Unknown(code) => assert_eq!(code, "SOMETHING_NEW"),
        other => panic!("{other:?}"),
    }
}
