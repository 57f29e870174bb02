//! Faults are typed errors carrying the pc, and bad ELFs are rejected with errors: never a host
//! panic, whatever the input.

mod common;

use common::assemble;
use hearth_executor::{
    AccessKind, DebugOutput, ElfError, ExecutionError, ExecutionOptions, ExecutionSummary, Program,
    checkpoints, execute, replay_shard, trace,
};
use hearth_isa::{Instruction, Opcode, Syscall, encode, memory};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

const BASE: u64 = 0x0100_0000;

fn elf(body: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("temp dir");
    let source = format!(".option norvc\n.text\n.global _start\n_start:\n{body}\n");
    std::fs::read(assemble(dir.path(), &source, &[])).expect("read ELF")
}

fn load(body: &str) -> Program {
    Program::from_elf(&elf(body)).expect("test program loads")
}

fn run_with(body: &str, max_cycles: u64) -> Result<ExecutionSummary, ExecutionError> {
    execute(&load(body), &[], &ExecutionOptions { max_cycles, debug: DebugOutput::Discard })
}

fn run(body: &str) -> Result<ExecutionSummary, ExecutionError> {
    run_with(body, 10_000)
}

const EXIT: &str = "li a7, 93\nli a0, 0\necall";

fn word(ins: Instruction) -> String {
    format!(".word {:#x}", encode(&ins))
}

#[test]
fn illegal_instructions_fault_with_pc() {
    assert_eq!(run(".word 0"), Err(ExecutionError::IllegalInstruction { pc: BASE, word: 0 }));
    assert_eq!(
        run(&format!("nop\nunimp\n{EXIT}")),
        Err(ExecutionError::IllegalInstruction { pc: BASE + 4, word: 0xc000_1073 })
    );
    assert_eq!(run("nop\nnop\nebreak"), Err(ExecutionError::Breakpoint { pc: BASE + 8 }));
    // An illegal word that is never executed is harmless.
    assert!(run(&format!("{EXIT}\n.word 0xffffffff")).is_ok());
}

#[test]
fn jumps_outside_code_or_misaligned_fault() {
    assert_eq!(
        run("lui t0, 0x100\njalr t0"),
        Err(ExecutionError::FetchOutOfCode { pc: BASE + 4, target: 0x10_0000 })
    );
    assert_eq!(
        run("la t0, 1f\naddi t0, t0, 2\njr t0\n1: nop"),
        Err(ExecutionError::MisalignedJump { pc: BASE + 12, target: BASE + 18 })
    );
    // Static targets: a taken branch to pc + 6 is misaligned, an untaken one is fine.
    assert_eq!(
        run(&word(Instruction::s(Opcode::Beq, 0, 0, 6))),
        Err(ExecutionError::MisalignedJump { pc: BASE, target: BASE + 6 })
    );
    assert!(run(&format!("{}\n{EXIT}", word(Instruction::s(Opcode::Bne, 0, 0, 6)))).is_ok());
    assert_eq!(
        run(&word(Instruction::i(Opcode::Jal, 1, 0, 0x8_0000))),
        Err(ExecutionError::FetchOutOfCode { pc: BASE, target: BASE + 0x8_0000 })
    );
    // Falling off the end of the code.
    assert_eq!(run("nop"), Err(ExecutionError::FetchOutOfCode { pc: BASE, target: BASE + 4 }));
}

#[test]
fn memory_outside_the_address_space_faults() {
    let load = |addr, len| ExecutionError::MemoryOutOfRange { pc: BASE, addr, len, kind: AccessKind::Load };
    assert_eq!(run("ld a0, 0(zero)"), Err(load(0, 8)));
    assert_eq!(run("lb a0, -1(zero)"), Err(load(u64::MAX, 1)));
    assert_eq!(
        run("li t0, 0x77fffffc\nsd zero, 0(t0)"),
        // `li t0, 0x77fffffc` is lui + addiw.
        Err(ExecutionError::MemoryOutOfRange {
            pc: BASE + 8,
            addr: 0x77ff_fffc,
            len: 8,
            kind: AccessKind::Store
        })
    );
    // A stack overflow runs into the guard below the stack.
    assert_eq!(
        run("lui sp, 0x10\nsd zero, -8(sp)"),
        Err(ExecutionError::MemoryOutOfRange {
            pc: BASE + 4,
            addr: memory::GUARD_END - 8,
            len: 8,
            kind: AccessKind::Store
        })
    );
}

