//! One table of rows by id: rows stored as JSON objects, and optionally a range of synthetic
//! rows (`--generate-deals`) computed from their id on demand, so a million of them cost no
//! memory until one is changed. Reads go through [`Table::get`] and [`Table::ids`], which see
//! both kinds in id order.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::iter::Peekable;
use std::ops::Bound;

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::synthetic;

/// Rows of one kind, by id, and the next id to hand out.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Table {
    /// The next id `insert` hands out (fixed up to exceed every row's id on load).
    pub next_id: u64,
    /// Stored rows by id; keys are the portal's field names (`ID`, `TITLE`, …). Synthetic
    /// rows appear here only once changed; read through [`Table::get`] to see them all.
    pub rows: BTreeMap<u64, Map<String, Value>>,
    /// Synthetic rows, computed from their id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generated: Option<Generated>,
}

/// Synthetic deals with ids `1..=count`, each a pure function of `(seed, id)`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Generated {
    /// How many: ids `1..=count`.
    pub count: u64,
    /// Seed of the content.
    pub seed: u64,
    /// Ids no longer synthetic: deleted, or changed and kept in [`Table::rows`].
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub taken: BTreeSet<u64>,
}

impl Generated {
    fn has(&self, id: u64) -> bool {
        (1..=self.count).contains(&id) && !self.taken.contains(&id)
    }
}

impl Table {
    /// A table of `count` synthetic deals from `seed`, ids `1..=count`.
    pub fn generated(count: u64, seed: u64) -> Table {
        Table {
            next_id: count + 1,
            rows: BTreeMap::new(),
            generated: Some(Generated {
                count,
                seed,
                taken: BTreeSet::new(),
            }),
        }
    }

    /// Adds a row, sets its `ID`, returns the id.
    pub fn insert(&mut self, mut row: Map<String, Value>) -> u64 {
        let id = self.next_id.max(1);
        self.next_id = id + 1;
        row.insert("ID".into(), json!(id));
        self.rows.insert(id, row);
        id
    }

    /// The row `id`, stored or synthetic.
    pub fn get(&self, id: u64) -> Option<Cow<'_, Map<String, Value>>> {
        if let Some(row) = self.rows.get(&id) {
            return Some(Cow::Borrowed(row));
        }
        let g = self.generated.as_ref().filter(|g| g.has(id))?;
        Some(Cow::Owned(synthetic::deal(g.seed, id)))
    }

    /// The row `id` with at least the fields `names`: a stored row whole, a synthetic one
    /// with only those fields (what a filter or a sort reads).
    pub fn fields(&self, id: u64, names: &[&str]) -> Option<Cow<'_, Map<String, Value>>> {
        if let Some(row) = self.rows.get(&id) {
            return Some(Cow::Borrowed(row));
        }
        let g = self.generated.as_ref().filter(|g| g.has(id))?;
        Some(Cow::Owned(synthetic::fields(g.seed, id, names)))
    }

    /// Whether the row `id` exists.
    pub fn contains(&self, id: u64) -> bool {
        self.rows.contains_key(&id) || self.generated.as_ref().is_some_and(|g| g.has(id))
    }

    /// The row `id` to change; a synthetic row is stored first.
    pub fn get_mut(&mut self, id: u64) -> Option<&mut Map<String, Value>> {
        if let Some(g) = self.generated.as_mut().filter(|g| g.has(id)) {
            g.taken.insert(id);
            let row = synthetic::deal(g.seed, id);
            self.rows.insert(id, row);
        }
        self.rows.get_mut(&id)
    }

    /// Deletes the row `id`; `false` when there is none.
    pub fn remove(&mut self, id: u64) -> bool {
        if let Some(g) = self.generated.as_mut().filter(|g| g.has(id)) {
            g.taken.insert(id);
            return true;
        }
        self.rows.remove(&id).is_some()
    }

    /// How many rows there are.
    pub fn len(&self) -> u64 {
        let synthetic = self
            .generated
            .as_ref()
            .map_or(0, |g| g.count - g.taken.range(1..=g.count).count() as u64);
        self.rows.len() as u64 + synthetic
    }

    /// Whether the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Ids within `(lower, upper)`, ascending or descending: O(ids yielded) from the index,
    /// nothing is read or computed for rows outside the range.
    pub fn ids(
        &self,
        lower: Bound<u64>,
        upper: Bound<u64>,
        descending: bool,
    ) -> Box<dyn Iterator<Item = u64> + '_> {
        let stored = self.rows.range((lower, upper)).map(|(id, _)| *id);
        let Some(g) = self.generated.as_ref() else {
            return if descending {
                Box::new(stored.rev())
            } else {
                Box::new(stored)
            };
        };
        let lo = match lower {
            Bound::Included(n) => n.max(1),
            Bound::Excluded(n) => n.saturating_add(1).max(1),
            Bound::Unbounded => 1,
        };
        let hi = match upper {
            Bound::Included(n) => n.min(g.count),
            Bound::Excluded(0) => 0,
            Bound::Excluded(n) => (n - 1).min(g.count),
            Bound::Unbounded => g.count,
        };
        // `lo..=hi` is empty when `hi < lo`.
        let virtual_ids = (lo..=hi).filter(move |id| !g.taken.contains(id));
        if descending {
            Box::new(Merge::new(stored.rev(), virtual_ids.rev(), true))
        } else {
            Box::new(Merge::new(stored, virtual_ids, false))
        }
    }

    /// Every row in id order.
    pub fn iter(&self) -> impl Iterator<Item = Cow<'_, Map<String, Value>>> + '_ {
        self.ids(Bound::Unbounded, Bound::Unbounded, false)
            .filter_map(|id| self.get(id))
    }

    /// Makes the table consistent after loading: every stored row's `ID` is its key, stored
    /// ids are no longer synthetic, the counter is past every id.
    pub fn fix_up(&mut self) {
        for (id, row) in &mut self.rows {
            row.insert("ID".into(), json!(id));
        }
        let mut max = self.rows.keys().max().copied().unwrap_or(0);
        if let Some(g) = self.generated.as_mut() {
            g.taken
                .extend(self.rows.keys().copied().filter(|id| *id <= g.count));
            max = max.max(g.count);
        }
        self.next_id = self.next_id.max(max + 1);
    }
}

