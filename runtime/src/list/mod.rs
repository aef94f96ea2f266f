//! List streams: every row of any list method as a [`Stream`], with no per-method code — the
//! method's [`Paging`] says how to traverse it.
//!
//! ```no_run
//! # use bitrix_runtime::{Client, Method};
//! # async fn run<M: Method + Send + Sync + 'static>(client: Client, list: M) -> Result<(), Box<dyn std::error::Error>> {
//! use futures_util::TryStreamExt;
//!
//! let mut rows = Box::pin(client.list(list).rows::<serde_json::Value>());
//! while let Some(row) = rows.try_next().await? {
//!     println!("{row}");
//! }
//! # Ok(()) }
//! ```
//!
//! Strategies, chosen from the paging and the request:
//! - **keyset** (v1 `start` lists with an id and a filter, ordered by id or not at all): pages
//!   ordered by id, filtered `>ID` (`<ID` descending) with `start=-1`, so the portal never
//!   counts the table; 50 pages chained in one batch by references to the previous page's
//!   last id; several chains over disjoint id ranges at once (the first batch also fetches
//!   the far end's id; ranges are split further when one lags), every batch full, in id
//!   order within a range;
//! - **offset** (v1 lists with another order): the first page gives `total`, the other pages
//!   go 50 per batch, batches concurrently, rows in the requested order;
//! - **pages** (REST 3.0 `pagination` or cursor, `NAV_PARAMS`, offset/limit): one page after
//!   another until a short one.
//!
//! Memory stays flat: a stream holds the pages of the batches in flight, not the rows it has
//! handed out. The offset strategy alone also keeps the ids it handed out, to drop the rows a
//! list that changes under it repeats.

mod keyset;
mod offset;
mod pages;
mod rows;

use std::collections::VecDeque;
use std::marker::PhantomData;

use futures_core::Stream;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::client::Client;
use crate::codes::ErrorCode;
use crate::common_error::CommonError;
use crate::error::{Error, FieldError, ValidationErrors};
use crate::method::{ApiVersion, Method, Paging, PagingKind};

/// Rows the portal puts on one page.
pub const PAGE_SIZE: usize = 50;

/// Every row of a list method, for [`Client::list`] (typed errors `C`) and
/// [`Client::list_raw`].
#[derive(Debug)]
pub struct List<C> {
    /// The request, or why there is none.
    request: Result<Request, Error<CommonError>>,
    codes: PhantomData<fn() -> C>,
}

/// How hard a stream pushes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Options {
    /// Id ranges traversed at once (keyset).
    pub(crate) chains: usize,
    /// Batches in flight at once.
    pub(crate) in_flight: usize,
    /// Pages per batch.
    pub(crate) pages_per_batch: usize,
}

/// One page of rows; `total` when the portal counted them.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The rows.
    pub rows: Vec<T>,
    /// The number of rows in the whole list, when counted.
    pub total: Option<u64>,
}

/// A page as it came, before its rows are decoded.
#[derive(Debug)]
pub(crate) struct RawPage {
    pub(crate) rows: Vec<Box<RawValue>>,
    pub(crate) total: Option<u64>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            chains: 16,
            in_flight: 12,
            pages_per_batch: crate::batch::MAX_BATCH_COMMANDS,
        }
    }
}

impl Client {
    /// Every row of the list `method` names (with its filter, order and select), as a stream:
    /// see [`List::rows`] and [`List::pages`]. The method is validated now; a problem comes
    /// out of the stream as its first item.
    pub fn list<M: Method>(&self, method: M) -> List<M::Error> {
        let request = (|| {
            method.validate().map_err(Error::Validation)?;
            let params = match serde_json::to_value(&method).map_err(Error::Encode)? {
                Value::Object(map) => map,
                _ => Map::new(),
            };
            Ok(self.request(
                M::NAME.to_owned(),
                M::VERSION,
                params,
                M::PAGING,
                M::RESULT_WRAPPER,
            ))
        })();
        List {
            request,
            codes: PhantomData,
        }
    }

    /// Every row of any list method by name, with JSON parameters, for what the spec does not
    /// cover or tools that pick the method at run time. `paging` says how it pages.
    pub fn list_raw(
        &self,
        method: &str,
        version: ApiVersion,
        params: Map<String, Value>,
        paging: Paging,
    ) -> List<CommonError> {
        List {
            request: Ok(self.request(method.to_owned(), version, params, Some(paging), None)),
            codes: PhantomData,
        }
    }

    fn request(
        &self,
        method: String,
        version: ApiVersion,
        params: Map<String, Value>,
        paging: Option<Paging>,
        wrapper: Option<&'static str>,
    ) -> Request {
        Request {
            client: self.clone(),
            method,
            version,
            params,
            paging,
            wrapper,
            options: Options::default(),
        }
    }
}

impl<C: ErrorCode> List<C> {
    fn options(mut self, change: impl FnOnce(&mut Options)) -> Self {
        if let Ok(request) = &mut self.request {
            change(&mut request.options);
        }
        self
    }

    /// How the method pages, for a method whose spec does not say (or says it wrongly).
    pub fn paging(mut self, paging: Paging) -> Self {
        if let Ok(request) = &mut self.request {
            request.paging = Some(paging);
        }
        self
    }

    /// At most this many id ranges are traversed at once (keyset; default 16).
    pub fn chains(self, chains: usize) -> Self {
        self.options(|o| o.chains = chains.max(1))
    }