#[test]
fn bad_syscalls_fault() {
    assert_eq!(
        run("li a7, 12345\necall"),
        // `li a7, 12345` is lui + addiw.
        Err(ExecutionError::UnknownSyscall { pc: BASE + 8, number: 12345 })
    );
    let invalid = |pc, syscall| move |e: &ExecutionError| matches!(e, ExecutionError::InvalidSyscallArgument { pc: p, syscall: s, .. } if *p == pc && *s == syscall);
    let e = run("li a7, 64\nli a0, 5\nli a2, 0\necall").unwrap_err();
    assert!(invalid(BASE + 12, Syscall::Write)(&e), "{e}");
    let e = run("li a7, 63\nli a0, 1\nli a2, 0\necall").unwrap_err();
    assert!(invalid(BASE + 12, Syscall::Read)(&e), "{e}");
    let e = run("li a7, 0x2000\nlui a0, 0x1000\naddi a0, a0, 4\necall").unwrap_err();
    assert!(invalid(BASE + 12, Syscall::KeccakF1600)(&e), "{e}");
    let e = run("li a7, 0x2001\nlui a0, 0x2000\nlui a1, 0x2000\naddi a1, a1, 16\necall").unwrap_err();
    assert!(invalid(BASE + 20, Syscall::Sha256Compress)(&e), "{e}");
    // Decompression of x = 2^256 - 1 (above the field prime): all-ones bytes at the stack top.
    let e = run("lui a0, 0x1000\naddi a0, a0, -64\nli t0, -1\nsd t0, 0(a0)\nsd t0, 8(a0)\nsd t0, 16(a0)\nsd t0, 24(a0)\nli a1, 0\nli a7, 0x2004\necall").unwrap_err();
    assert!(invalid(BASE + 40, Syscall::Secp256k1Decompress)(&e), "{e}");
    assert_eq!(
        run("li a7, 64\nli a0, 1\nlui a1, 0x7ffff\nli a2, 100\necall"),
        Err(ExecutionError::MemoryOutOfRange {
            pc: BASE + 16,
            addr: 0x7fff_f000,
            len: 100,
            kind: AccessKind::Load
        })
    );
}

#[test]
fn cycle_limit_is_exact() {
    // 1 + 2 * 100 + 3 = 204 instructions.
    let body = format!("li t0, 100\n1: addi t0, t0, -1\nbnez t0, 1b\n{EXIT}");
    assert_eq!(run_with(&body, 204).map(|s| s.cycles), Ok(204));
    let limit = |n| Err(ExecutionError::CycleLimit { pc: 0, limit: n });
    for max in [203, 150, 2, 1] {
        let result = run_with(&body, max).map(|s| s.cycles).map_err(|e| match e {
            ExecutionError::CycleLimit { limit, .. } => ExecutionError::CycleLimit { pc: 0, limit },
            other => other,
        });
        assert_eq!(result, limit(max));
    }
    assert!(matches!(run("1: j 1b"), Err(ExecutionError::CycleLimit { pc: BASE, limit: 10_000 })));
    // Trace mode agrees on the count and cuts shards exactly.
    let program = load(&body);
    let options = ExecutionOptions { max_cycles: 1000, debug: DebugOutput::Discard };
    let (shards, summary) = trace(&program, &[], &options, 7).expect("trace");
    assert_eq!(summary.cycles, 204);
    assert_eq!(shards.len(), 204usize.div_ceil(7));
    assert!(shards[..shards.len() - 1].iter().all(|s| s.cycles() == 7));
}

#[test]
fn unaligned_accesses_are_supported_and_counted() {
    let body = format!(
        "la t0, buf\nld a0, 1(t0)\nlw a1, 2(t0)\nlh a2, 1(t0)\nsd a0, 3(t0)\nld a3, 0(t0)\nsb a0, 1(t0)\nlbu a4, 5(t0)\n\
         li a7, 64\nli a0, 1\nmv a1, t0\nli a2, 16\necall\n{EXIT}\n\
         .data\n.balign 8\nbuf: .byte 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16"
    );
    let summary = run(&body).expect("runs");
    assert_eq!(summary.unaligned_accesses, 4);
    // sd of bytes 2..9 at offset 3, then sb of byte 2 at offset 1.
    assert_eq!(summary.output, [1, 2, 3, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 14, 15, 16]);
}

#[test]
fn malformed_elfs_are_errors() {
    assert!(matches!(Program::from_elf(&[]), Err(ElfError::Malformed(_))));
    assert!(matches!(Program::from_elf(b"hello, world"), Err(ElfError::Malformed(_))));
    let valid = elf(EXIT);
    for len in (0..valid.len()).step_by(7) {
        assert!(Program::from_elf(&valid[..len]).is_err(), "truncated to {len} bytes");
    }
    // The host's own executable: a valid ELF for another machine.
    let host = std::fs::read(std::env::current_exe().expect("test binary")).expect("read test binary");
    assert!(matches!(Program::from_elf(&host), Err(ElfError::WrongMachine { .. })));
    // A 32-bit RISC-V ELF.
    let dir = tempfile::tempdir().expect("temp dir");
    let source = format!(".text\n.global _start\n_start:\n{EXIT}\n");
    let s = dir.path().join("rv32.s");
    std::fs::write(&s, source).expect("write");
    let rv32 = dir.path().join("rv32.elf");
    common::run_tool(
        std::process::Command::new("riscv64-unknown-elf-gcc")
            .args(["-march=rv32im", "-mabi=ilp32", "-nostdlib", "-static", "-o"])
            .arg(&rv32)
            .arg(&s),
    );
    let rv32 = std::fs::read(rv32).expect("read");
    assert_eq!(Program::from_elf(&rv32).map(|_| ()), Err(ElfError::WrongClass));
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes(b[at..at + 2].try_into().expect("2 bytes"))
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}