/// Two sorted, disjoint id streams merged into one, ascending or descending.
struct Merge<A: Iterator<Item = u64>, B: Iterator<Item = u64>> {
    a: Peekable<A>,
    b: Peekable<B>,
    descending: bool,
}

impl<A: Iterator<Item = u64>, B: Iterator<Item = u64>> Merge<A, B> {
    fn new(a: A, b: B, descending: bool) -> Self {
        Merge {
            a: a.peekable(),
            b: b.peekable(),
            descending,
        }
    }
}

impl<A: Iterator<Item = u64>, B: Iterator<Item = u64>> Iterator for Merge<A, B> {
    type Item = u64;

    fn next(&mut self) -> Option<u64> {
        let take_a = match (self.a.peek(), self.b.peek()) {
            (Some(x), Some(y)) => (x < y) != self.descending,
            (Some(_), None) => true,
            (None, _) => false,
        };
        if take_a {
            self.a.next()
        } else {
            self.b.next()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_and_stored_rows_read_as_one_table() {
        let mut t = Table::generated(10, 7);
        assert_eq!((t.len(), t.next_id), (10, 11));
        let new = t.insert(crate::state::store::obj(json!({"TITLE": "mine"})));
        assert_eq!(new, 11);
        assert!(t.remove(3));
        assert!(!t.remove(3));
        t.get_mut(5)
            .unwrap()
            .insert("TITLE".into(), json!("changed"));
        assert_eq!(t.get(5).unwrap()["TITLE"], json!("changed"));
        assert!(t.get(3).is_none() && !t.contains(3) && t.contains(4));
        assert_eq!(t.len(), 10);
        let all: Vec<u64> = t.ids(Bound::Unbounded, Bound::Unbounded, false).collect();
        assert_eq!(all, [1, 2, 4, 5, 6, 7, 8, 9, 10, 11]);
        let down: Vec<u64> = t
            .ids(Bound::Excluded(2), Bound::Included(6), true)
            .collect();
        assert_eq!(down, [6, 5, 4]);
        let none: Vec<u64> = t
            .ids(Bound::Excluded(20), Bound::Unbounded, false)
            .collect();
        assert!(none.is_empty());
        let below_one: Vec<u64> = t.ids(Bound::Unbounded, Bound::Excluded(1), false).collect();
        assert!(below_one.is_empty());
    }

    #[test]
    fn a_saved_table_keeps_only_its_changes() {
        let mut t = Table::generated(1_000_000, 1);
        t.get_mut(7).unwrap().insert("TITLE".into(), json!("x"));
        let text = serde_json::to_string(&t).unwrap();
        assert!(text.len() < 2_000, "{text}");
        let mut back: Table = serde_json::from_str(&text).unwrap();
        back.fix_up();
        assert_eq!(back, t);
    }
}
