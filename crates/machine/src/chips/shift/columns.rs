use crate::cols::column_layout;

/// Columns of the shift table.
#[repr(C)]
pub struct ShiftCols<T> {
    /// The value shifted.
    pub a: [T; 8],
    /// The shift amount (its low 6 bits, 5 for W, count).
    pub b: [T; 8],
    /// The result.
    pub c: [T; 8],
    /// One flag per operation of [`super::SHIFT_OPS`] (none on padding rows).
    pub op: [T; 6],
    /// Bits 0..6 of `b[0]`.
    pub amount_bits: [T; 6],
    /// `b[0] >> 6`.
    pub amount_rest: T,
    /// `2^r`, `r` the amount's low three bits.
    pub pow: T,
    /// The per-byte multiplier: `2^r` for left shifts, `2^(8-r)` for right shifts.
    pub multiplier: T,
    /// Low byte of each byte times the multiplier.
    pub lo: [T; 8],
    /// High byte of each byte times the multiplier.
    pub hi: [T; 8],
    /// One-hot number of whole bytes shifted, `q`.
    pub byte_shift: [T; 8],
    /// The byte whose top bit is the sign of the value shifted (`a[7]`, or `a[3]` for W).
    pub top: T,
    /// The sign of the value shifted, on arithmetic shifts only (0 otherwise).
    pub sign: T,
    /// The bits an arithmetic right shift brings into the top byte: `sign * (256 - multiplier)`.
    pub fill_lo: T,
    /// Sign of the 32-bit result (W operations).
    pub result_sign: T,
}

column_layout!(ShiftCols, NUM_SHIFT_COLS, SHIFT_COL_MAP);
