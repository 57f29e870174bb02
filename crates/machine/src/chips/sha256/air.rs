use core::borrow::Borrow;
use std::borrow::Cow;

use hearth_isa::Syscall;
use p3_air::{Air, AirBuilder, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::{Count, InteractionBuilder};

use super::columns::*;
use crate::bus::{MEMORY, REGISTER, SYSCALL};
use crate::lookups::{access, access_values, below_memory_top, compose, consume_token, range_bytes, token};

/// Periodic columns (period 64): first round, last round, and the round constant's halves.
pub const NUM_SHA256_PERIODIC_COLS: usize = 4;

const A1: u32 = 11;

/// The SHA-256 compression table.
///
/// # Soundness
/// - Blocks are the aligned 64-row windows the periodic `first` and `last` columns mark (the
///   height is a multiple of 64). Every block, real or padding, is one honest compression:
///   all state and schedule cells are constrained bits; each row's `a'` and `e'` are
///   `T1 + Σ0(a) + Maj(a, b, c)` and `d + T1` with `T1 = h + Σ1(e) + Ch(e, f, g) + K_t + W_t`,
///   and the new schedule word is `σ1(W[t+14]) + W[t+9] + σ0(W[t+1]) + W[t]`, each checked in
///   16-bit halves with bit-decomposed carries (sums stay below 2^20, so no wrap around `p`);
///   within a block each row's window and `b, c, d, f, g, h` are the previous row's, shifted.
/// - `is_real`, `clk`, `a0`, `a1` and the input state are constant within a block. A real
///   block's first row consumes the CPU's `(clk, 0x2001, a0)` hand-over (each `ecall` is one
///   block, each block one `ecall`) and reads `a1` from the register file at the `ecall`'s
///   slot. Both addresses are below `0x7800_0000`, so `a0 + 24` and `a1 + 56` do not wrap.
/// - First row: the eight block words at `a1` and the four state words at `a0` are read from
///   memory (tokens consumed, timestamp gaps range-checked, so a token this row produces cannot
///   be consumed by it: state and block cannot overlap), the block's bytes are the window's
///   big-endian words and the state's bytes the working variables before round 0.
/// - Last row: `out = state + (a, b, c, d, e, f, g, h)` word by word mod 2^32 (halves with
///   boolean carries, `out` range-checked bytes), written back to the state's four words.
#[derive(Clone, Copy, Debug, Default)]
pub struct Sha256Chip;

impl<F: p3_field::Field> BaseAir<F> for Sha256Chip {
    fn width(&self) -> usize {
        NUM_SHA256_COLS
    }

    fn num_periodic_columns(&self) -> usize {
        NUM_SHA256_PERIODIC_COLS
    }

    fn periodic_columns(&self) -> Cow<'_, [Vec<F>]> {
        let flag = |t: usize| (0..ROWS_PER_CALL).map(|r| F::from_bool(r == t)).collect();
        Cow::Owned(vec![
            flag(0),
            flag(ROWS_PER_CALL - 1),
            ROUND_CONSTANTS.iter().map(|&k| F::from_u32(k & 0xffff)).collect(),
            ROUND_CONSTANTS.iter().map(|&k| F::from_u32(k >> 16)).collect(),
        ])
    }
}

/// `x ^ y` for bits.
fn xor<E: PrimeCharacteristicRing>(x: E, y: E) -> E {
    x.clone() + y.clone() - x * y * E::TWO
}

/// Bit `i` of a mixing function of `x`.
fn mix_bit<E: PrimeCharacteristicRing>(x: &[E; 32], terms: [Term; 3], i: usize) -> E {
    terms.iter().filter_map(|t| t.source(i)).map(|s| x[s].clone()).reduce(xor).expect("a rotation")
}

/// The 16-bit half `half` of a word given bit by bit.
fn half_of<E: PrimeCharacteristicRing>(bit: impl Fn(usize) -> E, half: usize) -> E {
    (0..16).rev().fold(E::ZERO, |acc, i| acc * E::TWO + bit(16 * half + i))
}

/// A carry given as bits, least significant first.
fn carry<E: PrimeCharacteristicRing>(bits: &[E]) -> E {
    bits.iter().rev().fold(E::ZERO, |acc, b| acc * E::TWO + b.clone())
}

