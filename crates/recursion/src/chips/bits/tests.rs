use core::borrow::Borrow;

use hearth_stark::{KOALA_BEAR_MODULUS, Val};
use p3_field::{PrimeCharacteristicRing, PrimeField32};

use super::trace::decompose;
use super::*;
use crate::circuit::testing::{BITS, fixture};

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
    // x and x + p have the same value in the field; only x < p may be used. Build the bits of
    // x + p (with all top bits set) for a small x and replace the honest row with them.
    let f = fixture();
    let mut traces = f.traces.clone();
    let honest: &BitsCols<Val> = traces[BITS].values[..NUM_BITS_COLS].borrow();
    let x = honest.bits.iter().enumerate().map(|(i, b)| b.as_canonical_u32() << i).sum::<u32>();
    if u64::from(x) + KOALA_BEAR_MODULUS >= 1 << 31 {
        // The fixture's sample is too large to have a second 31-bit decomposition; nothing to try.
        return;
    }
    let forged = x + KOALA_BEAR_MODULUS as u32;
    for (i, cell) in traces[BITS].values[..31].iter_mut().enumerate() {
        *cell = Val::from_bool(forged >> i & 1 == 1);
    }
    // Whatever the helper column holds, the forged row must fail.
    for top_inv in [Val::ZERO, Val::ONE, -Val::ONE, Val::from_u32(7)] {
        traces[BITS].values[BITS_COL_MAP.top_inv] = top_inv;
        assert!(f.check(&traces).is_err());
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
