//! How much work verifying a proof takes, counted from the proof and the AIRs' symbolic
//! constraints: what a recursive verifier has to reproduce, so the recursion design is chosen
//! by numbers rather than guesses.
//!
//! Counts are exact where the proof states them (opened values, sibling digests, queries,
//! folding layers, constraint expression nodes) and upper bounds where they depend on the
//! query positions (leaf groups of matrices of different heights are counted once per query).

use std::collections::HashSet;
use std::sync::Arc;

use p3_air::symbolic::{AirLayout, BaseLeaf, ExtLeaf, SymbolicExpr};
use p3_batch_stark::symbolic::get_symbolic_constraints;
use p3_lookup::LogUpGadget;
use serde::Serialize;

use crate::config::{Challenge, DIGEST_ELEMS, EXTENSION_DEGREE, SPONGE_RATE, Val};
use crate::prover::{ProvableAir, StarkError, StarkProof, uncommitted_common};

/// Work a verifier does for one proof.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct VerifierWork {
    /// FRI queries.
    pub queries: u64,
    /// FRI folding layers (commit-phase rounds).
    pub fri_layers: u64,
    /// Trace, lookup and quotient values opened at the query positions, all queries (base field
    /// elements).
    pub opened_values: u64,
    /// Values opened in the FRI layers, all queries (base field elements).
    pub fri_opened_values: u64,
    /// Sibling digests the Merkle multi-proofs carry.
    pub sibling_digests: u64,
    /// Poseidon2 permutations hashing opened rows into leaves.
    pub leaf_permutations: u64,
    /// Poseidon2 permutations compressing two digests into their parent.
    pub compress_permutations: u64,
    /// Poseidon2 permutations of the Fiat-Shamir transcript (observing commitments and
    /// out-of-domain values, sampling challenges and query positions).
    pub transcript_permutations: u64,
    /// Extension-field operations evaluating every table's constraints (and the lookup
    /// argument's) at the out-of-domain point, and folding them with the batching challenge.
    pub constraint_ext_ops: u64,
    /// Extension-field operations reducing the opened values into each query's DEEP quotient.
    pub opening_ext_ops: u64,
    /// Extension-field operations folding FRI layers along each query.
    pub fold_ext_ops: u64,
}

impl VerifierWork {
    /// All Poseidon2 permutations.
    pub fn permutations(&self) -> u64 {
        self.leaf_permutations + self.compress_permutations + self.transcript_permutations
    }

    /// All extension-field operations.
    pub fn ext_ops(&self) -> u64 {
        self.constraint_ext_ops + self.opening_ext_ops + self.fold_ext_ops
    }

    /// Adds another proof's work (a verifier checking several proofs).
    pub fn add(&mut self, other: &Self) {
        self.queries += other.queries;
        self.fri_layers += other.fri_layers;
        self.opened_values += other.opened_values;
        self.fri_opened_values += other.fri_opened_values;
        self.sibling_digests += other.sibling_digests;
        self.leaf_permutations += other.leaf_permutations;
        self.compress_permutations += other.compress_permutations;
        self.transcript_permutations += other.transcript_permutations;
        self.constraint_ext_ops += other.constraint_ext_ops;
        self.opening_ext_ops += other.opening_ext_ops;
        self.fold_ext_ops += other.fold_ext_ops;
    }
}

