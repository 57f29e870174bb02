//! The interpreter: machine state and the instruction loop.

use hearth_isa::{Syscall, instruction::Opcode};

use crate::{
    decoded::{Decoded, Op, SINK},
    error::{AccessKind, ExecutionError},
    memory::Memory,
    program::Program,
    tracer::{Tracer, slot},
};

/// Where the guest's debug stream (fd 2) goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DebugOutput {
    /// Forwarded to the host's stderr as it is written.
    #[default]
    Stderr,
    /// Kept in [`crate::ExecutionSummary::debug_output`].
    Capture,
    /// Dropped.
    Discard,
}

/// Why [`Machine::run`] returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stop {
    /// The guest called `exit` with this code.
    Exit(u32),
    /// The cycle limit passed to `run` was reached.
    Limit,
}

/// A tracer that records nothing but keeps `clk` exact: the fast mode's last stretch before its
/// cycle limit.
struct ExactCount;

impl Tracer for ExactCount {
    const HOOKS: bool = false;
}

/// Register number of `a0`.
pub(crate) const A0: u8 = 10;
/// Register number of `a7`.
pub(crate) const A7: u8 = 17;

/// The full state of a running guest.
pub(crate) struct Machine<'p> {
    pub program: &'p Program,
    /// `x0..x31`, then the sink for writes to `x0` (index 32); 64 entries so that a 6-bit mask
    /// replaces bounds checks.
    pub regs: [u64; 64],
    /// Code index of the next instruction.
    pub index: usize,
    /// Instructions executed so far.
    pub clk: u64,
    pub memory: Memory,
    pub input: &'p [u8],
    pub input_position: usize,
    pub output: Vec<u8>,
    pub debug: DebugOutput,
    pub debug_output: Vec<u8>,
    pub unaligned_accesses: u64,
    pub syscall_counts: [u64; Syscall::ALL.len()],
}

impl<'p> Machine<'p> {
    /// A machine at the program's entry point with its memory image loaded.
    pub fn boot(program: &'p Program, input: &'p [u8], debug: DebugOutput) -> Self {
        let mut machine = Self::empty(program, input, debug);
        for segment in program.segments() {
            machine
                .memory
                .slice_mut(segment.vaddr, segment.data.len() as u64)
                .expect("segments are validated to lie in memory")
                .copy_from_slice(&segment.data);
        }
        machine.index = program.index_of(program.entry()).expect("entry is validated");
        machine
    }

    /// A machine with zeroed memory and registers, at code index 0.
    pub fn empty(program: &'p Program, input: &'p [u8], debug: DebugOutput) -> Self {
        Self {
            program,
            regs: [0; 64],
            index: 0,
            clk: 0,
            memory: Memory::new(),
            input,
            input_position: 0,
            output: Vec::new(),
            debug,
            debug_output: Vec::new(),
            unaligned_accesses: 0,
            syscall_counts: [0; Syscall::ALL.len()],
        }
    }

    /// The pc of the next instruction.
    pub fn pc(&self) -> u64 {
        self.program.pc_of(self.index)
    }

    /// The architectural registers `x0..x31`.
    pub fn registers(&self) -> [u64; 32] {
        let mut regs = [0; 32];
        regs.copy_from_slice(&self.regs[..32]);
        regs
    }

    /// Reads a register for a syscall, reporting it to the tracer.
    #[inline]
    pub fn syscall_reg<T: Tracer>(&self, tracer: &mut T, slot: u64, reg: u8) -> u64 {
        let value = self.regs[reg as usize];
        tracer.read_reg(slot, reg, value);
        value
    }

    /// Writes a register for a syscall, reporting it to the tracer.
    pub fn set_syscall_reg<T: Tracer>(&mut self, tracer: &mut T, reg: u8, value: u64) {
        let reg = if reg == 0 { SINK } else { reg };
        tracer.write_reg(reg, self.regs[reg as usize], value);
        self.regs[reg as usize] = value;
    }

