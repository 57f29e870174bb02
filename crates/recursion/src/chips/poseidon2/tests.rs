use hearth_machine::check::table_interactions;
use hearth_stark::Val;
use p3_field::PrimeCharacteristicRing;
use p3_koala_bear::default_koalabear_poseidon2_24;
use p3_matrix::dense::RowMajorMatrix;
use p3_symmetric::Permutation;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::*;

fn random_requests(n: usize, seed: u64) -> (Poseidon2Requests, Vec<[Val; WIDTH]>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut requests = Poseidon2Requests::default();
    let inputs: Vec<[Val; WIDTH]> =
        (0..n).map(|_| core::array::from_fn(|_| Val::from_u32(rng.random_range(0..0x7f00_0001)))).collect();
    for input in &inputs {
        let _ = requests.permute(*input);
    }
    (requests, inputs)
}

fn cell(trace: &RowMajorMatrix<Val>, row: usize, col: usize) -> Val {
    trace.values[row * NUM_POSEIDON2_COLS + col]
}

#[test]
fn rows_are_the_permutation_of_hearths_hashes() {
    let (requests, inputs) = random_requests(13, 1);
    let trace = generate_trace(&requests);
    assert_eq!(trace.values.len() / NUM_POSEIDON2_COLS, 16);
    let permutation = default_koalabear_poseidon2_24();
    for (row, input) in inputs.iter().enumerate() {
        let expected = permutation.permute(*input);
        let output: Vec<Val> = POSEIDON2_COL_MAP.output().iter().map(|&c| cell(&trace, row, c)).collect();
        assert_eq!(output, expected.to_vec(), "row {row}");
        assert_eq!(cell(&trace, row, POSEIDON2_COL_MAP.multiplicity), Val::ONE);
    }
    assert_eq!(cell(&trace, 15, POSEIDON2_COL_MAP.multiplicity), Val::ZERO);
    assert!(table_interactions(0, &Poseidon2Chip::default(), &trace, &[]).is_ok());
}

#[test]
fn repeated_requests_share_a_row() {
    let mut requests = Poseidon2Requests::default();
    let input = [Val::TWO; WIDTH];
    let _ = requests.permute(input);
    let _ = requests.permute(input);
    let trace = generate_trace(&requests);
    assert_eq!(requests.len(), 1);
    assert_eq!(cell(&trace, 0, POSEIDON2_COL_MAP.multiplicity), Val::TWO);
}

#[test]
fn any_changed_round_cell_breaks_the_constraints() {
    let (requests, _) = random_requests(4, 2);
    let honest = generate_trace(&requests);
    let map = &POSEIDON2_COL_MAP.rounds;
    let columns = [
        map.inputs[0],
        map.inputs[WIDTH - 1],
        map.beginning_full_rounds[0].post[3],
        map.beginning_full_rounds[HALF_FULL_ROUNDS - 1].post[WIDTH - 1],
        map.partial_rounds[0].post_sbox,
        map.partial_rounds[PARTIAL_ROUNDS - 1].post_sbox,
        map.ending_full_rounds[1].post[10],
        POSEIDON2_COL_MAP.output()[0],
        POSEIDON2_COL_MAP.output()[WIDTH - 1],
    ];
    for col in columns {
        for row in [0, 3] {
            let mut trace = honest.clone();
            trace.values[row * NUM_POSEIDON2_COLS + col] += Val::ONE;
            assert!(
                table_interactions(0, &Poseidon2Chip::default(), &trace, &[]).is_err(),
                "column {col} row {row} changed and still holds"
            );
        }
    }
}
