use crate::cols::column_layout;

/// Columns of the comparison table.
#[repr(C)]
pub struct LtCols<T> {
    /// First operand bytes.
    pub a: [T; 8],
    /// Second operand bytes.
    pub b: [T; 8],
    /// The answer (0 or 1).
    pub c: T,
    /// Operation flags: slt, sltu, beq, bne, blt, bge, bltu, bgeu.
    pub op: [T; 8],
    /// Marks the most significant byte where `a` and `b` differ (none if equal).
    pub diff_byte: [T; 8],
    /// Inverse of the difference at that byte.
    pub diff_inv: T,
    /// `a`'s byte there.
    pub a_at: T,
    /// `b`'s byte there.
    pub b_at: T,
    /// `a_at < b_at`, i.e. `a < b` unsigned.
    pub ltu: T,
    /// Sign of `a`.
    pub sign_a: T,
    /// Sign of `b`.
    pub sign_b: T,
    /// The signs differ.
    pub signs_differ: T,
    /// `a < b`, signed or unsigned as the operation asks.
    pub lt: T,
}

column_layout!(LtCols, NUM_LT_COLS, LT_COL_MAP);
