//! The identities of secp256k1 point operations over its base field, on byte limbs
//! ([`crate::modular`]). Each check mirrors a condition the executor enforces (canonical
//! coordinates, points on the curve, distinct `x` for an addition), so a proof exists only for
//! runs the executor completes.

use num_bigint::BigUint;
use p3_air::AirBuilder;
use p3_field::PrimeCharacteristicRing;
use p3_lookup::InteractionBuilder;

use crate::cols::column_layout;
use crate::lookups::ByteCounts;
use crate::modular::*;

/// The base field prime `2^256 - 2^32 - 977`, little-endian limbs.
pub fn field_prime() -> [u8; LIMBS] {
    let p = (BigUint::from(1u32) << 256) - (BigUint::from(1u32) << 32) - 977u32;
    limbs_of(&p)
}

/// An input point: canonical coordinates on the curve `y^2 = x^3 + 7`.
#[repr(C)]
pub struct PointCols<T> {
    /// `x`.
    pub x: [T; LIMBS],
    /// `y`.
    pub y: [T; LIMBS],
    /// `x < P`.
    pub x_canonical: CanonicalCols<T>,
    /// `y < P`.
    pub y_canonical: CanonicalCols<T>,
    /// `t ≡ x^2`.
    pub square: RelationCols<T>,
    /// `t x + 7 - y^2 ≡ 0`.
    pub on_curve: RelationCols<T>,
}

/// A result `(x3, y3)` from a slope `λ`: `x3 ≡ λ^2 - x1 - x2`, `y3 ≡ λ (x1 - x3) - y1`, both
/// canonical; the slope's own identity (a congruence to zero) is the operation's.
#[repr(C)]
pub struct SumCols<T> {
    /// The slope.
    pub lambda: [T; LIMBS],
    /// The slope's identity, `≡ 0`.
    pub slope: RelationCols<T>,
    /// `x3`.
    pub x3: RelationCols<T>,
    /// `y3`.
    pub y3: RelationCols<T>,
    /// `x3 < P`.
    pub x3_canonical: CanonicalCols<T>,
    /// `y3 < P`.
    pub y3_canonical: CanonicalCols<T>,
}

/// `(x3, y3) = 2 (x, y)`: the slope is `2 y λ - 3 x^2 ≡ 0` (`y ≠ 0` on the curve, whose order
/// is odd, so `λ` is unique).
#[repr(C)]
pub struct DoubleCols<T> {
    /// The point doubled.
    pub point: PointCols<T>,
    /// The result.
    pub sum: SumCols<T>,
}

/// `(x3, y3) = (x1, y1) + (x2, y2)` with `x1 ≠ x2`: the slope is `λ (x2 - x1) - (y2 - y1) ≡ 0`,
/// and `x2 - x1` has an inverse (so the points are distinct and not opposite).
#[repr(C)]
pub struct AddCols<T> {
    /// The first point.
    pub p: PointCols<T>,
    /// The second point.
    pub q: PointCols<T>,
    /// `1 / (x2 - x1)`.
    pub inverse: [T; LIMBS],
    /// `inverse (x2 - x1) ≡ 1`.
    pub distinct: RelationCols<T>,
    /// The result.
    pub sum: SumCols<T>,
}

column_layout!(PointCols, NUM_POINT_COLS, POINT_COL_MAP);
column_layout!(SumCols, NUM_SUM_COLS, SUM_COL_MAP);
column_layout!(DoubleCols, NUM_DOUBLE_COLS, DOUBLE_COL_MAP);
column_layout!(AddCols, NUM_ADD_COLS, ADD_COL_MAP);

fn exprs<AB: AirBuilder>(x: &[AB::Var; LIMBS]) -> Vec<AB::Expr> {
    x.iter().map(|&v| v.into()).collect()
}

/// Pins a relation's result to the small constant `value`.
fn assert_result<AB: AirBuilder>(builder: &mut AB, relation: &RelationCols<AB::Var>, value: u8) {
    for (k, &limb) in relation.result.iter().enumerate() {
        builder.assert_eq(limb, AB::Expr::from_u8(if k == 0 { value } else { 0 }));
    }
}

