use core::borrow::Borrow;

use hearth_isa::Syscall;
use p3_air::{Air, AirBuilder, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_keccak_air::{KeccakAir, NUM_KECCAK_COLS, NUM_ROUNDS, U64_LIMBS};
use p3_lookup::{Count, InteractionBuilder};
use p3_uni_stark::SubAirBuilder;

use super::columns::*;
use crate::bus::{MEMORY, SYSCALL};
use crate::lookups::{below_memory_top, compose, consume_token, range_bytes, token};

/// The Keccak-f table.
///
/// # Soundness
/// - `p3-keccak-air` constrains each 24-row block (round flags rotate from the first row) to
///   apply the 24 rounds to the block's `preimage`, its last row holding the result.
/// - `is_real`, `clk` and `a0` are constant within a block. A real block's first row consumes
///   the CPU's `(clk, 0x2000, a0)` hand-over, so each `ecall` is one block and each block one
///   `ecall`; `a0` is below `0x7800_0000` (its high bytes zero, its top low byte checked), so the
///   25 addresses `a0 + 8 i` do not wrap around the field.
/// - First row: the lanes are the 25 memory words at the `ecall`'s memory slot (tokens consumed,
///   gaps range-checked) and equal the preimage limbs (two bytes per 16-bit limb).
/// - Last row: the lanes equal the output limbs, are range-checked bytes (so the byte split of
///   each limb is the only one) and are written back as the words' new tokens.
#[derive(Clone, Copy, Debug, Default)]
pub struct KeccakFChip;

impl<F: p3_field::Field> BaseAir<F> for KeccakFChip {
    fn width(&self) -> usize {
        NUM_KECCAK_F_COLS
    }
}

impl<AB: InteractionBuilder<F: p3_field::Field>> Air<AB> for KeccakFChip {
    fn eval(&self, builder: &mut AB) {
        KeccakAir {}.eval(&mut SubAirBuilder::<AB, KeccakAir, AB::Var>::new(builder, 0..NUM_KECCAK_COLS));

        let main = builder.main();
        let local: &KeccakFCols<AB::Var> = main.current_slice().borrow();
        let next: &KeccakFCols<AB::Var> = main.next_slice().borrow();
        let e = |v: AB::Var| -> AB::Expr { v.into() };
        let c = |v: u64| AB::Expr::from_u64(v);
        let (first, last) = (e(local.keccak.step_flags[0]), e(local.keccak.step_flags[NUM_ROUNDS - 1]));
        let is_real = e(local.is_real);
        builder.assert_bool(local.is_real);

        // Constant within a block.
        let within = builder.is_transition() * (AB::Expr::ONE - last.clone());
        builder.when(within.clone()).assert_eq(next.is_real, local.is_real);
        builder.when(within.clone()).assert_eq(next.clk, local.clk);
        for j in 0..8 {
            builder.when(within.clone()).assert_eq(next.a0[j], local.a0[j]);
        }

        // The CPU's hand-over, on the first row.
        let starts = first.clone() * is_real.clone();
        let number = Syscall::KeccakF1600.number();
        let mut message = vec![e(local.clk), c(number & 0xff), c(number >> 8)];
        message.extend((2..8).map(|_| AB::Expr::ZERO));
        message.extend(local.a0.map(e));
        builder.push_interaction(SYSCALL, message, Count::bounded(-starts.clone(), 1));
        below_memory_top(builder, &local.a0, starts.clone());

        // Cells no row uses are pinned: `export` (unused here), the reads' columns off the first
        // row, the lanes off the first and last rows, and `a0` and `clk` on padding.
        builder.assert_zero(local.keccak.export);
        let ends = last.clone() * is_real.clone();
        for access in &local.access {
            for cell in [access.prev_ts].iter().chain(&access.dts) {
                builder.assert_zero((AB::Expr::ONE - starts.clone()) * e(*cell));
            }
        }
        for lane in &local.lanes {
            for &cell in lane {
                builder.assert_zero((AB::Expr::ONE - starts.clone() - ends.clone()) * e(cell));
            }
        }
        for cell in local.a0.iter().chain([&local.clk]) {
            builder.assert_zero((AB::Expr::ONE - is_real.clone()) * e(*cell));
        }
        let state = compose::<AB>(&local.a0[..4]);
        let ts = e(local.clk) * c(4) + c(6);
        for i in 0..25 {
            let (x, y) = (i % 5, i / 5);
            let lane = &local.lanes[i];
            let limb = |l: usize| e(lane[2 * l]) + e(lane[2 * l + 1]) * c(256);
            for l in 0..U64_LIMBS {
                builder.when(starts.clone()).assert_eq(limb(l), local.keccak.preimage[y][x][l]);
                builder.when(ends.clone()).assert_eq(limb(l), local.keccak.a_prime_prime_prime(y, x, l));
            }
            let addr = state.clone() + c(8 * i as u64);
            // First row: read the word.
            consume_token(
                builder,
                MEMORY,
                addr.clone(),
                lane.map(e),
                &local.access[i],
                ts.clone(),
                starts.clone(),
            );
            // Last row: write it back.
            builder.push_interaction(
                MEMORY,
                token::<AB>(addr, lane.map(e), ts.clone()),
                Count::bounded(ends.clone(), 1),
            );
            range_bytes(builder, lane, ends.clone());
        }
    }
}
