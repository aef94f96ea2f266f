//! Offline events: what a portal queues for an application that has no public handler
//! (`event.bind` with `event_type=offline`), polled with `event.offline.get` as a stream.
//!
//! Each poll asks with `clear=0`, so the portal reserves the records it returns under a
//! `process_id` instead of deleting them (and other pollers do not get them). Nothing is
//! removed until the consumer says so: [`OfflineAck::done`] queues the record's id for
//! `event.offline.clear`, [`OfflineAck::failed`] its `MESSAGE_ID` for `event.offline.error`,
//! each with the `process_id` that reserved it; both are sent before the next poll. A record
//! whose ack is dropped undecided stays in the queue: the next poll names its `process_id`,
//! which asks the portal for that process's unprocessed records again.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures_core::Stream;
use serde_json::{json, Map, Value};

use super::{EventPayloadError, EventPost};
use crate::client::Client;
use crate::common_error::CommonError;
use crate::error::Error;
use crate::method::ApiVersion;
use crate::wire::Lenient;

/// A type an event post can be read into: `bitrix24::Event`, or [`EventPost`] itself.
pub trait FromEventPost: Sized {
    /// Types the post.
    ///
    /// # Errors
    /// When a known event's payload does not fit its documented type (the post is kept).
    fn from_event_post(post: EventPost) -> Result<Self, EventPayloadError>;
}

impl FromEventPost for EventPost {
    fn from_event_post(post: EventPost) -> Result<Self, EventPayloadError> {
        Ok(post)
    }
}

/// The offline events of a portal as a stream; from [`Client::offline_events`].
#[derive(Debug, Clone)]
#[must_use = "a poller does nothing until it is streamed"]
pub struct OfflineEvents {
    client: Client,
    limit: u32,
    auth_connector: Option<String>,
    poll_every: Duration,
    until_empty: bool,
}

/// One queued event, with the handle that decides what happens to its record.
#[derive(Debug)]
#[non_exhaustive]
pub struct OfflineEvent<E> {
    /// The event, typed; a payload that does not fit keeps its post in the error.
    pub event: Result<E, EventPayloadError>,
    /// `ID` of the queue record.
    pub id: i64,
    /// `MESSAGE_ID` of the record.
    pub message_id: Option<String>,
    /// `TIMESTAMP_X`: when the record last changed.
    pub timestamp: Option<String>,
    /// `EVENT_ADDITIONAL`, as it came.
    pub additional: Value,
    /// Clears the record, or marks it failed.
    pub ack: OfflineAck,
}

/// What to do with one record; dropping it undecided leaves the record queued.
#[derive(Debug)]
pub struct OfflineAck {
    shared: Arc<Mutex<Acks>>,
    process_id: Arc<str>,
    id: i64,
    message_id: Option<String>,
    decided: bool,
}

impl OfflineAck {
    /// The event was processed: `event.offline.clear` removes its record.
    pub fn done(mut self) {
        self.decided = true;
        lock(&self.shared)
            .done
            .push((Arc::clone(&self.process_id), self.id));
    }

    /// The event could not be processed: `event.offline.error` marks its record (by
    /// `MESSAGE_ID`; a record without one stays queued as if dropped).
    pub fn failed(mut self) {
        self.decided = true;
        let process = Arc::clone(&self.process_id);
        let mut acks = lock(&self.shared);
        match self.message_id.take() {
            Some(m) => acks.failed.push((process, m)),
            None => acks.released.push((process, self.id)),
        }
    }
}

impl Drop for OfflineAck {
    fn drop(&mut self) {
        if !self.decided {
            let process = Arc::clone(&self.process_id);
            lock(&self.shared).released.push((process, self.id));
        }
    }
}

/// Decisions not yet sent, each with the process that reserved its record.
#[derive(Debug, Default)]
struct Acks {
    done: Vec<(Arc<str>, i64)>,
    failed: Vec<(Arc<str>, String)>,
    released: Vec<(Arc<str>, i64)>,
}

