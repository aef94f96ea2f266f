//! One call through the pipeline, the path every call takes (single calls, batches, list
//! pages): limits → transport → classify → wait and go again, or answer.
//!
//! Two kinds of failure are gone through again here:
//!
//! - the portal's refusals for its limits, `503 QUERY_LIMIT_EXCEEDED` (the bucket was full)
//!   and `429 OPERATION_TIME_LIMIT` (the method's budget was spent): the portal did not run
//!   the call, so any call goes again, after the wait the limits call for, unless that wait
//!   is longer than [`Limits::max_wait`];
//! - failures in transit (`500`/`502`/`504`, a dropped connection, a timeout, a body cut
//!   short): only a call that cannot be applied twice goes again (see [`Plan::repeatable`]),
//!   by the call's [`crate::RetryPolicy`] and within the client's retry budget. A write that
//!   cannot go again ends in [`Error::OutcomeUnknown`], unless the connection was refused
//!   (then nothing was sent, and it goes again like a read); so does a REST 3.0 write still
//!   without an answer when its attempts or the budget are spent.
//!
//! And once per call, a call answered `401 expired_token` by a client that can renew its
//! token goes again with the renewed one ([`CallAuth`]): the portal ran nothing with an
//! expired token, so this is not a retry and spends no budget.
//!
//! Everything else is the caller's answer.

use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::Value;

use super::options::Plan;
use super::refresh::CallAuth;
use super::Inner;
use crate::codes::ErrorCode;
use crate::error::{Error, TransportError, UnknownOutcome};
use crate::method::ApiVersion;
use crate::response::{error_code, Time};
use crate::retry::{
    BUCKET_REFUSAL, OPERATING_REFUSAL, RETRY_COST, SUCCESS_REFUND, TIMEOUT_RETRY_COST,
};

/// An answer as it came: its status and body.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
    /// `Idempotent-Replayed: true`: a REST 3.0 answer from the portal's store of keys.
    pub(crate) replayed: bool,
}

/// Why one attempt got no answer.
#[derive(Debug)]
pub(crate) enum PostError {
    /// The body could not be serialized; nothing was sent.
    Encode(serde_json::Error),
    /// The connection could not be made; nothing was sent.
    NotSent(TransportError),
    /// The request went out and the connection failed before the whole answer came back.
    Lost(TransportError),
    /// No answer in time.
    Timeout,
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
    /// `None` when the body is not JSON.
    fn of(body: &[u8]) -> Option<Peek> {
        serde_json::from_slice(body).ok()
    }

    fn code(&self) -> Option<&str> {
        error_code(self.error.as_ref()?)
    }
}

/// What an answer is, for the pipeline.
#[derive(Debug, PartialEq, Eq)]
enum Class {
    /// The portal's answer, success or error: the caller's.
    Answer,
    /// The portal refused the call for its limits and did not run it.
    Refused(Refusal),
    /// Not the portal's answer to the call: a failure in transit.
    Failed(FailedAnswer),
}

#[derive(Debug, PartialEq, Eq)]
enum Refusal {
    /// The portal's bucket was full.
    Bucket,
    /// The method's operating time was spent.
    Operating,
}

#[derive(Debug, PartialEq, Eq)]
enum FailedAnswer {
    /// 500, 502, 504.
    Server,
    /// A success status with a body that is not JSON.
    Truncated,
}

fn classify(status: u16, peek: Option<&Peek>) -> Class {
    let code = peek.and_then(Peek::code);
    match (status, code) {
        (503, Some(BUCKET_REFUSAL)) => Class::Refused(Refusal::Bucket),
        (429, Some(OPERATING_REFUSAL)) => Class::Refused(Refusal::Operating),
        (500 | 502 | 504, _) => Class::Failed(FailedAnswer::Server),
        (200..=299, _) if peek.is_none() => Class::Failed(FailedAnswer::Truncated),
        _ => Class::Answer,
    }
}

/// The attempts of one call that failed in transit, and the budget its retries took.
#[derive(Debug, Default)]
struct Tries {
    attempts: u32,
    spent: u32,
}

