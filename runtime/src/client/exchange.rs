//! One request through the call pipeline, the path every call takes (single calls, batches,
//! list pages): limits → transport → classify → wait and go again, or answer.
//!
//! Only the portal's refusals are gone through again here, because the portal did not run the
//! refused call: `503 QUERY_LIMIT_EXCEEDED` (the bucket was full) and `429
//! OPERATION_TIME_LIMIT` (the method's budget was spent); and, once, a call answered `401
//! expired_token` by a client that can renew its token ([`CallAuth`]). Everything else is the
//! caller's answer. A refusal that would need a longer wait than [`Limits::max_wait`] is
//! answered as the refusal it is.

use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::Value;

use super::refresh::CallAuth;
use super::Inner;
use crate::codes::ErrorCode;
use crate::error::Error;
use crate::limit::Limits;
use crate::method::ApiVersion;
use crate::response::Time;

/// An answer as it came: its status and body.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
}

/// What the pipeline reads of every answer before the caller decodes it.
#[derive(Deserialize, Default)]
struct Peek {
    #[serde(default)]
    error: Option<Value>,
    #[serde(default)]
    time: Option<Time>,
}

impl Peek {
    fn of(body: &[u8]) -> Peek {
        serde_json::from_slice(body).unwrap_or_default()
    }

    fn code(&self) -> Option<&str> {
        match self.error.as_ref()? {
            Value::String(code) => Some(code),
            Value::Object(e) => e.get("code").and_then(Value::as_str),
            _ => None,
        }
    }
}

/// A refusal the pipeline waits out.
enum Refusal {
    /// The portal's bucket was full.
    Bucket,
    /// The method's operating time was spent.
    Operating,
}

fn refusal(status: u16, peek: &Peek) -> Option<Refusal> {
    match (status, peek.code()) {
        (503, Some("QUERY_LIMIT_EXCEEDED")) => Some(Refusal::Bucket),
        (429, Some("OPERATION_TIME_LIMIT")) => Some(Refusal::Operating),
        _ => None,
    }
}

impl Inner {
    /// Sends `body` to `method`, keeping to the limits and waiting out the portal's refusals.
    pub(crate) async fn exchange<C: ErrorCode>(
        &self,
        version: ApiVersion,
        method: &str,
        body: &Value,
    ) -> Result<Answer, Error<C>> {
        let started = Instant::now();
        let limits: &Limits = &self.limits;
        let mut auth = CallAuth::default();
        loop {
            self.wait_for_limits(method).await?;
            auth.before_send(self).await?;
            self.counters.sent();
            let answer = self.post(version, method, body).await?;
            let peek = Peek::of(&answer.body);
            if auth.renewed_after(self, answer.status, peek.code()).await? {
                continue;
            }
            let now = Instant::now();
            let wait = match refusal(answer.status, &peek) {
                None => {
                    self.operating.answered(method, peek.time.as_ref(), now);
                    return Ok(answer);
                }
                Some(Refusal::Bucket) => {
                    self.counters.bucket_refused();
                    self.operating.answered(method, peek.time.as_ref(), now);
                    if let Some(limiter) = &self.limiter {
                        limiter
                            .refused(self.portal.as_str())
                            .await
                            .map_err(Error::Limit)?;
                    }
                    Duration::ZERO
                }
                Some(Refusal::Operating) => {
                    self.counters.operating_refused();
                    self.operating.blocked(method, peek.time.as_ref(), now)
                }
            };
            if started.elapsed() + wait > limits.max_wait {
                tracing::debug!(method, status = answer.status, "limit wait too long");
                return Ok(answer);
            }
            tracing::debug!(
                method,
                status = answer.status,
                wait_ms = millis(wait),
                "refused; waiting"
            );
            if !wait.is_zero() {
                tokio::time::sleep(wait).await;
            }
        }
    }

    /// Takes a place in the portal's bucket and waits while the method's budget is nearly
    /// spent.
    async fn wait_for_limits<C: ErrorCode>(&self, method: &str) -> Result<(), Error<C>> {
        loop {
            let wait = self.operating.before(method, Instant::now());
            // Longer than the client may wait: the call goes, and the portal's answer (a
            // refusal, most likely) is the caller's.
            if wait.is_zero() || wait > self.limits.max_wait {
                break;
            }
            tracing::debug!(
                method,
                wait_ms = millis(wait),
                "operating time nearly spent; waiting"
            );
            tokio::time::sleep(wait).await;
        }
        if let Some(limiter) = &self.limiter {
            limiter
                .acquire(self.portal.as_str())
                .await
                .map_err(Error::Limit)?;
        }
        Ok(())
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_two_limit_refusals_are_waited_out() {
        let peek = |body: &str| Peek::of(body.as_bytes());
        let bucket = peek(r#"{"error": "QUERY_LIMIT_EXCEEDED", "error_description": "Too many"}"#);
        assert!(matches!(refusal(503, &bucket), Some(Refusal::Bucket)));
        let operating =
            peek(r#"{"error": {"code": "OPERATION_TIME_LIMIT"}, "time": {"operating": 481}}"#);
        assert!(matches!(refusal(429, &operating), Some(Refusal::Operating)));
        assert_eq!(operating.time.and_then(|t| t.operating), Some(481.0));
        // A manual block, another code, or a body that is not JSON: the caller's answer.
        for (status, body) in [
            (503, r#"{"error": "OVERLOAD_LIMIT"}"#),
            (500, r#"{"error": "QUERY_LIMIT_EXCEEDED"}"#),
            (503, "<html>"),
            (200, r#"{"result": 1}"#),
        ] {
            assert!(refusal(status, &peek(body)).is_none(), "{status} {body}");
        }
    }
}
