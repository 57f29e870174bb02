//! Identities modulo a 256-bit prime (secp256k1's field), on numbers of 32 byte limbs.
//!
//! A number `x = Σ x_k 256^k` is the polynomial `x(X) = Σ x_k X^k` evaluated at 256. To prove
//! `L ≡ r (mod P)` for a left side `L` built from products and sums of such numbers, the
//! prover supplies `r` and the quotient `q = (L - r) / P`, and the polynomial
//! `E(X) = L(X) - r(X) - q(X) P(X)` must vanish at 256, which holds exactly when
//! `E(X) = (X - 256) C(X)` for integer carries `C`: coefficient by coefficient,
//! `E_k = C_{k-1} - 256 C_k`. All limbs are range-checked bytes, so every `E_k` and `C_k` is
//! far below `p` in magnitude and the field equations are integer equations.
//!
//! Why by hand: no Plonky3 crate proves non-native arithmetic, and this layout reuses the
//! machine's byte table for every range check.

use num_bigint::{BigInt, BigUint, Sign};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::InteractionBuilder;

use crate::cols::column_layout;
use crate::lookups::{ByteCounts, range_bytes, range_pair};

/// Limbs of a field element.
pub const LIMBS: usize = 32;
/// Limbs of the offset quotient `q + 2^264` (`|q| < 2^264` for the left sides used here).
pub const QUOTIENT_LIMBS: usize = 34;
/// Carries: `E` has `QUOTIENT_LIMBS + LIMBS - 1` coefficients, `C` one fewer.
pub const CARRIES: usize = QUOTIENT_LIMBS + LIMBS - 2;
/// Carries are stored plus this offset, in `[0, 2^17)`: two range-checked bytes and a bit.
const CARRY_OFFSET: i64 = 1 << 16;
/// The quotient's offset, `2^264 = X^33`, keeps its limbs non-negative.
const QUOTIENT_OFFSET_LIMB: usize = QUOTIENT_LIMBS - 1;

/// Columns of one identity `L ≡ result (mod P)`.
#[repr(C)]
pub struct RelationCols<T> {
    /// `L mod P`, or any other representative below 2^256 (canonicity is checked apart).
    pub result: [T; LIMBS],
    /// `(L - result) / P + 2^264`.
    pub quotient: [T; QUOTIENT_LIMBS],
    /// `C_k + 2^16` as a low byte, a high byte and a top bit.
    pub carries: [[T; 3]; CARRIES],
}

column_layout!(RelationCols, NUM_RELATION_COLS, RELATION_COL_MAP);

/// Columns showing `x < P`: `d = P - 1 - x` as bytes, with the borrows of `x + d = P - 1`.
#[repr(C)]
pub struct CanonicalCols<T> {
    /// `P - 1 - x`.
    pub difference: [T; LIMBS],
    /// Carries of `x + difference`, limb by limb (the last is zero).
    pub carries: [T; LIMBS],
}

column_layout!(CanonicalCols, NUM_CANONICAL_COLS, CANONICAL_COL_MAP);

/// The coefficients of the product of two limb polynomials.
pub fn product<E: PrimeCharacteristicRing>(a: &[E], b: &[E]) -> Vec<E> {
    let mut out = vec![E::ZERO; a.len() + b.len() - 1];
    for (i, x) in a.iter().enumerate() {
        for (j, y) in b.iter().enumerate() {
            out[i + j] += x.clone() * y.clone();
        }
    }
    out
}

/// `a + scale * b`, coefficient by coefficient.
pub fn add_scaled<E: PrimeCharacteristicRing>(mut a: Vec<E>, b: &[E], scale: i64) -> Vec<E> {
    if a.len() < b.len() {
        a.resize(b.len(), E::ZERO);
    }
    let s = if scale >= 0 { E::from_u64(scale as u64) } else { -E::from_u64(scale.unsigned_abs()) };
    for (x, y) in a.iter_mut().zip(b) {
        *x += y.clone() * s.clone();
    }
    a
}