    /// At most this many batch requests are in flight at once (default 12). Each holds up to
    /// 50 pages of 50 rows until the stream hands them out.
    pub fn in_flight(self, batches: usize) -> Self {
        self.options(|o| o.in_flight = batches.max(1))
    }

    /// Pages per batch request (1 to 50, default 50).
    pub fn pages_per_batch(self, pages: usize) -> Self {
        self.options(|o| o.pages_per_batch = pages.clamp(1, crate::batch::MAX_BATCH_COMMANDS))
    }

    /// The rows, one by one, each decoded as `T`.
    pub fn rows<T: DeserializeOwned + Send + 'static>(
        self,
    ) -> impl Stream<Item = Result<T, Error<C>>> + Send + 'static {
        let pages = self.raw_pages();
        futures_util::stream::unfold(
            (pages, VecDeque::<Box<RawValue>>::new()),
            |(mut pages, mut queue)| async move {
                loop {
                    if let Some(row) = queue.pop_front() {
                        return Some((decode_row(&row), (pages, queue)));
                    }
                    match pages.next().await? {
                        Ok(page) => queue.extend(page.rows),
                        Err(e) => return Some((Err(e.map_code()), (pages, queue))),
                    }
                }
            },
        )
    }

    /// The rows page by page, each decoded as `T`, with `total` where the portal counted.
    pub fn pages<T: DeserializeOwned + Send + 'static>(
        self,
    ) -> impl Stream<Item = Result<Page<T>, Error<C>>> + Send + 'static {
        futures_util::stream::unfold(self.raw_pages(), |mut pages| async move {
            let page = match pages.next().await? {
                Ok(page) => page,
                Err(e) => return Some((Err(e.map_code()), pages)),
            };
            let rows: Result<Vec<T>, Error<C>> = page.rows.iter().map(|r| decode_row(r)).collect();
            Some((
                rows.map(|rows| Page {
                    rows,
                    total: page.total,
                }),
                pages,
            ))
        })
    }

    fn raw_pages(self) -> Engine {
        match self.request.and_then(Request::plan) {
            Ok(engine) => engine,
            Err(e) => Engine::Failed(Some(e)),
        }
    }
}

/// What every strategy needs of the request.
#[derive(Debug)]
pub(crate) struct Request {
    pub(crate) client: Client,
    pub(crate) method: String,
    pub(crate) version: ApiVersion,
    /// The method's parameters as sent.
    pub(crate) params: Map<String, Value>,
    paging: Option<Paging>,
    /// The method's REST 3.0 wrapper key.
    wrapper: Option<&'static str>,
    pub(crate) options: Options,
}

/// A request whose paging is known, as the strategies take it.
#[derive(Debug)]
pub(crate) struct Planned {
    pub(crate) client: Client,
    pub(crate) method: String,
    pub(crate) version: ApiVersion,
    pub(crate) params: Map<String, Value>,
    pub(crate) paging: Paging,
    /// Key of the rows inside `result`.
    pub(crate) items: Option<&'static str>,
    pub(crate) options: Options,
}

impl Request {
    /// The strategy for this method and request.
    fn plan(self) -> Result<Engine, Error<CommonError>> {
        let Some(paging) = self.paging else {
            return Err(invalid(format!(
                "`{}` has no paging in the spec; give one with List::paging",
                self.method
            )));
        };
        let planned = Planned {
            client: self.client,
            method: self.method,
            version: self.version,
            params: self.params,
            paging,
            items: paging.items.or(self.wrapper),
            options: self.options,
        };
        Ok(match paging.kind {
            PagingKind::Start | PagingKind::StartUpper if planned.version == ApiVersion::V1 => {
                match keyset::Keyset::plan(planned) {
                    Ok(keyset) => Engine::Keyset(Box::new(keyset)),
                    Err(planned) => Engine::Offset(Box::new(offset::Offset::new(*planned))),
                }
            }
            _ => Engine::Pages(Box::new(pages::Pages::new(planned))),
        })
    }
}

impl Planned {
    /// The name of the start parameter of a v1 list.
    pub(crate) fn start_key(&self) -> &'static str {
        match self.paging.kind {
            PagingKind::StartUpper => "START",
            _ => "start",
        }
    }
}

/// A running strategy.
enum Engine {
    Keyset(Box<keyset::Keyset>),
    Offset(Box<offset::Offset>),
    Pages(Box<pages::Pages>),
    Failed(Option<Error<CommonError>>),
}

impl Engine {
    async fn next(&mut self) -> Option<Result<RawPage, Error<CommonError>>> {
        match self {
            Engine::Keyset(k) => k.next().await,
            Engine::Offset(o) => o.next().await,
            Engine::Pages(p) => p.next().await,
            Engine::Failed(e) => e.take().map(Err),
        }
    }
}

fn decode_row<T: DeserializeOwned, C: ErrorCode>(row: &RawValue) -> Result<T, Error<C>> {
    serde_json::from_str(row.get()).map_err(|e| Error::Decode {
        status: 200,
        body: row.get().to_owned(),
        reason: format!("a row does not match the documented shape: {e}"),
    })
}

pub(crate) fn invalid<C: ErrorCode>(message: String) -> Error<C> {
    Error::Validation(ValidationErrors::new(vec![FieldError {
        field: "list".to_owned(),
        message,
    }]))
}