fn eval_point<AB: InteractionBuilder>(builder: &mut AB, cols: &PointCols<AB::Var>, count: AB::Expr) {
    let p = field_prime();
    eval_canonical(builder, &cols.x, &cols.x_canonical, &p, count.clone());
    eval_canonical(builder, &cols.y, &cols.y_canonical, &p, count.clone());
    let (x, y, t) = (exprs::<AB>(&cols.x), exprs::<AB>(&cols.y), exprs::<AB>(&cols.square.result));
    eval_relation(builder, &product(&x, &x), &cols.square, &p, count.clone());
    let seven = [AB::Expr::from_u8(7)];
    let curve = add_scaled(add_scaled(product(&t, &x), &seven, 1), &product(&y, &y), -1);
    eval_relation(builder, &curve, &cols.on_curve, &p, count);
    assert_result(builder, &cols.on_curve, 0);
}

fn eval_sum<AB: InteractionBuilder>(
    builder: &mut AB,
    cols: &SumCols<AB::Var>,
    slope: &[AB::Expr],
    (x1, y1): (&[AB::Var; LIMBS], &[AB::Var; LIMBS]),
    x2: &[AB::Var; LIMBS],
    count: AB::Expr,
) {
    let p = field_prime();
    eval_relation(builder, slope, &cols.slope, &p, count.clone());
    assert_result(builder, &cols.slope, 0);
    let (lambda, x1, y1, x2) = (exprs::<AB>(&cols.lambda), exprs::<AB>(x1), exprs::<AB>(y1), exprs::<AB>(x2));
    let x3_left = add_scaled(add_scaled(product(&lambda, &lambda), &x1, -1), &x2, -1);
    eval_relation(builder, &x3_left, &cols.x3, &p, count.clone());
    let difference = add_scaled(x1, &exprs::<AB>(&cols.x3.result), -1);
    let y3_left = add_scaled(product(&lambda, &difference), &y1, -1);
    eval_relation(builder, &y3_left, &cols.y3, &p, count.clone());
    eval_canonical(builder, &cols.x3.result, &cols.x3_canonical, &p, count.clone());
    eval_canonical(builder, &cols.y3.result, &cols.y3_canonical, &p, count);
}

/// Constrains a doubling (range checks `count` times).
pub fn eval_double<AB: InteractionBuilder>(builder: &mut AB, cols: &DoubleCols<AB::Var>, count: AB::Expr) {
    let point = &cols.point;
    eval_point(builder, point, count.clone());
    let (y, t, lambda) =
        (exprs::<AB>(&point.y), exprs::<AB>(&point.square.result), exprs::<AB>(&cols.sum.lambda));
    let slope = add_scaled(add_scaled(Vec::new(), &product(&y, &lambda), 2), &t, -3);
    eval_sum(builder, &cols.sum, &slope, (&point.x, &point.y), &point.x, count);
}

/// Constrains an addition (range checks `count` times).
pub fn eval_add<AB: InteractionBuilder>(builder: &mut AB, cols: &AddCols<AB::Var>, count: AB::Expr) {
    let p = field_prime();
    eval_point(builder, &cols.p, count.clone());
    eval_point(builder, &cols.q, count.clone());
    let dx = add_scaled(exprs::<AB>(&cols.q.x), &exprs::<AB>(&cols.p.x), -1);
    let dy = add_scaled(exprs::<AB>(&cols.q.y), &exprs::<AB>(&cols.p.y), -1);
    eval_relation(builder, &product(&exprs::<AB>(&cols.inverse), &dx), &cols.distinct, &p, count.clone());
    assert_result(builder, &cols.distinct, 1);
    let slope = add_scaled(product(&exprs::<AB>(&cols.sum.lambda), &dx), &dy, -1);
    eval_sum(builder, &cols.sum, &slope, (&cols.p.x, &cols.p.y), &cols.q.x, count);
}

fn big(v: &[u8; LIMBS]) -> BigUint {
    BigUint::from_bytes_le(v)
}

/// `1 / v mod P` (zero for zero).
fn inverse_of(v: &BigUint) -> BigUint {
    let prime = big(&field_prime());
    v.modpow(&(&prime - 2u32), &prime)
}

/// Fills an input point. A point off the curve is filled all the same (its curve identity's
/// nonzero residue), and the constraints refuse it.
fn fill_point(cols: &mut PointCols<u32>, x: &[u8; LIMBS], y: &[u8; LIMBS], counts: &mut ByteCounts) {
    let p = field_prime();
    cols.x = x.map(u32::from);
    cols.y = y.map(u32::from);
    fill_canonical(&mut cols.x_canonical, x, &p, counts);
    fill_canonical(&mut cols.y_canonical, y, &p, counts);
    let t = fill_relation(&mut cols.square, &product_of(&coefficients(x), &coefficients(x)), &p, counts);
    let curve = add_scaled_of(
        add_scaled_of(product_of(&coefficients(&t), &coefficients(x)), &[7], 1),
        &product_of(&coefficients(y), &coefficients(y)),
        -1,
    );
    fill_relation(&mut cols.on_curve, &curve, &p, counts);
}

