use core::borrow::Borrow;

use hearth_isa::{Opcode, Syscall};
use p3_air::{Air, AirBuilder, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::{Count, InteractionBuilder};

use super::columns::*;
use crate::bus::{ALU, IO_CHAIN, REGISTER, SYSCALL};
use crate::chips::registers::{INPUT_POSITION, OUTPUT_POSITION};
use crate::lookups::{
    access, access_values, alu_message, below_memory_top, byte_below, compose, range_bytes, token,
};

/// Public values of the syscall table: the input's length in bytes.
pub const NUM_SYSCALL_PUBLIC_VALUES: usize = 1;

/// Addresses of `read` and `write` buffers lie below `MEMORY_TOP = 0x7800_0000`: the top byte of
/// the low word is below this.
pub const BUFFER_TOP_BYTE: u8 = (hearth_isa::memory::MEMORY_TOP >> 24) as u8;
/// Counts (`input_len`, `read`, `write`) lie below 2^30: the top byte of the low word is below this.
pub(crate) const COUNT_TOP_BYTE: u8 = 64;

const A0: u32 = 10;
const A1: u32 = 11;
const A2: u32 = 12;

/// The syscall table.
///
/// # Soundness
/// - Each real row consumes one `(clk, a7, a0)` message of the CPU, whose `a7` bytes are fixed
///   by the row's one flag, so a row performs exactly the syscall the guest asked for, at that
///   cycle, and the CPU cannot hand over a number this table does not perform.
/// - Every syscall but `profile_scope` consumes the `a0` token the CPU's read produced at the
///   second slot and produces one holding `result` at the write slot; `a1` and `a2` are read
///   with tokens and range-checked timestamp gaps, as the CPU's reads. Columns a row's syscall
///   does not use hold zero.
/// - `input_len`: `result` is the public input length (its bytes range-checked, below 2^30).
/// - `read` (fd 0 only) returns `n = min(len, L - position)`: `short = (n <u len)` comes from
///   the comparison table; when short, `n = L - position` (both below 2^30, so the field equality
///   is an integer one), otherwise `n = len`. A false `n > L - position` would read past the
///   input, which no stream row provides.
/// - `write` (fd 1) returns `len` and moves `len < 2^30` bytes; fd 2 (debug) returns `len` and
///   moves nothing the proof commits to.
/// - The input and output positions are registers 32 and 33 on the register bus, so offline
///   memory checking orders `read`s and `write`s by timestamp: each starts where the previous
///   one ended, and both start at 0 (the register table's initial tokens).
/// - The bytes themselves: the row produces the chain token `(clk, buf, position, n, is_write)`
///   and consumes `(clk, buf + n, position + n, 0, is_write)`; the I/O word table's rows walk
///   from one to the other a word at a time (see its soundness note). `buf < 0x7800_0000`, so
///   addresses never wrap around the field.
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
        let flags = [
            (local.is_input_len, Syscall::InputLen),
            (local.is_profile_scope, Syscall::ProfileScope),
            (local.is_read, Syscall::Read),
            (local.is_write_output, Syscall::Write),
            (local.is_write_debug, Syscall::Write),
        ];
        let mut is_real = AB::Expr::ZERO;
        let (mut number_lo, mut number_hi) = (AB::Expr::ZERO, AB::Expr::ZERO);
        for (flag, syscall) in flags {
            builder.assert_bool(flag);
            is_real += e(flag);
            number_lo += e(flag) * c(syscall.number() as u32 & 0xff);
            number_hi += e(flag) * c(syscall.number() as u32 >> 8);
        }
        builder.assert_bool(is_real.clone());
        let (len_flag, profile, read) = (e(local.is_input_len), e(local.is_profile_scope), e(local.is_read));
        let (write_out, write_debug) = (e(local.is_write_output), e(local.is_write_debug));
        let moves = read.clone() + write_out.clone();

        // The CPU's hand-over.
        let mut message = vec![e(local.clk), number_lo, number_hi];
        message.extend((2..8).map(|_| AB::Expr::ZERO));
        message.extend(local.a0.map(e));
        builder.push_interaction(SYSCALL, message, Count::bounded(-is_real.clone(), 1));

        // File descriptors: read 0, write 1 (output) or 2 (debug).
        for j in 0..8 {
            let fd = |n: u32| if j == 0 { c(n) } else { AB::Expr::ZERO };
            builder.assert_zero(read.clone() * e(local.a0[j]));
            builder.assert_zero(write_out.clone() * (e(local.a0[j]) - fd(1)));
            builder.assert_zero(write_debug.clone() * (e(local.a0[j]) - fd(2)));
        }

        // a1 and a2: read by everything but input_len.
        let ts = e(local.clk) * c(4) + c(4);
        let reads_args = is_real.clone() - len_flag.clone();
        for (reg, value, acc) in [(A1, &local.a1, &local.a1_access), (A2, &local.a2, &local.a2_access)] {
            access(builder, REGISTER, c(reg), value, value, acc, ts.clone() + c(1), reads_args.clone());
            for cell in value.iter().chain([&acc.prev_ts]).chain(&acc.dts) {
                builder.assert_zero((AB::Expr::ONE - reads_args.clone()) * e(*cell));
            }
        }

        // a0 := result, for everything but profile_scope.
        let writes_a0 = is_real.clone() - profile.clone();
        let read_a0 = token::<AB>(c(A0), local.a0.map(e), ts.clone() + c(1));
        builder.push_interaction(REGISTER, read_a0, Count::bounded(-writes_a0.clone(), 1));
        let written = token::<AB>(c(A0), local.result.map(e), ts.clone() + c(3));
        builder.push_interaction(REGISTER, written, Count::bounded(writes_a0.clone(), 1));
        for j in 0..8 {
            builder.assert_zero((AB::Expr::ONE - writes_a0.clone()) * e(local.result[j]));
        }

        // Counts (input_len, read, write to the output): four bytes, below 2^30.
        let counted = len_flag.clone() + moves.clone();
        range_bytes(builder, &local.result[..3], counted.clone());
        byte_below(builder, local.result[3], COUNT_TOP_BYTE, counted.clone());
        for j in 4..8 {
            builder.assert_zero(counted.clone() * e(local.result[j]));
        }
        let n = compose::<AB>(&local.result[..4]);
        builder.when(len_flag.clone()).assert_eq(n.clone(), input_len.clone());
        // write returns len.
        for j in 0..8 {
            builder.assert_zero(
                (write_out.clone() + write_debug.clone()) * (e(local.result[j]) - e(local.a2[j])),
            );
        }

        // read: n = min(len, L - position).
        builder.assert_bool(local.short);
        builder.assert_zero((AB::Expr::ONE - read.clone()) * e(local.short));
        let short = (0..8).map(|j| if j == 0 { e(local.short) } else { AB::Expr::ZERO });
        let compare = alu_message::<AB>(c(crate::bus::op_id(Opcode::Sltu)), &local.result, &local.a2, short);
        builder.push_interaction(ALU, compare, Count::bounded(read.clone(), 1));
        builder.when(local.short).assert_eq(n.clone(), input_len - e(local.position));
        for j in 0..8 {
            builder.assert_zero((read.clone() - e(local.short)) * (e(local.result[j]) - e(local.a2[j])));
        }

        // The stream position: register 32 (input) or 33 (output), advanced by n.
        let location = c(INPUT_POSITION) + write_out.clone() * c(OUTPUT_POSITION - INPUT_POSITION);
        let position =
            |v: AB::Expr| core::array::from_fn(|j| if j == 0 { v.clone() } else { AB::Expr::ZERO });
        access_values(
            builder,
            REGISTER,
            location,
            position(e(local.position)),
            position(e(local.position) + n.clone()),
            &local.position_access,
            ts.clone() + c(2),
            moves.clone(),
        );
        for cell in
            [&local.position, &local.position_access.prev_ts].into_iter().chain(&local.position_access.dts)
        {
            builder.assert_zero((AB::Expr::ONE - moves.clone()) * e(*cell));
        }

        // The buffer: below MEMORY_TOP, walked by the I/O word table.
        below_memory_top(builder, &local.a1, moves.clone());
        let buf = compose::<AB>(&local.a1[..4]);
        let first = vec![e(local.clk), buf.clone(), e(local.position), n.clone(), write_out.clone()];
        builder.push_interaction(IO_CHAIN, first, Count::bounded(moves.clone(), 1));
        let last = vec![e(local.clk), buf + n.clone(), e(local.position) + n, AB::Expr::ZERO, write_out];
        builder.push_interaction(IO_CHAIN, last, Count::bounded(-moves, 1));
    }
}
