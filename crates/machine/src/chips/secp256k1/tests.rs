use core::borrow::{Borrow, BorrowMut};

use k256::elliptic_curve::point::AffineCoordinates;
use k256::{ProjectivePoint, Scalar};
use num_bigint::BigUint;
use p3_air::{Air, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use p3_lookup::InteractionBuilder;

use super::arithmetic::*;
use crate::lookups::ByteCounts;
use crate::modular::*;

/// Which operation a test table checks.
#[derive(Clone, Copy)]
enum Op {
    Double,
    Add,
    Decompress,
}

/// A table of one operation per row.
struct OpChip(Op);

impl<F: p3_field::Field> BaseAir<F> for OpChip {
    fn width(&self) -> usize {
        match self.0 {
            Op::Double => NUM_DOUBLE_COLS,
            Op::Add => NUM_ADD_COLS,
            Op::Decompress => NUM_DECOMPRESS_COLS,
        }
    }
}

impl<AB: InteractionBuilder<F: p3_field::Field>> Air<AB> for OpChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let row = main.current_slice();
        match self.0 {
            Op::Double => eval_double(builder, row.borrow(), AB::Expr::ONE),
            Op::Add => eval_add(builder, row.borrow(), AB::Expr::ONE),
            Op::Decompress => eval_decompress(builder, row.borrow(), AB::Expr::ONE),
        }
    }
}

/// Whether one row of `op` holds on its own.
fn accepted(op: Op, values: &[u32]) -> bool {
    crate::chips::testing::row_holds_alone(&OpChip(op), values)
}

/// A point's coordinates as little-endian limbs.
fn coordinates(point: &ProjectivePoint) -> ([u8; LIMBS], [u8; LIMBS]) {
    let affine = point.to_affine();
    let le = |be: &[u8]| -> [u8; LIMBS] { core::array::from_fn(|i| be[LIMBS - 1 - i]) };
    (le(&affine.x()), le(&affine.y()))
}

fn double_row(x: &[u8; LIMBS], y: &[u8; LIMBS]) -> (Vec<u32>, ([u8; LIMBS], [u8; LIMBS])) {
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
        let (values, out) = double_row(&x, &y);
        assert_eq!(out, coordinates(&point.double()));
        assert!(accepted(Op::Double, &values), "honest doubling refused");
    }
}

#[test]
fn tampered_doublings_are_refused() {
    let mut rng = ChaCha8Rng::seed_from_u64(12);
    let (x, y) = coordinates(&random_point(&mut rng));
    let (honest, _) = double_row(&x, &y);
    for &column in DOUBLE_COL_MAP.as_slice() {
        let mut values = honest.clone();
        values[column] += 1;
        assert!(!accepted(Op::Double, &values), "column {column} changed by one was accepted");
    }
    // A point off the curve (y + 1), every identity but the curve's filled to agree.
    let mut off = y;
    off[0] = off[0].wrapping_add(1);
    let (values, _) = double_row(&x, &off);
    assert!(!accepted(Op::Double, &values), "a point off the curve was doubled");
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
    assert!(!accepted(Op::Double, &values), "another slope was accepted");
}

#[test]
fn addition_matches_k256() {
    let mut rng = ChaCha8Rng::seed_from_u64(13);
    for _ in 0..20 {
        let (p, q) = (random_point(&mut rng), random_point(&mut rng));
        let (values, out) = add_row(&p, &q);
        assert_eq!(out, coordinates(&(p + q)));
        assert!(accepted(Op::Add, &values), "honest addition refused");
    }
    // G + 2G.
    let g = ProjectivePoint::GENERATOR;
    let (values, out) = add_row(&g, &g.double());
    assert_eq!(out, coordinates(&(g + g.double())));
    assert!(accepted(Op::Add, &values));
}

#[test]
fn tampered_additions_are_refused() {
    let mut rng = ChaCha8Rng::seed_from_u64(14);
    let (p, q) = (random_point(&mut rng), random_point(&mut rng));
    let (honest, _) = add_row(&p, &q);
    for &column in ADD_COL_MAP.as_slice() {
        let mut values = honest.clone();
        values[column] += 1;
        assert!(!accepted(Op::Add, &values), "column {column} changed by one was accepted");
    }
    // Equal points, and opposite points: x2 - x1 = 0 has no inverse (the executor refuses
    // both; doubling is its own operation).
    let (values, _) = add_row(&p, &p);
    assert!(!accepted(Op::Add, &values), "a point added to itself");
    let (values, _) = add_row(&p, &-p);
    assert!(!accepted(Op::Add, &values), "a point added to its opposite");
    // A second point off the curve.
    let ((x1, y1), (x2, mut y2)) = (coordinates(&p), coordinates(&q));
    y2[5] ^= 1;
    let (values, _) = add_row_of((&x1, &y1), (&x2, &y2));
    assert!(!accepted(Op::Add, &values), "a point off the curve was added");
}