/// Fills the result for slope `lambda`, whose identity has left side `slope`; returns `(x3, y3)`.
fn fill_sum(
    cols: &mut SumCols<u32>,
    lambda: &[u8; LIMBS],
    slope: &[i64],
    (x1, y1): (&[u8; LIMBS], &[u8; LIMBS]),
    x2: &[u8; LIMBS],
    counts: &mut ByteCounts,
) -> ([u8; LIMBS], [u8; LIMBS]) {
    let p = field_prime();
    cols.lambda = lambda.map(u32::from);
    fill_relation(&mut cols.slope, slope, &p, counts);
    let x3_left = add_scaled_of(
        add_scaled_of(product_of(&coefficients(lambda), &coefficients(lambda)), &coefficients(x1), -1),
        &coefficients(x2),
        -1,
    );
    let x3 = fill_relation(&mut cols.x3, &x3_left, &p, counts);
    let difference = add_scaled_of(coefficients(x1), &coefficients(&x3), -1);
    let y3 = fill_relation(
        &mut cols.y3,
        &add_scaled_of(product_of(&coefficients(lambda), &difference), &coefficients(y1), -1),
        &p,
        counts,
    );
    fill_canonical(&mut cols.x3_canonical, &x3, &p, counts);
    fill_canonical(&mut cols.y3_canonical, &y3, &p, counts);
    (x3, y3)
}

/// Fills the doubling of canonical `(x, y)` by the formulas; returns `(x3, y3)`.
pub fn fill_double(
    cols: &mut DoubleCols<u32>,
    x: &[u8; LIMBS],
    y: &[u8; LIMBS],
    counts: &mut ByteCounts,
) -> ([u8; LIMBS], [u8; LIMBS]) {
    let prime = big(&field_prime());
    fill_point(&mut cols.point, x, y, counts);
    let t = cols.point.square.result.map(|v| v as u8);
    // λ = 3 t / (2 y).
    let lambda = limbs_of(&((big(&t) * 3u32 * inverse_of(&(big(y) * 2u32))) % &prime));
    let slope = add_scaled_of(
        add_scaled_of(Vec::new(), &product_of(&coefficients(y), &coefficients(&lambda)), 2),
        &coefficients(&t),
        -3,
    );
    fill_sum(&mut cols.sum, &lambda, &slope, (x, y), x, counts)
}

/// Fills the addition of canonical `(x1, y1)` and `(x2, y2)` by the formulas; returns
/// `(x3, y3)`.
pub fn fill_add(
    cols: &mut AddCols<u32>,
    (x1, y1): (&[u8; LIMBS], &[u8; LIMBS]),
    (x2, y2): (&[u8; LIMBS], &[u8; LIMBS]),
    counts: &mut ByteCounts,
) -> ([u8; LIMBS], [u8; LIMBS]) {
    let p = field_prime();
    let prime = big(&p);
    fill_point(&mut cols.p, x1, y1, counts);
    fill_point(&mut cols.q, x2, y2, counts);
    let dx = add_scaled_of(coefficients(x2), &coefficients(x1), -1);
    let dy = add_scaled_of(coefficients(y2), &coefficients(y1), -1);
    let inverse = limbs_of(&inverse_of(&((&prime + big(x2) - big(x1)) % &prime)));
    cols.inverse = inverse.map(u32::from);
    fill_relation(&mut cols.distinct, &product_of(&coefficients(&inverse), &dx), &p, counts);
    let lambda = limbs_of(&(((&prime + big(y2) - big(y1)) % &prime) * big(&inverse) % &prime));
    let slope = add_scaled_of(product_of(&coefficients(&lambda), &dx), &dy, -1);
    fill_sum(&mut cols.sum, &lambda, &slope, (x1, y1), x2, counts)
}

