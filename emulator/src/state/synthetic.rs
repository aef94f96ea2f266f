//! Synthetic deals for `--generate-deals`: each row a pure function of `(seed, id)`, written
//! the way the portal stores and answers them (money as strings, `Y`/`N` flags). A filter
//! reads single fields ([`field`]) without building the whole row, so scanning a million
//! of them for a count stays cheap.

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

/// 2015-01-01T00:00:00Z: the first synthetic deal's creation time; one a minute after it,
/// so five million deals end in 2024.
const EPOCH: f64 = 1_420_070_400.0;

/// Every field of a synthetic deal, in the order [`deal`] writes them.
pub const FIELDS: [&str; 23] = [
    "ID",
    "TITLE",
    "TYPE_ID",
    "STAGE_ID",
    "STAGE_SEMANTIC_ID",
    "CATEGORY_ID",
    "PROBABILITY",
    "CURRENCY_ID",
    "OPPORTUNITY",
    "IS_MANUAL_OPPORTUNITY",
    "TAX_VALUE",
    "LEAD_ID",
    "COMPANY_ID",
    "CONTACT_ID",
    "SOURCE_ID",
    "ASSIGNED_BY_ID",
    "CREATED_BY_ID",
    "MODIFY_BY_ID",
    "DATE_CREATE",
    "DATE_MODIFY",
    "OPENED",
    "CLOSED",
    "IS_NEW",
];

/// The random draws behind one deal.
struct Draws {
    id: u64,
    stage: usize,
    kind: usize,
    currency: usize,
    source: usize,
    cents: u64,
    created: f64,
    modified: f64,
}

impl Draws {
    fn new(seed: u64, id: u64) -> Draws {
        let mut rng = Rng::new(seed ^ id.wrapping_mul(0xA076_1D64_78BD_642F));
        // Table lengths are tiny; the remainders fit in usize.
        let mut pick = |n: usize| (rng.next_u64() % n as u64) as usize;
        let (stage, kind, currency, source) = (
            pick(STAGES.len()),
            pick(TYPES.len()),
            pick(CURRENCIES.len()),
            pick(SOURCES.len()),
        );
        let cents = rng.next_u64() % 10_000_000;
        // Creation times grow with the id, as on a portal filled over time.
        let created = EPOCH + id as f64 * 60.0 + (rng.next_u64() % 60) as f64;
        let modified = created + (rng.next_u64() % 86_400) as f64;
        Draws {
            id,
            stage,
            kind,
            currency,
            source,
            cents,
            created,
            modified,
        }
    }

    fn value(&self, name: &str) -> Option<Value> {
        let (stage, semantic) = STAGES[self.stage];
        let yn = |b: bool| json!(if b { "Y" } else { "N" });
        Some(match name {
            // Stored ids are numbers, as `Table::insert` writes them; the wire writes strings.
            "ID" => json!(self.id),
            "TITLE" => json!(format!("Deal #{}", self.id)),
            "TYPE_ID" => json!(TYPES[self.kind]),
            "STAGE_ID" => json!(stage),
            "STAGE_SEMANTIC_ID" => json!(semantic),
            "CATEGORY_ID" | "COMPANY_ID" => json!("0"),
            "PROBABILITY" | "LEAD_ID" | "CONTACT_ID" => Value::Null,
            "CURRENCY_ID" => json!(CURRENCIES[self.currency]),
            "OPPORTUNITY" => json!(format!("{}.{:02}", self.cents / 100, self.cents % 100)),
            "IS_MANUAL_OPPORTUNITY" => yn(false),
            "TAX_VALUE" => json!("0.00"),
            "SOURCE_ID" => json!(SOURCES[self.source]),
            "ASSIGNED_BY_ID" => json!(if self.id % 5 == 0 { "2" } else { "1" }),
            "CREATED_BY_ID" | "MODIFY_BY_ID" => json!("1"),
            "DATE_CREATE" => json!(clock::iso(self.created)),
            "DATE_MODIFY" => json!(clock::iso(self.modified)),
            "OPENED" => yn(true),
            "CLOSED" => yn(semantic != "P"),
            "IS_NEW" => yn(stage == "NEW"),
            _ => return None,
        })
    }
}

/// The synthetic deal `id` of the data set seeded with `seed`.
pub fn deal(seed: u64, id: u64) -> Map<String, Value> {
    let draws = Draws::new(seed, id);
    FIELDS
        .iter()
        .filter_map(|name| Some(((*name).to_owned(), draws.value(name)?)))
        .collect()
}

/// Only the fields `names` (any case) of the synthetic deal `id`: what a filter reads.
pub fn fields(seed: u64, id: u64, names: &[&str]) -> Map<String, Value> {
    let draws = Draws::new(seed, id);
    names
        .iter()
        .filter_map(|name| {
            let field = FIELDS.iter().find(|f| f.eq_ignore_ascii_case(name))?;
            Some(((*field).to_owned(), draws.value(field)?))
        })
        .collect()
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
        assert_eq!(d.len(), FIELDS.len());
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

    #[test]
    fn single_fields_are_those_of_the_whole_deal() {
        let whole = deal(5, 1234);
        let some = fields(5, 1234, &["stage_id", "OPPORTUNITY", "NOPE"]);
        assert_eq!(some.len(), 2);
        assert_eq!(
            (&some["STAGE_ID"], &some["OPPORTUNITY"]),
            (&whole["STAGE_ID"], &whole["OPPORTUNITY"])
        );
    }
}
