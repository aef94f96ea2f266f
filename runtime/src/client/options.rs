//! Per-call settings ([`CallOptions`]) and what the pipeline makes of them for one call
//! ([`Plan`]).

use crate::error::{Error, FieldError, ValidationErrors};
use crate::method::ApiVersion;
use crate::retry::{new_idempotency_key, valid_idempotency_key, RetryPolicy};
use crate::ErrorCode;

/// Settings of one call, for [`crate::Client::call_with`]: a retry policy other than the
/// client's, or an `Idempotency-Key` of the caller's own.
///
/// ```
/// use bitrix_runtime::CallOptions;
/// // A create that must never go twice, whatever the client's policy.
/// let once = CallOptions::new().no_retry();
/// // A REST 3.0 create whose key the application keeps, to repeat it safely after a crash.
/// let keyed = CallOptions::new().idempotency_key("order-1842-invoice");
/// # let _ = (once, keyed);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallOptions {
    retry: Option<RetryPolicy>,
    idempotency_key: Option<String>,
}

impl CallOptions {
    /// The client's settings.
    pub fn new() -> CallOptions {
        CallOptions::default()
    }

    /// Never retry this call after a failure in transit (the portal's limit refusals are
    /// still waited out: it did not run the call).
    pub fn no_retry(self) -> CallOptions {
        self.retry(RetryPolicy::never())
    }

    /// Retry this call by `policy` instead of the client's. The client's retry budget still
    /// applies.
    pub fn retry(mut self, policy: RetryPolicy) -> CallOptions {
        self.retry = Some(policy);
        self
    }

    /// The `Idempotency-Key` of a REST 3.0 call (1 to 255 printable ASCII characters), in
    /// place of the one the client makes for each call that changes data. The portal keeps
    /// the answer for 24 hours: a call repeated with the same key and body is answered from
    /// its store and not run again. v1 methods ignore it.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> CallOptions {
        self.idempotency_key = Some(key.into());
        self
    }
}

/// How the pipeline treats one logical call, whatever number of attempts it takes.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    /// Whether the call changes data.
    pub(crate) mutates: bool,
    /// The key sent with every attempt (REST 3.0 only).
    pub(crate) idempotency_key: Option<String>,
    /// The call's retry policy.
    pub(crate) retry: RetryPolicy,
}

impl Plan {
    /// A read, by the client's policy: lists pages and batches of reads.
    pub(crate) fn read(retry: RetryPolicy) -> Plan {
        Plan {
            mutates: false,
            idempotency_key: None,
            retry,
        }
    }

    /// The plan of a call of a `version` method that `mutates` data, by `options` over the
    /// client's `retry` policy.
    ///
    /// # Errors
    /// [`Error::Validation`] for a malformed key (nothing is sent).
    pub(crate) fn new<C: ErrorCode>(
        version: ApiVersion,
        mutates: bool,
        options: &CallOptions,
        retry: RetryPolicy,
    ) -> Result<Plan, Error<C>> {
        let idempotency_key = match (&options.idempotency_key, version) {
            (_, ApiVersion::V1) => None,
            (Some(key), ApiVersion::V3) if !valid_idempotency_key(key) => {
                return Err(Error::Validation(ValidationErrors::new(vec![FieldError {
                    field: "Idempotency-Key".to_owned(),
                    message: "must be 1 to 255 printable ASCII characters".to_owned(),
                }])))
            }
            (Some(key), ApiVersion::V3) => Some(key.clone()),
            (None, ApiVersion::V3) => mutates.then(new_idempotency_key),
        };
        Ok(Plan {
            mutates,
            idempotency_key,
            retry: options.retry.unwrap_or(retry),
        })
    }

    /// Whether running the call twice cannot apply it twice.
    pub(crate) fn repeatable(&self) -> bool {
        !self.mutates || self.idempotency_key.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CommonError;

    fn plan(version: ApiVersion, mutates: bool, options: &CallOptions) -> Plan {
        Plan::new::<CommonError>(version, mutates, options, RetryPolicy::standard()).unwrap()
    }

    #[test]
    fn rest3_writes_get_a_key_and_v1_never_sends_one() {
        let none = CallOptions::new();
        let write = plan(ApiVersion::V3, true, &none);
        assert!(write.idempotency_key.is_some() && write.repeatable());
        assert!(plan(ApiVersion::V3, false, &none).idempotency_key.is_none());
        let v1 = plan(ApiVersion::V1, true, &none);
        assert!(v1.idempotency_key.is_none() && !v1.repeatable());
        // A key of the caller's own is not a reason to repeat a v1 write: v1 ignores it.
        let keyed = CallOptions::new().idempotency_key("mine-1");
        assert!(!plan(ApiVersion::V1, true, &keyed).repeatable());
        assert_eq!(
            plan(ApiVersion::V3, true, &keyed)
                .idempotency_key
                .as_deref(),
            Some("mine-1")
        );
        assert!(plan(ApiVersion::V1, false, &none).repeatable());
    }

    #[test]
    fn a_malformed_key_is_refused_before_sending() {
        for bad in ["", "tab\there", "ключ"] {
            let options = CallOptions::new().idempotency_key(bad);
            let e =
                Plan::new::<CommonError>(ApiVersion::V3, true, &options, RetryPolicy::standard())
                    .unwrap_err();
            assert_eq!(
                e.to_string(),
                "request not sent, invalid parameters: Idempotency-Key: must be 1 to 255 printable ASCII characters"
            );
        }
    }

    #[test]
    fn the_call_policy_overrides_the_client_policy() {
        let p = plan(ApiVersion::V1, false, &CallOptions::new().no_retry());
        assert_eq!(p.retry.max_attempts, 1);
        assert_eq!(
            plan(ApiVersion::V1, false, &CallOptions::new())
                .retry
                .max_attempts,
            4
        );
    }
}