    /// Runs until the guest exits or `clk` reaches `limit`.
    ///
    /// With an exact tracer `clk` advances and is checked every instruction. The fast mode (`()`)
    /// settles `clk` once per basic block instead: it checks before entering a block that the
    /// whole block fits under `limit`, and finishes near the limit one instruction at a time, so
    /// the result is the same.
    pub fn run<T: Tracer>(&mut self, tracer: &mut T, limit: u64) -> Result<Stop, ExecutionError> {
        let program = self.program;
        let code: &[Decoded] = &program.code;
        let run_len: &[u32] = &program.run_len;
        assert!(self.index < code.len(), "the machine's index is always a valid code index");
        if !T::EXACT && self.clk + run_len[self.index] as u64 > limit {
            return self.run(&mut ExactCount, limit);
        }
        let base = code.as_ptr();
        // Invariant: `ip` points into `code`. It starts at a valid index (asserted above);
        // non-terminator ops step to the next entry and cannot be the last one (the `OutOfCode`
        // sentinel, a terminator, is); static jump targets are validated when the program is
        // decoded, and dynamic ones go through `Program::index_of`.
        // SAFETY: `self.index < code.len()`.
        let mut ip = unsafe { base.add(self.index) };
        let mut clk = self.clk;
        // First instruction of the current basic block (fast mode only).
        let mut block_start = ip;
        let mut unaligned = 0u64;

        macro_rules! index {
            () => {
                // SAFETY: both pointers are into `code` (see the invariant above).
                unsafe { ip.offset_from(base) as usize }
            };
        }
        macro_rules! at {
            ($index:expr) => {{
                let i: usize = $index;
                debug_assert!(i < code.len());
                // SAFETY: callers pass indices below `code.len()` (see the invariant above).
                unsafe { base.add(i) }
            }};
        }
        macro_rules! sync {
            () => {{
                self.index = index!();
                self.clk = clk;
                self.unaligned_accesses += unaligned;
                unaligned = 0;
                let _ = unaligned;
            }};
        }

        let result = loop {
            if T::EXACT && clk >= limit {
                break Ok(Stop::Limit);
            }
            // SAFETY: `ip` points into `code` (see the invariant above).
            let d = unsafe { *ip };
            if T::HOOKS {
                tracer.start(clk, index!());
            }
            let (rd, rs1, rs2) = (d.rd as usize, d.rs1 as usize, d.rs2 as usize);
            let imm = d.imm as i64 as u64;

            macro_rules! reg {
                ($r:expr) => {
                    // SAFETY: the decoder only produces register fields below 33 (`SINK`), and
                    // `regs` has 64 entries.
                    *unsafe { self.regs.get_unchecked_mut($r) }
                };
            }
            macro_rules! a {
                () => {{
                    let v = reg!(rs1);
                    tracer.read_reg(slot::READ_A, d.rs1, v);
                    v
                }};
            }
            macro_rules! b {
                () => {{
                    let v = reg!(rs2);
                    tracer.read_reg(slot::READ_B, d.rs2, v);
                    v
                }};
            }
            macro_rules! write_rd {
                ($v:expr) => {{
                    let v: u64 = $v;
                    tracer.write_reg(d.rd, reg!(rd), v);
                    reg!(rd) = v;
                }};
            }
            macro_rules! set {
                ($v:expr) => {{
                    write_rd!($v);
                    // SAFETY: a non-terminator is never the last entry of `code`.
                    unsafe { ip.add(1) }
                }};
            }
            macro_rules! fault {
                ($e:expr) => {{
                    let e = $e;
                    sync!();
                    break Err(e);
                }};
            }
            // Ends a basic block: settles `clk` and moves to code index `next`.
            macro_rules! jump {
                ($next:expr) => {{
                    let next_index: usize = $next;
                    let next = at!(next_index);
                    if T::HOOKS {
                        tracer.finish(next_index);
                    }
                    if T::EXACT {
                        clk += 1;
                    } else {
                        // SAFETY: `block_start` and `ip` point into `code`.
                        clk += unsafe { ip.offset_from(block_start) } as u64 + 1;
                        block_start = next;
                        if clk + run_len[next_index] as u64 > limit {
                            ip = next;
                            sync!();
                            return self.run(&mut ExactCount, limit);
                        }
                    }
                    ip = next;
                    continue;
                }};
            }
            macro_rules! load {
                ($load:ident, $n:literal, $conv:expr) => {{
                    let addr = a!().wrapping_add(imm);
                    let Some(raw) = self.memory.$load(addr) else {
                        fault!(ExecutionError::MemoryOutOfRange {
                            pc: program.pc_of(index!()),
                            addr,
                            len: $n,
                            kind: AccessKind::Load
                        })
                    };
                    unaligned += u64::from(!addr.is_multiple_of($n));
                    tracer.memory(&self.memory, addr, $n);
                    set!($conv(raw))
                }};
            }
            macro_rules! store {
                ($store:ident, $n:literal, $ty:ty) => {{
                    let addr = a!().wrapping_add(imm);
                    let value = b!() as $ty;
                    if !hearth_isa::memory::is_accessible(addr, $n) {
                        fault!(ExecutionError::MemoryOutOfRange {
                            pc: program.pc_of(index!()),
                            addr,
                            len: $n,
                            kind: AccessKind::Store
                        })
                    }
                    tracer.before_write(&self.memory, addr, $n);
                    let _ = self.memory.$store(addr, value);
                    unaligned += u64::from(!addr.is_multiple_of($n));
                    tracer.memory(&self.memory, addr, $n);
                    // SAFETY: a non-terminator is never the last entry of `code`.
                    unsafe { ip.add(1) }
                }};
            }
            macro_rules! branch {
                ($cond:expr) => {{
                    let (x, y) = (a!(), b!());
                    jump!(if $cond(x, y) { d.imm as usize } else { index!() + 1 })
                }};
            }

            let next = match d.op {
                Op::Lui => set!(imm),
                Op::Auipc => set!(program.pc_of(index!()).wrapping_add(imm)),
                Op::Jal => {
                    write_rd!(program.pc_of(index!() + 1));
                    jump!(d.imm as usize)
                }
                Op::Jalr => {
                    let target = a!().wrapping_add(imm) & !1;
                    let pc = program.pc_of(index!());
                    if target & 3 != 0 {
                        fault!(ExecutionError::MisalignedJump { pc, target });
                    }
                    let Some(next) = program.index_of(target) else {
                        fault!(ExecutionError::FetchOutOfCode { pc, target });
                    };
                    write_rd!(pc + 4);
                    jump!(next)
                }
                Op::Beq => branch!(|x, y| x == y),
                Op::Bne => branch!(|x, y| x != y),
                Op::Blt => branch!(|x: u64, y: u64| (x as i64) < (y as i64)),
                Op::Bge => branch!(|x: u64, y: u64| (x as i64) >= (y as i64)),
                Op::Bltu => branch!(|x: u64, y: u64| x < y),
                Op::Bgeu => branch!(|x: u64, y: u64| x >= y),
                Op::Lb => load!(load_u8, 1, |v: u8| v as i8 as i64 as u64),
                Op::Lh => load!(load_u16, 2, |v: u16| v as i16 as i64 as u64),
                Op::Lw => load!(load_u32, 4, |v: u32| v as i32 as i64 as u64),
                Op::Ld => load!(load_u64, 8, |v: u64| v),
                Op::Lbu => load!(load_u8, 1, |v: u8| v as u64),
                Op::Lhu => load!(load_u16, 2, |v: u16| v as u64),
                Op::Lwu => load!(load_u32, 4, |v: u32| v as u64),
                Op::Sb => store!(store_u8, 1, u8),
                Op::Sh => store!(store_u16, 2, u16),
                Op::Sw => store!(store_u32, 4, u32),
                Op::Sd => store!(store_u64, 8, u64),
                Op::Addi => set!(a!().wrapping_add(imm)),
                Op::Slti => set!(((a!() as i64) < (imm as i64)) as u64),
                Op::Sltiu => set!((a!() < imm) as u64),
                Op::Xori => set!(a!() ^ imm),
                Op::Ori => set!(a!() | imm),
                Op::Andi => set!(a!() & imm),
                Op::Slli => set!(a!() << (imm & 63)),
                Op::Srli => set!(a!() >> (imm & 63)),
                Op::Srai => set!(((a!() as i64) >> (imm & 63)) as u64),
                Op::Add => set!(a!().wrapping_add(b!())),
                Op::Sub => set!(a!().wrapping_sub(b!())),
                Op::Sll => set!(a!() << (b!() & 63)),
                Op::Slt => set!(((a!() as i64) < (b!() as i64)) as u64),
                Op::Sltu => set!((a!() < b!()) as u64),
                Op::Xor => set!(a!() ^ b!()),
                Op::Srl => set!(a!() >> (b!() & 63)),
                Op::Sra => set!(((a!() as i64) >> (b!() & 63)) as u64),
                Op::Or => set!(a!() | b!()),
                Op::And => set!(a!() & b!()),
                Op::Addiw => set!(sext32(a!().wrapping_add(imm))),
                Op::Slliw => set!(sext32(a!() << (imm & 31))),
                Op::Srliw => set!(sext32(((a!() as u32) >> (imm & 31)) as u64)),
                Op::Sraiw => set!(((a!() as i32) >> (imm & 31)) as i64 as u64),
                Op::Addw => set!(sext32(a!().wrapping_add(b!()))),
                Op::Subw => set!(sext32(a!().wrapping_sub(b!()))),
                Op::Sllw => set!(sext32(a!() << (b!() & 31))),
                Op::Srlw => set!(sext32(((a!() as u32) >> (b!() & 31)) as u64)),
                Op::Sraw => set!(((a!() as i32) >> (b!() & 31)) as i64 as u64),
                Op::Mul => set!(a!().wrapping_mul(b!())),
                Op::Mulh => set!(mulh(a!(), b!())),
                Op::Mulhsu => set!(mulhsu(a!(), b!())),
                Op::Mulhu => set!(((a!() as u128 * b!() as u128) >> 64) as u64),
                Op::Div => set!(div(a!(), b!())),
                Op::Divu => set!(divu(a!(), b!())),
                Op::Rem => set!(rem(a!(), b!())),
                Op::Remu => set!(remu(a!(), b!())),
                Op::Mulw => set!(sext32(a!().wrapping_mul(b!()))),
                Op::Divw => set!(divw(a!(), b!())),
                Op::Divuw => set!(divuw(a!(), b!())),
                Op::Remw => set!(remw(a!(), b!())),
                Op::Remuw => set!(remuw(a!(), b!())),
                // SAFETY: a non-terminator is never the last entry of `code`.
                Op::Nop => unsafe { ip.add(1) },
                Op::Ecall => {
                    if !T::EXACT {
                        // Settle the instructions before the ecall, so syscalls see the exact clk.
                        // SAFETY: both point into `code`.
                        clk += unsafe { ip.offset_from(block_start) } as u64;
                        block_start = ip;
                    }
                    sync!();
                    let index = index!();
                    match self.ecall(tracer) {
                        Ok(None) => jump!(index + 1),
                        Ok(Some(code)) => {
                            if T::HOOKS {
                                tracer.finish(index + 1);
                            }
                            self.clk = clk + 1;
                            self.index = index + 1;
                            return Ok(Stop::Exit(code));
                        }
                        Err(e) => break Err(e),
                    }
                }
                Op::Slow => {
                    sync!();
                    match self.slow_path(tracer, index!()) {
                        Ok(next) => jump!(next),
                        Err(e) => break Err(e),
                    }
                }
                Op::OutOfCode => {
                    let target = program.pc_of(index!());
                    fault!(ExecutionError::FetchOutOfCode { pc: target.wrapping_sub(4), target });
                }
            };
            if T::HOOKS {
                // SAFETY: `next` points into `code`.
                tracer.finish(unsafe { next.offset_from(base) } as usize);
            }
            ip = next;
            if T::EXACT {
                clk += 1;
            }
        };
        if result.is_ok() {
            sync!();
        }
        result
    }

