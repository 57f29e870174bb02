//! Trace mode: the run split into shards, each recorded with everything a prover needs and a
//! checkpoint from which it can be re-executed on its own.
//!
//! # Timestamps
//! Every register and memory access carries the timestamp of this access and of the previous
//! access to the same location, for offline memory checking. Instruction `clk` (0-based) accesses
//! at [`timestamp`]`(clk, slot)` = `4 * (clk + 1) + slot`, with slot 0 for the first register read
//! (`rs1`, or `a7` of an `ecall`), 1 for the second (`rs2`, or the syscall arguments), 2 for memory
//! and 3 for the register write. Timestamp 0 is the initial state, so every location's timestamps
//! strictly increase. `x0` is never recorded: it is the constant 0.
//!
//! # Memory granularity
//! Memory accesses are recorded per aligned 64-bit word: a byte store is a read-modify-write of
//! its word, and a misaligned access that crosses a word boundary records both words.
//!
//! # Checkpoints
//! A shard's [`Checkpoint`] holds the pc, registers, input position and every memory word the shard
//! touches, with its value and last timestamp before the shard. Nothing else is needed to re-run
//! the shard: [`crate::replay_shard`] rebuilds exactly the same [`ShardRecord`] from it, which is
//! how shards can be proven independently (and on other machines).

use std::ops::Range;

use hearth_isa::{Instruction, memory::MEMORY_TOP};
use serde::{Deserialize, Serialize};

use crate::{
    decoded::SINK,
    machine::Machine,
    memory::Memory,
    precompiles::{PrecompileEvent, PrecompileEvents},
    program::Program,
    tracer::{SyscallReport, Tracer, slot},
};

/// The timestamp of the access in `slot` (0..4) of the instruction at `clk`.
#[inline]
pub const fn timestamp(clk: u64, slot: u64) -> u64 {
    4 * (clk + 1) + slot
}

/// A memory word with the timestamp of its last access.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemoryWord {
    /// Address (8-byte aligned).
    pub addr: u64,
    /// Value.
    pub value: u64,
    /// Timestamp of the last access (0 if never accessed).
    pub timestamp: u64,
}

/// The state at a shard boundary, enough to re-execute the shard on its own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// Index of the shard that starts here.
    pub shard: u32,
    /// Instructions executed before the shard.
    pub clk: u64,
    /// pc of the shard's first instruction.
    pub pc: u64,
    /// `x0..x31`.
    pub registers: [u64; 32],
    /// Timestamp of each register's last access.
    pub register_timestamps: [u64; 32],
    /// Bytes of input consumed before the shard.
    pub input_position: u64,
    /// Bytes of public output written before the shard.
    pub output_position: u64,
    /// Every word the shard touches, as it was before the shard, in order of first touch.
    pub memory: Vec<MemoryWord>,
}

/// One access to a register (`x1..x31`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RegisterAccess {
    /// Register number.
    pub reg: u8,
    /// Value before the access.
    pub prev_value: u64,
    /// Value after (equal to `prev_value` for a read).
    pub value: u64,
    /// Timestamp of the previous access.
    pub prev_timestamp: u64,
    /// Timestamp of this access.
    pub timestamp: u64,
}

/// One access to an aligned memory word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemoryAccess {
    /// Word address (8-byte aligned).
    pub addr: u64,
    /// Value before the access.
    pub prev_value: u64,
    /// Value after (equal to `prev_value` for a read).
    pub value: u64,
    /// Timestamp of the previous access.
    pub prev_timestamp: u64,
    /// Timestamp of this access.
    pub timestamp: u64,
}

/// One executed instruction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstructionEvent {
    /// Its cycle (0-based, global across shards).
    pub clk: u64,
    /// Its address.
    pub pc: u64,
    /// Address of the next instruction.
    pub next_pc: u64,
    /// The instruction.
    pub instruction: Instruction,
    /// Its register accesses, as a range of [`ShardRecord::register_accesses`].
    pub registers: Range<u32>,
    /// Its memory accesses, as a range of [`ShardRecord::memory_accesses`].
    pub memory: Range<u32>,
}

