use hearth_stark::{Challenge, Val};
use p3_field::{BasedVectorSpace, PrimeCharacteristicRing};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::*;
use crate::circuit::testing::{ALU, fixture, random_ext};

#[test]
fn the_product_is_the_challenge_fields() {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    for _ in 0..20 {
        let (x, y) = (random_ext(&mut rng), random_ext(&mut rng));
        let coords = |e: Challenge| -> [Val; 8] { e.as_basis_coefficients_slice().try_into().unwrap() };
        assert_eq!(ext_product(&coords(x), &coords(y)), coords(x * y));
    }
}

#[test]
fn any_changed_operand_or_result_is_caught() {
    let f = fixture();
    let rows = f.traces[ALU].values.len() / NUM_ALU_COLS;
    let prep = f.preprocessed(ALU);
    let real = (0..rows)
        .filter(|r| {
            let p = &prep.values[r * NUM_ALU_PREPROCESSED_COLS..][..NUM_ALU_PREPROCESSED_COLS];
            [
                ALU_PREPROCESSED_COL_MAP.is_add,
                ALU_PREPROCESSED_COL_MAP.is_sub,
                ALU_PREPROCESSED_COL_MAP.is_mul,
                ALU_PREPROCESSED_COL_MAP.is_mul_add,
                ALU_PREPROCESSED_COL_MAP.is_eq,
            ]
            .iter()
            .any(|&c| p[c] == Val::ONE)
        })
        .collect::<Vec<_>>();
    assert!(real.len() >= 5);
    for &row in &real {
        for limb in [0, 7] {
            f.assert_change_caught(ALU, row, ALU_COL_MAP.a[limb]);
            f.assert_change_caught(ALU, row, ALU_COL_MAP.b[limb]);
        }
        let p = &prep.values[row * NUM_ALU_PREPROCESSED_COLS..][..NUM_ALU_PREPROCESSED_COLS];
        if p[ALU_PREPROCESSED_COL_MAP.is_eq] == Val::ZERO {
            f.assert_change_caught(ALU, row, ALU_COL_MAP.out[4]);
        }
    }
}