/// Constrains `left ≡ cols.result (mod modulus)` where `left` holds the coefficients of `L(X)`
/// (at most `QUOTIENT_LIMBS + LIMBS - 1` of them, each below 2^24 in magnitude for byte limbs);
/// its limbs and carries are range-checked `count` times (`count` boolean, 1 on real rows).
pub fn eval_relation<AB: InteractionBuilder>(
    builder: &mut AB,
    left: &[AB::Expr],
    cols: &RelationCols<AB::Var>,
    modulus: &[u8; LIMBS],
    count: AB::Expr,
) {
    let e = |v: AB::Var| -> AB::Expr { v.into() };
    let c = |v: u64| AB::Expr::from_u64(v);
    assert!(left.len() < QUOTIENT_LIMBS + LIMBS, "left side too long");
    let modulus_poly: Vec<AB::Expr> = modulus.iter().map(|&m| c(m as u64)).collect();
    let quotient_poly: Vec<AB::Expr> = cols.quotient.iter().map(|&q| e(q)).collect();
    let result_poly: Vec<AB::Expr> = cols.result.iter().map(|&r| e(r)).collect();
    // E = L - r - q' P + X^33 P.
    let mut poly = add_scaled(left.to_vec(), &result_poly, -1);
    poly = add_scaled(poly, &product(&quotient_poly, &modulus_poly), -1);
    let mut shifted = vec![AB::Expr::ZERO; QUOTIENT_OFFSET_LIMB];
    shifted.extend(modulus_poly);
    poly = add_scaled(poly, &shifted, 1);
    debug_assert_eq!(poly.len(), CARRIES + 1);
    let carry = |k: usize| -> AB::Expr {
        let [lo, hi, top] = cols.carries[k];
        e(lo) + e(hi) * c(256) + e(top) * c(1 << 16) - c(CARRY_OFFSET as u64)
    };
    for (k, coefficient) in poly.into_iter().enumerate() {
        let below = if k == 0 { AB::Expr::ZERO } else { carry(k - 1) };
        let here = if k < CARRIES { carry(k) } else { AB::Expr::ZERO };
        builder.assert_eq(coefficient, below - here * c(256));
    }
    for &[lo, hi, top] in &cols.carries {
        builder.assert_bool(top);
        range_pair(builder, lo, hi, count.clone());
    }
    range_bytes(builder, &cols.result, count.clone());
    range_bytes(builder, &cols.quotient, count);
}

/// Constrains `x < modulus` for the byte limbs `x`.
pub fn eval_canonical<AB: InteractionBuilder>(
    builder: &mut AB,
    x: &[AB::Var; LIMBS],
    cols: &CanonicalCols<AB::Var>,
    modulus: &[u8; LIMBS],
    count: AB::Expr,
) {
    let e = |v: AB::Var| -> AB::Expr { v.into() };
    let bound = limbs_of(&(BigUint::from_bytes_le(modulus) - 1u32));
    for k in 0..LIMBS {
        builder.assert_bool(cols.carries[k]);
        let carry_in = if k == 0 { AB::Expr::ZERO } else { e(cols.carries[k - 1]) };
        builder.assert_eq(
            e(x[k]) + e(cols.difference[k]) + carry_in,
            AB::Expr::from_u8(bound[k]) + e(cols.carries[k]) * AB::Expr::from_u16(256),
        );
    }
    builder.assert_zero(cols.carries[LIMBS - 1]);
    range_bytes(builder, &cols.difference, count);
}

/// The 32 little-endian limbs of `x < 2^256`.
pub fn limbs_of(x: &BigUint) -> [u8; LIMBS] {
    let mut out = [0u8; LIMBS];
    for (o, b) in out.iter_mut().zip(x.to_bytes_le()) {
        *o = b;
    }
    out
}

/// Integer coefficients of the product of two limb polynomials (the trace side of [`product`]).
pub fn product_of(a: &[i64], b: &[i64]) -> Vec<i64> {
    let mut out = vec![0; a.len() + b.len() - 1];
    for (i, &x) in a.iter().enumerate() {
        for (j, &y) in b.iter().enumerate() {
            out[i + j] += x * y;
        }
    }
    out
}

/// Integer `a + scale * b` (the trace side of [`add_scaled`]).
pub fn add_scaled_of(mut a: Vec<i64>, b: &[i64], scale: i64) -> Vec<i64> {
    if a.len() < b.len() {
        a.resize(b.len(), 0);
    }
    for (x, &y) in a.iter_mut().zip(b) {
        *x += y * scale;
    }
    a
}

