//! Test programs assembled with the RISC-V GNU toolchain.

#![allow(dead_code)]

use hearth_executor::Program;

/// Assembles `body` (after `_start:`) at the program base and loads it.
pub fn assemble(body: &str) -> Program {
    let dir = tempfile::tempdir().expect("temp dir");
    let source = format!(".text\n.global _start\n_start:\n{body}\n");
    let elf = hearth_guest_builder::assemble(dir.path(), &source, &[]).unwrap_or_else(|e| panic!("{e}"));
    Program::from_elf(&std::fs::read(elf).expect("read elf")).expect("valid ELF")
}

/// `exit(a0)`.
pub const EXIT: &str = "li a7, 93\necall";

/// Arithmetic, comparisons, branches, jumps, and loads and stores of every width (aligned and
/// misaligned inside a word), on the stack below the image and in a data word inside it; exits
/// with a checksum.
pub const MIXED: &str = r#"
    li sp, 0x00ff0000
    la s0, data
    li t0, 0
    li t1, 20
    li s1, 1
loop:
    add s1, s1, t0
    xori s1, s1, 0x55
    addi t0, t0, 1
    sub t2, t1, t0
    and t3, s1, t2
    or t4, t3, t1
    slt t5, t3, t4
    sltu t6, t4, t3
    add s1, s1, t5
    sub s1, s1, t6
    addw s1, s1, t4
    subw s2, s1, t2
    bne t0, t1, loop
    sd s1, 0(sp)
    sw s2, 12(sp)
    sh s1, 9(sp)
    sb t0, 15(sp)
    ld a1, 0(sp)
    lw a2, 12(sp)
    lh a3, 9(sp)
    lhu a4, 9(sp)
    lb a5, 15(sp)
    lbu a6, 15(sp)
    lwu s3, 12(sp)
    sd a1, 8(s0)
    ld s4, 8(s0)
    lw s5, 0(s0)
    blt a5, zero, skip
    bge a3, zero, skip
    add a1, a1, a2
skip:
    bltu a1, a2, 1f
    bgeu a2, a1, 1f
    beq a1, a1, 1f
1:
    jal ra, func
    auipc t0, 0
    lui t1, 0x12345
    add a0, a1, a2
    add a0, a0, a3
    add a0, a0, a4
    add a0, a0, a5
    add a0, a0, a6
    add a0, a0, s3
    add a0, a0, s4
    add a0, a0, s5
    add a0, a0, t1
    andi a0, a0, 0x7f
    li a7, 93
    ecall
func:
    addi s5, s5, 3
    jalr zero, 0(ra)
.data
data:
    .dword 0x1122334455667788
    .dword 0
"#;
