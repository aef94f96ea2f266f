//! List streams against the emulator: every row exactly once whatever the strategy (keyset
//! chains over id ranges, ascending or descending, with a filter; offsets for another order),
//! pages with the counted total, and the refusals.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use bitrix24::crm::{CrmDealGet, CrmDealList};
use bitrix24::types::SortDirection;
use bitrix24::{ApiVersion, Client, Method, Paging, PagingKind};
use bitrix24_emulator::{Config, Data, Emulator};
use futures_util::TryStreamExt;
use serde_json::{json, Map, Value};

/// Deals with ids 10, 13, 16, … (gaps, so ranges are not dense) and two stages.
fn deals(count: u64) -> (Data, Vec<u64>) {
    let mut data = Data::demo();
    let table = data.table(2);
    table.rows.clear();
    let mut ids = Vec::new();
    for i in 0..count {
        let id = 10 + 3 * i;
        let row: Map<String, Value> = json!({
            "ID": id.to_string(),
            "TITLE": format!("deal {:05}", (i * 7919) % count),
            "STAGE_ID": if i % 4 == 0 { "WON" } else { "NEW" },
        })
        .as_object()
        .cloned()
        .unwrap();
        table.rows.insert(id, row);
        ids.push(id);
    }
    table.next_id = 10 + 3 * count;
    (data, ids)
}

async fn portal(name: &str, data: &Data) -> (Client, Emulator) {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("lists-{name}.json"));
    std::fs::write(&path, serde_json::to_vec(data).unwrap()).unwrap();
    bitrix24_tests::emulated(Config {
        rate_limit: None,
        fixtures: Some(path),
        ..Config::default()
    })
    .await
}

/// `crm.deal.list` as its page documents it: upper-case `ORDER` and `FILTER`, rows with `ID`.
/// The generated method carries it; tools that pick a list by name look it up.
const DEALS: Paging = Paging {
    kind: PagingKind::Start,
    id_field: Some("ID"),
    order: Some("ORDER"),
    filter: Some("FILTER"),
    items: None,
};

