//! Error codes: the [`ErrorCode`] trait every per-method error enum implements. Its shared
//! implementation, `CommonError`, is generated from the spec's catalogues into
//! `common_error.rs`.

use std::fmt;

/// A server error code decoded into a type. Unknown codes are kept, never rejected.
pub trait ErrorCode:
    Sized + Clone + fmt::Debug + fmt::Display + PartialEq + Send + Sync + 'static
{
    /// Decodes a wire code; a code the type does not know becomes its `Unknown` variant.
    fn from_code(code: &str) -> Self;
    /// The wire code.
    fn code(&self) -> &str;
    /// Whether this is the catch-all for a code the type does not know.
    fn is_unknown(&self) -> bool;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CommonError;

    #[test]
    fn common_codes_round_trip_and_unknown_is_kept() {
        let c = CommonError::from_code("QUERY_LIMIT_EXCEEDED");
        assert_eq!(c, CommonError::QueryLimitExceeded);
        assert_eq!(c.code(), "QUERY_LIMIT_EXCEEDED");
        assert!(!c.is_unknown());
        let v3 = CommonError::from_code(
            "BITRIX_REST_V3_EXCEPTION_VALIDATION_REQUESTVALIDATIONEXCEPTION",
        );
        assert_eq!(v3, CommonError::RequestValidationException);
        let u = CommonError::from_code("SOMETHING_NEW");
        assert_eq!(u, CommonError::Unknown("SOMETHING_NEW".into()));
        assert_eq!(u.code(), "SOMETHING_NEW");
        assert!(u.is_unknown());
        assert_eq!(
            CommonError::from_code("expired_token").to_string(),
            "expired_token"
        );
    }
}
