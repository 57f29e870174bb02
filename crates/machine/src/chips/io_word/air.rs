use core::borrow::Borrow;

use p3_air::{Air, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::{Count, InteractionBuilder};

use super::columns::*;
use crate::bus::{IO_CHAIN, MEMORY, STREAM};
use crate::lookups::access;

/// The I/O word table.
///
/// # Soundness
/// - `first` and `last` are one-hot on real rows and zero on padding; the covered bytes are
///   `mask[j] = sum(first[..=j]) - sum(last[..j])`, each constrained boolean, which holds
///   exactly when `first <= last`: a contiguous run of `count = sum(mask) >= 1` bytes from
///   `lo = sum(j * first[j])`.
/// - A row consumes the chain token `(clk, word + lo, position, remaining, is_write)` and
///   produces `(clk, word + lo + count, position + count, remaining - count, is_write)`; a row
///   that stops before the word's end must finish the transfer (`remaining = count`). Chains
///   start and end only at syscall rows (same `clk`, hence the same transfer); a cycle of rows
///   would need `remaining` to fall by a multiple of `p`, more than any table holds; so the rows
///   of a transfer cover its `n` bytes from `buf` exactly once, in order, each with its stream
///   position.
/// - Each row accesses its word at the `ecall`'s memory slot (token with range-checked gap), so
///   the word is real memory and the bytes are its current bytes. `write` leaves the word
///   unchanged and sends `(1, position, byte)` for each covered byte to the stream table,
///   which holds each output byte exactly once: the output is exactly what was written. `read`
///   may change only covered bytes, each to the input byte at its position (the stream table
///   answers only true input bytes).
#[derive(Clone, Copy, Debug, Default)]
pub struct IoWordChip;

impl<F: p3_field::Field> BaseAir<F> for IoWordChip {
    fn width(&self) -> usize {
        NUM_IO_WORD_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: InteractionBuilder<F: p3_field::Field>> Air<AB> for IoWordChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &IoWordCols<AB::Var> = main.current_slice().borrow();
        let e = |v: AB::Var| -> AB::Expr { v.into() };
        let c = |v: u32| AB::Expr::from_u32(v);
        let (is_real, is_write) = (e(local.is_real), e(local.is_write));
        builder.assert_bool(local.is_real);
        builder.assert_bool(local.is_write);
        builder.assert_zero((AB::Expr::ONE - is_real.clone()) * is_write.clone());

        let (mut firsts, mut lasts, mut lo, mut count) =
            (AB::Expr::ZERO, AB::Expr::ZERO, AB::Expr::ZERO, AB::Expr::ZERO);
        let mut mask = Vec::with_capacity(8);
        for j in 0..8 {
            builder.assert_bool(local.first[j]);
            builder.assert_bool(local.last[j]);
            firsts += e(local.first[j]);
            lo += e(local.first[j]) * c(j as u32);
            let covered = firsts.clone() - lasts.clone();
            builder.assert_bool(covered.clone());
            count += covered.clone();
            mask.push(covered);
            lasts += e(local.last[j]);
        }
        builder.assert_eq(firsts, is_real.clone());
        builder.assert_eq(lasts, is_real.clone());

        // The chain: a row short of the word's end ends the transfer.
        let address = e(local.word) + lo.clone();
        let (position, remaining) = (e(local.position), e(local.remaining));
        let consumed =
            vec![e(local.clk), address.clone(), position.clone(), remaining.clone(), is_write.clone()];
        builder.push_interaction(IO_CHAIN, consumed, Count::bounded(-is_real.clone(), 1));
        let produced = vec![
            e(local.clk),
            address + count.clone(),
            position.clone() + count.clone(),
            remaining.clone() - count.clone(),
            is_write.clone(),
        ];
        builder.push_interaction(IO_CHAIN, produced, Count::bounded(is_real.clone(), 1));
        builder.assert_zero((AB::Expr::ONE - e(local.last[7])) * (remaining - count));

        // The word, at the ecall's memory slot.
        let ts = e(local.clk) * c(4) + c(6);
        access(builder, MEMORY, e(local.word), &local.prev, &local.value, &local.access, ts, is_real.clone());
        for (j, covered) in mask.into_iter().enumerate() {
            // Only covered bytes of a read change.
            let may_change = covered.clone() * (AB::Expr::ONE - is_write.clone());
            builder.assert_zero((AB::Expr::ONE - may_change) * (e(local.value[j]) - e(local.prev[j])));
            let byte = vec![is_write.clone(), position.clone() + c(j as u32) - lo.clone(), e(local.value[j])];
            builder.push_interaction(STREAM, byte, Count::bounded(covered, 1));
        }
    }
}