fn id_of(row: &Value) -> u64 {
    // The portal writes ids as text; accept numbers too.
    row["ID"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .or_else(|| row["ID"].as_u64())
        .unwrap_or_else(|| panic!("a row without an ID: {row}"))
}

fn map(v: Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap()
}

#[test]
fn the_spec_gives_every_list_its_paging() {
    assert_eq!(CrmDealList::PAGING, Some(DEALS));
    assert_eq!(CrmDealGet::PAGING, None);
    assert_eq!(
        bitrix24::list_paging(ApiVersion::V1, "crm.deal.list"),
        Some(DEALS)
    );
    assert_eq!(bitrix24::list_paging(ApiVersion::V3, "crm.deal.list"), None);
    assert_eq!(bitrix24::list_paging(ApiVersion::V1, "crm.deal.get"), None);
    // Rows under a key of `result`, ids in lower case, as the catalog's pages show them.
    let products = bitrix24::list_paging(ApiVersion::V1, "catalog.product.list").unwrap();
    assert_eq!(
        (products.items, products.id_field, products.filter),
        (Some("products"), Some("id"), Some("filter"))
    );
    // REST 3.0 lists page with `pagination`, rows inside the `items` wrapper.
    let tasks = bitrix24::list_paging(ApiVersion::V3, "tasks.task.list").unwrap();
    assert_eq!((tasks.kind, tasks.items), (PagingKind::Pagination, None));
}

#[tokio::test]
async fn keyset_chains_hand_out_every_row_once() {
    let (data, ids) = deals(7_321);
    let (client, _emulator) = portal("keyset", &data).await;
    let rows: Vec<Value> = client
        .list(CrmDealList::new())
        .chains(5)
        .in_flight(4)
        .rows()
        .try_collect()
        .await
        .unwrap();
    let got: Vec<u64> = rows.iter().map(id_of).collect();
    let unique: BTreeSet<u64> = got.iter().copied().collect();
    assert_eq!(got.len(), ids.len(), "no row twice");
    assert_eq!(unique.into_iter().collect::<Vec<_>>(), ids, "no row lost");
    // 147 pages: three batches of 50 pages would do; the first also finds the far end.
    let requests = client.stats().requests;
    assert!(requests <= 4, "{requests} requests for 147 pages");
}

#[tokio::test]
async fn keyset_keeps_the_filter_and_walks_down_when_asked() {
    let (data, ids) = deals(3_000);
    let (client, _emulator) = portal("filtered", &data).await;
    let won: BTreeSet<u64> = ids.iter().copied().step_by(4).collect();
    let request = CrmDealList::new()
        .filter(map(json!({"STAGE_ID": "WON"})))
        .order(BTreeMap::from([("ID".to_owned(), SortDirection::Desc)]));
    let rows: Vec<Value> = client
        .list(request)
        .chains(3)
        .rows()
        .try_collect()
        .await
        .unwrap();
    assert!(rows.iter().all(|r| r["STAGE_ID"] == "WON"));
    let got: BTreeSet<u64> = rows.iter().map(id_of).collect();
    assert_eq!((rows.len(), got), (won.len(), won));
}

#[tokio::test]
async fn another_order_goes_by_offsets_in_that_order() {
    let (data, ids) = deals(1_234);
    let (client, _emulator) = portal("offset", &data).await;
    let request =
        CrmDealList::new().order(BTreeMap::from([("TITLE".to_owned(), SortDirection::Asc)]));
    let pages: Vec<bitrix24::Page<Value>> = client
        .list(request)
        .pages_per_batch(7)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        pages[0].total,
        Some(ids.len() as u64),
        "the first page is counted"
    );
    let titles: Vec<String> = pages
        .iter()
        .flat_map(|p| &p.rows)
        .map(|r| r["TITLE"].as_str().unwrap().to_owned())
        .collect();
    let mut sorted = titles.clone();
    sorted.sort();
    assert_eq!(titles, sorted, "in the requested order");
    assert_eq!(titles.len(), ids.len());
}

#[tokio::test]
async fn short_and_empty_lists_and_refusals() {
    let (data, _) = deals(7);
    let (client, _emulator) = portal("short", &data).await;
    let rows: Vec<Value> = client
        .list(CrmDealList::new())
        .rows()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rows.len(), 7);
    let none: Vec<Value> = client
        .list(CrmDealList::new().filter(map(json!({"STAGE_ID": "LOST"}))))
        .rows()
        .try_collect()
        .await
        .unwrap();
    assert!(none.is_empty());

    // Without paging there is nothing to traverse by.
    let err = client
        .list(CrmDealGet::new(1))
        .rows::<Value>()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(
        err.validation().unwrap().field("list").unwrap().message,
        "`crm.deal.get` has no paging in the spec; give one with List::paging"
    );
}

#[tokio::test]
async fn a_list_that_breaks_the_keyset_is_an_error_not_a_silent_loss() {
    let (data, _) = deals(300);
    let (client, _emulator) = portal("broken", &data).await;
    let collect = |paging: Paging| {
        let client = client.clone();
        async move {
            client
                .list_raw("crm.deal.list", ApiVersion::V1, Map::new(), paging)
                .rows::<Value>()
                .try_collect::<Vec<_>>()
                .await
        }
    };
    // Rows without the id the paging names: the traversal cannot go on from them.
    let err = collect(Paging {
        id_field: Some("UID"),
        ..DEALS
    })
    .await
    .unwrap_err();
    assert!(format!("{err:?}").contains("a row has no `UID`"), "{err:?}");
    // A filter parameter the portal does not know: the `>ID` bound is not applied, pages
    // repeat, and the stream says so instead of handing out rows twice.
    let err = collect(Paging {
        filter: Some("NO_SUCH_FILTER"),
        ..DEALS
    })
    .await
    .unwrap_err();
    assert!(
        format!("{err:?}").contains("the id filter was not applied"),
        "{err:?}"
    );
}
