//! The request pipeline: route, faults, body, credentials, leaky bucket, idempotency, then the
//! call itself (method lookup, scope, operating time, validation, state or spec-shaped answer),
//! then saving changed data and turning raised events into posts. Each stage lives in its own
//! module; this one only orders them.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bitrix_spec::Version;
use serde_json::{json, Map, Value};

use crate::auth::credentials::{authenticate, Caller};
use crate::auth::oauth::{OAuth, Tokens};
use crate::clock;
use crate::config::{Config, Faults};
use crate::events::post::posts;
use crate::http::form;
use crate::http::params;
use crate::http::reply::{self, Done, Fail};
use crate::http::route::{self, Route};
use crate::http::{Incoming, Outgoing, Transport};
use crate::limits::bucket::Bucket;
use crate::limits::faults::{Fault, FaultState};
use crate::limits::idempotency::{fingerprint, Decision, Keys, Stored};
use crate::limits::operating::Operating;
use crate::profile::CostModel;
use crate::spec::index::SpecIndex;
use crate::spec::shape;
use crate::spec::validate;
use crate::state::batch;
use crate::state::methods;
use crate::state::methods::call::{Call, Fired};
use crate::state::store::Data;
use crate::stats::Stats;

/// The emulated portal: its data and every limit, behind one lock.
#[derive(Debug)]
pub struct Portal {
    index: Arc<SpecIndex>,
    base_url: String,
    inner: Mutex<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: Config,
    data: Data,
    bucket: Option<Bucket>,
    operating: Operating,
    oauth: OAuth,
    keys: Keys,
    faults: FaultState,
    /// The cost model, on the scaled clock.
    cost: CostModel,
    stats: Stats,
}

/// What one call produced.
struct Outcome {
    answer: Result<Done, Fail>,
    time: Value,
    fired: Vec<Fired>,
    changed: bool,
    /// Seconds the commands took (cost model, scaled).
    cost: f64,
}

