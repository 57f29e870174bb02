//! Named proof parameter sets. Every proof records the set it was made with, and the verifier
//! rebuilds the same configuration from it; a set is a value, not a compile-time choice.

use serde::{Deserialize, Serialize};

/// Queries of [`ProofParams::half_rate_128`].
const HALF_RATE_QUERIES: u16 = 231;

/// FRI and grinding parameters of one proof.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProofParams {
    /// Human-readable name ("default", "fast", ...).
    pub name: String,
    /// `log2` of the FRI blowup (the code rate is `2^-log_blowup`).
    pub log_blowup: u8,
    /// FRI query repetitions.
    pub num_queries: u16,
    /// `log2` of the largest FRI folding factor.
    pub max_log_arity: u8,
    /// `log2` of the length of the final polynomial FRI sends in the clear.
    pub log_final_poly_len: u8,
    /// Proof-of-work bits before the query indices.
    pub query_pow_bits: u8,
    /// Proof-of-work bits before each folding challenge.
    pub commit_pow_bits: u8,
    /// Proof-of-work bits before the batching challenge.
    pub batch_pow_bits: u8,
    /// Proof-of-work bits before the lookup challenges.
    pub lookup_pow_bits: u8,
    /// Proof-of-work bits before the out-of-domain point.
    pub ood_pow_bits: u8,
    /// Merkle cap height: commitments are the `2^cap_height` nodes that many levels below the
    /// root, and authentication paths stop there. A last layer uses it to trade a few
    /// digests in the commitment for shorter paths in every query; recursion programs verify
    /// only single-root commitments (height 0).
    pub cap_height: u8,
    /// Lookups of one bus share an auxiliary column while the column's constraint stays within
    /// this degree (at most `2^log_blowup + 1`, the quotient's rate budget). Plonky3 alone
    /// packs only within a table's own constraint degree, so a degree-2 table would give
    /// every lookup a column of its own: 8 base-field values, committed and opened at every
    /// query. A higher degree means fewer columns and more quotient chunks.
    pub lookup_packing_degree: u8,
}

impl ProofParams {
    /// The default: at least 128 bits of provable security in the Johnson-bound regime (as
    /// soundcalc measures it, default gap) for traces up to 2^24 rows. Rate 1/4 keeps the query
    /// count moderate: each query is worth 0.99 bits there, against 0.49 at rate 1/2.
    pub fn default_128() -> Self {
        Self {
            name: "default".into(),
            log_blowup: 2,
            num_queries: 114,
            max_log_arity: 3,
            log_final_poly_len: 2,
            query_pow_bits: 16,
            commit_pow_bits: 0,
            batch_pow_bits: 0,
            lookup_pow_bits: 0,
            ood_pow_bits: 0,
            cap_height: 0,
            lookup_packing_degree: 3,
        }
    }

    /// Faster proving at rate 1/2 (half the low-degree extension), at least 100 provable bits.
    pub fn fast_100() -> Self {
        Self { name: "fast-100".into(), log_blowup: 1, num_queries: 173, ..Self::default_128() }
    }

    /// Rate 1/2 at 128 provable bits: twice the queries of [`Self::default_128`] for half the
    /// low-degree extension. The aggregation tree's proofs use it: a leaf verifying a wide
    /// shard has tables of 2^22 rows, and at rate 1/4 their extension alone outgrows a 24 GiB
    /// machine, while the queries it adds cost the nodes above only rows of their own.
    pub fn half_rate_128() -> Self {
        Self {
            name: "half-rate-128".into(),
            log_blowup: 1,
            num_queries: HALF_RATE_QUERIES,
            ..Self::default_128()
        }
    }

    /// Tiny parameters for tests of constraint logic only: **no security**. Never accepted by
    /// the CLI verifier unless asked for by name.
    pub fn insecure_test() -> Self {
        Self {
            name: "insecure-test".into(),
            log_blowup: 1,
            num_queries: 2,
            max_log_arity: 1,
            log_final_poly_len: 0,
            query_pow_bits: 0,
            ..Self::default_128()
        }
    }

    /// These parameters for a recursion proof: lookups packed up to degree 5 where the blowup
    /// allows it. Recursion tables carry dozens of lookups per row (a Poseidon2 call reads and
    /// writes 48 cells), so packing four to a column instead of two makes their proofs ~4%
    /// smaller at the same proving time; the machine's wide tables stay at degree 3, where
    /// more quotient chunks would slow the shard proofs.
    pub fn for_recursion(&self) -> Self {
        Self { lookup_packing_degree: self.max_lookup_packing_degree().min(5) as u8, ..self.clone() }
    }

    /// The largest lookup packing degree the blowup allows: a quotient of more than
    /// `2^log_blowup` chunks asks FRI for a degree it cannot certify.
    pub fn max_lookup_packing_degree(&self) -> u32 {
        (1u32 << self.log_blowup.min(16)) + 1
    }

    /// Looks a set up by name.
    pub fn by_name(name: &str) -> Option<Self> {
        [Self::default_128(), Self::fast_100(), Self::half_rate_128(), Self::insecure_test()]
            .into_iter()
            .find(|p| p.name == name)
    }

    /// FRI folding factors of a proof whose largest trace has `2^log_trace_length` rows.
    pub fn folding_factors(&self, log_trace_length: u32) -> Vec<u32> {
        let mut remaining = log_trace_length.saturating_sub(self.log_final_poly_len as u32);
        let mut factors = Vec::new();
        while remaining > 0 {
            let step = remaining.min(self.max_log_arity.max(1) as u32);
            factors.push(1 << step);
            remaining -= step;
        }
        factors
    }
}

impl Default for ProofParams {
    fn default() -> Self {
        Self::default_128()
    }
}