/// `y` with `y^2 ≡ x^3 + 7` and the requested parity (`found`), or a witness that there is
/// none: `z^2 ≡ -(x^3 + 7)` (`P ≡ 3 mod 4`, so `-1` is not a square, and `x^3 + 7 ≢ 0` on this
/// curve: exactly one of the two has a root). The root is canonical, so its parity is that
/// of the one canonical `y`.
#[repr(C)]
pub struct DecompressCols<T> {
    /// `x`.
    pub x: [T; LIMBS],
    /// `x < P`.
    pub x_canonical: CanonicalCols<T>,
    /// `t ≡ x^2`.
    pub square: RelationCols<T>,
    /// A point with this `x` exists.
    pub found: T,
    /// The requested parity of `y`.
    pub parity: T,
    /// `y` when found, `z` otherwise.
    pub root: [T; LIMBS],
    /// `root < P`.
    pub root_canonical: CanonicalCols<T>,
    /// `root^2 - (2 found - 1) (t x + 7) ≡ 0`.
    pub root_square: RelationCols<T>,
    /// `(root_0 - parity) / 2` when found (below 128), else 0.
    pub low_half: T,
}

column_layout!(DecompressCols, NUM_DECOMPRESS_COLS, DECOMPRESS_COL_MAP);

/// Constrains a decompression (range checks `count` times).
pub fn eval_decompress<AB: InteractionBuilder>(
    builder: &mut AB,
    cols: &DecompressCols<AB::Var>,
    count: AB::Expr,
) {
    let p = field_prime();
    eval_canonical(builder, &cols.x, &cols.x_canonical, &p, count.clone());
    eval_canonical(builder, &cols.root, &cols.root_canonical, &p, count.clone());
    let (x, t, root) = (exprs::<AB>(&cols.x), exprs::<AB>(&cols.square.result), exprs::<AB>(&cols.root));
    eval_relation(builder, &product(&x, &x), &cols.square, &p, count.clone());
    builder.assert_bool(cols.found);
    builder.assert_bool(cols.parity);
    let found: AB::Expr = cols.found.into();
    let sign = found.clone() * AB::Expr::TWO - AB::Expr::ONE;
    let curve: Vec<AB::Expr> = add_scaled(product(&t, &x), &[AB::Expr::from_u8(7)], 1)
        .into_iter()
        .map(|c| c * sign.clone())
        .collect();
    let left = add_scaled(product(&root, &root), &curve, -1);
    eval_relation(builder, &left, &cols.root_square, &p, count.clone());
    assert_result(builder, &cols.root_square, 0);
    // The parity of a found root.
    let low: AB::Expr = cols.low_half.into();
    builder.when(found.clone()).assert_eq(cols.root[0], low.clone() * AB::Expr::TWO + cols.parity.into());
    builder.assert_zero((AB::Expr::ONE - found.clone()) * low);
    crate::lookups::byte_below(builder, cols.low_half, 128, count * found);
}

/// Fills the decompression of canonical `x` with parity `parity`; returns `y` if a point exists.
pub fn fill_decompress(
    cols: &mut DecompressCols<u32>,
    x: &[u8; LIMBS],
    parity: bool,
    counts: &mut ByteCounts,
) -> Option<[u8; LIMBS]> {
    let p = field_prime();
    let prime = big(&p);
    cols.x = x.map(u32::from);
    fill_canonical(&mut cols.x_canonical, x, &p, counts);
    let t = fill_relation(&mut cols.square, &product_of(&coefficients(x), &coefficients(x)), &p, counts);
    let a = (big(&t) * big(x) + 7u32) % &prime;
    let sqrt = |v: &BigUint| v.modpow(&((&prime + 1u32) / 4u32), &prime);
    let candidate = sqrt(&a);
    let found = (&candidate * &candidate) % &prime == a;
    let root = if found {
        let odd = candidate.bit(0);
        if odd == parity { candidate } else { &prime - candidate }
    } else {
        sqrt(&((&prime - &a) % &prime))
    };
    let root = limbs_of(&root);
    cols.found = u32::from(found);
    cols.parity = u32::from(parity);
    cols.root = root.map(u32::from);
    fill_canonical(&mut cols.root_canonical, &root, &p, counts);
    let sign = if found { 1 } else { -1 };
    let curve = add_scaled_of(product_of(&coefficients(&t), &coefficients(x)), &[7], 1);
    let left = add_scaled_of(product_of(&coefficients(&root), &coefficients(&root)), &curve, -sign);
    fill_relation(&mut cols.root_square, &left, &p, counts);
    if found {
        cols.low_half = u32::from(root[0] >> 1);
        counts.add(crate::bus::ByteOp::Ltu, root[0] >> 1, 128);
    }
    found.then_some(root)
}
