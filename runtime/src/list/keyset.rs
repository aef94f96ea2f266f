//! Keyset traversal of a v1 list: pages ordered by id, each filtered past the previous page's
//! last id, with `start=-1` so the portal never counts. A batch chains up to 50 pages by
//! referring to the previous page's last id (`$result[c03][49][ID]`); several chains walk
//! disjoint id ranges at once, and a range that lags is split for an idle chain.
//!
//! A page shorter than 50 rows ends its range: the pages chained after it in the same batch
//! referred to a row that does not exist, and are dropped. A page whose last id does not move
//! past the previous one also ends the range, so a traversal never loops.

use std::collections::VecDeque;

use serde_json::value::RawValue;
use serde_json::{json, Map, Value};
use tokio::task::JoinSet;

use super::{rows, Planned, RawPage, PAGE_SIZE};
use crate::batch::{self, wire::Command, wire::Outcome};
use crate::common_error::CommonError;
use crate::error::Error;
use crate::method::ApiVersion;
use crate::response;

/// One id range being walked.
#[derive(Debug)]
struct Chain {
    /// Rows above this id (exclusive) belong to the range…
    low: i64,
    /// …up to this one (inclusive).
    high: i64,
    /// The next page starts after (ascending) or before (descending) this id.
    cursor: i64,
    done: bool,
    /// Pages of the batch in flight, if one is.
    in_flight: Option<usize>,
    /// Rows per id seen so far (ids have gaps), to size the next batch.
    density: f64,
}

/// The pages of one range in a batch: `pages` commands in a row, each after the previous.
#[derive(Debug, Clone, Copy)]
struct Segment {
    chain: usize,
    pages: usize,
}

/// A finished batch: the ranges it walked, and the answer.
type Finished = (
    Vec<Segment>,
    Result<(u16, Vec<Outcome>), Error<CommonError>>,
);

/// The keyset traversal of one list.
pub(crate) struct Keyset {
    request: Planned,
    /// Parameters of every page but the id bounds.
    base: Map<String, Value>,
    /// The user's filter, to which the id bounds are added.
    filter: Map<String, Value>,
    filter_key: &'static str,
    id: &'static str,
    descending: bool,
    chains: Vec<Chain>,
    tasks: JoinSet<Finished>,
    ready: VecDeque<RawPage>,
    started: bool,
    failed: bool,
}

impl std::fmt::Debug for Keyset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyset")
            .field("method", &self.request.method)
            .field("chains", &self.chains)
            .finish_non_exhaustive()
    }
}

impl Keyset {
    /// A keyset traversal, when the list has an id and a filter and is ordered by id or not at
    /// all; else the request back, for another strategy.
    pub(crate) fn plan(request: Planned) -> Result<Keyset, Box<Planned>> {
        let paging = request.paging;
        let (Some(id), Some(filter_key)) = (paging.id_field, paging.filter) else {
            return Err(Box::new(request));
        };
        let mut base = request.params.clone();
        base.remove(request.start_key());
        let Some(order_key) = paging.order else {
            // Without an order parameter the portal's order is its own: keyset needs id order.
            return Err(Box::new(request));
        };
        let order = base.remove(order_key);
        let descending = match order.as_ref().and_then(Value::as_object) {
            None => false,
            Some(o) if o.is_empty() => false,
            Some(o) if o.len() == 1 => match o.get(id).and_then(Value::as_str) {
                Some(dir) => dir.eq_ignore_ascii_case("desc"),
                None => return Err(Box::new(request)),
            },
            Some(_) => return Err(Box::new(request)),
        };
        let filter = match base.remove(filter_key) {
            Some(Value::Object(f)) => f,
            None | Some(Value::Null) => Map::new(),
            // A filter of another shape cannot take the id bounds: the list goes by offsets,
            // with the filter as given.
            Some(_) => return Err(Box::new(request)),
        };
        Ok(Keyset {
            request,
            base,
            filter,
            filter_key,
            id,
            descending,
            chains: Vec::new(),
            tasks: JoinSet::new(),
            ready: VecDeque::new(),
            started: false,
            failed: false,
        })
    }

    /// The next page, in id order within each range.
    pub(crate) async fn next(&mut self) -> Option<Result<RawPage, Error<CommonError>>> {
        if self.failed {
            return None;
        }
        if !self.started {
            self.started = true;
            if let Err(e) = self.probe().await {
                self.failed = true;
                return Some(Err(e));
            }
        }
        loop {
            self.fill();
            if let Some(page) = self.ready.pop_front() {
                return Some(Ok(page));
            }
            let (segments, result) = match self.tasks.join_next().await? {
                Ok(finished) => finished,
                Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                Err(_) => return None,
            };
            if let Err(e) =
                result.and_then(|(status, outcomes)| self.take(segments, status, outcomes))
            {
                self.failed = true;
                self.tasks.abort_all();
                return Some(Err(e));
            }
        }
    }

