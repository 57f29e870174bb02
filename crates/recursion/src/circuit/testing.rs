//! A program that uses every instruction, for the tables' tests.

use hearth_machine::check::{CheckFailure, check_tables};
use hearth_stark::{Challenge, Val};
use p3_field::{BasedVectorSpace, PrimeCharacteristicRing};
use p3_matrix::dense::RowMajorMatrix;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::*;

/// A program and one honest run of it.
pub(crate) struct Fixture {
    pub circuit: Circuit,
    pub inputs: Vec<Cell>,
    pub traces: Vec<RowMajorMatrix<Val>>,
    pub public_values: Vec<Val>,
}

pub(crate) use super::table::*;

pub(crate) fn random_ext(rng: &mut ChaCha8Rng) -> Challenge {
    Challenge::from_basis_coefficients_fn(|_| Val::from_u32(rng.random_range(0..0x7f00_0001)))
}

/// The test program: `x * y` given as an input and checked, a transcript absorbing past one
/// rate, bits of a sample, an unpacked product exposed. `variant` changes one operand (a
/// program of the same shape with another key).
pub(crate) fn fixture_circuit(variant: bool) -> Circuit {
    let mut b = CircuitBuilder::new();
    let xv = b.input_ext();
    let yv = b.input_ext();
    let claimed = b.input_ext();
    let av = b.input();
    let product = b.ext_mul(xv, yv);
    b.assert_eq(product, claimed);
    let sum = b.ext_add(product, av);
    let diff = b.ext_sub(sum, if variant { yv } else { xv });
    let mut challenger = CircuitChallenger::new(&mut b);
    challenger.observe_ext(&mut b, diff);
    let fused = b.ext_mul_add(product, yv, av);
    challenger.observe_ext(&mut b, fused);
    challenger.observe(&mut b, av);
    let sampled = challenger.sample_ext(&mut b);
    let bits = challenger.sample_bits(&mut b, 20);
    for coord in b.unpack(sampled) {
        b.expose(coord);
    }
    let three = b.constant(Val::from_u32(3));
    let scaled = b.mul(av, three);
    b.expose(scaled);
    for bit in bits {
        b.expose(bit);
    }
    b.build()
}

/// The test program with inputs and an honest run.
pub(crate) fn fixture() -> Fixture {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let (x, y) = (random_ext(&mut rng), random_ext(&mut rng));
    let a = Val::from_u32(rng.random_range(0..0x7f00_0001));
    let circuit = fixture_circuit(false);
    let cell = |e: Challenge| -> Cell { e.as_basis_coefficients_slice().try_into().unwrap() };
    let inputs = vec![cell(x), cell(y), cell(x * y), base_cell(a)];
    let run = circuit.run(&inputs).expect("honest run");
    let traces = circuit.traces(&run);
    Fixture { circuit, inputs, traces, public_values: run.public_values }
}

impl Fixture {
    /// Checks `traces` against the program's tables and buses.
    pub(crate) fn check(&self, traces: &[RowMajorMatrix<Val>]) -> Result<(), CheckFailure> {
        check_tables(
            self.circuit.chips(),
            traces,
            &self.circuit.table_public_values(&self.public_values),
            &[],
        )
    }

    /// Asserts that adding one to the cell at `(row, col)` of table `table` breaks a
    /// constraint or a bus.
    pub(crate) fn assert_change_caught(&self, table: usize, row: usize, col: usize) {
        let mut traces = self.traces.clone();
        let width = traces[table].width;
        traces[table].values[row * width + col] += Val::ONE;
        assert!(self.check(&traces).is_err(), "table {table} row {row} column {col} changed and still holds");
    }

    /// The program's preprocessed rows of table `table`.
    pub(crate) fn preprocessed(&self, table: usize) -> RowMajorMatrix<Val> {
        p3_air::BaseAir::<Val>::preprocessed_trace(&self.circuit.chips()[table]).expect("a program table")
    }
}
