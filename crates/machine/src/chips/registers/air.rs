use core::borrow::Borrow;

use p3_air::{Air, AirBuilder, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::InteractionBuilder;

use super::columns::*;
use crate::bus::REGISTER;
use crate::lookups::token;

/// Rows of the register table: `x0..x31`, the two stream positions, and unused locations that
/// fill the table to a power of two.
pub const NUM_REGISTERS: usize = 64;
/// The register holding the input stream's position (bytes consumed by `read`).
pub const INPUT_POSITION: u32 = 32;
/// The register holding the public output's position (bytes appended by `write`).
pub const OUTPUT_POSITION: u32 = 33;

/// The register table.
///
/// # Soundness
/// `reg` runs 0, 1, …, 63 (first row 0, step 1; the verifier checks the height is 64), so each
/// register has exactly one initial token `(reg, 0, 0)` and one final consumer. Registers 32
/// and 33 are the stream positions of `read` and `write`, which start at 0; nothing else can
/// touch them (the CPU's register numbers come from 5-bit instruction fields). With the CPU's
/// accesses this is offline memory checking: the bus balances only if every read returns the
/// last value written.
#[derive(Clone, Copy, Debug, Default)]
pub struct RegistersChip;

impl<F: p3_field::Field> BaseAir<F> for RegistersChip {
    fn width(&self) -> usize {
        NUM_REGISTERS_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        vec![REGISTERS_COL_MAP.reg]
    }
}

impl<AB: InteractionBuilder<F: p3_field::Field>> Air<AB> for RegistersChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &RegistersCols<AB::Var> = main.current_slice().borrow();
        let next: &RegistersCols<AB::Var> = main.next_slice().borrow();
        builder.when_first_row().assert_zero(local.reg);
        builder.when_transition().assert_eq(next.reg, local.reg.into() + AB::Expr::ONE);
        let zero = (0..8).map(|_| AB::Expr::ZERO);
        builder.push_interaction(REGISTER, token::<AB>(local.reg.into(), zero, AB::Expr::ZERO), 1);
        let last = token::<AB>(local.reg.into(), local.final_value.map(Into::into), local.final_ts.into());
        builder.push_interaction(REGISTER, last, -1);
    }
}
