use hearth_isa::{Instruction, Opcode};

use crate::bus::op_id;

/// An instruction decoded into the program table's columns (as integers).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Decoded {
    /// Column values in [`super::InstrCols`] order, as signed integers (only `imm_field` is
    /// ever negative).
    pub fields: Vec<i64>,
}

/// Decodes an instruction into the program table's columns, or `None` for instructions no
/// execution may contain (`ebreak`: its only effect is a trap).
pub fn decode(ins: &Instruction) -> Option<Decoded> {
    use Opcode::*;
    let op = ins.opcode;
    let imm = ins.imm as i64;
    let mut alu_op = op;
    let (mut sends_alu, mut alu_imm, mut alu_to_rd, mut writes_rd) = (false, false, false, false);
    let (mut reads_rs1, mut reads_rs2) = (false, false);
    let mut class = [false; 10]; // alu, load, store, branch, jal, jalr, lui, auipc, ecall, nop
    let (mut load_width, mut store_width, mut load_signed) = ([0u8; 4], [0u8; 4], false);
    let (mut rs1, mut rs2) = (ins.rs1, ins.rs2);
    let width_index = |w: u32| w.trailing_zeros() as usize;
    match op {
        Add | Sub | Sll | Slt | Sltu | Xor | Srl | Sra | Or | And | Addw | Subw | Sllw | Srlw | Sraw
        | Mul | Mulh | Mulhsu | Mulhu | Div | Divu | Rem | Remu | Mulw | Divw | Divuw | Remw | Remuw => {
            class[0] = true;
            (sends_alu, alu_to_rd, writes_rd, reads_rs1, reads_rs2) = (true, true, true, true, true);
        }
        Addi | Slti | Sltiu | Xori | Ori | Andi | Slli | Srli | Srai | Addiw | Slliw | Srliw | Sraiw => {
            class[0] = true;
            alu_op = match op {
                Addi => Add,
                Slti => Slt,
                Sltiu => Sltu,
                Xori => Xor,
                Ori => Or,
                Andi => And,
                Slli => Sll,
                Srli => Srl,
                Srai => Sra,
                Addiw => Addw,
                Slliw => Sllw,
                Srliw => Srlw,
                _ => Sraw,
            };
            (sends_alu, alu_imm, alu_to_rd, writes_rd, reads_rs1) = (true, true, true, true, true);
        }
        Lb | Lh | Lw | Ld | Lbu | Lhu | Lwu => {
            class[1] = true;
            alu_op = Add;
            (sends_alu, alu_imm, writes_rd, reads_rs1) = (true, true, true, true);
            let w = match op {
                Lb | Lbu => 1,
                Lh | Lhu => 2,
                Lw | Lwu => 4,
                _ => 8,
            };
            load_width[width_index(w)] = 1;
            load_signed = matches!(op, Lb | Lh | Lw);
        }
        Sb | Sh | Sw | Sd => {
            class[2] = true;
            alu_op = Add;
            (sends_alu, alu_imm, reads_rs1, reads_rs2) = (true, true, true, true);
            let w = match op {
                Sb => 1,
                Sh => 2,
                Sw => 4,
                _ => 8,
            };
            store_width[width_index(w)] = 1;
        }
        Beq | Bne | Blt | Bge | Bltu | Bgeu => {
            class[3] = true;
            (sends_alu, reads_rs1, reads_rs2) = (true, true, true);
        }
        Jal => {
            class[4] = true;
            writes_rd = true;
        }
        Jalr => {
            class[5] = true;
            alu_op = Add;
            (sends_alu, alu_imm, writes_rd, reads_rs1) = (true, true, true, true);
        }
        Lui => {
            class[6] = true;
            writes_rd = true;
        }
        Auipc => {
            class[7] = true;
            alu_op = Add;
            (sends_alu, alu_imm, alu_to_rd, writes_rd) = (true, true, true, true);
        }
        Ecall => {
            // An ecall reads the syscall number from a7 and its first argument from a0.
            class[8] = true;
            (rs1, rs2) = (17, 10);
            (reads_rs1, reads_rs2) = (true, true);
        }
        Fence => class[9] = true,
        Ebreak => return None,
    }
    let reads_rs1 = reads_rs1 && rs1 != 0;
    let reads_rs2 = reads_rs2 && rs2 != 0;
    let writes_rd = writes_rd && ins.rd != 0;
    let imm_bytes = (imm as u64).to_le_bytes();
    let mut fields: Vec<i64> = vec![op_id(op) as i64, ins.rd as i64, rs1 as i64, rs2 as i64];
    fields.extend(imm_bytes.iter().map(|&b| b as i64));
    fields.push(imm);
    fields.push(op_id(alu_op) as i64);
    fields.extend([sends_alu, alu_imm, alu_to_rd].map(|b| b as i64));
    fields.extend(class.map(|b| b as i64));
    fields.extend([reads_rs1, reads_rs2, writes_rd].map(|b| b as i64));
    fields.extend(load_width.map(|b| b as i64));
    fields.extend(store_width.map(|b| b as i64));
    fields.push(load_signed as i64);
    debug_assert_eq!(fields.len(), super::NUM_INSTR_COLS);
    Some(Decoded { fields })
}
