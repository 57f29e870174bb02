use core::borrow::Borrow;

use hearth_machine::check::{CheckFailure, check_tables};

use hearth_stark::{KOALA_BEAR_MODULUS, Val};
use p3_field::{PrimeCharacteristicRing, PrimeField32};

use super::trace::decompose;
use super::*;
use crate::circuit::testing::{BITS, fixture};
use crate::circuit::{CircuitBuilder, NUM_BITS, base_cell};

#[test]
fn decompositions_are_canonical_and_changes_are_caught() {
    let f = fixture();
    let trace = &f.traces[BITS];
    let row: &BitsCols<Val> = trace.values[..NUM_BITS_COLS].borrow();
    assert!(row.bits.iter().all(|b| b.as_canonical_u32() <= 1));
    for bit in [0, 5, 19, 23, 24, 30] {
        f.assert_change_caught(BITS, 0, BITS_COL_MAP.bits[bit]);
    }
}

#[test]
fn the_non_canonical_decomposition_is_refused() {
    // x and x + p are the same field element; only x < p may be used. A program decomposing a
    // small x, its bits row replaced by those of x + p (all top bits set).
    let mut b = CircuitBuilder::new();
    let x = b.input();
    for bit in b.bits(x) {
        b.expose(bit);
    }
    let circuit = b.build();
    let x = 5u32;
    let run = circuit.run(&[base_cell(Val::from_u32(x))]).unwrap();
    let mut traces = circuit.traces(&run);
    let public = circuit.table_public_values(&run.public_values);
    check_tables(circuit.chips(), &traces, &public, &[]).expect("the honest run holds");
    let forged = x + KOALA_BEAR_MODULUS as u32;
    for (i, cell) in traces[BITS].values[..NUM_BITS].iter_mut().enumerate() {
        *cell = Val::from_bool(forged >> i & 1 == 1);
    }
    // Whatever the helper column holds, the forged row breaks the table's own constraints
    // (not only the bus, which sees other bits than the readers do).
    for top_inv in [Val::ZERO, Val::ONE, -Val::ONE, Val::from_u32(7), Val::from_u32(12_345)] {
        traces[BITS].values[BITS_COL_MAP.top_inv] = top_inv;
        assert!(
            matches!(
                check_tables(circuit.chips(), &traces, &public, &[]),
                Err(CheckFailure::Constraint { table: BITS, .. })
            ),
            "a non-canonical decomposition holds with top_inv {top_inv}"
        );
    }
}

#[test]
fn every_canonical_value_has_a_valid_row() {
    for value in [0, 1, (1 << 24) - 1, 1 << 24, 0x7eff_ffff, 0x7f00_0000] {
        let mut cols = BitsCols { bits: [Val::ZERO; 31], top_inv: Val::ZERO };
        decompose(Val::from_u32(value), &mut cols);
        let top = cols.bits[24..].iter().map(|b| b.as_canonical_u32()).sum::<u32>();
        let distance = Val::from_u32(top) - Val::from_u32(7);
        let is_top = Val::ONE - distance * cols.top_inv;
        assert_eq!(is_top * distance, Val::ZERO);
        let low = cols.bits[..24].iter().map(|b| b.as_canonical_u32()).sum::<u32>();
        assert_eq!(is_top * Val::from_u32(low), Val::ZERO, "value {value:#x}");
    }
}
