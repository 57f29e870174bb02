//! Errors: a bad ELF ([`ElfError`]) and a guest fault ([`ExecutionError`]).

use hearth_isa::Syscall;

/// Why an ELF file cannot be loaded as a Hearth guest program.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ElfError {
    /// The bytes are not a well-formed ELF file.
    #[error("not a valid ELF file: {0}")]
    Malformed(String),
    /// The ELF is 32-bit, or not little-endian.
    #[error("wrong ELF class or byte order: guests are 64-bit little-endian (ELFCLASS64, ELFDATA2LSB)")]
    WrongClass,
    /// `e_machine` is not RISC-V.
    #[error("wrong architecture: e_machine is {machine}, expected RISC-V ({expected})", expected = elf::abi::EM_RISCV)]
    WrongMachine {
        /// The file's `e_machine`.
        machine: u16,
    },
    /// Not a statically linked executable.
    #[error("e_type is {e_type}, expected a statically linked executable (ET_EXEC)")]
    NotExecutable {
        /// The file's `e_type`.
        e_type: u16,
    },
    /// A loadable segment reaches outside the guest's accessible memory.
    #[error(
        "segment at {vaddr:#x} (+{mem_size:#x} bytes) lies outside guest memory [{:#x}, {:#x})",
        hearth_isa::memory::GUARD_END,
        hearth_isa::memory::MEMORY_TOP
    )]
    SegmentOutOfRange {
        /// Segment start.
        vaddr: u64,
        /// Segment size in memory.
        mem_size: u64,
    },
    /// A segment's file data is larger than its memory size, or outside the file.
    #[error("segment at {vaddr:#x} has inconsistent sizes or file offsets")]
    SegmentInconsistent {
        /// Segment start.
        vaddr: u64,
    },
    /// Two loadable segments overlap.
    #[error("segments at {first:#x} and {second:#x} overlap")]
    OverlappingSegments {
        /// Lower segment start.
        first: u64,
        /// Higher segment start.
        second: u64,
    },
    /// A segment is both writable and executable (W^X).
    #[error("segment at {vaddr:#x} is both writable and executable")]
    WritableAndExecutable {
        /// Segment start.
        vaddr: u64,
    },
    /// An executable segment is not 4-byte aligned.
    #[error("executable segment at {vaddr:#x} is not 4-byte aligned")]
    MisalignedCode {
        /// Segment start.
        vaddr: u64,
    },
    /// No executable segment.
    #[error("the ELF has no executable segment")]
    NoCode,
    /// The executable address range is larger than the executor accepts.
    #[error("executable range of {size} bytes exceeds the limit of {limit} bytes")]
    CodeTooLarge {
        /// Bytes between the lowest and highest executable address.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The entry point is misaligned or not inside an executable segment.
    #[error("entry point {entry:#x} is not a 4-byte aligned address inside an executable segment")]
    BadEntry {
        /// `e_entry`.
        entry: u64,
    },
}

/// Whether a faulting memory access was a load or a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AccessKind {
    /// A load, or a syscall reading guest memory.
    Load,
    /// A store, or a syscall writing guest memory.
    Store,
}

/// A guest fault: the run stopped without reaching `exit`. Every variant carries the pc of the
/// instruction that faulted.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExecutionError {
    /// The word at `pc` is not an RV64IM instruction.
    #[error("illegal instruction {word:#010x} at pc {pc:#x}")]
    IllegalInstruction {
        /// Address of the instruction.
        pc: u64,
        /// The undecodable word.
        word: u32,
    },
    /// `ebreak` was executed (there is no debugger to trap into).
    #[error("ebreak at pc {pc:#x}")]
    Breakpoint {
        /// Address of the instruction.
        pc: u64,
    },
    /// Control reached an address that holds no code.
    #[error("instruction fetch from {target:#x}, outside the program's code (jumped from pc {pc:#x})")]
    FetchOutOfCode {
        /// The instruction that transferred control (or the last one before falling off the end).
        pc: u64,
        /// The address it went to.
        target: u64,
    },
    /// A jump or taken branch to an address that is not 4-byte aligned.
    #[error("jump to misaligned address {target:#x} at pc {pc:#x}")]
    MisalignedJump {
        /// Address of the jump.
        pc: u64,
        /// The misaligned target.
        target: u64,
    },
    /// A load, store or syscall touched memory outside the accessible range (including the guard
    /// regions below the stack and at address 0).
    #[error("{kind:?} of {len} bytes at {addr:#x} outside guest memory at pc {pc:#x}")]
    MemoryOutOfRange {
        /// Address of the instruction.
        pc: u64,
        /// First byte accessed.
        addr: u64,
        /// Bytes accessed.
        len: u64,
        /// Load or store.
        kind: AccessKind,
    },
    /// `ecall` with an unknown number in `a7`.
    #[error("unknown syscall {number:#x} at pc {pc:#x}")]
    UnknownSyscall {
        /// Address of the `ecall`.
        pc: u64,
        /// The value of `a7`.
        number: u64,
    },
    /// A known syscall with an argument it cannot accept.
    #[error("invalid argument to syscall {syscall:?} at pc {pc:#x}: {reason}")]
    InvalidSyscallArgument {
        /// Address of the `ecall`.
        pc: u64,
        /// Which syscall.
        syscall: Syscall,
        /// What was wrong.
        reason: &'static str,
    },
    /// The run did not halt within the cycle limit.
    #[error("cycle limit of {limit} reached at pc {pc:#x} without halting")]
    CycleLimit {
        /// pc of the next instruction that would have run.
        pc: u64,
        /// The limit.
        limit: u64,
    },
    /// A checkpoint does not fit the program it is replayed with.
    #[error("checkpoint is inconsistent with the program: {reason}")]
    BadCheckpoint {
        /// What was wrong.
        reason: &'static str,
    },
}

impl ExecutionError {
    /// The pc at which the guest faulted, if the error is a guest fault.
    pub fn pc(&self) -> Option<u64> {
        match *self {
            Self::IllegalInstruction { pc, .. }
            | Self::Breakpoint { pc }
            | Self::FetchOutOfCode { pc, .. }
            | Self::MisalignedJump { pc, .. }
            | Self::MemoryOutOfRange { pc, .. }
            | Self::UnknownSyscall { pc, .. }
            | Self::InvalidSyscallArgument { pc, .. }
            | Self::CycleLimit { pc, .. } => Some(pc),
            Self::BadCheckpoint { .. } => None,
        }
    }
}