/// One `ecall`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyscallEvent {
    /// Cycle of the `ecall`.
    pub clk: u64,
    /// Syscall number (`a7`).
    pub number: u64,
    /// Its first arguments (`a0..a2`, zero where unused).
    pub args: [u64; 3],
    /// The value returned in `a0`, if any.
    pub result: Option<u64>,
}

/// The state at the end of a shard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShardEnd {
    /// Instructions executed up to the end of the shard.
    pub clk: u64,
    /// pc of the next instruction.
    pub pc: u64,
    /// `x0..x31`.
    pub registers: [u64; 32],
    /// Timestamp of each register's last access.
    pub register_timestamps: [u64; 32],
    /// Bytes of input consumed.
    pub input_position: u64,
    /// The exit code, if the guest halted in this shard.
    pub exit_code: Option<u32>,
}

/// Everything one shard did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShardRecord {
    /// Where it starts; replaying from here reproduces this record.
    pub start: Checkpoint,
    /// Where it ends (the next shard's start).
    pub end: ShardEnd,
    /// One event per instruction, in order.
    pub instructions: Vec<InstructionEvent>,
    /// Register accesses of all instructions.
    pub register_accesses: Vec<RegisterAccess>,
    /// Memory accesses of all instructions (including syscalls').
    pub memory_accesses: Vec<MemoryAccess>,
    /// Every `ecall`.
    pub syscalls: Vec<SyscallEvent>,
    /// Accelerator calls.
    pub precompiles: PrecompileEvents,
    /// Public output written during the shard.
    pub output: Vec<u8>,
    /// Final value and timestamp of every word in `start.memory`, in the same order.
    pub final_memory: Vec<MemoryWord>,
    /// Misaligned loads and stores in the shard.
    pub unaligned_accesses: u64,
}

impl ShardRecord {
    /// Shifts every cycle and timestamp of the shard's events so that the shard starts at cycle
    /// 0: the prover's timestamps are local to a shard (their range checks then bound a shard's
    /// length, not the run's). An access whose previous access lay in an earlier shard gets
    /// previous timestamp 0, the shard's initial state. Checkpoint data (`start`, `end.clk`)
    /// keeps the run's cycles; `end.register_timestamps` and `final_memory` are shifted too.
    pub fn rebase_to_shard_start(&mut self) {
        let base_clk = self.start.clk;
        if base_clk == 0 {
            return;
        }
        let base = 4 * base_clk;
        let shift = |ts: u64| if ts > base + 3 { ts - base } else { 0 };
        for event in &mut self.instructions {
            event.clk -= base_clk;
        }
        for access in &mut self.register_accesses {
            access.timestamp = shift(access.timestamp);
            access.prev_timestamp = shift(access.prev_timestamp);
        }
        for access in &mut self.memory_accesses {
            access.timestamp = shift(access.timestamp);
            access.prev_timestamp = shift(access.prev_timestamp);
        }
        for syscall in &mut self.syscalls {
            syscall.clk -= base_clk;
        }
        let p = &mut self.precompiles;
        p.keccak_f1600.iter_mut().for_each(|e| e.clk -= base_clk);
        p.sha256_compress.iter_mut().for_each(|e| e.clk -= base_clk);
        p.secp256k1.iter_mut().for_each(|e| e.clk -= base_clk);
        for ts in &mut self.end.register_timestamps {
            *ts = shift(*ts);
        }
        for word in &mut self.final_memory {
            word.timestamp = shift(word.timestamp);
        }
    }

    /// Number of instructions in the shard.
    pub fn cycles(&self) -> u64 {
        self.end.clk - self.start.clk
    }

    /// The register accesses of `event`, one of this shard's instructions.
    pub fn registers_of(&self, event: &InstructionEvent) -> &[RegisterAccess] {
        &self.register_accesses[event.registers.start as usize..event.registers.end as usize]
    }

