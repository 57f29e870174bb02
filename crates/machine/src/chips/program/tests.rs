use hearth_isa::{Instruction, Opcode};

use super::*;

fn field(d: &Decoded, index: usize) -> i64 {
    d.fields[index]
}

#[test]
fn decoding_sets_exactly_one_class() {
    for op in Opcode::ALL {
        let ins = Instruction { opcode: op, rd: 5, rs1: 6, rs2: 7, imm: -8 };
        let Some(d) = decode(&ins) else {
            assert_eq!(op, Opcode::Ebreak);
            continue;
        };
        let m = &INSTR_COL_MAP;
        let classes = [
            m.is_alu,
            m.is_load,
            m.is_store,
            m.is_branch,
            m.is_jal,
            m.is_jalr,
            m.is_lui,
            m.is_auipc,
            m.is_ecall,
            m.is_nop,
        ];
        assert_eq!(classes.iter().map(|&c| field(&d, c)).sum::<i64>(), 1, "{op:?}");
        assert_eq!(field(&d, m.imm_field), -8);
        assert_eq!(field(&d, m.imm[7]), 0xff);
    }
}

#[test]
fn x0_is_never_read_or_written() {
    let ins = Instruction { opcode: Opcode::Add, rd: 0, rs1: 0, rs2: 3, imm: 0 };
    let d = decode(&ins).unwrap();
    assert_eq!(field(&d, INSTR_COL_MAP.writes_rd), 0);
    assert_eq!(field(&d, INSTR_COL_MAP.reads_rs1), 0);
    assert_eq!(field(&d, INSTR_COL_MAP.reads_rs2), 1);
}