    /// The parameters of a page between the bounds, `after` being the id the page starts
    /// past (a number, or a reference to the previous page's last id).
    fn page(&self, after: Value, chain: &Chain) -> Value {
        let mut filter = self.filter.clone();
        let id = self.id;
        if self.descending {
            filter.insert(format!("<{id}"), after);
            filter.insert(format!(">{id}"), json!(chain.low));
        } else {
            filter.insert(format!(">{id}"), after);
            filter.insert(format!("<={id}"), json!(chain.high));
        }
        let mut params = self.base.clone();
        params.insert(self.filter_key.to_owned(), Value::Object(filter));
        if let Some(order) = self.request.paging.order {
            let dir = if self.descending { "DESC" } else { "ASC" };
            params.insert(order.to_owned(), json!({ id: dir }));
        }
        params.insert(self.request.start_key().to_owned(), json!(-1));
        Value::Object(params)
    }

    /// The first batch: the first page in the traversal's order, one page in the other order
    /// (for the far end's id), and the pages after the first chained to it, so the probe
    /// costs no request of its own. Then the ids left are split into ranges.
    async fn probe(&mut self) -> Result<(), Error<CommonError>> {
        let (near, far) = if self.descending {
            ("DESC", "ASC")
        } else {
            ("ASC", "DESC")
        };
        let mut commands = vec![self.unbounded(near, None), self.unbounded(far, None)];
        // The two ends always go, even with `pages_per_batch(1)`.
        let capacity = self.request.options.pages_per_batch.max(2);
        let mut previous = 0;
        while commands.len() < capacity {
            let after = json!(self.reference(previous));
            previous = commands.len();
            commands.push(self.unbounded(near, Some(after)));
        }
        let (status, outcomes) =
            batch::run(&self.request.client, ApiVersion::V1, commands, false, false).await?;
        let mut outcomes = outcomes.into_iter();
        let Some(first_page) = outcomes.next() else {
            return Ok(());
        };
        let first = self.rows(status, first_page.clone())?;
        let other_end = outcomes
            .next()
            .map_or(Ok(Vec::new()), |o| self.rows(status, o))?;
        let Some(first_row) = first.first() else {
            return Ok(()); // An empty list.
        };
        let id_of = |row: &RawValue| {
            rows::id(row, self.id).ok_or_else(|| Error::Decode {
                status,
                body: row.get().to_owned(),
                reason: format!("a row has no `{}`", self.id),
            })
        };
        let start = id_of(first_row)?;
        // Rows added between the two pages aside, the other end exists when the first does.
        let end = match other_end.first() {
            Some(row) => id_of(row)?,
            None => start,
        };
        // One range over every id for now; its first pages are this batch's.
        let (low, high) = if self.descending {
            (end.saturating_sub(1), start)
        } else {
            (start.saturating_sub(1), end)
        };
        self.chains.push(Chain::new(low, high, self.descending));
        let pages = std::iter::once(first_page).chain(outcomes).collect();
        self.take_pages(0, status, pages)?;
        if !self.chains[0].done {
            self.split_first(start);
        }
        Ok(())
    }

    /// A page of the list with the user's filter and, after the first, past the previous
    /// page's last id; no upper bound.
    fn unbounded(&self, dir: &str, after: Option<Value>) -> Command {
        let mut filter = self.filter.clone();
        if let Some(after) = after {
            let op = if self.descending { "<" } else { ">" };
            filter.insert(format!("{op}{}", self.id), after);
        }
        let mut params = self.base.clone();
        params.insert(self.filter_key.to_owned(), Value::Object(filter));
        if let Some(order) = self.request.paging.order {
            params.insert(order.to_owned(), json!({ self.id: dir }));
        }
        params.insert(self.request.start_key().to_owned(), json!(-1));
        Command {
            method: self.request.method.clone(),
            params: Value::Object(params),
        }
    }

