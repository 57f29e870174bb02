use hearth_stark::Val;
use p3_field::PrimeCharacteristicRing;

use super::*;
use crate::circuit::testing::{VAR, fixture};

#[test]
fn constants_and_inputs_are_the_runs_cells() {
    let f = fixture();
    let prep = f.preprocessed(VAR);
    let trace = &f.traces[VAR];
    let mut inputs = 0;
    for row in 0..trace.values.len() / NUM_VAR_COLS {
        let p = &prep.values[row * NUM_VAR_PREPROCESSED_COLS..][..NUM_VAR_PREPROCESSED_COLS];
        let value = &trace.values[row * NUM_VAR_COLS..][..NUM_VAR_COLS];
        if p[VAR_PREPROCESSED_COL_MAP.is_const] == Val::ONE {
            assert_eq!(value, &p[VAR_PREPROCESSED_COL_MAP.constant[0]..][..NUM_VAR_COLS]);
        } else if p[VAR_PREPROCESSED_COL_MAP.mult] != Val::ZERO {
            assert_eq!(value, f.inputs[inputs]);
            inputs += 1;
        }
    }
    assert_eq!(inputs, f.inputs.len());
}

#[test]
fn any_changed_value_is_caught() {
    let f = fixture();
    // Rows 0-3 are the inputs (read by the program), the next rows constants.
    for row in 0..6 {
        for limb in [0, 3, 7] {
            f.assert_change_caught(VAR, row, VAR_COL_MAP.value[limb]);
        }
    }
}
