use p3_keccak_air::KeccakCols;

use crate::chips::cpu::AccessCols;
use crate::cols::column_layout;

/// Columns of the Keccak-f table: Plonky3's round columns first, then the machine's.
#[repr(C)]
pub struct KeccakFCols<T> {
    /// One round of the permutation (`p3-keccak-air`'s layout).
    pub keccak: KeccakCols<T>,
    /// The block is a real call (constant over its 24 rows).
    pub is_real: T,
    /// Cycle of the `ecall` (constant over the block).
    pub clk: T,
    /// `a0`: the state's address (constant over the block).
    pub a0: [T; 8],
    /// The 25 lanes as bytes: the state read on the first round's row, the state written on
    /// the last round's row.
    pub lanes: [[T; 8]; 25],
    /// The reads of the 25 words (first round's row).
    pub access: [AccessCols<T>; 25],
}

column_layout!(KeccakFCols, NUM_KECCAK_F_COLS, KECCAK_F_COL_MAP);
