//! What the portal has answered so far, for benchmarks and tests ([`crate::Emulator::stats`]).

/// Counts of answers since the emulator started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// REST requests answered (`/rest/…`; a batch is one), refused ones included.
    pub requests: u64,
    /// Commands run or refused: one per single call, one per command of a batch.
    pub commands: u64,
    /// Answers HTTP 503 `QUERY_LIMIT_EXCEEDED` (the leaky bucket, or an injected burst).
    pub bucket_refusals: u64,
    /// Answers HTTP 429 `OPERATION_TIME_LIMIT`.
    pub operating_refusals: u64,
    /// Commands refused for operating time, single calls and batch commands alike (a batch
    /// answers HTTP 200 and puts the refusal in `result_error`).
    pub operating_refused_commands: u64,
    /// Requests to the authorization server (`/oauth/token/`), refused ones included.
    pub token_requests: u64,
    /// REST answers HTTP 401 `expired_token`.
    pub expired_tokens: u64,
}