    /// Splits what the first range has left into ranges of about equal rows, from the rows
    /// per id its first pages showed.
    fn split_first(&mut self, start: i64) {
        let c = &self.chains[0];
        let walked = (c.cursor - start).unsigned_abs() + 1;
        // Only this range has handed out pages yet.
        let seen: usize = self.ready.iter().map(|p| p.rows.len()).sum();
        let seen = seen as f64;
        let density = (seen / walked as f64).clamp(0.001, 1.0);
        let (lo, hi) = c.left_after_flight(self.descending);
        let per_batch = (PAGE_SIZE * self.request.options.pages_per_batch) as f64;
        let rows_left = (hi - lo) as f64 * density;
        let count =
            ((rows_left / per_batch).ceil() as i64).clamp(1, self.request.options.chains as i64);
        let step = (hi - lo) / count;
        self.chains[0].density = density;
        for k in 1..count {
            // Range 0 keeps the part next to its cursor; the others take the rest in order.
            let (a, b) = if self.descending {
                (hi - (k + 1) * step, hi - k * step)
            } else {
                (lo + k * step, lo + (k + 1) * step)
            };
            let (a, b) = if k == count - 1 {
                if self.descending {
                    (lo, b)
                } else {
                    (a, hi)
                }
            } else {
                (a, b)
            };
            self.chains.push(Chain {
                density,
                ..Chain::new(a, b, self.descending)
            });
        }
        if count > 1 {
            if self.descending {
                self.chains[0].low = hi - step;
            } else {
                self.chains[0].high = lo + step;
            }
        }
    }

    /// The rows of one page's outcome, or its failure as a typed error.
    fn rows(
        &self,
        status: u16,
        outcome: Outcome,
    ) -> Result<Vec<Box<RawValue>>, Error<CommonError>> {
        match outcome {
            Outcome::Done { result, .. } => {
                rows::of(&result, self.request.items).map_err(|reason| Error::Decode {
                    status,
                    body: result.get().to_owned(),
                    reason,
                })
            }
            Outcome::Failed { error, description } => {
                Err(Error::Api(response::api_error(status, error, description)))
            }
            // With `halt` off every command runs; one that did not means the answer is
            // incomplete, and its rows would be lost.
            Outcome::NotRun => Err(Error::NotRun),
            Outcome::Unknown { method, cause } => Err(Error::OutcomeUnknown {
                method,
                idempotency_key: None,
                cause,
            }),
        }
    }

    /// Starts batches while there is room.
    fn fill(&mut self) {
        let room = |k: &Keyset| {
            k.tasks.len() < k.request.options.in_flight
                && k.ready.len() < k.request.options.in_flight * k.request.options.pages_per_batch
        };
        while room(self) && self.launch() {}
    }

