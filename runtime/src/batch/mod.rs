//! Typed batches: many calls in one request, each with its own typed answer or typed error.
//!
//! ```no_run
//! # use bitrix_runtime::{Client, Method};
//! # async fn run<M: Method>(client: Client, get: impl Fn(i64) -> M) -> Result<(), Box<dyn std::error::Error>> {
//! let mut batch = client.batch();
//! let first = batch.push(&get(1))?;
//! let second = batch.push(&get(2))?;
//! let answers = batch.send().await?;
//! println!("{:?}", answers.get(first)?.result);
//! match answers.get(second) {
//!     Ok(answer) => println!("{:?}", answer.result),
//!     Err(e) => println!("the second call failed: {e}"),
//! }
//! # Ok(()) }
//! ```
//!
//! The portal takes at most 50 commands per batch: more are split into batches of 50 that run
//! concurrently under the client's limits (a batch counts once against the portal's bucket).
//! A batch holds methods of one REST generation (v1 `batch` or REST 3.0 `batch`).

mod again;
mod query;
mod reference;
pub(crate) mod wire;

use std::marker::PhantomData;
use std::time::Instant;

use serde_json::value::RawValue;

use crate::client::{Client, Plan};
use crate::codes::ErrorCode;
use crate::common_error::CommonError;
use crate::error::{Error, FieldError, ValidationErrors};
use crate::method::{ApiVersion, Method};
use crate::response::{self, decode, Response, ResultShape, Time};
pub use reference::{Bind, Placeholder, Ref};
use wire::{Command, Outcome};

/// Commands the portal runs in one batch.
pub const MAX_BATCH_COMMANDS: usize = 50;

/// Calls collected to be sent together. Made by [`Client::batch`].
#[derive(Debug)]
pub struct Batch<'c> {
    client: &'c Client,
    version: Option<ApiVersion>,
    halt: bool,
    commands: Vec<Queued>,
}

#[derive(Debug)]
struct Queued {
    command: Command,
    /// Commands this one refers to (by index).
    refers_to: Vec<usize>,
    /// Where its result sits in its answer.
    shape: ResultShape,
    /// Whether the call changes data: a batch request that holds one is a write.
    mutates: bool,
}

/// A call's place in its batch, typed by the method: [`BatchAnswers::get`] decodes its answer.
#[derive(Debug)]
pub struct Handle<M> {
    index: usize,
    method: PhantomData<fn() -> M>,
}

impl<M> Clone for Handle<M> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M> Copy for Handle<M> {}

impl<M: Method> Handle<M> {
    /// The call's whole result, to fill a parameter of a later call of the same batch.
    pub fn result(self) -> Ref<M::Output> {
        Ref::new(self.index, Vec::new())
    }

    /// A value inside the call's result, by keys and list positions (`["0", "ID"]` is the
    /// first row's `ID`), typed by the caller: `T` is what the value is.
    pub fn at<T>(self, path: &[&str]) -> Ref<T> {
        Ref::new(self.index, path.iter().map(|s| (*s).to_owned()).collect())
    }
}

impl Client {
    /// An empty batch.
    pub fn batch(&self) -> Batch<'_> {
        Batch {
            client: self,
            version: None,
            halt: false,
            commands: Vec::new(),
        }
    }
}

impl<'c> Batch<'c> {
    /// Whether the portal stops at the first failed command (`halt`); the commands after it
    /// are then answered [`Error::NotRun`]. Off by default. It holds within each group of 50.
    pub fn halt(mut self, halt: bool) -> Self {
        self.halt = halt;
        self
    }

    /// Number of calls in the batch.
    pub fn len(&self) -> usize {
        self.commands.len()
    }

    /// Whether the batch is empty.
    pub fn is_empty(&self) -> bool {
        self.commands.is_empty()
    }

    /// Adds a call. It is validated now, as [`Client::call`] would.
    ///
    /// # Errors
    /// [`Error::Validation`] for an invalid call, or a method of the other REST generation
    /// than the batch's first; [`Error::Encode`] when it cannot be serialized.
    pub fn push<M: Method>(&mut self, method: &M) -> Result<Handle<M>, Error<M::Error>> {
        self.push_bound(method, Vec::new())
    }

