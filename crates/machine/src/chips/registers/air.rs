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

/// Periodic columns (period 64, the table's height): the eight initial cells of each row's
/// location, then the eight final cells, from the shard's boundary.
pub const NUM_REGISTERS_PERIODIC_COLS: usize = 16;

/// The register table.
///
/// # Soundness
/// `reg` runs 0, 1, …, 63 (first row 0, step 1; the verifier checks the height is 64), so each
/// register has exactly one initial token `(reg, initial, 0)` and one final consumer
/// `(reg, final, final_ts)`. `initial` and `final` equal periodic columns the verifier computes
/// from the shard's boundary, which the table's public values bind to the transcript; unused
/// locations hold zero. Registers 32 and 33 are the stream positions of `read` and `write`;
/// nothing else can touch them (the CPU's register numbers come from 5-bit instruction fields).
/// With the CPU's accesses this is offline memory checking: the bus balances only if every read
/// returns the last value written, starting from the boundary's initial values, and the values
/// left at the end are the boundary's final ones.
#[derive(Clone, Debug, Default)]
pub struct RegistersChip {
    /// The shard's boundary (`None` for shape queries).
    pub boundary: Option<crate::boundary::ShardBoundary>,
}

impl<F: p3_field::Field> BaseAir<F> for RegistersChip {
    fn width(&self) -> usize {
        NUM_REGISTERS_COLS
    }

    fn num_public_values(&self) -> usize {
        crate::boundary::NUM_BOUNDARY_PUBLIC_VALUES
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        vec![REGISTERS_COL_MAP.reg]
    }

    fn num_periodic_columns(&self) -> usize {
        NUM_REGISTERS_PERIODIC_COLS
    }

    fn periodic_columns(&self) -> std::borrow::Cow<'_, [Vec<F>]> {
        use crate::boundary::ShardBoundary;
        let mut columns = vec![vec![F::ZERO; NUM_REGISTERS]; NUM_REGISTERS_PERIODIC_COLS];
        if let Some(b) = &self.boundary {
            for (half, values) in [&b.registers_in, &b.registers_out].into_iter().enumerate() {
                for (reg, &value) in values.iter().enumerate().take(NUM_REGISTERS) {
                    for (j, cell) in ShardBoundary::cells(reg, value).into_iter().enumerate() {
                        columns[8 * half + j][reg] = F::from_u64(cell);
                    }
                }
            }
        }
        std::borrow::Cow::Owned(columns)
    }
}

impl<AB: InteractionBuilder<F: p3_field::Field>> Air<AB> for RegistersChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &RegistersCols<AB::Var> = main.current_slice().borrow();
        let next: &RegistersCols<AB::Var> = main.next_slice().borrow();
        let periodic: Vec<AB::Expr> = builder.periodic_values().iter().map(|&v| v.into()).collect();
        builder.when_first_row().assert_zero(local.reg);
        builder.when_transition().assert_eq(next.reg, local.reg.into() + AB::Expr::ONE);
        for j in 0..8 {
            builder.assert_eq(local.initial_value[j], periodic[j].clone());
            builder.assert_eq(local.final_value[j], periodic[8 + j].clone());
        }
        let first = token::<AB>(local.reg.into(), local.initial_value.map(Into::into), AB::Expr::ZERO);
        builder.push_interaction(REGISTER, first, 1);
        let last = token::<AB>(local.reg.into(), local.final_value.map(Into::into), local.final_ts.into());
        builder.push_interaction(REGISTER, last, -1);
    }
}
