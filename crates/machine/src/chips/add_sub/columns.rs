use crate::cols::column_layout;

/// Columns of the add/sub table.
#[repr(C)]
pub struct AddSubCols<T> {
    /// First operand bytes.
    pub a: [T; 8],
    /// Second operand bytes.
    pub b: [T; 8],
    /// Result bytes.
    pub c: [T; 8],
    /// Carry out of each byte of the addition (`a + b = c`, or `c + b = a` for subtraction).
    pub carry: [T; 8],
    /// Operation flags (at most one set; none on padding rows).
    pub is_add: T,
    /// `sub`.
    pub is_sub: T,
    /// `addw`.
    pub is_addw: T,
    /// `subw`.
    pub is_subw: T,
    /// Sign bit of the 32-bit result (W operations).
    pub sign: T,
}

column_layout!(AddSubCols, NUM_ADD_SUB_COLS, ADD_SUB_COL_MAP);