    /// Instructions the pre-decoder could not turn into a fast op: report the exact fault, or
    /// execute a branch whose (bad) target is not taken.
    #[cold]
    fn slow_path<T: Tracer>(&mut self, tracer: &mut T, index: usize) -> Result<usize, ExecutionError> {
        let pc = self.program.pc_of(index);
        let word = self.program.word(index);
        let Some(ins) = self.program.decoded_instruction(index) else {
            return Err(ExecutionError::IllegalInstruction { pc, word });
        };
        let target = pc.wrapping_add(ins.imm as i64 as u64);
        let bad_target = if !target.is_multiple_of(4) {
            ExecutionError::MisalignedJump { pc, target }
        } else {
            ExecutionError::FetchOutOfCode { pc, target }
        };
        let (x, y) = (self.regs[ins.rs1 as usize], self.regs[ins.rs2 as usize]);
        let taken = match ins.opcode {
            Opcode::Ebreak => return Err(ExecutionError::Breakpoint { pc }),
            Opcode::Jal => true,
            Opcode::Beq => x == y,
            Opcode::Bne => x != y,
            Opcode::Blt => (x as i64) < (y as i64),
            Opcode::Bge => (x as i64) >= (y as i64),
            Opcode::Bltu => x < y,
            Opcode::Bgeu => x >= y,
            _ => unreachable!("only jumps with static targets and ebreak take the slow path"),
        };
        if taken {
            return Err(bad_target);
        }
        tracer.read_reg(slot::READ_A, ins.rs1, x);
        tracer.read_reg(slot::READ_B, ins.rs2, y);
        Ok(index + 1)
    }