    /// Splits the range with the most ids left beyond its batch in flight, when that is more
    /// than two batches' worth; the new range's index.
    fn split(&mut self) -> Option<usize> {
        if self.chains.iter().filter(|c| !c.done).count() >= self.request.options.chains {
            return None;
        }
        let per_batch = (PAGE_SIZE * self.request.options.pages_per_batch) as f64;
        let (index, left) = self
            .chains
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.done)
            .map(|(i, c)| (i, c.left_after_flight(self.descending)))
            .max_by_key(|(_, (lo, hi))| hi - lo)?;
        let (lo, hi) = left;
        let c = &self.chains[index];
        if ((hi - lo) as f64) * c.density <= 2.0 * per_batch {
            return None;
        }
        let mid = lo + (hi - lo) / 2;
        let new = if self.descending {
            // The new range takes the low half; this one keeps walking down to `mid`.
            let new = Chain::new(c.low, mid, true);
            self.chains[index].low = mid;
            new
        } else {
            let new = Chain::new(mid, c.high, false);
            self.chains[index].high = mid;
            new
        };
        let density = self.chains[index].density;
        self.chains.push(Chain { density, ..new });
        Some(self.chains.len() - 1)
    }

    /// Starts one batch, filled with the next pages of idle ranges (as many as each is
    /// expected to have left, in order), splitting ranges for the room that remains: a batch
    /// counts once against the bucket however many pages it carries, so it goes full.
    /// `false` when there was nothing to start.
    fn launch(&mut self) -> bool {
        let capacity = self.request.options.pages_per_batch;
        let mut segments: Vec<Segment> = Vec::new();
        let mut commands: Vec<Command> = Vec::new();
        while commands.len() < capacity {
            let idle = self
                .chains
                .iter()
                .position(|c| !c.done && c.in_flight.is_none());
            let Some(chain) = idle.or_else(|| self.split()) else {
                break;
            };
            let room = capacity - commands.len();
            let pages = self.chains[chain]
                .expected_pages(self.descending)
                .clamp(1, room);
            for i in 0..pages {
                let after = if i == 0 {
                    json!(self.chains[chain].cursor)
                } else {
                    json!(self.reference(commands.len() - 1))
                };
                commands.push(Command {
                    method: self.request.method.clone(),
                    params: self.page(after, &self.chains[chain]),
                });
            }
            self.chains[chain].in_flight = Some(pages);
            segments.push(Segment { chain, pages });
        }
        // A batch not full waits for a batch in flight to come back with more pages to walk:
        // a request slot of the bucket is worth more than a moment.
        if commands.is_empty() || (commands.len() < capacity && !self.tasks.is_empty()) {
            for s in &segments {
                self.chains[s.chain].in_flight = None;
            }
            return false;
        }
        let client = self.request.client.clone();
        self.tasks.spawn(async move {
            let result = batch::run(&client, ApiVersion::V1, commands, false, false).await;
            (segments, result)
        });
        true
    }

    /// `$result[c07][49][ID]`: the last id of the page command `index` of a batch asks for.
    fn reference(&self, index: usize) -> String {
        let items = self
            .request
            .items
            .map(|k| format!("[{k}]"))
            .unwrap_or_default();
        format!(
            "$result[{}]{items}[{}][{}]",
            batch::wire::key(index),
            PAGE_SIZE - 1,
            self.id
        )
    }

    /// Takes a finished batch: each range's pages in order, up to its first short one.
    fn take(
        &mut self,
        segments: Vec<Segment>,
        status: u16,
        outcomes: Vec<Outcome>,
    ) -> Result<(), Error<CommonError>> {
        let mut outcomes = outcomes.into_iter();
        for Segment { chain, pages } in segments {
            self.chains[chain].in_flight = None;
            let mine: Vec<Outcome> = outcomes.by_ref().take(pages).collect();
            self.take_pages(chain, status, mine)?;
        }
        Ok(())
    }

    /// Takes the pages of `chain` from a batch, in order, up to the first short one.
    fn take_pages(
        &mut self,
        chain: usize,
        status: u16,
        outcomes: Vec<Outcome>,
    ) -> Result<(), Error<CommonError>> {
        let descending = self.descending;
        for outcome in outcomes {
            let page = self.rows(status, outcome)?;
            let c = &mut self.chains[chain];
            let full = page.len() >= PAGE_SIZE;
            let start = c.cursor;
            let mut last = None;
            let mut kept = Vec::with_capacity(page.len());
            for row in page {
                let Some(id) = rows::id(&row, self.id) else {
                    return Err(Error::Decode {
                        status,
                        body: row.get().to_owned(),
                        reason: format!("a row has no `{}`", self.id),
                    });
                };
                last = Some(id);
                // A row not past the cursor was handed out already (a portal that ignored the
                // id filter repeats a page); a row past a bound belongs to a range split off
                // while this batch was out.
                let past_cursor = if descending { id < start } else { id > start };
                if past_cursor && id > c.low && id <= c.high {
                    kept.push(row);
                }
            }
            let moved = match last {
                Some(last) if descending => last < start,
                Some(last) => last > start,
                None => false,
            };
            if full && !moved {
                // A full page that stays behind the cursor: the portal did not apply the id
                // bound, and going on would repeat rows or lose them.
                return Err(Error::Decode {
                    status,
                    body: String::new(),
                    reason: format!(
                        "a full page of `{}` did not move past {} {start}: the id filter was not applied",
                        self.request.method, self.id
                    ),
                });
            }
            if !kept.is_empty() {
                self.ready.push_back(RawPage {
                    rows: kept,
                    total: None,
                });
            }
            let c = &mut self.chains[chain];
            if let (Some(last), true) = (last, moved) {
                let walked = (last - start).unsigned_abs().max(1) as f64;
                c.density = (c.density * 0.5 + (PAGE_SIZE as f64 / walked).min(1.0) * 0.5)
                    .clamp(0.001, 1.0);
                c.cursor = last;
            }
            let past_end = if descending {
                c.cursor <= c.low + 1
            } else {
                c.cursor >= c.high
            };
            if !full || !moved || past_end {
                c.done = true;
                break;
            }
        }
        Ok(())
    }
}

impl Chain {
    fn new(low: i64, high: i64, descending: bool) -> Chain {
        Chain {
            low,
            high,
            cursor: if descending { high + 1 } else { low },
            done: low >= high,
            in_flight: None,
            density: 1.0,
        }
    }

    /// Pages the range is expected to have left, from the rows per id seen so far, rounded
    /// up (at least one). An estimate that falls short leaves the range for the next batch.
    fn expected_pages(&self, descending: bool) -> usize {
        let (lo, hi) = self.left_after_flight(descending);
        let rows = (hi - lo) as f64 * self.density;
        (rows / PAGE_SIZE as f64).ceil().max(1.0) as usize
    }

    /// The ids left to walk once the batch in flight (if any) is back, as (low, high).
    fn left_after_flight(&self, descending: bool) -> (i64, i64) {
        let ahead = self.in_flight.map_or(0, |pages| {
            ((pages * PAGE_SIZE) as f64 / self.density) as i64
        });
        if descending {
            (self.low, (self.cursor - ahead).max(self.low))
        } else {
            ((self.cursor + ahead).min(self.high), self.high)
        }
    }
}
