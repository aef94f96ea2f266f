//! How a list method pages: the scheme, and the spellings a client needs to walk it (the
//! rows' id key, the order and filter parameters, the key of the rows in `result`).
//!
//! In a spec file `paging` is an object (`{"kind": "start", "id": "ID", "order": "order",
//! "filter": "filter"}`); the bare kind (`"start"`, `"pagination"`) of older files is still
//! read, its spellings then derived from the method (see [`crate::listing`]).

use serde::de::{Deserializer, Error as _};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Paging of a list method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Paging {
    /// The scheme.
    pub kind: PagingKind,
    /// Key of a row's id (`ID`, `id`), when the rows carry one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Name of the order parameter (`order`, `ORDER`, `sort`), when the method takes one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<String>,
    /// Name of the filter parameter (`filter`, `FILTER`), when the method takes one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    /// Key of the rows inside `result` (inside the REST 3.0 wrapper, if any), when `result`
    /// is not the list itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<String>,
}

impl Paging {
    /// A paging of `kind` whose spellings are not recorded.
    pub fn of(kind: PagingKind) -> Paging {
        Paging {
            kind,
            id: None,
            order: None,
            filter: None,
            items: None,
        }
    }
}

/// A paging scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PagingKind {
    /// v1: `start` in the request, `next` and `total` in the answer.
    Start,
    /// v1 with the parameter spelled `START`.
    StartUpper,
    /// v1 `NAV_PARAMS` (`nPageSize`, `iNumPage`).
    NavParams,
    /// `offset` and `limit` parameters (in either case).
    OffsetLimit,
    /// v1 `page`: the number of a 50-row page.
    Page,
    /// v1 `LAST_ID` and `LIMIT`: rows after (or before) the last id seen.
    LastId,
    /// REST 3.0: a `pagination` object (`page`, `limit`, `offset`).
    Pagination,
    /// REST 3.0: a `cursor` object (`field`, `value`, `order`, `limit`).
    Cursor,
}

impl PagingKind {
    /// Every kind, in the order of the spec's spelling list.
    pub const ALL: [PagingKind; 8] = [
        PagingKind::Start,
        PagingKind::StartUpper,
        PagingKind::NavParams,
        PagingKind::OffsetLimit,
        PagingKind::Page,
        PagingKind::LastId,
        PagingKind::Pagination,
        PagingKind::Cursor,
    ];

    /// The spelling in spec files (`start`, `start_upper`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            PagingKind::Start => "start",
            PagingKind::StartUpper => "start_upper",
            PagingKind::NavParams => "nav_params",
            PagingKind::OffsetLimit => "offset_limit",
            PagingKind::Page => "page",
            PagingKind::LastId => "last_id",
            PagingKind::Pagination => "pagination",
            PagingKind::Cursor => "cursor",
        }
    }

    /// The kind as `#[bitrix_method(paging(kind = …))]` spells it, when the runtime can walk
    /// it; `None` for `page` and `last_id`, which the spec records but no list stream walks.
    pub fn runtime_kind(self) -> Option<&'static str> {
        match self {
            PagingKind::Page | PagingKind::LastId => None,
            other => Some(other.as_str()),
        }
    }

    /// Whether the kind belongs to REST 3.0 (`pagination`, `cursor`) rather than v1.
    pub fn is_v3(self) -> bool {
        matches!(self, PagingKind::Pagination | PagingKind::Cursor)
    }
}

/// The object form, with unknown keys refused.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Full {
    kind: PagingKind,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    order: Option<String>,
    #[serde(default)]
    filter: Option<String>,
    #[serde(default)]
    items: Option<String>,
}

impl<'de> Deserialize<'de> for Paging {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Read through a value so that each form reports its own error, not serde's
        // "did not match any variant".
        match Value::deserialize(deserializer)? {
            kind @ Value::String(_) => PagingKind::deserialize(kind)
                .map(Paging::of)
                .map_err(D::Error::custom),
            full @ Value::Object(_) => {
                let f = Full::deserialize(full).map_err(D::Error::custom)?;
                Ok(Paging {
                    kind: f.kind,
                    id: f.id,
                    order: f.order,
                    filter: f.filter,
                    items: f.items,
                })
            }
            other => Err(D::Error::custom(format!(
                "paging must be a kind or an object with `kind`, not {other}"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn both_forms_read_and_the_object_is_written() {
        let old: Paging = serde_json::from_value(json!("start")).unwrap();
        assert_eq!(old, Paging::of(PagingKind::Start));
        let full: Paging = serde_json::from_value(
            json!({"kind": "start_upper", "id": "ID", "order": "ORDER", "filter": "FILTER"}),
        )
        .unwrap();
        assert_eq!(full.kind, PagingKind::StartUpper);
        assert_eq!(
            (
                full.id.as_deref(),
                full.order.as_deref(),
                full.items.as_deref()
            ),
            (Some("ID"), Some("ORDER"), None)
        );
        assert_eq!(
            serde_json::to_value(&full).unwrap(),
            json!({"kind": "start_upper", "id": "ID", "order": "ORDER", "filter": "FILTER"})
        );
        for kind in PagingKind::ALL {
            let text = serde_json::to_value(kind).unwrap();
            assert_eq!(text, json!(kind.as_str()));
        }
    }

    #[test]
    fn bad_paging_names_what_is_wrong() {
        let err = serde_json::from_value::<Paging>(json!("pages")).unwrap_err();
        assert!(err.to_string().contains("unknown variant `pages`"), "{err}");
        let err =
            serde_json::from_value::<Paging>(json!({"kind": "cursor", "size": 5})).unwrap_err();
        assert!(err.to_string().contains("unknown field `size`"), "{err}");
        let err = serde_json::from_value::<Paging>(json!({"id": "ID"})).unwrap_err();
        assert!(err.to_string().contains("missing field `kind`"), "{err}");
        let err = serde_json::from_value::<Paging>(json!(3)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "paging must be a kind or an object with `kind`, not 3"
        );
    }

    #[test]
    fn the_runtime_walks_all_but_page_and_last_id() {
        let walked: Vec<_> = PagingKind::ALL
            .iter()
            .filter_map(|k| k.runtime_kind())
            .collect();
        assert_eq!(
            walked,
            [
                "start",
                "start_upper",
                "nav_params",
                "offset_limit",
                "pagination",
                "cursor"
            ]
        );
        assert!(PagingKind::Cursor.is_v3() && !PagingKind::OffsetLimit.is_v3());
    }
}
