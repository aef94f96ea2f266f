//! The soak's operations: a seeded mix of reads, list streams, v1 creates and updates,
//! REST 3.0 creates, batches and OAuth calls, each write marked so that the portal's data
//! shows whether it was applied, and how often.

/// One logical operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `crm.deal.get` of a demo deal.
    Read,
    /// The first rows of `crm.deal.list`, through the list stream.
    List,
    /// `crm.deal.add` with a marked title (v1: no idempotency key).
    V1Create,
    /// `crm.deal.update` of a deal of its own, setting a marked comment.
    V1Update,
    /// REST 3.0 `note.collection.add` with a marked name (with an `Idempotency-Key`).
    V3Create,
    /// A batch of two marked `crm.deal.add` and one `crm.deal.get`.
    Batch,
    /// `crm.deal.get` through an OAuth client whose access token keeps expiring.
    OAuthRead,
}

impl Op {
    /// Every kind with its weight in the mix.
    const MIX: [(Op, u64); 7] = [
        (Op::Read, 20),
        (Op::List, 5),
        (Op::V1Create, 20),
        (Op::V1Update, 15),
        (Op::V3Create, 20),
        (Op::Batch, 10),
        (Op::OAuthRead, 10),
    ];

    /// Its name in the report.
    pub fn name(self) -> &'static str {
        match self {
            Op::Read => "read",
            Op::List => "list",
            Op::V1Create => "v1 create",
            Op::V1Update => "v1 update",
            Op::V3Create => "REST 3.0 create",
            Op::Batch => "batch",
            Op::OAuthRead => "OAuth read",
        }
    }
}

/// `count` operations drawn from the mix by `seed`.
pub fn plan(count: usize, seed: u64) -> Vec<Op> {
    let total: u64 = Op::MIX.iter().map(|(_, w)| w).sum();
    let mut rng = SplitMix(seed);
    (0..count)
        .map(|_| {
            let mut x = rng.next() % total;
            for (op, weight) in Op::MIX {
                if x < weight {
                    return op;
                }
                x -= weight;
            }
            Op::Read
        })
        .collect()
}

/// SplitMix64: a seeded sequence with no dependency.
pub struct SplitMix(pub u64);

impl SplitMix {
    /// The next number.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_is_seeded_and_mixed() {
        assert_eq!(plan(500, 3), plan(500, 3));
        assert_ne!(plan(500, 3), plan(500, 4));
        let ops = plan(2_000, 1);
        for (op, _) in Op::MIX {
            assert!(ops.contains(&op), "{op:?} is in the mix");
        }
    }
}