    /// Adds a call whose parameters are filled, where `bind` says, by the results of earlier
    /// calls of this batch (see [`Bind`]).
    ///
    /// # Errors
    /// As [`Batch::push`], and [`Error::Validation`] for a reference to a call not in this
    /// batch.
    pub fn push_with<M: Method>(
        &mut self,
        method: M,
        bind: impl FnOnce(Bind<M>) -> Bind<M>,
    ) -> Result<Handle<M>, Error<M::Error>> {
        let bound = bind(Bind::new(method));
        let (method, refs) = bound.into_parts();
        self.push_bound(&method, refs)
    }

    fn push_bound<M: Method>(
        &mut self,
        method: &M,
        refs: Vec<reference::Placed>,
    ) -> Result<Handle<M>, Error<M::Error>> {
        let version = *self.version.get_or_insert(M::VERSION);
        if version != M::VERSION {
            return Err(invalid(format!(
                "`{}` is REST {}; this batch holds REST {version} methods",
                M::NAME,
                M::VERSION
            )));
        }
        let mut params = serde_json::to_value(method).map_err(Error::Encode)?;
        let problems: Vec<FieldError> = method
            .validate()
            .err()
            .map(|v| v.into_iter().collect())
            .unwrap_or_default();
        // A bound parameter holds a stand-in until the portal fills it: its own problems
        // are not problems.
        let paths = reference::place(&mut params, &refs, version).map_err(invalid)?;
        let problems: Vec<FieldError> = problems
            .into_iter()
            .filter(|p| !paths.contains(&p.field))
            .collect();
        if !problems.is_empty() {
            return Err(Error::Validation(ValidationErrors::new(problems)));
        }
        let index = self.commands.len();
        let refers_to: Vec<usize> = refs.iter().map(reference::Placed::command).collect();
        if let Some(later) = refers_to.iter().find(|r| **r >= index) {
            return Err(invalid(format!(
                "a reference to call {later}, which is not an earlier call of this batch"
            )));
        }
        self.commands.push(Queued {
            command: Command {
                method: M::NAME.to_owned(),
                params,
            },
            refers_to,
            shape: ResultShape::of::<M>(),
            mutates: M::MUTATES,
        });
        Ok(Handle {
            index,
            method: PhantomData,
        })
    }

    /// Sends the batch: groups of [`MAX_BATCH_COMMANDS`] calls, concurrently.
    ///
    /// # Errors
    /// [`Error::Validation`] when a reference would cross from one group of 50 to another
    /// (nothing is sent); the errors of [`Client::call`] for a group's request as a whole.
    /// Each call's own failure is in its answer ([`BatchAnswers::get`]).
    pub async fn send(self) -> Result<BatchAnswers, Error<CommonError>> {
        for (i, q) in self.commands.iter().enumerate() {
            if let Some(r) = q
                .refers_to
                .iter()
                .find(|r| **r / MAX_BATCH_COMMANDS != i / MAX_BATCH_COMMANDS)
            {
                return Err(invalid(format!(
                    "call {i} refers to call {r}, which goes in another batch request (at most {MAX_BATCH_COMMANDS} calls each)"
                )));
            }
        }
        let version = self.version.unwrap_or(ApiVersion::V1);
        let groups = self
            .commands
            .chunks(MAX_BATCH_COMMANDS)
            .map(|group| async move {
                let commands: Vec<Command> = group.iter().map(|q| q.command.clone()).collect();
                let mutates = group.iter().any(|q| q.mutates);
                let (status, mut outcomes) =
                    run(self.client, version, commands, self.halt, mutates).await?;
                again::retry_failed(self.client, version, group, self.halt, &mut outcomes).await;
                Ok::<_, Error<CommonError>>((status, outcomes))
            });
        let mut outcomes = Vec::with_capacity(self.commands.len());
        let mut status = 200;
        for group in futures_util::future::join_all(groups).await {
            let (s, group) = group?;
            status = s;
            outcomes.extend(group);
        }
        let shapes = self.commands.iter().map(|q| q.shape).collect();
        Ok(BatchAnswers {
            status,
            outcomes,
            shapes,
        })
    }
}

