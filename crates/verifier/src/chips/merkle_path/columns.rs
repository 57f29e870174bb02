use hearth_stark::column_layout;
use hearth_stark::config::{DIGEST_ELEMS, POSEIDON2_WIDTH};

/// Permutation outputs past the digest, which the compression truncates away.
pub const SPILL: usize = POSEIDON2_WIDTH - DIGEST_ELEMS;

/// Columns of the Merkle path table.
#[repr(C)]
pub struct MerklePathCols<T> {
    /// The row is one compression of a path (boolean; padding rows follow the last path).
    pub is_real: T,
    /// The row's parent is the root: the path's last compression (boolean, only on real rows).
    pub is_last: T,
    /// The node is its parent's right child: this level's bit of the leaf index (boolean).
    pub bit: T,
    /// The node: the leaf digest on a path's first row, the previous row's parent after.
    pub node: [T; DIGEST_ELEMS],
    /// Its sibling, from the proof (free).
    pub sibling: [T; DIGEST_ELEMS],
    /// The compression of the two children in index order: the Poseidon2 table's output.
    pub parent: [T; DIGEST_ELEMS],
    /// The rest of that permutation's output, looked up with it and otherwise unused.
    pub spill: [T; SPILL],
}

column_layout!(MerklePathCols, NUM_MERKLE_PATH_COLS, MERKLE_PATH_COL_MAP);
