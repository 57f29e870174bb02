//! Hooks through which the interpreter reports what it does.
//!
//! The interpreter is generic over a [`Tracer`]; every hook has an empty default, so the fast mode
//! (`()`) compiles to a loop with no recording and no per-step test of which mode is running.

use crate::{memory::Memory, precompiles::PrecompileEvent};

/// Position of an access within one instruction; see [`crate::trace::timestamp`].
pub(crate) mod slot {
    /// First register read (`rs1`, or `a7` for `ecall`).
    pub const READ_A: u64 = 0;
    /// Second register read (`rs2`, or the arguments of `ecall`).
    pub const READ_B: u64 = 1;
    /// Memory.
    pub const MEMORY: u64 = 2;
    /// Register write.
    pub const WRITE: u64 = 3;
}

/// What a syscall did, for trace mode.
#[derive(Clone, Debug)]
pub(crate) struct SyscallReport {
    pub number: u64,
    pub args: [u64; 3],
    pub result: Option<u64>,
}

#[allow(unused_variables, reason = "hooks default to doing nothing")]
pub(crate) trait Tracer {
    /// Whether syscall and accelerator events should be built at all.
    const RECORDS_EVENTS: bool = false;

    /// Whether `start` and `finish` do anything (so the interpreter can skip computing their
    /// arguments).
    const HOOKS: bool = true;

    /// Whether `clk` must be exact at every instruction. Only a tracer with no hooks may say no:
    /// the interpreter then settles `clk` once per basic block.
    const EXACT: bool = true;

    /// An instruction at code index `index` starts; `clk` counts the instructions before it.
    #[inline(always)]
    fn start(&mut self, clk: u64, index: usize) {}

    /// A register is read (`reg` may be 0).
    #[inline(always)]
    fn read_reg(&mut self, slot: u64, reg: u8, value: u64) {}

    /// A register is written (`reg` may be the `x0` sink).
    #[inline(always)]
    fn write_reg(&mut self, reg: u8, prev: u64, value: u64) {}

    /// `[addr, addr + len)` is about to be written.
    #[inline(always)]
    fn before_write(&mut self, memory: &Memory, addr: u64, len: u64) {}

    /// `[addr, addr + len)` was read, or written since `before_write`.
    #[inline(always)]
    fn memory(&mut self, memory: &Memory, addr: u64, len: u64) {}

    /// A syscall completed.
    #[inline(always)]
    fn syscall(&mut self, report: SyscallReport) {}

    /// An accelerator ran.
    #[inline(always)]
    fn precompile(&mut self, event: PrecompileEvent) {}

    /// The guest entered (`enter`) or left a named profile scope at cycle `clk`.
    #[inline(always)]
    fn profile_scope(&mut self, clk: u64, name: &str, enter: bool) {}

    /// The instruction finished; execution continues at code index `next`.
    #[inline(always)]
    fn finish(&mut self, next: usize) {}
}

/// The fast mode: records nothing, and lets the interpreter count cycles per basic block.
impl Tracer for () {
    const HOOKS: bool = false;
    const EXACT: bool = false;
}
