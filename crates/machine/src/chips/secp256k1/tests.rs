use core::borrow::{Borrow, BorrowMut};

use hearth_stark::Val;
use k256::elliptic_curve::point::AffineCoordinates;
use k256::{ProjectivePoint, Scalar};
use p3_air::{Air, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_matrix::dense::RowMajorMatrix;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use p3_lookup::InteractionBuilder;

use super::arithmetic::*;
use crate::check::table_interactions;
use crate::lookups::ByteCounts;
use crate::modular::*;

/// A table of point doublings.
struct DoubleChip;

impl<F: p3_field::Field> BaseAir<F> for DoubleChip {
    fn width(&self) -> usize {
        NUM_DOUBLE_COLS
    }
}

impl<AB: InteractionBuilder<F: p3_field::Field>> Air<AB> for DoubleChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &DoubleCols<AB::Var> = main.current_slice().borrow();
        eval_double(builder, local, AB::Expr::ONE);
    }
}

/// A point's coordinates as little-endian limbs.
fn coordinates(point: &ProjectivePoint) -> ([u8; LIMBS], [u8; LIMBS]) {
    let affine = point.to_affine();
    let le = |be: &[u8]| -> [u8; LIMBS] { core::array::from_fn(|i| be[LIMBS - 1 - i]) };
    (le(&affine.x()), le(&affine.y()))
}

fn row(x: &[u8; LIMBS], y: &[u8; LIMBS]) -> (Vec<u32>, ([u8; LIMBS], [u8; LIMBS])) {
    let mut values = vec![0u32; NUM_DOUBLE_COLS];
    let cols: &mut DoubleCols<u32> = values.as_mut_slice().borrow_mut();
    let out = fill_double(cols, x, y, &mut ByteCounts::default());
    (values, out)
}

fn accepted(values: &[u32]) -> bool {
    let mut rows = values.to_vec();
    rows.extend(values);
    let trace = RowMajorMatrix::new(rows.into_iter().map(Val::from_u32).collect(), NUM_DOUBLE_COLS);
    let Ok(interactions) = table_interactions(0, &DoubleChip, &trace, &[]) else { return false };
    interactions.iter().filter(|i| i.bus == crate::bus::BYTE).all(|i| {
        let m: Vec<u32> = i.message.iter().map(p3_field::PrimeField32::as_canonical_u32).collect();
        crate::bus::ByteOp::holds(m[0], m[1], m[2], m[3])
    })
}

fn random_point(rng: &mut ChaCha8Rng) -> ProjectivePoint {
    ProjectivePoint::GENERATOR * Scalar::from(rng.random::<u64>())
}

#[test]
fn doubling_matches_k256() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let mut points = vec![ProjectivePoint::GENERATOR];
    points.extend((0..20).map(|_| random_point(&mut rng)));
    for point in points {
        let (x, y) = coordinates(&point);
        let (values, out) = row(&x, &y);
        assert_eq!(out, coordinates(&point.double()));
        assert!(accepted(&values), "honest doubling refused");
    }
}

#[test]
fn tampered_doublings_are_refused() {
    let mut rng = ChaCha8Rng::seed_from_u64(12);
    let (x, y) = coordinates(&random_point(&mut rng));
    let (honest, _) = row(&x, &y);
    for &column in DOUBLE_COL_MAP.as_slice() {
        let mut values = honest.clone();
        values[column] += 1;
        assert!(!accepted(&values), "column {column} changed by one was accepted");
    }
    // A point off the curve (y + 1), every identity but the curve's filled to agree.
    let mut off = y;
    off[0] = off[0].wrapping_add(1);
    let (values, _) = row(&x, &off);
    assert!(!accepted(&values), "a point off the curve was doubled");
    // The honest result with another slope: λ + 1 breaks the slope identity.
    let mut values = honest.clone();
    let cols: &mut DoubleCols<u32> = values.as_mut_slice().borrow_mut();
    let mut lambda = cols.lambda.map(|v| v as u8);
    lambda[0] = lambda[0].wrapping_add(1);
    let left = add_scaled_of(
        add_scaled_of(Vec::new(), &product_of(&coefficients(&y), &coefficients(&lambda)), 2),
        &coefficients(&cols.square.result.map(|v| v as u8)),
        -3,
    );
    cols.lambda = lambda.map(u32::from);
    fill_relation(&mut cols.slope, &left, &field_prime(), &mut ByteCounts::default());
    assert!(!accepted(&values), "another slope was accepted");
}
