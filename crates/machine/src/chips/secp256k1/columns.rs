use super::arithmetic::{AddCols, DecompressCols, DoubleCols};
use crate::chips::cpu::AccessCols;
use crate::cols::column_layout;
use crate::modular::LIMBS;

/// What every secp256k1 table holds of its call: the CPU's hand-over and the point `p` that the
/// call updates in place (eight memory words: `x` then `y`, 32 little-endian bytes each).
#[repr(C)]
pub struct CallCols<T> {
    /// The row is a call (boolean; every interaction of the row is gated by it).
    pub is_real: T,
    /// Cycle of the `ecall`.
    pub clk: T,
    /// `a0`: the address of `p` (below the top of memory).
    pub a0: [T; 8],
    /// The accesses of `p`'s eight words.
    pub p_access: [AccessCols<T>; 8],
}

/// Columns of the point-addition table (`ecall` 0x2002, `p = p + q`).
#[repr(C)]
pub struct Secp256k1AddCols<T> {
    /// The call and `p`.
    pub call: CallCols<T>,
    /// `a1`: the address of `q` (below the top of memory).
    pub a1: [T; 8],
    /// The `a1` read.
    pub a1_access: AccessCols<T>,
    /// The reads of `q`'s eight words.
    pub q_access: [AccessCols<T>; 8],
    /// `p`, `q` and the sum.
    pub add: AddCols<T>,
}

/// Columns of the point-doubling table (`ecall` 0x2003, `p = 2 p`).
#[repr(C)]
pub struct Secp256k1DoubleCols<T> {
    /// The call and `p`.
    pub call: CallCols<T>,
    /// `p` and its double.
    pub double: DoubleCols<T>,
}

/// Columns of the decompression table (`ecall` 0x2004: `y` from `p`'s `x` and the parity in
/// `a1`; `a0` becomes 0 when a point exists, 1 when none does).
#[repr(C)]
pub struct Secp256k1DecompressCols<T> {
    /// The call and `p`.
    pub call: CallCols<T>,
    /// The `a1` read (its value is the parity bit, zero-extended).
    pub a1_access: AccessCols<T>,
    /// `p`'s `y` before the call (left as it was when no point exists).
    pub y_before: [T; LIMBS],
    /// `x`, the parity and the root.
    pub decompress: DecompressCols<T>,
}

column_layout!(CallCols, NUM_CALL_COLS, CALL_COL_MAP);
column_layout!(Secp256k1AddCols, NUM_SECP256K1_ADD_COLS, SECP256K1_ADD_COL_MAP);
column_layout!(Secp256k1DoubleCols, NUM_SECP256K1_DOUBLE_COLS, SECP256K1_DOUBLE_COL_MAP);
column_layout!(Secp256k1DecompressCols, NUM_SECP256K1_DECOMPRESS_COLS, SECP256K1_DECOMPRESS_COL_MAP);
