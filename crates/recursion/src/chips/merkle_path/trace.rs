use hearth_stark::Val;
use hearth_stark::config::{DIGEST_ELEMS, POSEIDON2_WIDTH};
use p3_field::PrimeCharacteristicRing;
use p3_matrix::dense::RowMajorMatrix;

use super::*;
use crate::chips::poseidon2::Poseidon2Requests;

/// One authentication path: a leaf digest, its index, and the siblings from the leaf's level
/// up to the root's children.
#[derive(Clone, Debug)]
pub struct MerklePath {
    /// Digest of the leaf.
    pub leaf: [Val; DIGEST_ELEMS],
    /// The leaf's position; bit `i` says whether the level-`i` node is a right child.
    pub index: usize,
    /// Siblings, bottom up.
    pub siblings: Vec<[Val; DIGEST_ELEMS]>,
}

/// The table for `paths` (one row per sibling), padded to a power of two (at least 4) with
/// zero rows; the compressions are recorded in `poseidon2`. Returns the trace and each path's
/// computed root.
pub fn generate_trace(
    paths: &[MerklePath],
    poseidon2: &mut Poseidon2Requests,
) -> (RowMajorMatrix<Val>, Vec<[Val; DIGEST_ELEMS]>) {
    let rows: usize = paths.iter().map(|p| p.siblings.len()).sum();
    let height = rows.next_power_of_two().max(4);
    let mut values = vec![Val::ZERO; height * NUM_MERKLE_PATH_COLS];
    let mut roots = Vec::with_capacity(paths.len());
    let mut row_index = 0;
    for path in paths {
        let mut node = path.leaf;
        for (level, sibling) in path.siblings.iter().enumerate() {
            let row: &mut MerklePathCols<Val> = core::borrow::BorrowMut::borrow_mut(
                &mut values[row_index * NUM_MERKLE_PATH_COLS..][..NUM_MERKLE_PATH_COLS],
            );
            let right = (path.index >> level) & 1 == 1;
            let mut input = [Val::ZERO; POSEIDON2_WIDTH];
            let (a, b) = if right { (sibling, &node) } else { (&node, sibling) };
            input[..DIGEST_ELEMS].copy_from_slice(a);
            input[DIGEST_ELEMS..2 * DIGEST_ELEMS].copy_from_slice(b);
            let output = poseidon2.permute(input);
            row.is_real = Val::ONE;
            row.is_last = Val::from_bool(level + 1 == path.siblings.len());
            row.bit = Val::from_bool(right);
            row.node = node;
            row.sibling = *sibling;
            row.parent.copy_from_slice(&output[..DIGEST_ELEMS]);
            row.spill.copy_from_slice(&output[DIGEST_ELEMS..]);
            node = row.parent;
            row_index += 1;
        }
        roots.push(node);
    }
    (RowMajorMatrix::new(values, NUM_MERKLE_PATH_COLS), roots)
}
