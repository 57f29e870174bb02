use super::*;
use crate::circuit::testing::{PUBLIC, fixture};

#[test]
fn any_changed_public_cell_is_caught() {
    let f = fixture();
    for row in 0..f.circuit.num_public_values() {
        f.assert_change_caught(PUBLIC, row, PUBLIC_VALUE);
    }
}