/// Sends one group of commands (at most [`MAX_BATCH_COMMANDS`]) and records each command's
/// operating time. A group that `mutates` data is a write as a whole: when its answer is
/// lost it is not sent again ([`Error::OutcomeUnknown`]); a group of reads is.
pub(crate) async fn run(
    client: &Client,
    version: ApiVersion,
    commands: Vec<Command>,
    halt: bool,
    mutates: bool,
) -> Result<(u16, Vec<Outcome>), Error<CommonError>> {
    let body = match version {
        ApiVersion::V1 => wire::v1_body(&commands, halt),
        ApiVersion::V3 => wire::v3_body(&commands),
    };
    let inner = client.inner();
    // A REST 3.0 batch of writes gets no key of its own: the portal's idempotency store is
    // per method call, not documented for `batch`; it is a write like a v1 one.
    let plan = Plan {
        mutates,
        idempotency_key: None,
        retry: inner.retry,
    };
    let answer = inner.exchange(version, "batch", &body, &plan).await?;
    let result: Response<Box<RawValue>> = decode(answer.status, &answer.body, None)?;
    let outcomes = match version {
        ApiVersion::V1 => wire::v1_outcomes(&result.result, commands.len()),
        ApiVersion::V3 => wire::v3_outcomes(&result.result, commands.len()),
    }
    .map_err(|reason| Error::Decode {
        status: answer.status,
        body: String::from_utf8_lossy(&answer.body).into_owned(),
        reason: format!("batch answer: {reason}"),
    })?;
    let now = Instant::now();
    for (command, outcome) in commands.iter().zip(&outcomes) {
        if let Outcome::Done {
            time: Some(time), ..
        } = outcome
        {
            inner.operating.observed(&command.method, time, now);
        }
    }
    Ok((answer.status, outcomes))
}

/// The answers of a sent [`Batch`], one per call.
#[derive(Debug)]
pub struct BatchAnswers {
    status: u16,
    outcomes: Vec<Outcome>,
    /// Where each call's result sits in its answer.
    shapes: Vec<ResultShape>,
}

impl BatchAnswers {
    /// The typed answer of a call: its result with `total`/`next` (v1 lists) and `time`, or
    /// its typed error.
    ///
    /// # Errors
    /// [`Error::Api`] with the method's typed code when the call failed (its `status` is the
    /// batch request's); [`Error::NotRun`] when it did not run; [`Error::Decode`] when its
    /// result does not fit.
    pub fn get<M: Method>(
        &self,
        handle: Handle<M>,
    ) -> Result<Response<M::Output>, Error<M::Error>> {
        match self.outcomes.get(handle.index) {
            Some(Outcome::Done {
                result,
                total,
                next,
                time,
            }) => Ok(Response {
                result: response::from_result(
                    self.status,
                    result,
                    self.shapes.get(handle.index).copied().unwrap_or_default(),
                )?,
                total: *total,
                next: *next,
                time: time.clone(),
                replayed: false,
            }),
            Some(Outcome::Failed { error, description }) => Err(Error::Api(response::api_error(
                self.status,
                error.clone(),
                description.clone(),
            ))),
            Some(Outcome::NotRun) | None => Err(Error::NotRun),
            Some(Outcome::Unknown { method, cause }) => Err(Error::OutcomeUnknown {
                method: method.clone(),
                idempotency_key: None,
                cause: cause.clone(),
            }),
        }
    }

    /// The `time` block of a call that ran.
    pub fn time<M>(&self, handle: Handle<M>) -> Option<&Time> {
        match self.outcomes.get(handle.index)? {
            Outcome::Done { time, .. } => time.as_ref(),
            _ => None,
        }
    }

    /// Number of answers (one per call).
    pub fn len(&self) -> usize {
        self.outcomes.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.outcomes.is_empty()
    }
}

fn invalid<C: ErrorCode>(message: String) -> Error<C> {
    Error::Validation(ValidationErrors::new(vec![FieldError {
        field: "batch".to_owned(),
        message,
    }]))
}
