//! What every typed request is: the [`Method`] trait and the REST generations.

use std::fmt;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::codes::ErrorCode;
use crate::validate::Validate;

/// REST API generation of a method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ApiVersion {
    /// The classic REST API, served under `/rest/`.
    V1,
    /// REST 3.0, served under `/rest/api/`; JSON bodies only.
    V3,
}

impl ApiVersion {
    /// Path prefix of the generation: `/rest/` or `/rest/api/`.
    pub fn path_prefix(self) -> &'static str {
        match self {
            ApiVersion::V1 => "/rest/",
            ApiVersion::V3 => "/rest/api/",
        }
    }

    /// The spec spelling, `v1` or `v3`.
    pub fn as_str(self) -> &'static str {
        match self {
            ApiVersion::V1 => "v1",
            ApiVersion::V3 => "v3",
        }
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a list method pages: what a list stream needs to traverse it with no per-method code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// The paging scheme.
    pub kind: PagingKind,
    /// Key of a row's id (`ID`, `id`), when the rows are entities with ids.
    pub id_field: Option<&'static str>,
    /// Name of the order parameter (`order`, `ORDER`), when the method takes one.
    pub order: Option<&'static str>,
    /// Name of the filter parameter (`filter`, `FILTER`), when the method takes one.
    pub filter: Option<&'static str>,
    /// Key of the rows inside `result` when the answer wraps them (`tasks`, `items`); `None`
    /// when `result` is the list.
    pub items: Option<&'static str>,
}

/// A paging scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PagingKind {
    /// v1: `start` in the request (`-1`: no count), `next` and `total` in the answer.
    Start,
    /// v1 with the parameter spelled `START`.
    StartUpper,
    /// REST 3.0: a `pagination` object (`page`, `limit`, `offset`).
    Pagination,
    /// REST 3.0: a cursor.
    Cursor,
    /// v1 `NAV_PARAMS` (`nPageSize`, `iNumPage`).
    NavParams,
    /// `offset` and `limit` parameters.
    OffsetLimit,
}

/// A typed Bitrix24 REST method: the request parameters as a struct.
///
/// Implemented by `#[bitrix_method]` for every generated method and for methods users declare
/// themselves; [`crate::Client::call`] runs it.
pub trait Method: Serialize + Validate {
    /// Wire name, e.g. `crm.activity.todo.updateColor`.
    const NAME: &'static str;
    /// REST generation.
    const VERSION: ApiVersion;
    /// Permission scope, e.g. `crm`.
    const SCOPE: &'static str;
    /// Whether the method changes data (never retried blindly).
    const MUTATES: bool;
    /// REST 3.0 key wrapping the payload inside `result` (`item`, `items`, `result`), if any.
    const RESULT_WRAPPER: Option<&'static str> = None;
    /// Whether the answer may say "none" (`null`, `false`, `""`, PHP's `[]`) instead of a
    /// result: [`Method::Output`] is then an `Option`, `None` for those. `#[bitrix_method]`
    /// sets it when `result` is an `Option<…>`.
    const RESULT_OPTIONAL: bool = false;
    /// How the method pages, when it is a list.
    const PAGING: Option<Paging> = None;
    /// What `result` decodes into.
    type Output: DeserializeOwned + fmt::Debug;
    /// The method's error codes: documented ones, the shared ones, and `Unknown`.
    type Error: ErrorCode;
}