impl Portal {
    /// A portal serving `index` at `base_url` with `data`.
    pub fn new(index: Arc<SpecIndex>, base_url: String, config: Config, data: Data) -> Portal {
        // Every duration of the load model on the scaled clock (see `Config::time_scale`).
        let k = config.scale();
        let mut operating = config.operating.clone();
        operating.budget_secs = config.scaled_operating_budget().as_secs_f64();
        operating.cost_secs *= k;
        for (_, secs) in &mut operating.method_costs {
            *secs *= k;
        }
        let inner = Inner {
            bucket: config.scaled_rate_limit().map(Bucket::new),
            operating: Operating::new(operating, 60.0 * k),
            cost: config.cost.scaled(k),
            stats: Stats::default(),
            oauth: OAuth::new(config.oauth.clone(), config.faults.seed),
            keys: Keys::default(),
            faults: FaultState::new(config.faults.clone()),
            data,
            config,
        };
        Portal {
            index,
            base_url,
            inner: Mutex::new(inner),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Issues OAuth tokens for `user_id`.
    pub fn issue_tokens(&self, user_id: u64) -> Tokens {
        self.lock().oauth.issue(user_id)
    }

    /// Makes every access token issued so far expired.
    pub fn expire_access_tokens(&self) {
        self.lock().oauth.expire_access_tokens();
    }

    /// Replaces the fault configuration (draws restart from its seed).
    pub fn set_faults(&self, faults: Faults) {
        self.lock().faults.reconfigure(faults);
    }

    /// A copy of the current data.
    pub fn data(&self) -> Data {
        self.lock().data.clone()
    }

    /// Counts of answers so far.
    pub fn stats(&self) -> Stats {
        self.lock().stats
    }

    /// The `application_token` events carry.
    pub fn application_token(&self) -> String {
        self.lock().config.oauth.application_token.clone()
    }

    /// Answers one HTTP request.
    pub fn answer(&self, req: &Incoming) -> Outgoing {
        let start = clock::now();
        match route::parse(&req.path) {
            Route::NotFound => Outgoing::json(
                404,
                &json!({"error": "NOT_FOUND", "error_description": "No such endpoint: REST calls go to /rest/…, tokens to /oauth/token/"}),
            ),
            Route::Token => {
                let mut p = form::decode(&req.query);
                p.extend(form::decode(&String::from_utf8_lossy(&req.body)));
                let mut inner = self.lock();
                inner.stats.token_requests += 1;
                match inner.oauth.token_endpoint(&p, &self.base_url) {
                    Ok(body) => Outgoing::json(200, &body),
                    Err((status, body)) => Outgoing::json(status, &body),
                }
            }
            Route::Api {
                version,
                webhook,
                method,
            } => {
                let out = self.api(req, version, webhook, &method, start);
                let mut inner = self.lock();
                let stats = &mut inner.stats;
                stats.requests += 1;
                let has_code = |code: &[u8]| out.body.windows(code.len()).any(|w| w == code);
                match out.status {
                    503 if has_code(b"QUERY_LIMIT_EXCEEDED") => stats.bucket_refusals += 1,
                    429 => stats.operating_refusals += 1,
                    401 if has_code(b"expired_token") => stats.expired_tokens += 1,
                    _ => {}
                }
                out
            }
        }
    }

    fn api(
        &self,
        req: &Incoming,
        version: Version,
        webhook: Option<(String, String)>,
        method: &str,
        start: f64,
    ) -> Outgoing {
        let mut inner = self.lock();
        let fail = |inner: &mut Inner, f: Fail| {
            let time = inner.operating.time_block(method, start, clock::now());
            Outgoing::json(f.status, &reply::error_body(&f, version, time))
        };
        let fault = inner.faults.draw(method);
        match fault {
            Some(Fault::InternalError) => {
                return fail(
                    &mut inner,
                    Fail::new(500, "INTERNAL_SERVER_ERROR", "Internal server error"),
                )
            }
            Some(Fault::Burst503) => {
                return fail(
                    &mut inner,
                    Fail::new(503, "QUERY_LIMIT_EXCEEDED", "Too many requests"),
                )
            }
            Some(Fault::DropBefore) => {
                let mut out = Outgoing::json(500, &Value::Null);
                out.transport = Transport::Drop;
                return out;
            }
            _ => {}
        }
        let parsed = match version {
            Version::V1 => params::v1(&req.query, &req.content_type, &req.body),
            Version::V3 => params::v3(&req.content_type, &req.body),
        };
        let mut params = match parsed {
            Ok(p) => p,
            Err(e) => return fail(&mut inner, e.fail(version)),
        };
        let caller = match authenticate(
            &inner.config.webhooks,
            &inner.oauth,
            &inner.data,
            webhook,
            &mut params,
            &req.query,
        ) {
            Ok(c) => c,
            Err(f) => return fail(&mut inner, f),
        };
        if inner.bucket.as_mut().is_some_and(|b| !b.admit()) {
            return fail(
                &mut inner,
                Fail::new(503, "QUERY_LIMIT_EXCEEDED", "Too many requests"),
            );
        }
        // Only REST 3.0 calls with a key pay for the request's fingerprint.
        let idempotency = req
            .idempotency_key
            .as_deref()
            .filter(|_| version == Version::V3)
            .map(|key| (key, fingerprint(method, &params)));
        if let Some((key, fingerprint)) = &idempotency {
            match inner.keys.check(&caller.identity, key, fingerprint) {
                Err(f) => return fail(&mut inner, f),
                Ok(Decision::Replay(stored)) => {
                    let mut out = Outgoing::json(stored.status, &Value::Null);
                    out.body = stored.body;
                    out.replayed = true;
                    return out;
                }
                Ok(Decision::Run) => {}
            }
        }

        let request_secs = inner.cost.request_secs;
        let outcome = if version == Version::V1 && method.eq_ignore_ascii_case("batch") {
            inner.batch(&self.index, &caller, &params, start)
        } else {
            inner.call(
                &self.index,
                &caller,
                version,
                method,
                params,
                start,
                request_secs,
            )
        };
        let mut out = match &outcome.answer {
            Ok(done) => Outgoing::json(200, &reply::success_body(done, outcome.time)),
            Err(f) => Outgoing::json(f.status, &reply::error_body(f, version, outcome.time)),
        };
        if let Some((key, fingerprint)) = &idempotency {
            let stored = Stored {
                status: out.status,
                body: out.body.clone(),
            };
            inner.keys.store(&caller.identity, key, fingerprint, stored);
        }
        if outcome.changed {
            if let Some(path) = inner.config.state_file.clone() {
                if let Err(e) = inner.data.save(&path) {
                    eprintln!("bitrix24-emulator: {e}");
                }
            }
        }
        let Inner {
            data,
            oauth,
            config,
            ..
        } = &mut *inner;
        out.deliveries = posts(
            &outcome.fired,
            &data.handlers,
            oauth,
            &config.oauth.application_token,
            &self.base_url,
        );
        // The answer leaves when the cost model says the commands are done.
        let done_at = start + request_secs + outcome.cost;
        out.delay = Duration::try_from_secs_f64(done_at - clock::now()).unwrap_or_default();
        out.transport = match fault {
            Some(Fault::DropAfter) => Transport::Drop,
            Some(Fault::Slow(d)) => Transport::Slow(d),
            Some(Fault::Truncated) => Transport::Truncate,
            _ => Transport::Normal,
        };
        out
    }
}

impl Inner {
    /// One method call: lookup, scope, operating time, validation, then state or shape. It
    /// starts at `start` and, by the cost model, ends `overhead` plus its own cost later.
    #[allow(clippy::too_many_arguments)]
    fn call(
        &mut self,
        index: &SpecIndex,
        caller: &Caller,
        version: Version,
        name: &str,
        params: Map<String, Value>,
        start: f64,
        overhead: f64,
    ) -> Outcome {
        self.stats.commands += 1;
        let mut outcome = Outcome {
            answer: Err(Fail::new(
                404,
                "ERROR_METHOD_NOT_FOUND",
                "Method not found!",
            )),
            time: Value::Null,
            fired: Vec::new(),
            changed: false,
            cost: 0.0,
        };
        let now = clock::now();
        if let Some(method) = index.method(name, version) {
            outcome.answer = if !caller.allows(&method.scope) {
                Err(Fail::new(
                    403,
                    "insufficient_scope",
                    "The request requires higher privileges than provided by the webhook token",
                ))
            } else if self.operating.exhausted(&method.name, now) {
                self.stats.operating_refused_commands += 1;
                Err(Fail::new(
                    429,
                    "OPERATION_TIME_LIMIT",
                    "Method is blocked due to operation time limit.",
                ))
            } else if let Some(f) =
                validate::failure(method, &validate::check(index, method, &params))
            {
                Err(f)
            } else {
                let mut call = Call {
                    index,
                    method,
                    params: &params,
                    user: caller.user.clone(),
                    fired: Vec::new(),
                    changed: false,
                    counted: 0,
                };
                let answer = methods::handle(&mut self.data, &mut call)
                    .unwrap_or_else(|| Ok(shape::answer(index, method)));
                outcome.cost = self.cost.command(call.counted);
                self.operating.charge(&method.name, now, outcome.cost);
                outcome.fired = call.fired;
                outcome.changed = call.changed;
                answer
            };
        }
        let finish = clock::now().max(start + overhead + outcome.cost);
        outcome.time = self.operating.time_block(name, start, finish);
        outcome
    }

    fn batch(
        &mut self,
        index: &SpecIndex,
        caller: &Caller,
        params: &Map<String, Value>,
        start: f64,
    ) -> Outcome {
        let mut fired = Vec::new();
        let mut changed = false;
        // Commands run one after another: each starts when the one before it is done.
        let request_secs = self.cost.request_secs;
        let mut cost = 0.0;
        let answer = batch::run(params, |method, args| {
            let at = clock::now().max(start + request_secs + cost);
            let one = self.call(index, caller, Version::V1, method, args, at, 0.0);
            cost += one.cost;
            fired.extend(one.fired);
            changed |= one.changed;
            one.answer.map(|done| (done, one.time))
        });
        let finish = clock::now().max(start + request_secs + cost);
        Outcome {
            answer,
            time: self.operating.time_block("batch", start, finish),
            fired,
            changed,
            cost,
        }
    }
}
