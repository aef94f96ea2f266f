//! Synthetic deals for `--generate-deals`: each row a pure function of `(seed, id)`, written
//! the way the portal stores and answers them (ids and money as strings, `Y`/`N` flags).

use serde_json::{json, Map, Value};

use crate::clock;
use crate::rng::Rng;

/// Stages of the general funnel, with their semantic (`P` in progress, `S` won, `F` lost).
const STAGES: [(&str, &str); 7] = [
    ("NEW", "P"),
    ("PREPARATION", "P"),
    ("PREPAYMENT_INVOICE", "P"),
    ("EXECUTING", "P"),
    ("FINAL_INVOICE", "P"),
    ("WON", "S"),
    ("LOSE", "F"),
];

const CURRENCIES: [&str; 3] = ["USD", "EUR", "RUB"];

const TYPES: [&str; 3] = ["SALE", "COMPLEX", "GOODS"];

const SOURCES: [&str; 4] = ["CALL", "EMAIL", "WEB", "ADVERTISING"];

/// 2024-01-01T00:00:00Z: the first synthetic deal's creation time.
const EPOCH: f64 = 1_704_067_200.0;

/// The synthetic deal `id` of the data set seeded with `seed`.
pub fn deal(seed: u64, id: u64) -> Map<String, Value> {
    let mut rng = Rng::new(seed ^ id.wrapping_mul(0xA076_1D64_78BD_642F));
    let pick = |rng: &mut Rng, n: usize| {
        // `n` is a small table length; the remainder fits in usize.
        (rng.next_u64() % n as u64) as usize
    };
    let (stage, semantic) = STAGES[pick(&mut rng, STAGES.len())];
    let cents = rng.next_u64() % 10_000_000;
    // Creation times grow with the id, a few minutes apart, as on a portal filled over time.
    let created = EPOCH + id as f64 * 180.0 + (rng.next_u64() % 180) as f64;
    let modified = created + (rng.next_u64() % 86_400) as f64;
    let closed = semantic != "P";
    let mut row = Map::new();
    let mut put = |k: &str, v: Value| {
        row.insert(k.to_owned(), v);
    };
    // Stored ids are numbers, as `Table::insert` writes them; the wire layer writes strings.
    put("ID", json!(id));
    put("TITLE", json!(format!("Deal #{id}")));
    put("TYPE_ID", json!(TYPES[pick(&mut rng, TYPES.len())]));
    put("STAGE_ID", json!(stage));
    put("STAGE_SEMANTIC_ID", json!(semantic));
    put("CATEGORY_ID", json!("0"));
    put("PROBABILITY", Value::Null);
    put(
        "CURRENCY_ID",
        json!(CURRENCIES[pick(&mut rng, CURRENCIES.len())]),
    );
    put(
        "OPPORTUNITY",
        json!(format!("{}.{:02}", cents / 100, cents % 100)),
    );
    put("IS_MANUAL_OPPORTUNITY", json!("N"));
    put("TAX_VALUE", json!("0.00"));
    put("LEAD_ID", Value::Null);
    put("COMPANY_ID", json!("0"));
    put("CONTACT_ID", Value::Null);
    put("SOURCE_ID", json!(SOURCES[pick(&mut rng, SOURCES.len())]));
    put("ASSIGNED_BY_ID", json!(if id % 5 == 0 { "2" } else { "1" }));
    put("CREATED_BY_ID", json!("1"));
    put("MODIFY_BY_ID", json!("1"));
    put("DATE_CREATE", json!(clock::iso(created)));
    put("DATE_MODIFY", json!(clock::iso(modified)));
    put("OPENED", json!("Y"));
    put("CLOSED", json!(if closed { "Y" } else { "N" }));
    put("IS_NEW", json!(if stage == "NEW" { "Y" } else { "N" }));
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_and_id_give_the_same_deal() {
        assert_eq!(deal(1, 42), deal(1, 42));
        assert_ne!(deal(1, 42), deal(2, 42));
        assert_ne!(deal(1, 42)["OPPORTUNITY"], deal(1, 43)["OPPORTUNITY"]);
        let d = deal(1, 161);
        assert_eq!(d["ID"], json!(161));
        assert_eq!(d["TITLE"], json!("Deal #161"));
        let money = d["OPPORTUNITY"].as_str().unwrap();
        assert!(
            money.split_once('.').is_some_and(|(_, c)| c.len() == 2),
            "{money}"
        );
        assert!(matches!(d["CLOSED"].as_str(), Some("Y" | "N")));
        assert!(clock::is_datetime(d["DATE_CREATE"].as_str().unwrap()));
    }
}
