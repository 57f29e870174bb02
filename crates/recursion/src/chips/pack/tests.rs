use hearth_stark::Val;
use p3_field::PrimeCharacteristicRing;

use super::*;
use crate::circuit::testing::{PACK, fixture};

#[test]
fn any_changed_coordinate_is_caught() {
    let f = fixture();
    let prep = f.preprocessed(PACK);
    let rows = f.traces[PACK].values.len() / NUM_PACK_COLS;
    let mut directions = (0, 0);
    for row in 0..rows {
        let p = &prep.values[row * NUM_PACK_PREPROCESSED_COLS..][..NUM_PACK_PREPROCESSED_COLS];
        let (pack, unpack) = (p[PACK_PREPROCESSED_COL_MAP.is_pack], p[PACK_PREPROCESSED_COL_MAP.is_unpack]);
        if pack == Val::ZERO && unpack == Val::ZERO {
            continue;
        }
        directions.0 += (pack == Val::ONE) as usize;
        directions.1 += (unpack == Val::ONE) as usize;
        for limb in 0..8 {
            f.assert_change_caught(PACK, row, PACK_COL_MAP.value[limb]);
        }
    }
    assert!(directions.0 > 0 && directions.1 > 0, "both directions covered: {directions:?}");
}