    /// Dispatches an `ecall`. Returns the exit code if the guest halted.
    fn ecall<T: Tracer>(&mut self, tracer: &mut T) -> Result<Option<u32>, ExecutionError> {
        let pc = self.pc();
        let number = self.syscall_reg(tracer, slot::READ_A, A7);
        let Some(syscall) = Syscall::from_number(number) else {
            return Err(ExecutionError::UnknownSyscall { pc, number });
        };
        let position = Syscall::ALL.iter().position(|s| *s == syscall).unwrap_or(0);
        self.syscall_counts[position] += 1;
        crate::precompiles::dispatch(self, tracer, syscall)
    }

    /// Reads guest memory for a syscall, as a fault if out of range. Reported to the tracer.
    pub fn read_for_syscall<T: Tracer>(
        &self,
        tracer: &mut T,
        addr: u64,
        len: u64,
    ) -> Result<&[u8], ExecutionError> {
        let Some(bytes) = self.memory.slice(addr, len) else {
            return Err(ExecutionError::MemoryOutOfRange {
                pc: self.pc(),
                addr,
                len,
                kind: AccessKind::Load,
            });
        };
        if len > 0 {
            tracer.memory(&self.memory, addr, len);
        }
        Ok(bytes)
    }

    /// Changes guest memory for a syscall, as a fault if out of range. Reported to the tracer as
    /// one read-modify-write of every word in the range.
    pub fn update_for_syscall<T: Tracer>(
        &mut self,
        tracer: &mut T,
        addr: u64,
        len: u64,
        update: impl FnOnce(&mut [u8]),
    ) -> Result<(), ExecutionError> {
        if !hearth_isa::memory::is_accessible(addr, len) {
            return Err(ExecutionError::MemoryOutOfRange {
                pc: self.pc(),
                addr,
                len,
                kind: AccessKind::Store,
            });
        }
        if len == 0 {
            return Ok(());
        }
        tracer.before_write(&self.memory, addr, len);
        update(self.memory.slice_mut(addr, len).expect("range checked above"));
        tracer.memory(&self.memory, addr, len);
        Ok(())
    }
}

