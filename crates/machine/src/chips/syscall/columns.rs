use crate::chips::cpu::AccessCols;
use crate::cols::column_layout;

/// Columns of the syscall table.
#[repr(C)]
pub struct SyscallCols<T> {
    /// `input_len`.
    pub is_input_len: T,
    /// `profile_scope`.
    pub is_profile_scope: T,
    /// `read` from the input stream.
    pub is_read: T,
    /// `write` to the public output.
    pub is_write_output: T,
    /// `write` to the debug stream (not committed: only its registers are proven).
    pub is_write_debug: T,
    /// Cycle of the `ecall`.
    pub clk: T,
    /// `a0` as the `ecall` read it (the file descriptor of `read` and `write`).
    pub a0: [T; 8],
    /// `a1` (the buffer of `read` and `write`).
    pub a1: [T; 8],
    /// The `a1` read.
    pub a1_access: AccessCols<T>,
    /// `a2` (the length of `read` and `write`).
    pub a2: [T; 8],
    /// The `a2` read.
    pub a2_access: AccessCols<T>,
    /// Value written to `a0`; for `read` and `write` also the number of bytes moved.
    pub result: [T; 8],
    /// `read` returned fewer bytes than asked for (the input ran out).
    pub short: T,
    /// Stream position before a `read` or `write`.
    pub position: T,
    /// The access to the stream's position (a register past `x31`).
    pub position_access: AccessCols<T>,
}

column_layout!(SyscallCols, NUM_SYSCALL_COLS, SYSCALL_COL_MAP);
