//! Offset traversal of a v1 list in the order the request asks for: the first page gives
//! `total`, then the other pages (`start = 50, 100, …`) go 50 per batch, batches concurrently,
//! and pages come out in order. The portal counts the table once, for the first page.
//!
//! Rows added or removed while the traversal runs shift the offsets; when the list has ids,
//! a row seen twice is handed out once.

use crate::client::Plan;
use std::collections::{BTreeMap, HashSet, VecDeque};

use serde_json::{json, Map, Value};
use tokio::task::JoinSet;

use super::{rows, Planned, RawPage, PAGE_SIZE};
use crate::batch::{self, wire::Command, wire::Outcome};
use crate::common_error::CommonError;
use crate::error::Error;
use crate::method::ApiVersion;
use crate::response::{self, decode, Response};

/// A finished batch: its place in the order, and the answer.
type Finished = (usize, Result<(u16, Vec<Outcome>), Error<CommonError>>);

/// The offset traversal of one list.
pub(crate) struct Offset {
    request: Planned,
    /// `start` of the next page not yet asked for; `None` before the first page.
    next_start: Option<u64>,
    total: u64,
    /// Batches started, in order.
    launched: usize,
    /// The next batch to hand out.
    expected: usize,
    tasks: JoinSet<Finished>,
    /// Finished batches waiting for an earlier one.
    waiting: BTreeMap<usize, Vec<RawPage>>,
    ready: VecDeque<RawPage>,
    seen: HashSet<i64>,
    failed: bool,
}

impl std::fmt::Debug for Offset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Offset")
            .field("method", &self.request.method)
            .field("total", &self.total)
            .finish_non_exhaustive()
    }
}

impl Offset {
    pub(crate) fn new(request: Planned) -> Offset {
        Offset {
            request,
            next_start: None,
            total: 0,
            launched: 0,
            expected: 0,
            tasks: JoinSet::new(),
            waiting: BTreeMap::new(),
            ready: VecDeque::new(),
            seen: HashSet::new(),
            failed: false,
        }
    }

    fn params(&self, start: u64) -> Value {
        let mut params: Map<String, Value> = self.request.params.clone();
        params.insert(self.request.start_key().to_owned(), json!(start));
        Value::Object(params)
    }

    /// The next page, in the requested order.
    pub(crate) async fn next(&mut self) -> Option<Result<RawPage, Error<CommonError>>> {
        if self.failed {
            return None;
        }
        if self.next_start.is_none() {
            return Some(self.first().await.inspect_err(|_| self.failed = true));
        }
        loop {
            self.fill();
            if let Some(page) = self.ready.pop_front() {
                return Some(Ok(page));
            }
            let (index, result) = match self.tasks.join_next().await? {
                Ok(finished) => finished,
                Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                Err(_) => return None,
            };
            match result.and_then(|(status, outcomes)| self.pages(status, outcomes)) {
                Ok(pages) => {
                    self.waiting.insert(index, pages);
                    while let Some(pages) = self.waiting.remove(&self.expected) {
                        self.expected += 1;
                        self.ready.extend(pages);
                    }
                }
                Err(e) => {
                    self.failed = true;
                    self.tasks.abort_all();
                    return Some(Err(e));
                }
            }
        }
    }

    /// The first page, which counts the list.
    async fn first(&mut self) -> Result<RawPage, Error<CommonError>> {
        let r = &self.request;
        let inner = r.client.inner();
        let plan = Plan::read(inner.retry);
        let answer = inner
            .exchange(r.version, &r.method, &self.params(0), &plan)
            .await?;
        let page: Response<Box<serde_json::value::RawValue>> =
            decode(answer.status, &answer.body, None)?;
        let rows = rows::of(&page.result, r.items).map_err(|reason| Error::Decode {
            status: answer.status,
            body: page.result.get().to_owned(),
            reason,
        })?;
        // A list that gives `next` but no `total` goes on until a short page.
        self.total = match (page.total, page.next) {
            (Some(total), _) => total,
            (None, Some(_)) => u64::MAX,
            (None, None) => rows.len() as u64,
        };
        self.next_start = Some(match page.next {
            Some(next) => next,
            None => self.total.max(rows.len() as u64),
        });
        Ok(RawPage {
            rows: self.unseen(rows),
            total: page.total,
        })
    }

    /// Starts batches of the pages left while there is room.
    fn fill(&mut self) {
        let options = self.request.options;
        while self.tasks.len() < options.in_flight
            && self.ready.len() < options.in_flight * options.pages_per_batch
        {
            let Some(start) = self.next_start.filter(|s| *s < self.total) else {
                break;
            };
            let starts: Vec<u64> = (0..options.pages_per_batch as u64)
                .map(|i| start + i * PAGE_SIZE as u64)
                .take_while(|s| *s < self.total)
                .collect();
            self.next_start = Some(start + (starts.len() * PAGE_SIZE) as u64);
            let commands = starts
                .iter()
                .map(|s| Command {
                    method: self.request.method.clone(),
                    params: self.params(*s),
                })
                .collect();
            let index = self.launched;
            self.launched += 1;
            let client = self.request.client.clone();
            self.tasks.spawn(async move {
                (
                    index,
                    batch::run(&client, ApiVersion::V1, commands, false, false).await,
                )
            });
        }
    }

    fn pages(
        &mut self,
        status: u16,
        outcomes: Vec<Outcome>,
    ) -> Result<Vec<RawPage>, Error<CommonError>> {
        let mut out = Vec::new();
        for outcome in outcomes {
            match outcome {
                Outcome::Done { result, total, .. } => {
                    let rows =
                        rows::of(&result, self.request.items).map_err(|reason| Error::Decode {
                            status,
                            body: result.get().to_owned(),
                            reason,
                        })?;
                    if rows.len() < PAGE_SIZE && self.total == u64::MAX {
                        // The end of a list that gave no `total`: no batch starts past it.
                        self.total = self.next_start.unwrap_or(0);
                    }
                    let rows = self.unseen(rows);
                    if !rows.is_empty() {
                        out.push(RawPage { rows, total });
                    }
                }
                Outcome::Failed { error, description } => {
                    return Err(Error::Api(response::api_error(status, error, description)));
                }
                // With `halt` off every command runs: an answer without one is incomplete.
                Outcome::NotRun => return Err(Error::NotRun),
                Outcome::Unknown { method, cause } => {
                    return Err(Error::OutcomeUnknown {
                        method,
                        idempotency_key: None,
                        cause,
                    })
                }
            }
        }
        Ok(out)
    }

    /// The rows not handed out before (by id, when the list has ids).
    fn unseen(
        &mut self,
        rows: Vec<Box<serde_json::value::RawValue>>,
    ) -> Vec<Box<serde_json::value::RawValue>> {
        let Some(id) = self.request.paging.id_field else {
            return rows;
        };
        rows.into_iter()
            .filter(|row| rows::id(row, id).is_none_or(|i| self.seen.insert(i)))
            .collect()
    }
}
