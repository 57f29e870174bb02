use crate::cols::column_layout;

/// Columns of the multiplication table.
#[repr(C)]
pub struct MulCols<T> {
    /// First operand.
    pub a: [T; 8],
    /// Second operand.
    pub b: [T; 8],
    /// Result.
    pub c: [T; 8],
    /// One flag per operation of [`super::MUL_OPS`] (none on padding rows).
    pub op: [T; 5],
    /// The 128-bit product of the extended operands, in bytes.
    pub product: [T; 16],
    /// Low bytes of the carries out of each product byte.
    pub carry_lo: [T; 16],
    /// High bytes of the carries.
    pub carry_hi: [T; 16],
    /// `a` is negative and treated as signed (`mulh`, `mulhsu`).
    pub a_sign: T,
    /// `b` is negative and treated as signed (`mulh`).
    pub b_sign: T,
    /// Sign of the 32-bit result (`mulw`).
    pub result_sign: T,
}

column_layout!(MulCols, NUM_MUL_COLS, MUL_COL_MAP);
