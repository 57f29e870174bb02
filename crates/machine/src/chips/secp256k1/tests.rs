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

/// A table of point doublings (`false`) or additions (`true`).
struct OpChip(bool);

impl<F: p3_field::Field> BaseAir<F> for OpChip {
    fn width(&self) -> usize {
        if self.0 { NUM_ADD_COLS } else { NUM_DOUBLE_COLS }
    }
}

impl<AB: InteractionBuilder<F: p3_field::Field>> Air<AB> for OpChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        if self.0 {
            let local: &AddCols<AB::Var> = main.current_slice().borrow();
            eval_add(builder, local, AB::Expr::ONE);
        } else {
            let local: &DoubleCols<AB::Var> = main.current_slice().borrow();
            eval_double(builder, local, AB::Expr::ONE);
        }
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

fn add_row(p: &ProjectivePoint, q: &ProjectivePoint) -> (Vec<u32>, ([u8; LIMBS], [u8; LIMBS])) {
    let ((x1, y1), (x2, y2)) = (coordinates(p), coordinates(q));
    add_row_of((&x1, &y1), (&x2, &y2))
}

fn add_row_of(
    p: (&[u8; LIMBS], &[u8; LIMBS]),
    q: (&[u8; LIMBS], &[u8; LIMBS]),
) -> (Vec<u32>, ([u8; LIMBS], [u8; LIMBS])) {
    let mut values = vec![0u32; NUM_ADD_COLS];
    let cols: &mut AddCols<u32> = values.as_mut_slice().borrow_mut();
    let out = fill_add(cols, p, q, &mut ByteCounts::default());
    (values, out)
}

fn accepted(values: &[u32]) -> bool {
    let chip = OpChip(values.len() == NUM_ADD_COLS);
    let mut rows = values.to_vec();
    rows.extend(values);
    let trace = RowMajorMatrix::new(rows.into_iter().map(Val::from_u32).collect(), values.len());
    let Ok(interactions) = table_interactions(0, &chip, &trace, &[]) else { return false };
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
    let mut lambda = cols.sum.lambda.map(|v| v as u8);
    lambda[0] = lambda[0].wrapping_add(1);
    let left = add_scaled_of(
        add_scaled_of(Vec::new(), &product_of(&coefficients(&y), &coefficients(&lambda)), 2),
        &coefficients(&cols.point.square.result.map(|v| v as u8)),
        -3,
    );
    cols.sum.lambda = lambda.map(u32::from);
    fill_relation(&mut cols.sum.slope, &left, &field_prime(), &mut ByteCounts::default());
    assert!(!accepted(&values), "another slope was accepted");
}

#[test]
fn addition_matches_k256() {
    let mut rng = ChaCha8Rng::seed_from_u64(13);
    for _ in 0..20 {
        let (p, q) = (random_point(&mut rng), random_point(&mut rng));
        let (values, out) = add_row(&p, &q);
        assert_eq!(out, coordinates(&(p + q)));
        assert!(accepted(&values), "honest addition refused");
    }
    // G + 2G.
    let g = ProjectivePoint::GENERATOR;
    let (values, out) = add_row(&g, &g.double());
    assert_eq!(out, coordinates(&(g + g.double())));
    assert!(accepted(&values));
}

#[test]
fn tampered_additions_are_refused() {
    let mut rng = ChaCha8Rng::seed_from_u64(14);
    let (p, q) = (random_point(&mut rng), random_point(&mut rng));
    let (honest, _) = add_row(&p, &q);
    for &column in ADD_COL_MAP.as_slice() {
        let mut values = honest.clone();
        values[column] += 1;
        assert!(!accepted(&values), "column {column} changed by one was accepted");
    }
    // Equal points, and opposite points: x2 - x1 = 0 has no inverse (the executor refuses
    // both; doubling is its own operation).
    let (values, _) = add_row(&p, &p);
    assert!(!accepted(&values), "a point added to itself");
    let (values, _) = add_row(&p, &-p);
    assert!(!accepted(&values), "a point added to its opposite");
    // A second point off the curve.
    let ((x1, y1), (x2, mut y2)) = (coordinates(&p), coordinates(&q));
    y2[5] ^= 1;
    let (values, _) = add_row_of((&x1, &y1), (&x2, &y2));
    assert!(!accepted(&values), "a point off the curve was added");
}
