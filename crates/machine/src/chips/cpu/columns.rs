use crate::chips::program::InstrCols;
use crate::cols::column_layout;

/// One register or memory access: the previous access's timestamp and the three bytes of
/// `timestamp - previous - 1` proving it came strictly before.
#[repr(C)]
pub struct AccessCols<T> {
    /// Timestamp of the previous access to the location.
    pub prev_ts: T,
    /// Bytes of `ts - prev_ts - 1`.
    pub dts: [T; 3],
}

/// Columns of the CPU table.
#[repr(C)]
pub struct CpuCols<T> {
    /// 1 on rows that execute an instruction, 0 on padding.
    pub is_real: T,
    /// Cycle number.
    pub clk: T,
    /// Address of the instruction.
    pub pc: T,
    /// Address of the next instruction.
    pub next_pc: T,
    /// The instruction, as the program table holds it.
    pub instr: InstrCols<T>,
    /// Value of `rs1` (0 if not read).
    pub rs1_val: [T; 8],
    /// Value of `rs2` (0 if not read).
    pub rs2_val: [T; 8],
    /// Value written to `rd`.
    pub rd_val: [T; 8],
    /// Value `rd` held before.
    pub rd_prev: [T; 8],
    /// The `rs1` read.
    pub rs1_access: AccessCols<T>,
    /// The `rs2` read.
    pub rs2_access: AccessCols<T>,
    /// The `rd` write.
    pub rd_access: AccessCols<T>,
    /// Bytes of `pc` (`auipc`) or `pc + 4` (`jal`, `jalr`).
    pub pc_bytes: [T; 4],
    /// First ALU operand.
    pub alu_a: [T; 8],
    /// Second ALU operand.
    pub alu_b: [T; 8],
    /// ALU result.
    pub alu_out: [T; 8],
    /// Low bit of a `jalr` target, which the instruction clears.
    pub jalr_bit: T,
    /// One-hot byte offset of a load or store inside its word.
    pub mem_offset: [T; 8],
    /// Bits 3..8 of the address.
    pub mem_q: T,
    /// The word before the access.
    pub mem_prev: [T; 8],
    /// The word after the access.
    pub mem_new: [T; 8],
    /// The memory access.
    pub mem_access: AccessCols<T>,
    /// The access crosses into the next word (offset plus width above 8).
    pub mem_cross: T,
    /// The next word before a crossing access (zero otherwise).
    pub mem2_prev: [T; 8],
    /// The next word after a crossing access (zero otherwise).
    pub mem2_new: [T; 8],
    /// The access to the next word.
    pub mem2_access: AccessCols<T>,
    /// The eight bytes from the accessed address on (across both words).
    pub loaded: [T; 8],
    /// Top byte of the loaded value.
    pub load_top: T,
    /// Sign bit of the loaded value (signed loads).
    pub load_sign: T,
    /// The `ecall` is `exit` (else the syscall table performs it).
    pub is_exit: T,
}

column_layout!(CpuCols, NUM_CPU_COLS, CPU_COL_MAP);
