//! Differential testing against QEMU (`qemu-riscv64`), an independent RV64IM implementation.
//!
//! Seeded random programs that cover every RV64IM instruction, biased towards the edge cases
//! (division by zero, signed overflow, shift amounts, W-variants' sign extension, loads and stores
//! of every width, sign and alignment, taken and untaken branches, jumps and links), are assembled
//! by GNU as and run by both QEMU and the executor. Each program starts from random registers and a
//! random scratch buffer and ends by writing all registers and the buffer to stdout with Linux's
//! `write`; the two outputs must be byte-identical.
//!
//! Many programs share one ELF (each resets the state), so thousands run per CI run in seconds.
//! `HEARTH_QEMU_DIFF_BATCHES` raises the number of batches for longer soak runs.

mod common;

use std::{fmt::Write as _, process::Command};

use common::{assemble, run_tool};

use hearth_executor::{DebugOutput, ExecutionOptions, Program, execute};
use hearth_isa::{
    Opcode,
    instruction::{Format, REGISTER_NAMES},
};
use rand::{Rng, RngExt, SeedableRng, seq::IndexedRandom};
use rand_chacha::ChaCha8Rng;

/// Programs per ELF.
const CASES_PER_BATCH: usize = 500;
/// Default number of batches (each with its own seed).
const DEFAULT_BATCHES: usize = 8;
/// Random instructions per program.
const BODY_LEN: usize = 48;
/// Scratch buffer: `x31` points at its middle.
const SCRATCH_BYTES: i32 = 512;
/// Registers x1..x30 are dumped after the scratch buffer.
const DUMP_BYTES: i32 = 30 * 8;
/// The base register; random instructions never write it.
const BASE: u8 = 31;

/// Register values that exercise edge cases.
fn interesting_value(rng: &mut ChaCha8Rng) -> u64 {
    const SPECIAL: &[u64] = &[
        0,
        1,
        2,
        u64::MAX,
        u64::MAX - 1,
        i64::MIN as u64,
        i64::MAX as u64,
        0x8000_0000,
        0x7fff_ffff,
        0xffff_ffff,
        0xffff_ffff_8000_0000,
        0x1_0000_0000,
        31,
        32,
        33,
        63,
        64,
        0x8000_0000_0000_0001,
        0xffff_ffff_ffff_ff80,
    ];
    match rng.random_range(0..4) {
        0 | 1 => *SPECIAL.choose(rng).expect("non-empty"),
        2 => rng.random::<u64>(),
        _ => (rng.random_range(0..256) as u64).wrapping_mul(if rng.random() { 1 } else { u64::MAX }),
    }
}

fn reg(r: u8) -> &'static str {
    REGISTER_NAMES[r as usize]
}

/// A register random code may write: anything but x0 (allowed, but rarely) and the base.
fn dest(rng: &mut ChaCha8Rng) -> u8 {
    if rng.random_range(0..40) == 0 { 0 } else { rng.random_range(1..31) }
}

fn source(rng: &mut ChaCha8Rng) -> u8 {
    rng.random_range(0..32)
}

struct Generator {
    rng: ChaCha8Rng,
    text: String,
    data: String,
    label: usize,
}

impl Generator {
    fn new_label(&mut self) -> String {
        self.label += 1;
        format!(".L{}", self.label)
    }

    fn line(&mut self, line: impl AsRef<str>) {
        self.text.push_str("    ");
        self.text.push_str(line.as_ref());
        self.text.push('\n');
    }