fn decompress_row(x: &[u8; LIMBS], parity: bool) -> (Vec<u32>, Option<[u8; LIMBS]>) {
    let mut values = vec![0u32; NUM_DECOMPRESS_COLS];
    let cols: &mut DecompressCols<u32> = values.as_mut_slice().borrow_mut();
    let y = fill_decompress(cols, x, parity, &mut ByteCounts::default());
    (values, y)
}

/// The x of `point` with no curve point: the first small x without a root (found by k256).
fn x_without_root() -> [u8; LIMBS] {
    use k256::elliptic_curve::point::DecompressPoint;
    (1u8..)
        .map(|v| {
            let mut x = [0u8; LIMBS];
            x[0] = v;
            x
        })
        .find(|x| {
            let be: [u8; LIMBS] = core::array::from_fn(|i| x[LIMBS - 1 - i]);
            k256::AffinePoint::decompress(&be.into(), 0u8.into()).is_none().into()
        })
        .expect("some small x has no point")
}

#[test]
fn decompression_matches_k256() {
    let mut rng = ChaCha8Rng::seed_from_u64(15);
    for _ in 0..10 {
        let (x, y) = coordinates(&random_point(&mut rng));
        for parity in [false, true] {
            let (values, root) = decompress_row(&x, parity);
            let expected = if (y[0] & 1 == 1) == parity {
                y
            } else {
                limbs_of(&(BigUint::from_bytes_le(&field_prime()) - BigUint::from_bytes_le(&y)))
            };
            assert_eq!(root, Some(expected));
            assert!(accepted(Op::Decompress, &values), "honest decompression refused");
        }
    }
    let (values, root) = decompress_row(&x_without_root(), true);
    assert_eq!(root, None);
    assert!(accepted(Op::Decompress, &values), "honest 'no point' refused");
}

#[test]
fn tampered_decompressions_are_refused() {
    let mut rng = ChaCha8Rng::seed_from_u64(16);
    let (x, _) = coordinates(&random_point(&mut rng));
    for (x, parity) in [(x, true), (x_without_root(), false)] {
        let (honest, found) = decompress_row(&x, parity);
        for &column in DECOMPRESS_COL_MAP.as_slice() {
            if found.is_none() && column == DECOMPRESS_COL_MAP.parity {
                // With no point, either parity is a true statement (the parity is the caller's
                // input, fixed by the `a1` register in the table).
                continue;
            }
            let mut values = honest.clone();
            values[column] += 1;
            assert!(!accepted(Op::Decompress, &values), "column {column} changed by one was accepted");
        }
    }
    // The other root (wrong parity), every identity refilled to agree.
    let (mut values, Some(y)) = decompress_row(&x, true) else { panic!("a point") };
    let cols: &mut DecompressCols<u32> = values.as_mut_slice().borrow_mut();
    let other = limbs_of(&(BigUint::from_bytes_le(&field_prime()) - BigUint::from_bytes_le(&y)));
    cols.root = other.map(u32::from);
    cols.low_half = u32::from(other[0] >> 1);
    fill_canonical(&mut cols.root_canonical, &other, &field_prime(), &mut ByteCounts::default());
    assert!(!accepted(Op::Decompress, &values), "the root of the other parity was accepted");
    // "No point" claimed for an x that has one: z^2 ≡ -(x^3 + 7) has no solution, so the best
    // filling leaves a nonzero residue.
    let (mut values, _) = decompress_row(&x, true);
    let cols: &mut DecompressCols<u32> = values.as_mut_slice().borrow_mut();
    cols.found = 0;
    cols.low_half = 0;
    let t = cols.square.result.map(|v| v as u8);
    let root = cols.root.map(|v| v as u8);
    let curve = add_scaled_of(product_of(&coefficients(&t), &coefficients(&x)), &[7], 1);
    let left = add_scaled_of(product_of(&coefficients(&root), &coefficients(&root)), &curve, 1);
    fill_relation(&mut cols.root_square, &left, &field_prime(), &mut ByteCounts::default());
    assert!(!accepted(Op::Decompress, &values), "'no point' claimed for an x with one");
}
