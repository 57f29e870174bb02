use core::borrow::Borrow;

use hearth_executor::precompiles::Secp256k1Op;
use hearth_isa::Syscall;
use p3_air::{Air, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::{Count, InteractionBuilder};

use super::arithmetic::{eval_add, eval_decompress, eval_double};
use super::columns::*;
use crate::bus::{MEMORY, REGISTER, SYSCALL};
use crate::lookups::{access, access_values, below_memory_top, compose, token};
use crate::modular::LIMBS;

const A0: u64 = 10;
const A1: u64 = 11;

/// One secp256k1 point operation per row: a table per operation, since their widths differ
/// threefold (an addition checks two points, a decompression none).
///
/// # Soundness
/// - Every interaction of a row is gated by the boolean `is_real`; the field identities
///   ([`super::arithmetic`]) hold on every row, so padding rows are honest operations on the
///   generator and their byte lookups are not made.
/// - A real row consumes the CPU's `(clk, number, a0)` hand-over for its own syscall number
///   (each `ecall` is one row, each row one `ecall`), and `a0` (and for an addition `a1`) lie
///   below `0x7800_0000`, so `a0 + 56` does not wrap.
/// - Memory, at the `ecall`'s memory timestamp: `p`'s eight words are consumed with the bytes
///   the arithmetic reads as the input point and produced with the result; an addition reads
///   `q`'s eight words at `a1` (consumed and produced unchanged). Timestamp gaps are
///   range-checked, so a word cannot be accessed twice at one timestamp: `p` and `q` cannot
///   overlap, as the executor requires. The arithmetic's byte columns are range-checked, so
///   they are the memory bytes.
/// - Decompression: `x`'s words are read unchanged; `y`'s words go from `y_before` to the root
///   when a point exists and stay `y_before` when none does (the executor writes nothing then);
///   `a1` is read as the parity bit zero-extended (so `a1 > 1`, which the executor refuses,
///   has no proof); `a0` is consumed at the CPU's read and produced as `1 - found` at the
///   write slot, as the syscall table writes its results.
#[derive(Clone, Copy, Debug)]
pub struct Secp256k1Chip {
    /// The operation this table performs.
    pub op: Secp256k1Op,
}

impl Secp256k1Chip {
    /// The syscall this table performs.
    pub fn syscall(&self) -> Syscall {
        match self.op {
            Secp256k1Op::Add => Syscall::Secp256k1Add,
            Secp256k1Op::Double => Syscall::Secp256k1Double,
            Secp256k1Op::Decompress => Syscall::Secp256k1Decompress,
        }
    }
}

impl<F: p3_field::Field> BaseAir<F> for Secp256k1Chip {
    fn width(&self) -> usize {
        match self.op {
            Secp256k1Op::Add => NUM_SECP256K1_ADD_COLS,
            Secp256k1Op::Double => NUM_SECP256K1_DOUBLE_COLS,
            Secp256k1Op::Decompress => NUM_SECP256K1_DECOMPRESS_COLS,
        }
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

/// A point's eight memory words as byte expressions: `x`'s four then `y`'s four.
fn point_words<E: Clone>(x: &[E; LIMBS], y: &[E; LIMBS]) -> [[E; 8]; 8] {
    core::array::from_fn(|j| {
        let coordinate = if j < 4 { x } else { y };
        core::array::from_fn(|k| coordinate[8 * (j % 4) + k].clone())
    })
}

/// The hand-over and `p`'s update from `before` to `after`; returns the `ecall`'s first
/// timestamp.
fn eval_call<AB: InteractionBuilder>(
    builder: &mut AB,
    call: &CallCols<AB::Var>,
    syscall: Syscall,
    before: [[AB::Expr; 8]; 8],
    after: [[AB::Expr; 8]; 8],
) -> AB::Expr {
    let e = |v: AB::Var| -> AB::Expr { v.into() };
    let c = |v: u64| AB::Expr::from_u64(v);
    builder.assert_bool(call.is_real);
    let is_real = e(call.is_real);
    let number = syscall.number();
    let mut message = vec![e(call.clk), c(number & 0xff), c(number >> 8)];
    message.extend((2..8).map(|_| AB::Expr::ZERO));
    message.extend(call.a0.map(e));
    builder.push_interaction(SYSCALL, message, Count::bounded(-is_real.clone(), 1));
    below_memory_top(builder, &call.a0, is_real.clone());
    let ts = e(call.clk) * c(4) + c(4);
    let p_addr = compose::<AB>(&call.a0[..4]);
    for (j, ((before, after), acc)) in before.into_iter().zip(after).zip(&call.p_access).enumerate() {
        let addr = p_addr.clone() + c(8 * j as u64);
        access_values(builder, MEMORY, addr, before, after, acc, ts.clone() + c(2), is_real.clone());
    }
    ts
}

impl<AB: InteractionBuilder<F: p3_field::Field>> Air<AB> for Secp256k1Chip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let row = main.current_slice();
        let e = |v: AB::Var| -> AB::Expr { v.into() };
        let c = |v: u64| AB::Expr::from_u64(v);
        let words = |x: &[AB::Var; LIMBS], y: &[AB::Var; LIMBS]| point_words(&x.map(e), &y.map(e));
        match self.op {
            Secp256k1Op::Add => {
                let local: &Secp256k1AddCols<AB::Var> = row.borrow();
                let (add, is_real) = (&local.add, e(local.call.is_real));
                eval_add(builder, add, is_real.clone());
                let (p, sum) = (&add.p, &add.sum);
                let ts = eval_call(
                    builder,
                    &local.call,
                    self.syscall(),
                    words(&p.x, &p.y),
                    words(&sum.x3.result, &sum.y3.result),
                );
                access(
                    builder,
                    REGISTER,
                    c(A1),
                    &local.a1,
                    &local.a1,
                    &local.a1_access,
                    ts.clone() + c(1),
                    is_real.clone(),
                );
                below_memory_top(builder, &local.a1, is_real.clone());
                let q_addr = compose::<AB>(&local.a1[..4]);
                let q = words(&add.q.x, &add.q.y);
                for (j, (value, acc)) in q.into_iter().zip(&local.q_access).enumerate() {
                    let addr = q_addr.clone() + c(8 * j as u64);
                    access_values(
                        builder,
                        MEMORY,
                        addr,
                        value.clone(),
                        value,
                        acc,
                        ts.clone() + c(2),
                        is_real.clone(),
                    );
                }
            }
            Secp256k1Op::Double => {
                let local: &Secp256k1DoubleCols<AB::Var> = row.borrow();
                let double = &local.double;
                eval_double(builder, double, e(local.call.is_real));
                let (p, sum) = (&double.point, &double.sum);
                eval_call(
                    builder,
                    &local.call,
                    self.syscall(),
                    words(&p.x, &p.y),
                    words(&sum.x3.result, &sum.y3.result),
                );
            }
            Secp256k1Op::Decompress => {
                let local: &Secp256k1DecompressCols<AB::Var> = row.borrow();
                let (d, is_real) = (&local.decompress, e(local.call.is_real));
                eval_decompress(builder, d, is_real.clone());
                let found = e(d.found);
                let y_after: [AB::Expr; LIMBS] = core::array::from_fn(|k| {
                    e(local.y_before[k]) + found.clone() * (e(d.root[k]) - e(local.y_before[k]))
                });
                let ts = eval_call(
                    builder,
                    &local.call,
                    self.syscall(),
                    point_words(&d.x.map(e), &local.y_before.map(e)),
                    point_words(&d.x.map(e), &y_after),
                );
                let parity: [AB::Expr; 8] =
                    core::array::from_fn(|k| if k == 0 { e(d.parity) } else { AB::Expr::ZERO });
                access_values(
                    builder,
                    REGISTER,
                    c(A1),
                    parity.clone(),
                    parity,
                    &local.a1_access,
                    ts.clone() + c(1),
                    is_real.clone(),
                );
                // a0 := 0 when a point exists, 1 when none does.
                let read = token::<AB>(c(A0), local.call.a0.map(e), ts.clone() + c(1));
                builder.push_interaction(REGISTER, read, Count::bounded(-is_real.clone(), 1));
                let status =
                    (0..8).map(|k| if k == 0 { AB::Expr::ONE - found.clone() } else { AB::Expr::ZERO });
                let written = token::<AB>(c(A0), status, ts + c(3));
                builder.push_interaction(REGISTER, written, Count::bounded(is_real, 1));
            }
        }
    }
}
