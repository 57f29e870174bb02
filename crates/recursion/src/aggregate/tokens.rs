//! The run-wide memory and output argument (`docs/recursion.md`, "Memory across shards"):
//! the programs' side of tokens, their fingerprints and the challenges drawn from every list's
//! digest; the native side is the machine's (`hearth_machine::memory_argument`).
//!
//! A memory token `(addr, value, stamp, marker)` is a word's value after the shard with that
//! stamp wrote it (stamp `k + 1` for shard `k`, 0 for the run's initial memory). A shard
//! consumes `(addr, before, prev, 1 - fresh)` with `prev` below its stamp and produces
//! `(addr, after, stamp, 0)` for each word it lists (in its memory boundary table); the final
//! step lists each touched word once, sorted, produces `(addr, 0, 0, in_image)` and consumes
//! `(addr, final, last, 0)`, values packed three bytes to an element. A
//! word taken from the image (not fresh) can only consume the image marker's initial token.

use hearth_stark::Val;
use hearth_stark::config::EXTENSION_DEGREE;
use p3_field::PrimeCharacteristicRing;

use crate::circuit::{CircuitBuilder, Ext, Felt};
use crate::verifier::merkle::hash_cells;
use crate::verifier::transcript::DigestCells;

/// `c[0] + alpha c[1] + alpha^2 c[2] + ...`, one row per part after the last.
pub fn fingerprint(b: &mut CircuitBuilder, alpha: Ext, parts: &[Felt]) -> Ext {
    let (last, rest) = parts.split_last().expect("a token has parts");
    rest.iter().rev().fold(Ext::from(*last), |acc, &part| b.ext_mul_add(acc, alpha, part))
}

/// `1 / (gamma - fingerprint)`.
pub fn token_term(b: &mut CircuitBuilder, gamma: Ext, fingerprint: Ext) -> Ext {
    let difference = b.ext_sub(gamma, fingerprint);
    b.inverse(difference)
}

/// `x * x == x`.
pub fn assert_bool(b: &mut CircuitBuilder, x: Felt) {
    let square = b.mul(x, x);
    b.assert_eq(square, x);
}

/// The challenges `gamma` and `alpha` from the root of the shards' list digests and the
/// final list's digest, as cells.
pub fn challenges_cells(
    b: &mut CircuitBuilder,
    lists: &DigestCells,
    final_list: &DigestCells,
) -> ([Felt; EXTENSION_DEGREE], [Felt; EXTENSION_DEGREE]) {
    let seed = crate::verifier::merkle::compress(b, lists, final_list, None);
    let draw = |b: &mut CircuitBuilder, tag: u32| {
        let tag = b.constant(Val::from_u32(tag));
        let mut cells = seed.to_vec();
        cells.push(tag);
        let h = hash_cells(b, &cells);
        core::array::from_fn(|i| h[i])
    };
    (draw(b, 1), draw(b, 2))
}

pub use hearth_machine::memory_argument::{
    Challenges, FINAL_WORD_CELLS, FinalWord, MemoryHistory, final_list_digest, hash_values, join,
    shard_lists_digest, tree_digest,
};