    /// The memory accesses of `event`, one of this shard's instructions.
    pub fn memory_of(&self, event: &InstructionEvent) -> &[MemoryAccess] {
        &self.memory_accesses[event.memory.start as usize..event.memory.end as usize]
    }
}

/// Follows a run, tracking timestamps and per-shard memory; with `EVENTS` it also records every
/// access (trace mode), without it only what checkpoints need.
pub(crate) struct Recorder<'p, const EVENTS: bool> {
    program: &'p Program,
    register_timestamps: [u64; 32],
    /// Last-access timestamp per memory word, lazily zeroed like guest memory.
    word_timestamps: Vec<u64>,
    /// `shard + 1` for words already touched in the current shard.
    word_shard: Vec<u32>,
    shard: u32,
    start: Option<Checkpoint>,
    output_start: usize,
    /// Output bytes written before the machine's own output began (a replay starts with none).
    output_base: u64,
    unaligned_start: u64,
    clk: u64,
    index: usize,
    register_start: u32,
    memory_start: u32,
    pending_base: u64,
    pending_prev: Vec<u64>,
    instructions: Vec<InstructionEvent>,
    register_accesses: Vec<RegisterAccess>,
    memory_accesses: Vec<MemoryAccess>,
    syscalls: Vec<SyscallEvent>,
    precompiles: PrecompileEvents,
}

impl<'p, const EVENTS: bool> Recorder<'p, EVENTS> {
    pub fn new(program: &'p Program) -> Self {
        let words = (MEMORY_TOP / 8) as usize;
        Self {
            program,
            register_timestamps: [0; 32],
            word_timestamps: vec![0; words],
            word_shard: vec![0; words],
            shard: 0,
            start: None,
            output_start: 0,
            output_base: 0,
            unaligned_start: 0,
            clk: 0,
            index: 0,
            register_start: 0,
            memory_start: 0,
            pending_base: u64::MAX,
            pending_prev: Vec::new(),
            instructions: Vec::new(),
            register_accesses: Vec::new(),
            memory_accesses: Vec::new(),
            syscalls: Vec::new(),
            precompiles: PrecompileEvents::default(),
        }
    }

    /// Restores timestamps from a checkpoint, for replay.
    pub fn restore(&mut self, checkpoint: &Checkpoint) {
        self.register_timestamps = checkpoint.register_timestamps;
        self.shard = checkpoint.shard;
        self.output_base = checkpoint.output_position;
        for word in &checkpoint.memory {
            self.word_timestamps[(word.addr / 8) as usize] = word.timestamp;
        }
    }

    /// Opens a shard at the machine's current state.
    pub fn begin_shard(&mut self, m: &Machine<'_>) {
        self.start = Some(Checkpoint {
            shard: self.shard,
            clk: m.clk,
            pc: m.pc(),
            registers: m.registers(),
            register_timestamps: self.register_timestamps,
            input_position: m.input_position as u64,
            output_position: self.output_base + m.output.len() as u64,
            memory: Vec::new(),
        });
        self.output_start = m.output.len();
        self.unaligned_start = m.unaligned_accesses;
    }

    /// Closes the current shard.
    pub fn end_shard(&mut self, m: &Machine<'_>, exit_code: Option<u32>) -> ShardRecord {
        let start = self.start.take().expect("begin_shard opens every shard");
        let final_memory = start
            .memory
            .iter()
            .map(|w| MemoryWord {
                addr: w.addr,
                value: m.memory.word(w.addr),
                timestamp: self.word_timestamps[(w.addr / 8) as usize],
            })
            .collect();
        let end = ShardEnd {
            clk: m.clk,
            pc: m.pc(),
            registers: m.registers(),
            register_timestamps: self.register_timestamps,
            input_position: m.input_position as u64,
            exit_code,
        };
        self.shard += 1;
        ShardRecord {
            start,
            end,
            instructions: std::mem::take(&mut self.instructions),
            register_accesses: std::mem::take(&mut self.register_accesses),
            memory_accesses: std::mem::take(&mut self.memory_accesses),
            syscalls: std::mem::take(&mut self.syscalls),
            precompiles: std::mem::take(&mut self.precompiles),
            output: m.output[self.output_start..].to_vec(),
            final_memory,
            unaligned_accesses: m.unaligned_accesses - self.unaligned_start,
        }
    }