#[test]
fn invalid_layouts_are_rejected() {
    let valid = elf(EXIT);
    let mut dynamic = valid.clone();
    dynamic[16..18].copy_from_slice(&3u16.to_le_bytes());
    assert_eq!(Program::from_elf(&dynamic).map(|_| ()), Err(ElfError::NotExecutable { e_type: 3 }));

    let mut entry = valid.clone();
    entry[24..32].copy_from_slice(&0x2000_0000u64.to_le_bytes());
    assert_eq!(Program::from_elf(&entry).map(|_| ()), Err(ElfError::BadEntry { entry: 0x2000_0000 }));
    let mut misaligned_entry = valid.clone();
    misaligned_entry[24..32].copy_from_slice(&(BASE + 2).to_le_bytes());
    assert!(matches!(Program::from_elf(&misaligned_entry), Err(ElfError::BadEntry { .. })));

    // Make the executable segment writable too.
    let (phoff, phentsize, phnum) =
        (u64_at(&valid, 32) as usize, u16_at(&valid, 54) as usize, u16_at(&valid, 56));
    let text = (0..phnum as usize)
        .map(|i| phoff + i * phentsize)
        .find(|&ph| u16_at(&valid, ph) == 1 && valid[ph + 4] & 1 != 0)
        .expect("an executable PT_LOAD");
    let mut wx = valid.clone();
    wx[text + 4] |= 2;
    assert!(matches!(Program::from_elf(&wx), Err(ElfError::WritableAndExecutable { .. })));

    let dir = tempfile::tempdir().expect("temp dir");
    let low = format!(".text\n.global _start\n_start:\n{EXIT}\n");
    let s = dir.path().join("low.s");
    std::fs::write(&s, low).expect("write");
    let low_elf = dir.path().join("low.elf");
    common::run_tool(
        std::process::Command::new("riscv64-unknown-elf-gcc")
            .args(["-march=rv64im", "-mabi=lp64", "-nostdlib", "-static", "-Wl,-Ttext=0x1000", "-o"])
            .arg(&low_elf)
            .arg(&s),
    );
    let low = std::fs::read(low_elf).expect("read");
    assert!(matches!(Program::from_elf(&low), Err(ElfError::SegmentOutOfRange { .. })));
}

#[test]
fn corrupted_elfs_never_panic() {
    let valid = elf(&format!(
        "li t0, 3\n1: addi t0, t0, -1\nbnez t0, 1b\nla a0, 2f\nld a1, 0(a0)\n{EXIT}\n.data\n2: .dword 7"
    ));
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let options = ExecutionOptions { max_cycles: 10_000, debug: DebugOutput::Discard };
    let (mut loaded, mut rejected) = (0, 0);
    for _ in 0..3000 {
        let mut bytes = valid.clone();
        for _ in 0..rng.random_range(1..8) {
            let at = rng.random_range(0..bytes.len());
            bytes[at] = rng.random();
        }
        match Program::from_elf(&bytes) {
            Ok(program) => {
                loaded += 1;
                let _ = execute(&program, &[1, 2, 3], &options);
            }
            Err(_) => rejected += 1,
        }
    }
    assert!(loaded > 100 && rejected > 100, "mutations should hit both outcomes ({loaded}, {rejected})");
}

#[test]
fn bad_checkpoints_are_rejected() {
    let program = load(&format!("li t0, 10\n1: addi t0, t0, -1\nbnez t0, 1b\n{EXIT}"));
    let options = ExecutionOptions { max_cycles: 1000, debug: DebugOutput::Discard };
    let (found, _) = checkpoints(&program, &[], &options, 5).expect("checkpoints");
    let good = found[1].clone();
    assert!(replay_shard(&program, &[], &good, 5).is_ok());
    let bad = |mutate: fn(&mut hearth_executor::Checkpoint)| {
        let mut c = good.clone();
        mutate(&mut c);
        matches!(replay_shard(&program, &[], &c, 5), Err(ExecutionError::BadCheckpoint { .. }))
    };
    assert!(bad(|c| c.pc = 0x10));
    assert!(bad(|c| c.pc += 2));
    assert!(bad(|c| c.registers[0] = 1));
    assert!(bad(|c| c.input_position = 1));
    assert!(bad(|c| c.clk = u64::MAX));
    assert!(bad(|c| c.memory.push(hearth_executor::trace::MemoryWord {
        addr: 0x1_0004,
        value: 0,
        timestamp: 0
    })));
    assert!(bad(|c| c.memory.push(hearth_executor::trace::MemoryWord { addr: 8, value: 0, timestamp: 0 })));
}
