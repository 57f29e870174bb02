use core::borrow::Borrow;

use p3_air::{Air, AirBuilder, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::{Count, InteractionBuilder};

use super::columns::*;
use crate::bus::{ALU, ByteOp, MEMORY, PROGRAM, REGISTER, SYSCALL};
use crate::lookups::{access, alu_message, byte_lookup, compose, range_pair, range_word};

/// The syscall number of `exit`, the one `ecall` the CPU proves.
pub const SYSCALL_EXIT: u8 = 93;
/// Public values of the CPU table: the four bytes of the exit code, then `pc_in`, `pc_out`
/// and `halted` (see [`CpuPublic`]).
pub const NUM_CPU_PUBLIC_VALUES: usize = 7;

/// Where each CPU public value sits. The shard's ends are public values, not constants of the
/// constraints, so one AIR (and one recursive verifier) serves every shard.
pub struct CpuPublic;

impl CpuPublic {
    /// The four bytes of the exit code (meaningful when `halted`).
    pub const EXIT_CODE: core::ops::Range<usize> = 0..4;
    /// pc of the shard's first instruction.
    pub const PC_IN: usize = 4;
    /// pc after the shard's last instruction (unconstrained when `halted`).
    pub const PC_OUT: usize = 5;
    /// 1 when the shard's last instruction is `exit`, else 0.
    pub const HALTED: usize = 6;
}

/// The CPU table.
///
/// # Soundness
/// - Every real row's `(pc, instruction)` is a row of the committed program table (program
///   bus), so the decoded fields and flags are the program's; exactly one class flag is set.
/// - Rows are contiguous from the first, which is real, starts at `clk = 0` and at the shard's
///   public `pc_in`; each next real row starts at this row's `next_pc` one cycle later. In a
///   shard that halts (the public `halted`, boolean) the last real row, and no other, is an
///   `exit` ecall whose `a0` low bytes are the public exit code; in one that does not, no row
///   is, and the last real row's `next_pc` is the public `pc_out`. Other ecalls are handed
///   to the syscall table with their cycle, `a7` and `a0`; it performs only other numbers, so
///   `is_exit` is exactly `a7 = 93`.
/// - Register and memory values come from tokens `(location, value, timestamp)`: each access
///   consumes the previous token and produces one at `4 * clk + 4 + slot`, after range-checking
///   `ts - prev_ts - 1` to 24 bits, so reads see the last write (offline memory checking; the
///   register and memory tables provide initial and final tokens).
/// - Values are bytes by induction: initial tokens are bytes, ALU results are range-checked by
///   the ALU chips, loads copy memory bytes, `pc_bytes` are range-checked, and immediates come
///   from the program table.
/// - `pc_bytes` and `jalr` targets have their top byte below 128, and load and store addresses
///   below `0x7800_0000`, so the composed field elements cannot wrap modulo `p`. The program's
///   code lies at or above `0x0100_0000`, so a composed `pc` or `pc + 4` has one decomposition.
/// - Loads and stores touch one word, and a second (the next) exactly when the offset plus the
///   width exceeds 8; bytes past the first word come from and go to the second.
#[derive(Clone, Copy, Debug)]
pub struct CpuChip;

impl<F: p3_field::Field> BaseAir<F> for CpuChip {
    fn width(&self) -> usize {
        NUM_CPU_COLS
    }

    fn num_public_values(&self) -> usize {
        NUM_CPU_PUBLIC_VALUES
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        vec![CPU_COL_MAP.is_real, CPU_COL_MAP.clk, CPU_COL_MAP.pc]
    }
}

impl<AB: InteractionBuilder<F: p3_field::Field>> Air<AB> for CpuChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &CpuCols<AB::Var> = main.current_slice().borrow();
        let next: &CpuCols<AB::Var> = main.next_slice().borrow();
        let public: Vec<AB::Expr> = builder.public_values().iter().map(|&v| v.into()).collect();
        let i = &local.instr;
        let e = |v: AB::Var| -> AB::Expr { v.into() };
        let c = |v: u32| AB::Expr::from_u32(v);
        let is_real = e(local.is_real);

        // Flags are boolean (they are the program's, but a cheap check keeps every row honest
        // on its own) and every real row has exactly one class.
        let classes = [
            i.is_alu,
            i.is_load,
            i.is_store,
            i.is_branch,
            i.is_jal,
            i.is_jalr,
            i.is_lui,
            i.is_auipc,
            i.is_ecall,
            i.is_nop,
        ];
        builder.assert_bool(local.is_real);
        for f in classes.iter().chain([
            &i.sends_alu,
            &i.alu_imm,
            &i.alu_to_rd,
            &i.reads_rs1,
            &i.reads_rs2,
            &i.writes_rd,
            &i.load_signed,
        ]) {
            builder.assert_bool(*f);
        }
        let class_sum = classes.iter().fold(AB::Expr::ZERO, |acc, &f| acc + f.into());
        builder.assert_eq(class_sum, is_real.clone());

        // The instruction is the program's.
        let mut message = vec![e(local.pc)];
        message.extend(i.as_slice().iter().map(|&v| e(v)));
        builder.push_interaction(PROGRAM, message, Count::bounded(is_real.clone(), 1));

        // Control flow between rows.
        builder.when_first_row().assert_one(local.is_real);
        builder.when_first_row().assert_zero(local.clk);
        let halted = public[CpuPublic::HALTED].clone();
        builder.assert_bool(halted.clone());
        builder.when_first_row().assert_eq(local.pc, public[CpuPublic::PC_IN].clone());
        // What the last real row must satisfy: be `exit`, or hand over to `pc_out`.
        let ends = halted.clone() * (AB::Expr::ONE - e(local.is_exit))
            + (AB::Expr::ONE - halted.clone()) * (e(local.next_pc) - public[CpuPublic::PC_OUT].clone());
        {
            let mut t = builder.when_transition();
            t.assert_zero((AB::Expr::ONE - is_real.clone()) * e(next.is_real));
            t.assert_zero(e(next.is_real) * (e(next.pc) - e(local.next_pc)));
            t.assert_zero(e(next.is_real) * (e(next.clk) - e(local.clk) - AB::Expr::ONE));
            t.assert_zero(is_real.clone() * (AB::Expr::ONE - e(next.is_real)) * ends.clone());
            t.assert_zero(e(next.is_real) * e(local.is_exit));
        }
        builder.when_last_row().assert_zero(is_real.clone() * ends);
        builder.assert_zero((AB::Expr::ONE - halted) * e(local.is_exit));

        // Registers not read hold zero in their columns.
        for j in 0..8 {
            builder.assert_zero((AB::Expr::ONE - e(i.reads_rs1)) * e(local.rs1_val[j]));
            builder.assert_zero((AB::Expr::ONE - e(i.reads_rs2)) * e(local.rs2_val[j]));
        }
        // Columns of an access, result or memory operation the row does not perform hold zero,
        // so every cell of a real row is fixed by what it executes.
        let access_cells = |a: &AccessCols<AB::Var>| [a.prev_ts, a.dts[0], a.dts[1], a.dts[2]];
        let is_mem = e(i.is_load) + e(i.is_store);
        let unused: [(AB::Expr, Vec<AB::Var>); 7] = [
            (e(i.reads_rs1), access_cells(&local.rs1_access).to_vec()),
            (e(i.reads_rs2), access_cells(&local.rs2_access).to_vec()),
            (
                e(i.writes_rd),
                [&local.rd_val[..], &local.rd_prev[..], &access_cells(&local.rd_access)[..]].concat(),
            ),
            (e(i.sends_alu), local.alu_out.to_vec()),
            (e(i.is_jalr), vec![local.jalr_bit]),
            (is_mem.clone(), [&[local.mem_q][..], &access_cells(&local.mem_access)[..]].concat()),
            (
                e(local.mem_cross),
                [&local.mem2_prev[..], &local.mem2_new[..], &access_cells(&local.mem2_access)[..]].concat(),
            ),
        ];
        for (used, cells) in unused {
            for cell in cells {
                builder.assert_zero((AB::Expr::ONE - used.clone()) * e(cell));
            }
        }
        let ts = e(local.clk) * c(4) + c(4);
        access(
            builder,
            REGISTER,
            e(i.rs1),
            &local.rs1_val,
            &local.rs1_val,
            &local.rs1_access,
            ts.clone(),
            e(i.reads_rs1),
        );
        access(
            builder,
            REGISTER,
            e(i.rs2),
            &local.rs2_val,
            &local.rs2_val,
            &local.rs2_access,
            ts.clone() + c(1),
            e(i.reads_rs2),
        );
        access(
            builder,
            REGISTER,
            e(i.rd),
            &local.rd_prev,
            &local.rd_val,
            &local.rd_access,
            ts.clone() + c(3),
            e(i.writes_rd),
        );

        // pc bytes: pc for auipc, pc + 4 for the link of jal and jalr.
        let links = e(i.is_jal) + e(i.is_jalr);
        range_word(builder, e(local.pc) + links.clone() * c(4), local.pc_bytes, 128, is_real.clone());

        // ALU operands and request.
        for j in 0..8 {
            let pc_byte = if j < 4 { e(i.is_auipc) * e(local.pc_bytes[j]) } else { AB::Expr::ZERO };
            builder.assert_eq(local.alu_a[j], e(local.rs1_val[j]) + pc_byte);
            builder.assert_eq(
                local.alu_b[j],
                (AB::Expr::ONE - e(i.alu_imm)) * e(local.rs2_val[j]) + e(i.alu_imm) * e(i.imm[j]),
            );
        }
        let request = alu_message::<AB>(e(i.alu_op), &local.alu_a, &local.alu_b, local.alu_out.map(e));
        builder.push_interaction(ALU, request, Count::bounded(e(i.sends_alu), 1));

        // Load widths: in_width[j] says byte j is part of the loaded value.
        let [lw1, lw2, lw4, lw8] = i.load_width.map(e);
        let [sw1, sw2, sw4, sw8] = i.store_width.map(e);
        let width_mask = |w1: &AB::Expr, w2: &AB::Expr, w4: &AB::Expr, w8: &AB::Expr, j: usize| match j {
            0 => w1.clone() + w2.clone() + w4.clone() + w8.clone(),
            1 => w2.clone() + w4.clone() + w8.clone(),
            2 | 3 => w4.clone() + w8.clone(),
            _ => w8.clone(),
        };

        // The value written to rd.
        for j in 0..8 {
            let link = if j < 4 { links.clone() * e(local.pc_bytes[j]) } else { AB::Expr::ZERO };
            let in_width = width_mask(&lw1, &lw2, &lw4, &lw8, j);
            let source = e(i.alu_to_rd) * e(local.alu_out[j])
                + link
                + e(i.is_lui) * e(i.imm[j])
                + in_width.clone() * e(local.loaded[j])
                + (e(i.is_load) - in_width) * c(255) * e(local.load_sign);
            builder.when(e(i.writes_rd)).assert_eq(local.rd_val[j], source);
        }

        // The next pc.
        builder.assert_bool(local.jalr_bit);
        let target = compose::<AB>(&local.alu_out[..4]);
        let next_pc = e(local.pc)
            + is_real.clone() * c(4)
            + e(i.is_branch) * e(local.alu_out[0]) * (e(i.imm_field) - c(4))
            + e(i.is_jal) * (e(i.imm_field) - c(4))
            + e(i.is_jalr) * (target - e(local.jalr_bit) - e(local.pc) - c(4));
        builder.assert_eq(local.next_pc, next_pc);
        for j in 4..8 {
            builder.assert_zero((e(i.is_jalr) + is_mem.clone()) * e(local.alu_out[j]));
        }
        byte_lookup(builder, c(ByteOp::Ltu as u32), local.alu_out[3], c(128), AB::Expr::ONE, e(i.is_jalr));

        // Loads and stores: one word, or two when offset plus width exceeds 8, at an address
        // below 0x7800_0000.
        let mut offset_sum = AB::Expr::ZERO;
        let mut offset_value = AB::Expr::ZERO;
        let mut crosses = AB::Expr::ZERO;
        for (k, &flag) in local.mem_offset.iter().enumerate() {
            builder.assert_bool(flag);
            offset_sum += e(flag);
            offset_value += e(flag) * c(k as u32);
            let too_wide = e(i.load_width[3])
                + e(i.store_width[3])
                + if k > 4 { e(i.load_width[2]) + e(i.store_width[2]) } else { AB::Expr::ZERO }
                + if k > 6 { e(i.load_width[1]) + e(i.store_width[1]) } else { AB::Expr::ZERO };
            if k > 0 {
                crosses += e(flag) * too_wide;
            }
        }
        builder.assert_eq(offset_sum, is_mem.clone());
        builder.assert_bool(local.mem_cross);
        builder.assert_eq(local.mem_cross, crosses);
        builder.when(is_mem.clone()).assert_eq(local.alu_out[0], e(local.mem_q) * c(8) + offset_value);
        range_pair(builder, local.mem_q, AB::Expr::ZERO, is_mem.clone());
        byte_lookup(builder, c(ByteOp::Ltu as u32), local.alu_out[3], c(0x78), AB::Expr::ONE, is_mem.clone());
        let word_addr = e(local.mem_q) * c(8)
            + e(local.alu_out[1]) * c(1 << 8)
            + e(local.alu_out[2]) * c(1 << 16)
            + e(local.alu_out[3]) * c(1 << 24);
        access(
            builder,
            MEMORY,
            word_addr.clone(),
            &local.mem_prev,
            &local.mem_new,
            &local.mem_access,
            ts.clone() + c(2),
            is_mem,
        );
        access(
            builder,
            MEMORY,
            word_addr + c(8),
            &local.mem2_prev,
            &local.mem2_new,
            &local.mem2_access,
            ts + c(2),
            e(local.mem_cross),
        );
        let both_prev = |m: usize| if m < 8 { e(local.mem_prev[m]) } else { e(local.mem2_prev[m - 8]) };
        for j in 0..8 {
            let loaded =
                (0..8).fold(AB::Expr::ZERO, |acc, k| acc + e(local.mem_offset[k]) * both_prev(k + j));
            builder.assert_eq(local.loaded[j], loaded);
            // Bytes of the stored value that land in the next word.
            let stored_next = (j + 1..8).fold(AB::Expr::ZERO, |acc, k| {
                acc + e(local.mem_offset[k])
                    * width_mask(&sw1, &sw2, &sw4, &sw8, 8 + j - k)
                    * (e(local.rs2_val[8 + j - k]) - e(local.mem2_prev[j]))
            });
            builder.assert_eq(local.mem2_new[j], e(local.mem2_prev[j]) + stored_next);
            let stored = (0..=j).fold(AB::Expr::ZERO, |acc, k| {
                acc + e(local.mem_offset[k])
                    * width_mask(&sw1, &sw2, &sw4, &sw8, j - k)
                    * (e(local.rs2_val[j - k]) - e(local.mem_prev[j]))
            });
            builder.assert_eq(local.mem_new[j], e(local.mem_prev[j]) + stored);
        }
        builder.assert_eq(
            local.load_top,
            lw1 * e(local.loaded[0])
                + lw2 * e(local.loaded[1])
                + lw4 * e(local.loaded[3])
                + lw8 * e(local.loaded[7]),
        );
        builder.assert_bool(local.load_sign);
        builder.assert_zero((AB::Expr::ONE - e(i.load_signed)) * e(local.load_sign));
        byte_lookup(
            builder,
            c(ByteOp::Msb as u32),
            local.load_top,
            AB::Expr::ZERO,
            local.load_sign,
            e(i.load_signed),
        );

        // ecall: only exit, with the public exit code.
        // ecall: exit here, with the public exit code; every other syscall goes to the syscall
        // table, which accepts only the numbers it performs (not exit's).
        builder.assert_bool(local.is_exit);
        builder.assert_zero(e(local.is_exit) * (AB::Expr::ONE - e(i.is_ecall)));
        builder.when(e(local.is_exit)).assert_eq(local.rs1_val[0], c(SYSCALL_EXIT as u32));
        for j in 1..8 {
            builder.when(e(local.is_exit)).assert_zero(local.rs1_val[j]);
        }
        for (j, code) in public[CpuPublic::EXIT_CODE].iter().enumerate() {
            builder.when(e(local.is_exit)).assert_eq(local.rs2_val[j], code.clone());
        }
        let mut syscall = vec![e(local.clk)];
        syscall.extend(local.rs1_val.iter().chain(&local.rs2_val).map(|&v| e(v)));
        builder.push_interaction(SYSCALL, syscall, Count::bounded(e(i.is_ecall) - e(local.is_exit), 1));
    }
}
