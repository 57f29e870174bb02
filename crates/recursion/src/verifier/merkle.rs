//! Checking openings of Hearth's Merkle commitments in a recursion program: the leaf hash (a
//! padding-free sponge over the opened rows), the binary path ordered by the index bits, and
//! rows of shorter matrices injected where the tree's level reaches their height, as
//! Plonky3's `MerkleTreeMmcs` commits them.

use hearth_stark::Val;
use hearth_stark::config::{DIGEST_ELEMS, POSEIDON2_WIDTH, SPONGE_RATE};
use p3_field::PrimeCharacteristicRing;

use super::transcript::DigestCells;
use crate::circuit::{CircuitBuilder, Ext, Felt, Opened};

/// The sponge hash of a stream of base cells: overwrite the rate with each chunk of 15 and
/// permute, starting from the zero state; the digest is the state's first 9 elements.
pub fn hash_cells(b: &mut CircuitBuilder, cells: &[Felt]) -> DigestCells {
    let zero = b.constant(Val::ZERO);
    let mut state = [zero; POSEIDON2_WIDTH];
    for chunk in cells.chunks(SPONGE_RATE) {
        state[..chunk.len()].copy_from_slice(chunk);
        state = b.poseidon2(state);
    }
    core::array::from_fn(|i| state[i])
}

/// The two-to-one compression of `(left, right)`, or `(right, left)` when `swap` is one.
pub fn compress(
    b: &mut CircuitBuilder,
    left: &DigestCells,
    right: &DigestCells,
    swap: Option<Felt>,
) -> DigestCells {
    let zero = b.constant(Val::ZERO);
    let mut input = [zero; POSEIDON2_WIDTH];
    input[..DIGEST_ELEMS].copy_from_slice(left);
    input[DIGEST_ELEMS..2 * DIGEST_ELEMS].copy_from_slice(right);
    let output = match swap {
        Some(bit) => b.poseidon2_swapped(input, bit),
        None => b.poseidon2(input),
    };
    core::array::from_fn(|i| output[i])
}

/// One matrix of a committed batch, as a verifier knows it.
#[derive(Clone, Copy, Debug)]
pub struct MatrixShape {
    /// `log2` of its height (a power of two).
    pub log_height: usize,
    /// Its width.
    pub width: usize,
}

/// Requires `rows` (one opened row per matrix of the batch, in commitment order) to be the
/// rows at `index_bits` (least significant first, one per level of the tallest matrix) of the
/// batch committed to by `root`. `siblings` gives one digest per level, bottom first.
///
/// Panics on shapes that do not match (a bug of the program's builder).
pub fn verify_batch_opening(
    b: &mut CircuitBuilder,
    root: &DigestCells,
    shapes: &[MatrixShape],
    index_bits: &[Felt],
    rows: &[Vec<Felt>],
    siblings: &[DigestCells],
) {
    assert_eq!(shapes.len(), rows.len(), "one row per matrix");
    assert!(shapes.iter().zip(rows).all(|(s, r)| s.width == r.len()), "row widths");
    verify_batch_with(b, root, shapes, index_bits, siblings, |b, matrices| {
        let cells: Vec<Felt> = matrices.iter().flat_map(|&i| rows[i].iter().copied()).collect();
        hash_cells(b, &cells)
    });
}

/// [`verify_batch_opening`] for rows of opened values, hashed by the opening table: returns,
/// per matrix, `sum_j factor^(w - 1 - j) v_j` over its row (`None` for an empty row).
pub fn verify_opened_batch(
    b: &mut CircuitBuilder,
    root: &DigestCells,
    shapes: &[MatrixShape],
    index_bits: &[Felt],
    rows: &[Vec<Opened>],
    siblings: &[DigestCells],
    factor: Ext,
) -> Vec<Option<Ext>> {
    assert_eq!(shapes.len(), rows.len(), "one row per matrix");
    assert!(shapes.iter().zip(rows).all(|(s, r)| s.width == r.len()), "row widths");
    let mut sums = vec![None; rows.len()];
    verify_batch_with(b, root, shapes, index_bits, siblings, |b, matrices| {
        let group: Vec<Vec<Opened>> = matrices.iter().map(|&i| rows[i].clone()).collect();
        if group.iter().all(Vec::is_empty) {
            // The sponge of nothing is its zero state.
            let zero = b.constant(Val::ZERO);
            return [zero; DIGEST_ELEMS];
        }
        let (digest, group_sums) = b.hash_opened(&group, factor);
        for (&i, sum) in matrices.iter().zip(group_sums) {
            sums[i] = sum;
        }
        digest
    });
    sums
}

/// The batch opening check, each group of equally tall matrices (their indices, in commitment
/// order) hashed by `hash_rows`.
fn verify_batch_with(
    b: &mut CircuitBuilder,
    root: &DigestCells,
    shapes: &[MatrixShape],
    index_bits: &[Felt],
    siblings: &[DigestCells],
    mut hash_rows: impl FnMut(&mut CircuitBuilder, &[usize]) -> DigestCells,
) {
    let log_max = shapes.iter().map(|s| s.log_height).max().expect("a batch has matrices");
    assert_eq!(index_bits.len(), log_max, "one index bit per level");
    assert_eq!(siblings.len(), log_max, "one sibling per level");

    // Matrices tallest first; equal heights keep their order and share one hash.
    let at = |log_height: usize| -> Vec<usize> {
        (0..shapes.len()).filter(|&i| shapes[i].log_height == log_height).collect()
    };

    let mut digest = hash_rows(b, &at(log_max));
    for (level, (sibling, &bit)) in siblings.iter().zip(index_bits).enumerate() {
        digest = compress(b, &digest, sibling, Some(bit));
        let injected = at(log_max - level - 1);
        if injected.iter().any(|&i| shapes[i].width > 0) {
            let rows_digest = hash_rows(b, &injected);
            digest = compress(b, &digest, &rows_digest, None);
        }
    }
    for (&computed, &expected) in digest.iter().zip(root) {
        b.assert_eq(computed, expected);
    }
}

#[cfg(test)]
mod tests;
