use crate::cols::column_layout;

/// A decoded instruction: what the CPU reads from the program table for each row it executes.
#[repr(C)]
pub struct InstrCols<T> {
    /// The opcode's number.
    pub opcode: T,
    /// Destination register.
    pub rd: T,
    /// First source register.
    pub rs1: T,
    /// Second source register.
    pub rs2: T,
    /// The immediate, sign-extended to 64 bits, little-endian bytes.
    pub imm: [T; 8],
    /// The immediate as a signed field element (pc arithmetic).
    pub imm_field: T,
    /// The operation sent to the ALU bus.
    pub alu_op: T,
    /// Sends one ALU request.
    pub sends_alu: T,
    /// The ALU's second operand is the immediate (else `rs2`).
    pub alu_imm: T,
    /// `rd` takes the ALU result.
    pub alu_to_rd: T,
    /// Class: register or immediate arithmetic.
    pub is_alu: T,
    /// Class: load.
    pub is_load: T,
    /// Class: store.
    pub is_store: T,
    /// Class: conditional branch.
    pub is_branch: T,
    /// Class: `jal`.
    pub is_jal: T,
    /// Class: `jalr`.
    pub is_jalr: T,
    /// Class: `lui`.
    pub is_lui: T,
    /// Class: `auipc`.
    pub is_auipc: T,
    /// Class: `ecall`.
    pub is_ecall: T,
    /// Class: no effect but `pc + 4` (`fence`).
    pub is_nop: T,
    /// Reads `rs1` (and `rs1 != 0`).
    pub reads_rs1: T,
    /// Reads `rs2` (and `rs2 != 0`).
    pub reads_rs2: T,
    /// Writes `rd` (and `rd != 0`).
    pub writes_rd: T,
    /// One-hot load width: 1, 2, 4, 8 bytes.
    pub load_width: [T; 4],
    /// One-hot store width: 1, 2, 4, 8 bytes.
    pub store_width: [T; 4],
    /// Sign-extends the loaded value.
    pub load_signed: T,
}

column_layout!(InstrCols, NUM_INSTR_COLS, INSTR_COL_MAP);

/// Preprocessed columns of the program table.
#[repr(C)]
pub struct ProgramPreprocessedCols<T> {
    /// Address of the instruction.
    pub pc: T,
    /// The decoded instruction.
    pub instr: InstrCols<T>,
}

column_layout!(ProgramPreprocessedCols, NUM_PROGRAM_PREPROCESSED_COLS, PROGRAM_PREPROCESSED_COL_MAP);

/// Main columns of the program table.
#[repr(C)]
pub struct ProgramCols<T> {
    /// How many times the instruction executed.
    pub multiplicity: T,
}

column_layout!(ProgramCols, NUM_PROGRAM_COLS, PROGRAM_COL_MAP);
