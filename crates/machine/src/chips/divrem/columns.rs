use crate::cols::column_layout;

/// Columns of the division table.
#[repr(C)]
pub struct DivRemCols<T> {
    /// Dividend.
    pub a: [T; 8],
    /// Divisor.
    pub b: [T; 8],
    /// Result.
    pub c: [T; 8],
    /// One flag per operation of [`super::DIVREM_OPS`] (none on padding rows).
    pub op: [T; 8],
    /// The byte holding the dividend's sign: `a[7]`, or `a[3]` for W.
    pub a_top: T,
    /// The byte holding the divisor's sign.
    pub b_top: T,
    /// The dividend is negative (signed operations only).
    pub a_sign: T,
    /// The divisor is negative (signed operations only).
    pub b_sign: T,
    /// The divisor as divided: `b`, or its low word extended for W.
    pub b_divisor: [T; 8],
    /// Quotient of the (extended) operands.
    pub q: [T; 8],
    /// Remainder of the (extended) operands.
    pub r: [T; 8],
    /// The quotient is negative (signed operations only).
    pub q_sign: T,
    /// The remainder is negative (signed operations only).
    pub r_sign: T,
    /// The sign the quotient is extended with in the product: `q_sign`, except on overflow.
    pub q_fill: T,
    /// Low bytes of the carries of `b * q + r`.
    pub carry_lo: [T; 16],
    /// High bytes of the carries.
    pub carry_hi: [T; 16],
    /// `|r|`.
    pub r_abs: [T; 8],
    /// `|b|` (of the divisor as divided).
    pub b_abs: [T; 8],
    /// The divisor is zero.
    pub b_zero: T,
    /// Signed 64-bit overflow: `i64::MIN / -1`.
    pub overflow: T,
    /// Sign of the 32-bit result (W operations).
    pub result_sign: T,
}

column_layout!(DivRemCols, NUM_DIVREM_COLS, DIVREM_COL_MAP);
