//! The identities of secp256k1 point operations over its base field, on byte limbs
//! ([`crate::modular`]). Each check mirrors a condition the executor enforces, so a proof exists
//! only for runs the executor completes.

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

/// Columns proving `(x3, y3) = 2 (x, y)` for a point `(x, y)` on the curve, all coordinates
/// canonical.
#[repr(C)]
pub struct DoubleCols<T> {
    /// The input point.
    pub x: [T; LIMBS],
    /// The input point.
    pub y: [T; LIMBS],
    /// `x < P`.
    pub x_canonical: CanonicalCols<T>,
    /// `y < P`.
    pub y_canonical: CanonicalCols<T>,
    /// `t ≡ x^2`.
    pub square: RelationCols<T>,
    /// `t x + 7 - y^2 ≡ 0`: the point is on the curve.
    pub on_curve: RelationCols<T>,
    /// The tangent's slope.
    pub lambda: [T; LIMBS],
    /// `2 y λ - 3 t ≡ 0` (`y ≠ 0` on the curve, whose order is odd, so `λ` is unique).
    pub slope: RelationCols<T>,
    /// `x3 ≡ λ^2 - 2 x`.
    pub x3: RelationCols<T>,
    /// `y3 ≡ λ (x - x3) - y`.
    pub y3: RelationCols<T>,
    /// `x3 < P`.
    pub x3_canonical: CanonicalCols<T>,
    /// `y3 < P`.
    pub y3_canonical: CanonicalCols<T>,
}

column_layout!(DoubleCols, NUM_DOUBLE_COLS, DOUBLE_COL_MAP);

fn exprs<AB: AirBuilder>(x: &[AB::Var; LIMBS]) -> Vec<AB::Expr> {
    x.iter().map(|&v| v.into()).collect()
}

/// `7` as a limb polynomial.
fn seven<E: PrimeCharacteristicRing>() -> Vec<E> {
    vec![E::from_u8(7)]
}

/// Constrains the doubling (range checks `count` times).
pub fn eval_double<AB: InteractionBuilder>(builder: &mut AB, cols: &DoubleCols<AB::Var>, count: AB::Expr) {
    let p = field_prime();
    let (x, y, t, lambda) = (
        exprs::<AB>(&cols.x),
        exprs::<AB>(&cols.y),
        exprs::<AB>(&cols.square.result),
        exprs::<AB>(&cols.lambda),
    );
    let x3 = exprs::<AB>(&cols.x3.result);
    for (value, canonical) in [
        (&cols.x, &cols.x_canonical),
        (&cols.y, &cols.y_canonical),
        (&cols.x3.result, &cols.x3_canonical),
        (&cols.y3.result, &cols.y3_canonical),
    ] {
        eval_canonical(builder, &limb_exprs::<AB>(value), canonical, &p, count.clone());
    }
    eval_relation(builder, &product(&x, &x), &cols.square, &p, count.clone());
    let curve = add_scaled(add_scaled(product(&t, &x), &seven::<AB::Expr>(), 1), &product(&y, &y), -1);
    eval_relation(builder, &curve, &cols.on_curve, &p, count.clone());
    let slope = add_scaled(add_scaled(Vec::new(), &product(&y, &lambda), 2), &t, -3);
    eval_relation(builder, &slope, &cols.slope, &p, count.clone());
    let x3_left = add_scaled(product(&lambda, &lambda), &x, -2);
    eval_relation(builder, &x3_left, &cols.x3, &p, count.clone());
    let difference = add_scaled(x.clone(), &x3, -1);
    let y3_left = add_scaled(product(&lambda, &difference), &y, -1);
    eval_relation(builder, &y3_left, &cols.y3, &p, count);
    // The on-curve and slope identities are congruences to zero.
    for &limb in cols.on_curve.result.iter().chain(&cols.slope.result) {
        builder.assert_zero(limb);
    }
}

fn ints(x: &[u8; LIMBS]) -> Vec<i64> {
    coefficients(x)
}

/// Fills the doubling of canonical `(x, y)` by the formulas; returns `(x3, y3)`. For a point off
/// the curve the rows are filled all the same, and the constraints refuse them.
pub fn fill_double(
    cols: &mut DoubleCols<u32>,
    x: &[u8; LIMBS],
    y: &[u8; LIMBS],
    counts: &mut ByteCounts,
) -> ([u8; LIMBS], [u8; LIMBS]) {
    let p = field_prime();
    let big = |v: &[u8; LIMBS]| BigUint::from_bytes_le(v);
    let prime = big(&p);
    cols.x = x.map(u32::from);
    cols.y = y.map(u32::from);
    fill_canonical(&mut cols.x_canonical, x, &p, counts);
    fill_canonical(&mut cols.y_canonical, y, &p, counts);
    let t = fill_relation(&mut cols.square, &product_of(&ints(x), &ints(x)), &p, counts);
    let curve = add_scaled_of(
        add_scaled_of(product_of(&ints(&t), &ints(x)), &[7], 1),
        &product_of(&ints(y), &ints(y)),
        -1,
    );
    // Zero for a point on the curve; otherwise the constraints refuse the nonzero residue.
    fill_relation(&mut cols.on_curve, &curve, &p, counts);
    // λ = 3 t / (2 y).
    let inverse = (big(y) * 2u32).modpow(&(&prime - 2u32), &prime);
    let lambda = limbs_of(&((big(&t) * 3u32 * inverse) % &prime));
    cols.lambda = lambda.map(u32::from);
    let slope =
        add_scaled_of(add_scaled_of(Vec::new(), &product_of(&ints(y), &ints(&lambda)), 2), &ints(&t), -3);
    fill_relation(&mut cols.slope, &slope, &p, counts);
    let x3 = fill_relation(
        &mut cols.x3,
        &add_scaled_of(product_of(&ints(&lambda), &ints(&lambda)), &ints(x), -2),
        &p,
        counts,
    );
    let difference = add_scaled_of(ints(x), &ints(&x3), -1);
    let y3 = fill_relation(
        &mut cols.y3,
        &add_scaled_of(product_of(&ints(&lambda), &difference), &ints(y), -1),
        &p,
        counts,
    );
    fill_canonical(&mut cols.x3_canonical, &x3, &p, counts);
    fill_canonical(&mut cols.y3_canonical, &y3, &p, counts);
    (x3, y3)
}