    /// One random instruction (occasionally a short sequence) for `opcode`.
    fn instruction(&mut self, opcode: Opcode, pending_labels: &mut Vec<(usize, String)>, position: usize) {
        let m = opcode.mnemonic();
        let (rd, rs1, rs2) = (dest(&mut self.rng), source(&mut self.rng), source(&mut self.rng));
        let line = match opcode.format() {
            Format::R => format!("{m} {}, {}, {}", reg(rd), reg(rs1), reg(rs2)),
            Format::I if opcode.is_load() => {
                let width = opcode.access_width() as i32;
                if self.rng.random() {
                    let off = self.rng.random_range(-(SCRATCH_BYTES / 2)..(SCRATCH_BYTES / 2 - width + 1));
                    format!("{m} {}, {off}({})", reg(rd), reg(BASE))
                } else {
                    // Address through another register: base + a, then offset b.
                    let tmp = self.rng.random_range(1..31);
                    let a = self.rng.random_range(-128..128);
                    let b = self.rng.random_range(-120..(120 - width));
                    self.line(format!("addi {}, {}, {a}", reg(tmp), reg(BASE)));
                    format!("{m} {}, {b}({})", reg(rd), reg(tmp))
                }
            }
            Format::S => {
                let width = opcode.access_width() as i32;
                let off = self.rng.random_range(-(SCRATCH_BYTES / 2)..(SCRATCH_BYTES / 2 - width + 1));
                format!("{m} {}, {off}({})", reg(rs2), reg(BASE))
            }
            Format::I => match opcode {
                Opcode::Slli | Opcode::Srli | Opcode::Srai => {
                    format!("{m} {}, {}, {}", reg(rd), reg(rs1), self.rng.random_range(0..64))
                }
                Opcode::Slliw | Opcode::Srliw | Opcode::Sraiw => {
                    format!("{m} {}, {}, {}", reg(rd), reg(rs1), self.rng.random_range(0..32))
                }
                Opcode::Jalr => {
                    // Jump forward to a label, through a register, with bit 0 set (jalr clears it).
                    let label = self.new_label();
                    let tmp = self.rng.random_range(1..31);
                    let skip = self.rng.random_range(1..4);
                    pending_labels.push((position + skip, label.clone()));
                    self.line(format!("la {}, {label}", reg(tmp)));
                    self.line(format!("addi {}, {}, 1", reg(tmp), reg(tmp)));
                    format!("jalr {}, 0({})", reg(dest(&mut self.rng)), reg(tmp))
                }
                _ => format!("{m} {}, {}, {}", reg(rd), reg(rs1), self.rng.random_range(-2048..2048)),
            },
            Format::B | Format::J => {
                let label = self.new_label();
                let skip = self.rng.random_range(1..5);
                pending_labels.push((position + skip, label.clone()));
                if opcode == Opcode::Jal {
                    format!("jal {}, {label}", reg(rd))
                } else {
                    format!("{m} {}, {}, {label}", reg(rs1), reg(rs2))
                }
            }
            Format::U => format!("{m} {}, {}", reg(rd), self.rng.random_range(0..(1 << 20))),
            Format::System => m.to_string(),
        };
        self.line(line);
    }

    fn case(&mut self, case: usize, opcodes: &[Opcode]) {
        // Initial registers and scratch contents.
        let regs: Vec<u64> = (0..30).map(|_| interesting_value(&mut self.rng)).collect();
        let scratch: Vec<u64> = (0..SCRATCH_BYTES / 8).map(|_| self.rng.random()).collect();
        writeln!(self.data, "regs{case}: .dword {}", join(&regs)).expect("string");
        writeln!(self.data, "init{case}: .dword {}", join(&scratch)).expect("string");

        writeln!(self.text, "case{case}:").expect("string");
        // Copy the scratch contents into place.
        self.line(format!("la t0, init{case}"));
        self.line("la t1, scratch");
        self.line(format!("li t2, {}", SCRATCH_BYTES / 8));
        self.line("1: ld t3, 0(t0)");
        self.line("sd t3, 0(t1)");
        self.line("addi t0, t0, 8");
        self.line("addi t1, t1, 8");
        self.line("addi t2, t2, -1");
        self.line("bnez t2, 1b");
        // Load x1..x30, then point the base at the middle of the scratch buffer.
        self.line(format!("la {}, regs{case}", reg(BASE)));
        for r in 1..31u8 {
            self.line(format!("ld {}, {}({})", reg(r), 8 * (r as i32 - 1), reg(BASE)));
        }
        self.line(format!("la {}, scratch + {}", reg(BASE), SCRATCH_BYTES / 2));

        let mut pending: Vec<(usize, String)> = Vec::new();
        for position in 0..BODY_LEN {
            for (_, label) in pending.extract_if(.., |(at, _)| *at == position) {
                writeln!(self.text, "{label}:").expect("string");
            }
            let opcode = *opcodes.choose(&mut self.rng).expect("non-empty");
            self.instruction(opcode, &mut pending, position);
        }
        for (_, label) in pending {
            writeln!(self.text, "{label}:").expect("string");
        }

        // Dump x1..x30 after the scratch buffer, then write buffer and dump to stdout.
        for r in 1..31u8 {
            self.line(format!("sd {}, {}({})", reg(r), SCRATCH_BYTES / 2 + 8 * (r as i32 - 1), reg(BASE)));
        }
        self.line("li a7, 64");
        self.line("li a0, 1");
        self.line(format!("addi a1, {}, {}", reg(BASE), -(SCRATCH_BYTES / 2)));
        self.line(format!("li a2, {}", SCRATCH_BYTES + DUMP_BYTES));
        self.line("ecall");
    }
}

