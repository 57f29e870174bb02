use hearth_stark::Val;
use hearth_stark::config::POSEIDON2_WIDTH;
use p3_koala_bear::default_koalabear_poseidon2_24;
use p3_symmetric::Permutation;

use super::*;
use crate::circuit::testing::{POSEIDON2_CALL, fixture};

#[test]
fn outputs_are_the_permutation_and_changes_are_caught() {
    let f = fixture();
    let trace = &f.traces[POSEIDON2_CALL];
    let calls = f.circuit.table_rows()[POSEIDON2_CALL];
    assert!(calls >= 2);
    let permutation = default_koalabear_poseidon2_24();
    for row in 0..calls {
        let cols = &trace.values[row * NUM_POSEIDON2_CALL_COLS..][..NUM_POSEIDON2_CALL_COLS];
        let input: [Val; POSEIDON2_WIDTH] = cols[..POSEIDON2_WIDTH].try_into().unwrap();
        assert_eq!(permutation.permute(input).to_vec(), cols[POSEIDON2_WIDTH..2 * POSEIDON2_WIDTH].to_vec());
        for i in [0, 9, 14, 15, 23] {
            f.assert_change_caught(POSEIDON2_CALL, row, POSEIDON2_CALL_COL_MAP.input[i]);
            f.assert_change_caught(POSEIDON2_CALL, row, POSEIDON2_CALL_COL_MAP.output[i]);
        }
    }
}