/// Counts the work of verifying `proof` of `airs`.
pub fn verifier_work<A: ProvableAir>(airs: &[A], proof: &StarkProof) -> Result<VerifierWork, StarkError> {
    let batch = &proof.batch;
    let fri = &batch.opening_proof;
    let queries = proof.params.num_queries as u64;
    let mut work =
        VerifierWork { queries, fri_layers: fri.commit_phase_openings.len() as u64, ..Default::default() };

    // Tables of different heights share a tree: each extra height adds a leaf group hashed and
    // injected (one compression) on the way up.
    let distinct_heights = batch.degree_bits.iter().collect::<HashSet<_>>().len() as u64;
    let rounds = fri.input_openings.len();
    for (round, opening) in fri.input_openings.iter().enumerate() {
        // Every round is opened at the point and its shift, but the quotient (last) at one.
        let points = if round + 1 == rounds { 1 } else { 2 };
        for query in &opening.opened_values {
            let values: u64 = query.iter().map(|row| row.len() as u64).sum();
            work.opened_values += values;
            work.leaf_permutations +=
                values.div_ceil(SPONGE_RATE as u64) + distinct_heights.saturating_sub(1);
            work.compress_permutations += distinct_heights.saturating_sub(1);
            // Horner step (one multiplication, one addition) per value and point.
            work.opening_ext_ops += 2 * values * points;
        }
        let siblings = opening.opening_proof.sibling_hashes.len() as u64;
        work.sibling_digests += siblings;
        // Leaves (one per query, collisions aside) and siblings merge pairwise into one root.
        work.compress_permutations += (queries + siblings).saturating_sub(1);
    }
    for layer in &fri.commit_phase_openings {
        for query in &layer.sibling_values {
            // The query's own value comes from the previous layer; the siblings are opened.
            let arity = query.len() as u64 + 1;
            let values = arity * EXTENSION_DEGREE as u64;
            work.fri_opened_values += query.len() as u64 * EXTENSION_DEGREE as u64;
            work.leaf_permutations += values.div_ceil(SPONGE_RATE as u64);
            // Interpolating `arity` values at the folding challenge, about three operations
            // per value.
            work.fold_ext_ops += 3 * arity;
        }
        let siblings = layer.opening_proof.sibling_hashes.len() as u64;
        work.sibling_digests += siblings;
        work.compress_permutations += (queries + siblings).saturating_sub(1);
    }

    // Transcript: every commitment and out-of-domain value is absorbed, every challenge and
    // query position squeezed.
    let commitments = 3 + fri.commit_phase_commits.len() as u64;
    let ood_values: u64 = batch
        .opened_values
        .instances
        .iter()
        .map(|i| {
            let base = &i.base_opened_values;
            let ext_count = base.trace_local.len()
                + base.trace_next.as_ref().map_or(0, Vec::len)
                + base
                    .preprocessed
                    .as_ref()
                    .map_or(0, |p| p.local.len() + p.next.as_ref().map_or(0, Vec::len))
                + base.quotient_chunks.iter().map(Vec::len).sum::<usize>()
                + i.permutation_local.len()
                + i.permutation_next.len();
            ext_count as u64 * EXTENSION_DEGREE as u64
        })
        .sum();
    let absorbed = commitments * DIGEST_ELEMS as u64 + ood_values + fri.final_poly.len() as u64 * 8;
    let squeezed = queries + 16 * EXTENSION_DEGREE as u64;
    work.transcript_permutations = (absorbed + squeezed).div_ceil(SPONGE_RATE as u64);

    // Constraints: one extension-field operation per distinct expression node, plus a
    // multiplication and an addition folding each constraint into the batch.
    let common = uncommitted_common(&proof.params, airs, &batch.degree_bits)?;
    let gadget = LogUpGadget::new();
    for (i, air) in airs.iter().enumerate() {
        let layout = AirLayout::from_air(air);
        let (base, ext) =
            get_symbolic_constraints::<Val, Challenge, A, _>(air, layout, &common.lookups[i], &gadget);
        let mut seen = HashSet::new();
        let nodes: u64 = base.iter().map(|e| count_base(e, &mut seen)).sum::<u64>()
            + ext.iter().map(|e| count_ext(e, &mut seen)).sum::<u64>();
        work.constraint_ext_ops += nodes + 2 * (base.len() + ext.len()) as u64;
    }
    Ok(work)
}

/// Distinct operation nodes of a base expression (shared sub-expressions count once).
fn count_base(e: &SymbolicExpr<BaseLeaf<Val>>, seen: &mut HashSet<usize>) -> u64 {
    count_nodes(e, seen, &mut |_, _| 0)
}

fn count_ext(e: &SymbolicExpr<ExtLeaf<Val, Challenge>>, seen: &mut HashSet<usize>) -> u64 {
    count_nodes(e, seen, &mut |leaf, seen| match leaf {
        ExtLeaf::Base(b) => count_base(b, seen),
        _ => 0,
    })
}

fn count_nodes<L>(
    e: &SymbolicExpr<L>,
    seen: &mut HashSet<usize>,
    leaf: &mut dyn FnMut(&L, &mut HashSet<usize>) -> u64,
) -> u64 {
    let children: Vec<&Arc<SymbolicExpr<L>>> = match e {
        SymbolicExpr::Leaf(l) => return leaf(l, seen),
        SymbolicExpr::Add { x, y, .. } | SymbolicExpr::Sub { x, y, .. } | SymbolicExpr::Mul { x, y, .. } => {
            vec![x, y]
        }
        SymbolicExpr::Neg { x, .. } => vec![x],
    };
    let mut total = 1;
    for child in children {
        if seen.insert(Arc::as_ptr(child) as *const () as usize) {
            total += count_nodes(child, seen, leaf);
        }
    }
    total
}