fn join(values: &[u64]) -> String {
    values.iter().map(|v| format!("{v:#x}")).collect::<Vec<_>>().join(", ")
}

/// Every opcode a random body may contain (not `ecall`/`ebreak`, which end or trap the run).
fn body_opcodes() -> Vec<Opcode> {
    Opcode::ALL.into_iter().filter(|o| !matches!(o, Opcode::Ecall | Opcode::Ebreak)).collect()
}

fn generate(seed: u64) -> (String, Vec<String>) {
    let mut g = Generator {
        rng: ChaCha8Rng::seed_from_u64(seed),
        text: String::new(),
        data: String::new(),
        label: 0,
    };
    let opcodes = body_opcodes();
    let mut cases = Vec::new();
    for case in 0..CASES_PER_BATCH {
        let start = g.text.len();
        g.case(case, &opcodes);
        cases.push(g.text[start..].to_string());
    }
    let source = format!(
        ".option norvc\n.text\n.global _start\n_start:\n{}    li a7, 93\n    li a0, 0\n    ecall\n\
         .data\n.balign 8\n{}scratch: .zero {}\n",
        g.text,
        g.data,
        SCRATCH_BYTES + DUMP_BYTES
    );
    (source, cases)
}

fn check_batch(seed: u64) -> usize {
    let (source, cases) = generate(seed);
    let dir = tempfile::tempdir().expect("temp dir");
    let elf = assemble(dir.path(), &source, &[]);
    let qemu = run_tool(Command::new("qemu-riscv64").arg(&elf));

    let program = Program::from_elf(&std::fs::read(&elf).expect("read ELF")).expect("load ELF");
    let options = ExecutionOptions { max_cycles: 1 << 32, debug: DebugOutput::Discard };
    let ours = execute(&program, &[], &options).expect("executor runs the batch");
    assert_eq!(ours.exit_code, 0);

    let chunk = (SCRATCH_BYTES + DUMP_BYTES) as usize;
    assert_eq!(qemu.len(), chunk * CASES_PER_BATCH, "QEMU output size");
    assert_eq!(ours.output.len(), qemu.len(), "executor output size");
    for (case, (q, o)) in qemu.chunks(chunk).zip(ours.output.chunks(chunk)).enumerate() {
        if q == o {
            continue;
        }
        let first = q.iter().zip(o).position(|(a, b)| a != b).expect("chunks differ");
        let what = if first < SCRATCH_BYTES as usize {
            format!("scratch byte {}", first as i32 - SCRATCH_BYTES / 2)
        } else {
            let r = (first - SCRATCH_BYTES as usize) / 8 + 1;
            let at = SCRATCH_BYTES as usize + 8 * (r - 1);
            let word = |b: &[u8]| u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"));
            format!("register {} (qemu {:#x}, executor {:#x})", reg(r as u8), word(q), word(o))
        };
        panic!("seed {seed}, case {case}: {what} differs\n{}", cases[case]);
    }
    CASES_PER_BATCH
}

#[test]
fn random_programs_match_qemu() {
    let batches = std::env::var("HEARTH_QEMU_DIFF_BATCHES")
        .ok()
        .and_then(|b| b.parse().ok())
        .unwrap_or(DEFAULT_BATCHES);
    let mut seeds = ChaCha8Rng::seed_from_u64(0x5eed);
    let total: usize = (0..batches).map(|_| check_batch(seeds.next_u64())).sum();
    assert!(total >= 1000, "ran {total} programs");
}

#[test]
fn generated_programs_cover_every_instruction() {
    let (source, _) = generate(1);
    for opcode in body_opcodes() {
        let needle = format!("    {} ", opcode.mnemonic());
        let bare = format!("    {}\n", opcode.mnemonic());
        assert!(
            source.contains(&needle) || source.contains(&bare),
            "no {} in the generated programs",
            opcode.mnemonic()
        );
    }
}