/// Limbs as integer coefficients.
pub fn coefficients(x: &[u8]) -> Vec<i64> {
    x.iter().map(|&b| b as i64).collect()
}

/// Fills `cols` for `L ≡ result (mod modulus)`, `left` the coefficients of `L(X)`, with the
/// canonical result `L mod modulus`; records the range checks in `counts`. Returns the result.
pub fn fill_relation(
    cols: &mut RelationCols<u32>,
    left: &[i64],
    modulus: &[u8; LIMBS],
    counts: &mut ByteCounts,
) -> [u8; LIMBS] {
    let p = BigInt::from_bytes_le(Sign::Plus, modulus);
    let result = ((value_of(left) % &p) + &p) % &p;
    let result = limbs_of(&result.to_biguint().expect("non-negative"));
    fill_relation_with(cols, left, &result, modulus, counts);
    result
}

fn value_of(left: &[i64]) -> BigInt {
    left.iter().rev().fold(BigInt::from(0), |acc, &coefficient| acc * 256 + BigInt::from(coefficient))
}

/// Fills `cols` for `L ≡ result (mod modulus)` with a given representative `result` (which
/// must be congruent to `L`).
pub fn fill_relation_with(
    cols: &mut RelationCols<u32>,
    left: &[i64],
    result: &[u8; LIMBS],
    modulus: &[u8; LIMBS],
    counts: &mut ByteCounts,
) {
    let p = BigInt::from_bytes_le(Sign::Plus, modulus);
    let difference = value_of(left) - BigInt::from_bytes_le(Sign::Plus, result);
    assert_eq!(&difference % &p, BigInt::from(0), "the result is congruent to the left side");
    let quotient = difference / &p + (BigInt::from(1) << (8 * QUOTIENT_OFFSET_LIMB));
    let (Sign::Plus | Sign::NoSign, q) = quotient.to_bytes_le() else {
        panic!("left side out of the quotient's range");
    };
    assert!(q.len() <= QUOTIENT_LIMBS, "left side out of the quotient's range");
    let mut quotient = [0u8; QUOTIENT_LIMBS];
    quotient[..q.len()].copy_from_slice(&q);
    // E = L - r - q' P + X^33 P, then C_k = (C_{k-1} - E_k) / 256.
    let mut poly = add_scaled_of(left.to_vec(), &coefficients(result), -1);
    poly = add_scaled_of(poly, &product_of(&coefficients(&quotient), &coefficients(modulus)), -1);
    let mut shifted = vec![0; QUOTIENT_OFFSET_LIMB];
    shifted.extend(coefficients(modulus));
    poly = add_scaled_of(poly, &shifted, 1);
    let mut below = 0i64;
    for (k, &coefficient) in poly.iter().enumerate() {
        let numerator = below - coefficient;
        assert_eq!(numerator % 256, 0, "the identity holds");
        let carry = numerator / 256;
        if k < CARRIES {
            let stored = carry + CARRY_OFFSET;
            assert!((0..1 << 17).contains(&stored), "carry {carry} out of range");
            let (lo, hi) = ((stored & 0xff) as u8, ((stored >> 8) & 0xff) as u8);
            cols.carries[k] = [lo as u32, hi as u32, (stored >> 16) as u32];
            counts.range_pair(lo, hi);
        } else {
            assert_eq!(carry, 0, "the identity holds");
        }
        below = carry;
    }
    cols.result = result.map(u32::from);
    cols.quotient = quotient.map(u32::from);
    counts.range_bytes(result);
    counts.range_bytes(&quotient);
}

/// Fills `cols` for `x < modulus` (which must hold).
pub fn fill_canonical(
    cols: &mut CanonicalCols<u32>,
    x: &[u8; LIMBS],
    modulus: &[u8; LIMBS],
    counts: &mut ByteCounts,
) {
    let bound = BigUint::from_bytes_le(modulus) - 1u32;
    let value = BigUint::from_bytes_le(x);
    assert!(value <= bound, "not below the modulus");
    let difference = limbs_of(&(&bound - &value));
    let mut carry = 0u32;
    for k in 0..LIMBS {
        let sum = x[k] as u32 + difference[k] as u32 + carry;
        carry = sum >> 8;
        cols.carries[k] = carry;
    }
    cols.difference = difference.map(u32::from);
    counts.range_bytes(&difference);
}

#[cfg(test)]
mod tests;