impl<AB: InteractionBuilder<F: p3_field::Field>> Air<AB> for Sha256Chip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &Sha256Cols<AB::Var> = main.current_slice().borrow();
        let next: &Sha256Cols<AB::Var> = main.next_slice().borrow();
        let periodic: Vec<AB::Expr> = builder.periodic_values().iter().map(|&v| v.into()).collect();
        let [first, last, k_lo, k_hi] = <[AB::Expr; 4]>::try_from(periodic).expect("four periodic columns");
        let e = |v: AB::Var| -> AB::Expr { v.into() };
        let c = |v: u64| AB::Expr::from_u64(v);
        let bits = |w: &[AB::Var; 32]| -> [AB::Expr; 32] { w.map(e) };
        let half = |w: &[AB::Var; 32], h: usize| half_of(|i| e(w[i]), h);
        let two16 = c(1 << 16);

        builder.assert_bool(local.is_real);
        for word in local.w.iter().chain(&local.a).chain(&local.e) {
            for &bit in word {
                builder.assert_bool(bit);
            }
        }
        for &bit in local.w_carry.iter().flatten() {
            builder.assert_bool(bit);
        }
        for &bit in local.a_carry.iter().chain(&local.e_carry).flatten() {
            builder.assert_bool(bit);
        }
        for &bit in local.out_carry.iter().flatten() {
            builder.assert_bool(bit);
        }

        // The round.
        let (a, b, cc) = (bits(&local.a[1]), bits(&local.a[2]), bits(&local.a[3]));
        let (ee, f, g) = (bits(&local.e[1]), bits(&local.e[2]), bits(&local.e[3]));
        let w0 = bits(&local.w[0]);
        let mut carry_in = [AB::Expr::ZERO, AB::Expr::ZERO];
        for h in 0..2 {
            let k = if h == 0 { k_lo.clone() } else { k_hi.clone() };
            let sigma1 = half_of(|i| mix_bit(&ee, BIG_SIGMA1, i), h);
            let ch =
                half_of(|i| ee[i].clone() * f[i].clone() + (AB::Expr::ONE - ee[i].clone()) * g[i].clone(), h);
            let t1 = e(local.h[h]) + sigma1 + ch + k + half_of(|i| w0[i].clone(), h);
            let sigma0 = half_of(|i| mix_bit(&a, BIG_SIGMA0, i), h);
            let maj = half_of(
                |i| {
                    let (x, y, z) = (a[i].clone(), b[i].clone(), cc[i].clone());
                    x.clone() * y.clone() + x.clone() * z.clone() + y.clone() * z.clone()
                        - x * y * z * AB::Expr::TWO
                },
                h,
            );
            let a_carry = carry(&local.a_carry[h].map(e));
            let e_carry = carry(&local.e_carry[h].map(e));
            builder.assert_eq(
                half(&local.a[0], h) + a_carry.clone() * two16.clone(),
                t1.clone() + sigma0 + maj + carry_in[0].clone(),
            );
            builder.assert_eq(
                half(&local.e[0], h) + e_carry.clone() * two16.clone(),
                e(local.d[h]) + t1 + carry_in[1].clone(),
            );
            carry_in = [a_carry, e_carry];
        }

        // The next schedule word, W[t + 16].
        let (w1, w14) = (bits(&local.w[1]), bits(&local.w[14]));
        let mut carry_in = AB::Expr::ZERO;
        for h in 0..2 {
            let sum = half_of(|i| mix_bit(&w14, SMALL_SIGMA1, i), h)
                + half(&local.w[9], h)
                + half_of(|i| mix_bit(&w1, SMALL_SIGMA0, i), h)
                + half(&local.w[0], h);
            let w_carry = carry(&local.w_carry[h].map(e));
            builder.assert_eq(half(&local.w[16], h) + w_carry.clone() * two16.clone(), sum + carry_in);
            carry_in = w_carry;
        }

        // From one row of a block to the next.
        let within = AB::Expr::ONE - last.clone();
        {
            let mut step = builder.when(within.clone());
            for i in 0..16 {
                for j in 0..32 {
                    step.assert_eq(next.w[i][j], local.w[i + 1][j]);
                }
            }
            for i in 0..3 {
                for j in 0..32 {
                    step.assert_eq(next.a[i + 1][j], local.a[i][j]);
                    step.assert_eq(next.e[i + 1][j], local.e[i][j]);
                }
            }
            for h in 0..2 {
                step.assert_eq(next.d[h], half(&local.a[3], h));
                step.assert_eq(next.h[h], half(&local.e[3], h));
            }
            step.assert_eq(next.is_real, local.is_real);
            step.assert_eq(next.clk, local.clk);
            for j in 0..8 {
                step.assert_eq(next.a0[j], local.a0[j]);
                step.assert_eq(next.a1[j], local.a1[j]);
            }
            for j in 0..32 {
                step.assert_eq(next.state[j], local.state[j]);
            }
        }

        // The input state: the working variables before round 0.
        let state_half =
            |i: usize, h: usize| e(local.state[4 * i + 2 * h]) + e(local.state[4 * i + 2 * h + 1]) * c(256);
        for h in 0..2 {
            let mut at_first = builder.when(first.clone());
            for i in 0..3 {
                at_first.assert_eq(half(&local.a[i + 1], h), state_half(i, h));
                at_first.assert_eq(half(&local.e[i + 1], h), state_half(4 + i, h));
            }
            at_first.assert_eq(local.d[h], state_half(3, h));
            at_first.assert_eq(local.h[h], state_half(7, h));
        }

        // The output state.
        let working = [
            &local.a[0],
            &local.a[1],
            &local.a[2],
            &local.a[3],
            &local.e[0],
            &local.e[1],
            &local.e[2],
            &local.e[3],
        ];
        for (i, word) in working.into_iter().enumerate() {
            let mut carry_in = AB::Expr::ZERO;
            for h in 0..2 {
                let out = e(local.out[4 * i + 2 * h]) + e(local.out[4 * i + 2 * h + 1]) * c(256);
                let carry = e(local.out_carry[i][h]);
                builder.when(last.clone()).assert_eq(
                    out + carry.clone() * two16.clone(),
                    state_half(i, h) + half(word, h) + carry_in,
                );
                carry_in = carry;
            }
        }

        // The CPU's hand-over and the argument registers, on a real block's first row.
        let is_real = e(local.is_real);
        builder.assert_eq(local.starts, first.clone() * is_real.clone());
        builder.assert_eq(local.ends, last.clone() * is_real.clone());
        let (starts, ends) = (e(local.starts), e(local.ends));
        let number = Syscall::Sha256Compress.number();
        let mut message = vec![e(local.clk), c(number & 0xff), c(number >> 8)];
        message.extend((2..8).map(|_| AB::Expr::ZERO));
        message.extend(local.a0.map(e));
        builder.push_interaction(SYSCALL, message, Count::bounded(-starts.clone(), 1));
        let ts = e(local.clk) * c(4) + c(4);
        access(
            builder,
            REGISTER,
            c(A1 as u64),
            &local.a1,
            &local.a1,
            &local.a1_access,
            ts.clone() + c(1),
            starts.clone(),
        );
        below_memory_top(builder, &local.a0, starts.clone());
        below_memory_top(builder, &local.a1, starts.clone());

        // Memory: the block and the state read on the first row, the state written on the last.
        let memory_ts = ts + c(2);
        let state_addr = compose::<AB>(&local.a0[..4]);
        let block_addr = compose::<AB>(&local.a1[..4]);
        for (j, acc) in local.block_access.iter().enumerate() {
            // Memory word j holds W[2j] and W[2j + 1], each big-endian.
            let value: [AB::Expr; 8] = core::array::from_fn(|k| {
                let word = &local.w[2 * j + k / 4];
                let top = 8 * (3 - k % 4);
                (0..8).rev().fold(AB::Expr::ZERO, |acc, b| acc * AB::Expr::TWO + e(word[top + b]))
            });
            access_values(
                builder,
                MEMORY,
                block_addr.clone() + c(8 * j as u64),
                value.clone(),
                value,
                acc,
                memory_ts.clone(),
                starts.clone(),
            );
        }
        for (j, acc) in local.state_access.iter().enumerate() {
            let addr = state_addr.clone() + c(8 * j as u64);
            let before = local.state[8 * j..8 * j + 8].iter().map(|&v| e(v));
            consume_token(builder, MEMORY, addr.clone(), before, acc, memory_ts.clone(), starts.clone());
            let after = local.out[8 * j..8 * j + 8].iter().map(|&v| e(v));
            builder.push_interaction(
                MEMORY,
                token::<AB>(addr, after, memory_ts.clone()),
                Count::bounded(ends.clone(), 1),
            );
        }
        range_bytes(builder, &local.out, ends.clone());

        // Cells no row uses are pinned: the reads off a real block's first row, the output off
        // the last row, and the call's registers and state on padding.
        let reads = local.block_access.iter().chain(&local.state_access).chain([&local.a1_access]);
        for acc in reads {
            for &cell in [&acc.prev_ts].into_iter().chain(&acc.dts) {
                builder.assert_zero((AB::Expr::ONE - starts.clone()) * e(cell));
            }
        }
        for &cell in local.out.iter().chain(local.out_carry.iter().flatten()) {
            builder.assert_zero((AB::Expr::ONE - last.clone()) * e(cell));
        }
        for &cell in local.a0.iter().chain(&local.a1).chain(&local.state).chain([&local.clk]) {
            builder.assert_zero((AB::Expr::ONE - is_real.clone()) * e(cell));
        }
    }
}