    fn register(&mut self, slot: u64, reg: u8, prev_value: u64, value: u64) {
        if reg == 0 || reg == SINK {
            return;
        }
        let timestamp = timestamp(self.clk, slot);
        let prev_timestamp = std::mem::replace(&mut self.register_timestamps[reg as usize], timestamp);
        if EVENTS {
            self.register_accesses.push(RegisterAccess { reg, prev_value, value, prev_timestamp, timestamp });
        }
    }
}

fn word_range(addr: u64, len: u64) -> impl Iterator<Item = u64> {
    let first = addr & !7;
    let last = (addr + len - 1) & !7;
    (first..=last).step_by(8)
}

impl<const EVENTS: bool> Tracer for Recorder<'_, EVENTS> {
    const RECORDS_EVENTS: bool = EVENTS;

    #[inline]
    fn start(&mut self, clk: u64, index: usize) {
        self.clk = clk;
        self.index = index;
        self.register_start = self.register_accesses.len() as u32;
        self.memory_start = self.memory_accesses.len() as u32;
    }

    #[inline]
    fn read_reg(&mut self, slot: u64, reg: u8, value: u64) {
        self.register(slot, reg, value, value);
    }

    #[inline]
    fn write_reg(&mut self, reg: u8, prev: u64, value: u64) {
        self.register(slot::WRITE, reg, prev, value);
    }

    fn before_write(&mut self, memory: &Memory, addr: u64, len: u64) {
        self.pending_base = addr & !7;
        self.pending_prev.clear();
        self.pending_prev.extend(word_range(addr, len).map(|w| memory.word(w)));
    }

    fn memory(&mut self, memory: &Memory, addr: u64, len: u64) {
        let timestamp = timestamp(self.clk, slot::MEMORY);
        let pending = std::mem::replace(&mut self.pending_base, u64::MAX) == addr & !7;
        for (i, word) in word_range(addr, len).enumerate() {
            let value = memory.word(word);
            let prev_value = if pending { self.pending_prev[i] } else { value };
            let slot = (word / 8) as usize;
            let prev_timestamp = std::mem::replace(&mut self.word_timestamps[slot], timestamp);
            if self.word_shard[slot] != self.shard + 1 {
                self.word_shard[slot] = self.shard + 1;
                let start = self.start.as_mut().expect("accesses happen inside a shard");
                start.memory.push(MemoryWord { addr: word, value: prev_value, timestamp: prev_timestamp });
            }
            if EVENTS {
                self.memory_accesses.push(MemoryAccess {
                    addr: word,
                    prev_value,
                    value,
                    prev_timestamp,
                    timestamp,
                });
            }
        }
    }

    fn syscall(&mut self, report: SyscallReport) {
        self.syscalls.push(SyscallEvent {
            clk: self.clk,
            number: report.number,
            args: report.args,
            result: report.result,
        });
    }

    fn precompile(&mut self, event: PrecompileEvent) {
        self.precompiles.push(event);
    }

    #[inline]
    fn finish(&mut self, next: usize) {
        if EVENTS {
            let instruction =
                self.program.decoded_instruction(self.index).expect("only valid instructions complete");
            self.instructions.push(InstructionEvent {
                clk: self.clk,
                pc: self.program.pc_of(self.index),
                next_pc: self.program.pc_of(next),
                instruction,
                registers: self.register_start..self.register_accesses.len() as u32,
                memory: self.memory_start..self.memory_accesses.len() as u32,
            });
        }
    }
}
