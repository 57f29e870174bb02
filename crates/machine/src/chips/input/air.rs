use core::borrow::Borrow;

use p3_air::{Air, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::{Count, InteractionBuilder};

use super::columns::*;
use crate::bus::STREAM;
use crate::lookups::range_bytes;

/// The input table.
///
/// # Soundness
/// - Each row provides the input message `(0, position, byte)` on the stream bus
///   `multiplicity` times, a boolean, and range-checks `byte` as often. So every input byte the
///   I/O word table reads is a byte, and reads only positions the syscall table allows (below the
///   public input length, from the shard's input position on).
/// - Nothing else is constrained: the bytes are the prover's witness, as the statement of an
///   aggregated run leaves them (two rows for one position may differ; the guest reads each
///   position once, so a proof still describes one execution on one input).
#[derive(Clone, Copy, Debug, Default)]
pub struct InputChip;

impl<F: p3_field::Field> BaseAir<F> for InputChip {
    fn width(&self) -> usize {
        NUM_INPUT_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: InteractionBuilder<F: p3_field::Field>> Air<AB> for InputChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &InputCols<AB::Var> = main.current_slice().borrow();
        builder.assert_bool(local.multiplicity);
        range_bytes(builder, &[local.byte], local.multiplicity);
        let message = vec![AB::Expr::ZERO, local.position.into(), local.byte.into()];
        builder.push_interaction(STREAM, message, Count::bounded(-local.multiplicity.into(), 1));
    }
}