fn lock(m: &Mutex<Acks>) -> std::sync::MutexGuard<'_, Acks> {
    // The lists stay consistent if a holder panicked: each push is one step.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Client {
    /// The portal's offline events for this application, polled with `event.offline.get`:
    /// see [`OfflineEvents`]. Needs an application's OAuth credentials.
    pub fn offline_events(&self) -> OfflineEvents {
        OfflineEvents {
            client: self.clone(),
            limit: 50,
            auth_connector: None,
            poll_every: Duration::from_secs(5),
            until_empty: false,
        }
    }
}

impl OfflineEvents {
    /// Records asked for per poll (1–50; default 50).
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = limit.clamp(1, 50);
        self
    }

    /// Only the records of handlers bound with this `auth_connector`.
    pub fn auth_connector(mut self, key: impl Into<String>) -> Self {
        self.auth_connector = Some(key.into());
        self
    }

    /// How long to wait after a poll that brought nothing new (default 5 s).
    pub fn poll_every(mut self, interval: Duration) -> Self {
        self.poll_every = interval;
        self
    }

    /// End the stream at the first poll that brings nothing new, instead of waiting.
    pub fn until_empty(mut self) -> Self {
        self.until_empty = true;
        self
    }

    /// The events, typed as `E` (`bitrix24::Event`, or [`EventPost`]). A failed call comes
    /// out as an error item; the next poll tries again.
    pub fn stream<E: FromEventPost + Send + 'static>(
        self,
    ) -> impl Stream<Item = Result<OfflineEvent<E>, Error<CommonError>>> + Send + 'static {
        let state = Poller {
            config: self,
            shared: Arc::default(),
            retry: BTreeSet::new(),
            outstanding: BTreeSet::new(),
            buffer: VecDeque::new(),
            ended: false,
        };
        futures_util::stream::unfold(state, |mut state| async move {
            state.next().await.map(|item| (item, state))
        })
    }
}

struct Poller<E> {
    config: OfflineEvents,
    shared: Arc<Mutex<Acks>>,
    /// Processes holding records dropped undecided, to ask for again.
    retry: BTreeSet<Arc<str>>,
    /// Records handed out and not yet decided: a poll that brings them again skips them.
    outstanding: BTreeSet<i64>,
    buffer: VecDeque<OfflineEvent<E>>,
    ended: bool,
}

impl<E: FromEventPost> Poller<E> {
    async fn next(&mut self) -> Option<Result<OfflineEvent<E>, Error<CommonError>>> {
        loop {
            if let Some(event) = self.buffer.pop_front() {
                return Some(Ok(event));
            }
            if let Err(e) = self.flush().await {
                return Some(Err(e));
            }
            if self.ended {
                return None;
            }
            match self.poll().await {
                Err(e) => return Some(Err(e)),
                Ok(()) if !self.buffer.is_empty() => {}
                Ok(()) if self.config.until_empty => self.ended = true,
                Ok(()) => tokio::time::sleep(self.config.poll_every).await,
            }
        }
    }

    /// Sends the decisions made since the last poll, one call per process and kind; on
    /// failure the unsent ones are kept for the next poll.
    async fn flush(&mut self) -> Result<(), Error<CommonError>> {
        let (done, failed) = {
            let mut acks = lock(&self.shared);
            for (process, id) in acks.released.drain(..) {
                self.outstanding.remove(&id);
                if !process.is_empty() {
                    self.retry.insert(process);
                }
            }
            (
                std::mem::take(&mut acks.done),
                std::mem::take(&mut acks.failed),
            )
        };
        let mut done = by_process(done);
        let mut failed = by_process(failed);
        // Records read without a process id were never reserved: nothing to send for them.
        done.remove("");
        failed.remove("");
        while let Some((process, ids)) = done.pop_first() {
            let params = json!({"process_id": &*process, "id": ids});
            if let Err(e) = call(&self.config.client, "event.offline.clear", &params).await {
                self.keep(Some((process, ids)), done, failed);
                return Err(e);
            }
            for id in &ids {
                self.outstanding.remove(id);
            }
        }
        while let Some((process, messages)) = failed.pop_first() {
            let params = json!({"process_id": &*process, "message_id": messages});
            if let Err(e) = call(&self.config.client, "event.offline.error", &params).await {
                failed.insert(process, messages);
                self.keep(None, BTreeMap::new(), failed);
                return Err(e);
            }
        }
        Ok(())
    }

