use crate::chips::cpu::AccessCols;
use crate::cols::column_layout;

/// Columns of the syscall table.
#[repr(C)]
pub struct SyscallCols<T> {
    /// `input_len`.
    pub is_input_len: T,
    /// `profile_scope`.
    pub is_profile_scope: T,
    /// Cycle of the `ecall`.
    pub clk: T,
    /// `a0` as the `ecall` read it.
    pub a0: [T; 8],
    /// `a1` (read by `profile_scope`).
    pub a1: [T; 8],
    /// The `a1` read.
    pub a1_access: AccessCols<T>,
    /// `a2` (read by `profile_scope`).
    pub a2: [T; 8],
    /// The `a2` read.
    pub a2_access: AccessCols<T>,
    /// Value written to `a0` (`input_len`).
    pub result: [T; 8],
}

column_layout!(SyscallCols, NUM_SYSCALL_COLS, SYSCALL_COL_MAP);
