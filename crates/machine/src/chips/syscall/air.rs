use core::borrow::Borrow;

use hearth_isa::Syscall;
use p3_air::{Air, AirBuilder, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::{Count, InteractionBuilder};

use super::columns::*;
use crate::bus::{REGISTER, SYSCALL};
use crate::lookups::{access, compose, range_bytes, token};

/// Public values of the syscall table: the input's length in bytes.
pub const NUM_SYSCALL_PUBLIC_VALUES: usize = 1;

const A0: u32 = 10;
const A1: u32 = 11;
const A2: u32 = 12;

/// The syscall table.
///
/// # Soundness
/// - Each real row consumes one `(clk, a7, a0)` message of the CPU, whose `a7` bytes are fixed by
///   the row's one flag (`0x1000` or `0x1001`), so a row performs exactly the syscall the guest
///   asked for, at that cycle, and the CPU cannot hand over a number this table does not perform.
/// - `profile_scope` reads `a1` and `a2` at the `ecall`'s second slot (tokens with range-checked
///   timestamp differences, as the CPU's reads); `input_len` consumes the `a0` token the CPU's
///   read produced at that slot and produces one holding the public input length at the write
///   slot. Columns a row's syscall does not use hold zero.
#[derive(Clone, Copy, Debug, Default)]
pub struct SyscallChip;

impl<F: p3_field::Field> BaseAir<F> for SyscallChip {
    fn width(&self) -> usize {
        NUM_SYSCALL_COLS
    }

    fn num_public_values(&self) -> usize {
        NUM_SYSCALL_PUBLIC_VALUES
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: InteractionBuilder<F: p3_field::Field>> Air<AB> for SyscallChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &SyscallCols<AB::Var> = main.current_slice().borrow();
        let input_len: AB::Expr = builder.public_values()[0].into();
        let e = |v: AB::Var| -> AB::Expr { v.into() };
        let c = |v: u32| AB::Expr::from_u32(v);
        let (len_flag, profile) = (e(local.is_input_len), e(local.is_profile_scope));
        builder.assert_bool(local.is_input_len);
        builder.assert_bool(local.is_profile_scope);
        let is_real = len_flag.clone() + profile.clone();
        builder.assert_bool(is_real.clone());

        // The CPU's hand-over: a7 is 0x1000 + is_profile_scope.
        debug_assert_eq!(Syscall::InputLen.number() + 1, Syscall::ProfileScope.number());
        let number = Syscall::InputLen.number() as u32;
        let mut message = vec![
            e(local.clk),
            profile.clone() + is_real.clone() * c(number & 0xff),
            is_real.clone() * c(number >> 8),
        ];
        message.extend((2..8).map(|_| AB::Expr::ZERO));
        message.extend(local.a0.map(e));
        builder.push_interaction(SYSCALL, message, Count::bounded(-is_real.clone(), 1));

        let ts = e(local.clk) * c(4) + c(4);
        // profile_scope: reads a1 and a2.
        for (reg, value, acc) in [(A1, &local.a1, &local.a1_access), (A2, &local.a2, &local.a2_access)] {
            access(builder, REGISTER, c(reg), value, value, acc, ts.clone() + c(1), profile.clone());
            for cell in value.iter().chain([&acc.prev_ts]).chain(&acc.dts) {
                builder.assert_zero((AB::Expr::ONE - profile.clone()) * e(*cell));
            }
        }

        // input_len: a0 := the public input length.
        let read = token::<AB>(c(A0), local.a0.map(e), ts.clone() + c(1));
        builder.push_interaction(REGISTER, read, Count::bounded(-len_flag.clone(), 1));
        let written = token::<AB>(c(A0), local.result.map(e), ts + c(3));
        builder.push_interaction(REGISTER, written, Count::bounded(len_flag.clone(), 1));
        range_bytes(builder, &local.result, len_flag.clone());
        builder.when(len_flag.clone()).assert_eq(compose::<AB>(&local.result[..4]), input_len);
        for j in 0..8 {
            if j >= 4 {
                builder.assert_zero(e(local.result[j]));
            } else {
                builder.assert_zero((AB::Expr::ONE - len_flag.clone()) * e(local.result[j]));
            }
        }
    }
}