    /// Puts decisions that were not sent back, for the next flush.
    fn keep(
        &self,
        first: Option<(Arc<str>, Vec<i64>)>,
        done: BTreeMap<Arc<str>, Vec<i64>>,
        failed: BTreeMap<Arc<str>, Vec<String>>,
    ) {
        let mut acks = lock(&self.shared);
        for (process, ids) in first.into_iter().chain(done) {
            acks.done
                .extend(ids.into_iter().map(|id| (Arc::clone(&process), id)));
        }
        for (process, messages) in failed {
            acks.failed
                .extend(messages.into_iter().map(|m| (Arc::clone(&process), m)));
        }
    }

    async fn poll(&mut self) -> Result<(), Error<CommonError>> {
        let mut params = Map::new();
        params.insert("clear".into(), json!(0));
        params.insert("limit".into(), json!(self.config.limit));
        // Without a process id the portal reserves fresh records under a new one.
        if let Some(p) = self.retry.pop_first() {
            params.insert("process_id".into(), json!(&*p));
        }
        if let Some(c) = &self.config.auth_connector {
            params.insert("auth_connector".into(), json!(c));
        }
        let result = call(
            &self.config.client,
            "event.offline.get",
            &Value::Object(params),
        )
        .await?;
        let process: Arc<str> = match result.get("process_id") {
            Some(Value::String(p)) => Arc::from(p.as_str()),
            // Without one the records were not reserved; acks of them do nothing.
            _ => Arc::from(""),
        };
        let records = match result.get("events") {
            Some(Value::Array(records)) => records.clone(),
            _ => Vec::new(),
        };
        for record in records {
            let Some(event) = self.record(record, &process) else {
                continue;
            };
            self.buffer.push_back(event);
        }
        Ok(())
    }

    /// One queue record, unless it is already out (or has no id or name to act on).
    fn record(&mut self, record: Value, process: &Arc<str>) -> Option<OfflineEvent<E>> {
        let Value::Object(mut r) = record else {
            return None;
        };
        let id = Option::<i64>::from_json(r.remove("ID")?).ok()??;
        let name = r.remove("EVENT_NAME")?.as_str()?.to_owned();
        if !self.outstanding.insert(id) {
            return None;
        }
        let text = |v: Option<Value>| match v {
            Some(Value::String(s)) => Some(s),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let message_id = text(r.remove("MESSAGE_ID"));
        // `false` is PHP's "nothing" here.
        let data = match r.remove("EVENT_DATA") {
            None | Some(Value::Bool(false)) => Value::Null,
            Some(v) => v,
        };
        let post = EventPost {
            name,
            handler_id: None,
            ts: None,
            data,
            auth: None,
            extra: Map::new(),
        };
        Some(OfflineEvent {
            event: E::from_event_post(post),
            id,
            message_id: message_id.clone(),
            timestamp: text(r.remove("TIMESTAMP_X")),
            additional: r.remove("EVENT_ADDITIONAL").unwrap_or(Value::Null),
            ack: OfflineAck {
                shared: Arc::clone(&self.shared),
                process_id: Arc::clone(process),
                id,
                message_id,
                decided: false,
            },
        })
    }
}

/// One v1 call's result. A free function, so the stream's future holds a `&Client` (which is
/// `Sync`), not a `&Poller` (whose buffered events need not be).
fn by_process<T>(items: Vec<(Arc<str>, T)>) -> BTreeMap<Arc<str>, Vec<T>> {
    let mut out: BTreeMap<Arc<str>, Vec<T>> = BTreeMap::new();
    for (process, item) in items {
        out.entry(process).or_default().push(item);
    }
    out
}

async fn call(client: &Client, method: &str, params: &Value) -> Result<Value, Error<CommonError>> {
    let answer = client.call_raw(method, ApiVersion::V1, params).await?;
    Ok(answer.result)
}
