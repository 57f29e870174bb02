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

/// Arithmetic, comparisons, branches, jumps, and loads and stores of every width (aligned,
/// misaligned inside a word, and crossing into the next word), on the stack below the image and
/// in data words inside it; exits with a checksum.
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
    sd s1, 19(sp)
    sw s2, 30(sp)
    sh t0, 39(sp)
    ld t3, 19(sp)
    lw t4, 30(sp)
    lwu t5, 29(sp)
    lh t6, 39(sp)
    lhu a7, 39(sp)
    add a1, a1, t3
    add a2, a2, t4
    add a3, a3, t5
    add a4, a4, t6
    add a5, a5, a7
    ld a7, 4(s0)
    add a6, a6, a7
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

/// Every shift, multiplication and division instruction (register and immediate forms, W
/// variants) on edge operands: zero, one, minus one, the most negative values, division by zero
/// and signed overflow. Folds every result into `s1` and exits with its low bits.
pub const MULDIV: &str = r#"
    la s0, operands
    li s1, 0x9e3779b97f4a7c15
    li s2, 0
outer:
    slli t3, s2, 3
    add t3, s0, t3
    ld a1, 0(t3)
    li s3, 0
inner:
    slli t4, s3, 3
    add t4, s0, t4
    ld a2, 0(t4)
    sll t0, a1, a2
    xor s1, s1, t0
    srl t0, a1, a2
    add s1, s1, t0
    sra t0, a1, a2
    xor s1, s1, t0
    sllw t0, a1, a2
    add s1, s1, t0
    srlw t0, a1, a2
    xor s1, s1, t0
    sraw t0, a1, a2
    add s1, s1, t0
    mul t0, a1, a2
    xor s1, s1, t0
    mulh t0, a1, a2
    add s1, s1, t0
    mulhsu t0, a1, a2
    xor s1, s1, t0
    mulhu t0, a1, a2
    add s1, s1, t0
    mulw t0, a1, a2
    xor s1, s1, t0
    div t0, a1, a2
    add s1, s1, t0
    divu t0, a1, a2
    xor s1, s1, t0
    rem t0, a1, a2
    add s1, s1, t0
    remu t0, a1, a2
    xor s1, s1, t0
    divw t0, a1, a2
    add s1, s1, t0
    divuw t0, a1, a2
    xor s1, s1, t0
    remw t0, a1, a2
    add s1, s1, t0
    remuw t0, a1, a2
    xor s1, s1, t0
    slli t1, s1, 13
    srli t2, s1, 51
    or s1, t1, t2
    addi s3, s3, 1
    li t5, 12
    bne s3, t5, inner
    addi s2, s2, 1
    bne s2, t5, outer
    slli t0, a1, 63
    srli t1, a1, 1
    srai t2, a1, 33
    slliw t3, a1, 31
    srliw t4, a1, 7
    sraiw t5, a1, 19
    add s1, s1, t0
    xor s1, s1, t1
    add s1, s1, t2
    xor s1, s1, t3
    add s1, s1, t4
    xor s1, s1, t5
    srli t0, s1, 32
    xor a0, s1, t0
    andi a0, a0, 0xff
    li a7, 93
    ecall
.data
.balign 8
operands:
    .dword 0, 1, -1, 2, -2, 0x8000000000000000, 0x7fffffffffffffff, 0x80000000
    .dword 0xffffffff80000000, 63, 0x123456789abcdef0, -12345
"#;

/// Opens and closes a profile scope, asks for the input's length and exits with it.
pub const SYSCALLS: &str = r#"
    la a0, name
    li a1, 4
    li a2, 1
    li a7, 0x1001
    ecall
    li a7, 0x1000
    ecall
    mv s1, a0
    la a0, name
    li a1, 4
    li a2, 0
    li a7, 0x1001
    ecall
    mv a0, s1
    li a7, 93
    ecall
.data
name:
    .ascii "main"
"#;

/// `read`s into a misaligned stack buffer (a partial read, one cut short by the end of the
/// input, one at the end), `write`s what it read and five misaligned bytes of the image to the
/// output, plus a debug write and an empty write; exits with the number of bytes read.
pub const IO: &str = r#"
    li sp, 0x00ff0000
    li a0, 0
    addi a1, sp, -61
    li a2, 3
    li a7, 63
    ecall
    mv s1, a0
    li a0, 0
    addi a1, sp, -58
    li a2, 100
    li a7, 63
    ecall
    add s1, s1, a0
    li a0, 0
    addi a1, sp, -58
    li a2, 5
    li a7, 63
    ecall
    add s1, s1, a0
    li a0, 1
    addi a1, sp, -61
    mv a2, s1
    li a7, 64
    ecall
    li a0, 1
    la a1, text
    addi a1, a1, 3
    li a2, 5
    li a7, 64
    ecall
    li a0, 2
    la a1, text
    li a2, 4
    li a7, 64
    ecall
    li a0, 1
    mv a1, sp
    li a2, 0
    li a7, 64
    ecall
    mv a0, s1
    li a7, 93
    ecall
.data
text:
    .ascii "hello, world"
"#;

/// The secp256k1 accelerators: `p = G + 2G`, `p = 2p` (so `6G`), `G`'s `x` decompressed with odd
/// parity (`-G`), and `x = 0` decompressed (no such point; `y` is left as it was). Writes `p` and
/// the two decompressed points (64 bytes each) to the output; exits with the sum of the two
/// decompression statuses (1).
pub const SECP256K1: &str = r#"
    la a0, p
    la a1, q
    li a7, 0x2002
    ecall
    la a0, p
    li a7, 0x2003
    ecall
    la a0, r
    li a1, 1
    li a7, 0x2004
    ecall
    mv s1, a0
    la a0, s
    li a1, 0
    li a7, 0x2004
    ecall
    add s1, s1, a0
    li a0, 1
    la a1, p
    li a2, 64
    li a7, 64
    ecall
    li a0, 1
    la a1, r
    li a2, 128
    li a7, 64
    ecall
    mv a0, s1
    li a7, 93
    ecall
.data
.balign 8
p:
    .quad 0x59f2815b16f81798, 0x029bfcdb2dce28d9, 0x55a06295ce870b07, 0x79be667ef9dcbbac
    .quad 0x9c47d08ffb10d4b8, 0xfd17b448a6855419, 0x5da4fbfc0e1108a8, 0x483ada7726a3c465
q:
    .quad 0xabac09b95c709ee5, 0x5c778e4b8cef3ca7, 0x3045406e95c07cd8, 0xc6047f9441ed7d6d
    .quad 0x236431a950cfe52a, 0xf7f632653266d0e1, 0xa3c58419466ceaee, 0x1ae168fea63dc339
r:
    .quad 0x59f2815b16f81798, 0x029bfcdb2dce28d9, 0x55a06295ce870b07, 0x79be667ef9dcbbac
    .quad 0, 0, 0, 0
s:
    .quad 0, 0, 0, 0
    .quad 7, 7, 7, 7
"#;