#[inline(always)]
fn sext32(v: u64) -> u64 {
    v as i32 as i64 as u64
}

#[inline(always)]
fn mulh(a: u64, b: u64) -> u64 {
    ((a as i64 as i128 * b as i64 as i128) >> 64) as u64
}

#[inline(always)]
fn mulhsu(a: u64, b: u64) -> u64 {
    ((a as i64 as i128).wrapping_mul(b as u128 as i128) >> 64) as u64
}

// Division follows the RISC-V rules: no traps; x / 0 = all ones, x % 0 = x, and signed overflow
// (MIN / -1) gives MIN with remainder 0.

#[inline(always)]
fn div(a: u64, b: u64) -> u64 {
    if b == 0 { u64::MAX } else { (a as i64).wrapping_div(b as i64) as u64 }
}

#[inline(always)]
fn divu(a: u64, b: u64) -> u64 {
    a.checked_div(b).unwrap_or(u64::MAX)
}

#[inline(always)]
fn rem(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { (a as i64).wrapping_rem(b as i64) as u64 }
}

#[inline(always)]
fn remu(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { a % b }
}

#[inline(always)]
fn divw(a: u64, b: u64) -> u64 {
    let (a, b) = (a as i32, b as i32);
    (if b == 0 { -1 } else { a.wrapping_div(b) }) as i64 as u64
}

#[inline(always)]
fn divuw(a: u64, b: u64) -> u64 {
    let (a, b) = (a as u32, b as u32);
    a.checked_div(b).unwrap_or(u32::MAX) as i32 as i64 as u64
}

#[inline(always)]
fn remw(a: u64, b: u64) -> u64 {
    let (a, b) = (a as i32, b as i32);
    (if b == 0 { a } else { a.wrapping_rem(b) }) as i64 as u64
}

#[inline(always)]
fn remuw(a: u64, b: u64) -> u64 {
    let (a, b) = (a as u32, b as u32);
    (if b == 0 { a } else { a % b }) as i32 as i64 as u64
}
