//! One page after another, for the schemes a batch cannot chain: REST 3.0 `pagination`
//! (`page`, `limit`) and cursor (`field`, `value`, `order`, `limit`), v1 `NAV_PARAMS`
//! (`nPageSize`, `iNumPage`) and `offset`/`limit`. A page shorter than asked for is the last.

use crate::client::Plan;
use serde_json::value::RawValue;
use serde_json::{json, Value};

use super::{rows, Planned, RawPage, PAGE_SIZE};
use crate::common_error::CommonError;
use crate::error::Error;
use crate::method::PagingKind;
use crate::response::{decode, Response};

/// The page-by-page traversal of one list.
#[derive(Debug)]
pub(crate) struct Pages {
    request: Planned,
    /// Pages asked for so far.
    asked: u64,
    /// The last id seen, for a cursor.
    last_id: Option<i64>,
    done: bool,
}

impl Pages {
    pub(crate) fn new(request: Planned) -> Pages {
        Pages {
            request,
            asked: 0,
            last_id: None,
            done: false,
        }
    }

    /// The parameters of the next page.
    fn params(&self) -> Value {
        let mut params = self.request.params.clone();
        let size = PAGE_SIZE as u64;
        let (key, value) = match self.request.paging.kind {
            PagingKind::Pagination => {
                ("pagination", json!({"page": self.asked + 1, "limit": size}))
            }
            PagingKind::Cursor => {
                let field = self.request.paging.id_field.unwrap_or("id");
                (
                    "cursor",
                    json!({"field": field, "value": self.last_id.unwrap_or(0), "order": "ASC", "limit": size}),
                )
            }
            PagingKind::NavParams => (
                "NAV_PARAMS",
                json!({"nPageSize": size, "iNumPage": self.asked + 1}),
            ),
            PagingKind::OffsetLimit => {
                params.insert("limit".to_owned(), json!(size));
                ("offset", json!(self.asked * size))
            }
            // A v1 `start` list of another generation: plain offsets.
            PagingKind::Start | PagingKind::StartUpper => {
                (self.request.start_key(), json!(self.asked * size))
            }
        };
        params.insert(key.to_owned(), value);
        Value::Object(params)
    }

    /// The next page.
    pub(crate) async fn next(&mut self) -> Option<Result<RawPage, Error<CommonError>>> {
        if self.done {
            return None;
        }
        let result = self.fetch().await;
        if result.is_err() {
            self.done = true;
        }
        match result {
            Ok(page) if page.rows.is_empty() => None,
            other => Some(other),
        }
    }

    async fn fetch(&mut self) -> Result<RawPage, Error<CommonError>> {
        let r = &self.request;
        let params = self.params();
        let inner = r.client.inner();
        let plan = Plan::read(inner.retry);
        let answer = inner.exchange(r.version, &r.method, &params, &plan).await?;
        let page: Response<Box<RawValue>> = decode(answer.status, &answer.body, None)?;
        let rows = rows::of(&page.result, r.items).map_err(|reason| Error::Decode {
            status: answer.status,
            body: page.result.get().to_owned(),
            reason,
        })?;
        self.asked += 1;
        let previous = self.last_id;
        if let Some(id) = r.paging.id_field {
            self.last_id = rows
                .last()
                .and_then(|row| rows::id(row, id))
                .or(self.last_id);
        }
        // A cursor that does not move would ask for the same page again: the end.
        let stuck = r.paging.kind == PagingKind::Cursor
            && match (previous, self.last_id) {
                (Some(before), Some(now)) => now <= before,
                (None, Some(_)) => false,
                (_, None) => true,
            };
        if stuck
            || rows.len() < PAGE_SIZE
            || page.next.is_none() && r.paging.kind == PagingKind::Start
        {
            self.done = true;
        }
        Ok(RawPage {
            rows,
            total: page.total,
        })
    }
}