/// An attempt that failed in transit.
enum Transient {
    NotSent(TransportError),
    Lost(TransportError),
    TimedOut,
    Failed(Answer, FailedAnswer),
}

impl Transient {
    fn outcome(self, timeout: Duration) -> UnknownOutcome {
        match self {
            Transient::NotSent(e) | Transient::Lost(e) => UnknownOutcome::Transport(e),
            Transient::TimedOut => UnknownOutcome::Timeout(timeout),
            Transient::Failed(answer, FailedAnswer::Server) => UnknownOutcome::ServerFailed {
                status: answer.status,
            },
            Transient::Failed(answer, FailedAnswer::Truncated) => UnknownOutcome::Truncated {
                status: answer.status,
            },
        }
    }

    /// The failure as the caller gets it when the call does not go again: a failed answer
    /// is decoded as any answer (an API error, or a decode error that keeps the body).
    fn into_result<C: ErrorCode>(self, timeout: Duration) -> Result<Answer, Error<C>> {
        match self {
            Transient::NotSent(e) | Transient::Lost(e) => Err(Error::Transport(e)),
            Transient::TimedOut => Err(Error::Timeout(timeout)),
            Transient::Failed(answer, _) => Ok(answer),
        }
    }
}

impl Inner {
    /// Sends `body` to `method` as `plan` says, keeping to the limits, waiting out the
    /// portal's refusals and going again after failures in transit when that is safe.
    pub(crate) async fn exchange<C: ErrorCode>(
        &self,
        version: ApiVersion,
        method: &str,
        body: &Value,
        plan: &Plan,
    ) -> Result<Answer, Error<C>> {
        let started = Instant::now();
        let key = plan.idempotency_key.as_deref();
        let mut tries = Tries::default();
        let mut auth = CallAuth::default();
        loop {
            self.wait_for_limits(method).await?;
            auth.before_send(self).await?;
            self.counters.sent();
            let transient = match self.post(version, method, body, key).await {
                Ok(answer) => {
                    let peek = Peek::of(&answer.body);
                    let code = peek.as_ref().and_then(Peek::code);
                    if auth.renewed_after(self, answer.status, code).await? {
                        continue;
                    }
                    let time = peek.as_ref().and_then(|p| p.time.as_ref());
                    let now = Instant::now();
                    match classify(answer.status, peek.as_ref()) {
                        Class::Answer => {
                            self.operating.answered(method, time, now);
                            // A call that got through gives back what its retries took, or
                            // one token when it needed none: the budget drains only while
                            // calls keep failing.
                            self.retry_budget.refund(tries.spent.max(SUCCESS_REFUND));
                            return Ok(answer);
                        }
                        Class::Failed(failed) => {
                            self.operating.answered(method, time, now);
                            let status = answer.status;
                            tracing::debug!(method, status, ?failed, "failed answer");
                            Transient::Failed(answer, failed)
                        }
                        Class::Refused(refusal) => {
                            let wait = self.refused(method, refusal, time, now).await?;
                            if started.elapsed() + wait > self.limits.max_wait {
                                tracing::debug!(
                                    method,
                                    status = answer.status,
                                    "limit wait too long"
                                );
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
                            continue;
                        }
                    }
                }
                Err(PostError::Encode(e)) => return Err(Error::Encode(e)),
                Err(PostError::NotSent(e)) => Transient::NotSent(e),
                Err(PostError::Lost(e)) => Transient::Lost(e),
                Err(PostError::Timeout) => Transient::TimedOut,
            };
            if let Some(result) = self
                .retry_or_answer(method, plan, &mut tries, transient)
                .await
            {
                return result;
            }
        }
    }

    /// Counts a refusal and says how long to wait before going again: at once after a full
    /// bucket (the limiter, told of it, paces the next request), until budget comes back after
    /// spent operating time.
    async fn refused<C: ErrorCode>(
        &self,
        method: &str,
        refusal: Refusal,
        time: Option<&Time>,
        now: Instant,
    ) -> Result<Duration, Error<C>> {
        match refusal {
            Refusal::Bucket => {
                self.counters.bucket_refused();
                self.operating.answered(method, time, now);
                if let Some(limiter) = &self.limiter {
                    limiter
                        .refused(self.portal.as_str())
                        .await
                        .map_err(Error::Limit)?;
                }
                Ok(Duration::ZERO)
            }
            Refusal::Operating => {
                self.counters.operating_refused();
                Ok(self.operating.blocked(method, time, now))
            }
        }
    }

    /// After a failure in transit: `None` when the call goes again (after its backoff), or
    /// what the caller gets.
    async fn retry_or_answer<C: ErrorCode>(
        &self,
        method: &str,
        plan: &Plan,
        tries: &mut Tries,
        transient: Transient,
    ) -> Option<Result<Answer, Error<C>>> {
        tries.attempts += 1;
        // A write that may have run: its outcome is unknown unless a repeat finds it out.
        let maybe_applied = plan.mutates && !matches!(transient, Transient::NotSent(_));
        let unknown = |transient: Transient| {
            Some(Err(Error::OutcomeUnknown {
                method: method.to_owned(),
                idempotency_key: plan.idempotency_key.clone(),
                cause: transient.outcome(self.timeout),
            }))
        };
        if maybe_applied && !plan.repeatable() {
            return unknown(transient);
        }
        let cost = match transient {
            Transient::TimedOut => TIMEOUT_RETRY_COST,
            _ => RETRY_COST,
        };
        if tries.attempts >= plan.retry.max_attempts || !self.retry_budget.try_spend(cost) {
            return if maybe_applied {
                unknown(transient)
            } else {
                Some(transient.into_result(self.timeout))
            };
        }
        tries.spent += cost;
        let wait = plan.retry.backoff(tries.attempts);
        self.counters.retried();
        tracing::debug!(
            method,
            attempt = tries.attempts + 1,
            wait_ms = millis(wait),
            "retrying"
        );
        tokio::time::sleep(wait).await;
        None
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

    fn class(status: u16, body: &str) -> Class {
        classify(status, Peek::of(body.as_bytes()).as_ref())
    }

    #[test]
    fn limit_refusals_failures_in_transit_and_answers() {
        let bucket = r#"{"error": "QUERY_LIMIT_EXCEEDED", "error_description": "Too many"}"#;
        assert_eq!(class(503, bucket), Class::Refused(Refusal::Bucket));
        let operating =
            r#"{"error": {"code": "OPERATION_TIME_LIMIT"}, "time": {"operating": 481}}"#;
        assert_eq!(class(429, operating), Class::Refused(Refusal::Operating));
        let peek = Peek::of(operating.as_bytes()).unwrap();
        assert_eq!(peek.time.and_then(|t| t.operating), Some(481.0));
        for (status, body) in [
            (500, r#"{"error": "INTERNAL_SERVER_ERROR"}"#),
            (500, r#"{"error": "QUERY_LIMIT_EXCEEDED"}"#),
            (502, "<html>bad gateway</html>"),
            (504, ""),
        ] {
            assert_eq!(
                class(status, body),
                Class::Failed(FailedAnswer::Server),
                "{status} {body}"
            );
        }
        assert_eq!(
            class(200, r#"{"result": [1, 2"#),
            Class::Failed(FailedAnswer::Truncated)
        );
        assert_eq!(class(200, ""), Class::Failed(FailedAnswer::Truncated));
        // A manual block, validation, a 503 that is not the bucket, a success: the caller's.
        for (status, body) in [
            (503, r#"{"error": "OVERLOAD_LIMIT"}"#),
            (503, "<html>"),
            (400, r#"{"error": "VALIDATION"}"#),
            (401, r#"{"error": "expired_token"}"#),
            (404, "<html>not found</html>"),
            (200, r#"{"result": 1}"#),
        ] {
            assert_eq!(class(status, body), Class::Answer, "{status} {body}");
        }
    }
}
