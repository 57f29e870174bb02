//! A test table proving `a * b + 2 c - d ≡ r (mod P)` with `r` canonical, on secp256k1's prime.

use core::borrow::{Borrow, BorrowMut};

use num_bigint::BigUint;
use p3_air::{Air, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::InteractionBuilder;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::*;
use crate::chips::secp256k1::arithmetic::field_prime;

#[repr(C)]
pub(crate) struct TestCols<T> {
    a: [T; LIMBS],
    b: [T; LIMBS],
    c: [T; LIMBS],
    d: [T; LIMBS],
    relation: RelationCols<T>,
    canonical: CanonicalCols<T>,
}

column_layout!(TestCols, NUM_TEST_COLS, TEST_COL_MAP);

struct TestChip {
    /// Whether the result must be canonical.
    canonical: bool,
}

impl<F: p3_field::Field> BaseAir<F> for TestChip {
    fn width(&self) -> usize {
        NUM_TEST_COLS
    }
}

impl<AB: InteractionBuilder<F: p3_field::Field>> Air<AB> for TestChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &TestCols<AB::Var> = main.current_slice().borrow();
        let exprs = |x: &[AB::Var; LIMBS]| -> Vec<AB::Expr> { x.iter().map(|&v| v.into()).collect() };
        let mut left = product(&exprs(&local.a), &exprs(&local.b));
        left = add_scaled(left, &exprs(&local.c), 2);
        left = add_scaled(left, &exprs(&local.d), -1);
        eval_relation(builder, &left, &local.relation, &field_prime(), AB::Expr::ONE);
        if self.canonical {
            eval_canonical(builder, &local.relation.result, &local.canonical, &field_prime(), AB::Expr::ONE);
        }
    }
}

fn row(a: [u8; 32], b: [u8; 32], c: [u8; 32], d: [u8; 32]) -> (Vec<u32>, [u8; 32]) {
    let mut values = vec![0u32; NUM_TEST_COLS];
    let r: &mut TestCols<u32> = values.as_mut_slice().borrow_mut();
    r.a = a.map(u32::from);
    r.b = b.map(u32::from);
    r.c = c.map(u32::from);
    r.d = d.map(u32::from);
    let mut left = product_of(&coefficients(&a), &coefficients(&b));
    left = add_scaled_of(left, &coefficients(&c), 2);
    left = add_scaled_of(left, &coefficients(&d), -1);
    let mut counts = ByteCounts::default();
    let result = fill_relation(&mut r.relation, &left, &field_prime(), &mut counts);
    fill_canonical(&mut r.canonical, &result, &field_prime(), &mut counts);
    (values, result)
}

/// Whether the constraints hold and every byte lookup is a true fact.
fn accepted(values: &[u32]) -> bool {
    accepted_by(&TestChip { canonical: true }, values)
}

fn accepted_by(chip: &TestChip, values: &[u32]) -> bool {
    crate::chips::testing::row_holds_alone(chip, values)
}

fn expected(a: &[u8; 32], b: &[u8; 32], c: &[u8; 32], d: &[u8; 32]) -> [u8; 32] {
    let n = |x: &[u8; 32]| BigUint::from_bytes_le(x);
    let p = n(&field_prime());
    // a b + 2 c - d, kept non-negative by adding p enough times.
    limbs_of(&((n(a) * n(b) + n(c) * 2u32 + &p * 2u32 - n(d) % &p) % &p))
}

#[test]
fn honest_relations_hold_and_match_big_integers() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let edges = [[0u8; 32], [0xff; 32], field_prime(), {
        let mut x = field_prime();
        x[0] -= 1;
        x
    }];
    let mut cases = Vec::new();
    for &a in &edges {
        for &b in &edges {
            cases.push((a, b, edges[1], edges[3]));
        }
    }
    for _ in 0..50 {
        cases.push((rng.random(), rng.random(), rng.random(), rng.random()));
    }
    for (a, b, c, d) in cases {
        let (values, result) = row(a, b, c, d);
        assert_eq!(result, expected(&a, &b, &c, &d));
        assert!(accepted(&values), "honest row rejected");
    }
}

#[test]
fn tampered_relations_are_rejected() {
    let mut rng = ChaCha8Rng::seed_from_u64(8);
    let (a, b, c, d): ([u8; 32], [u8; 32], [u8; 32], [u8; 32]) =
        (rng.random(), rng.random(), rng.random(), rng.random());
    let (honest, _) = row(a, b, c, d);
    // Any single cell plus one.
    for &col in TEST_COL_MAP.as_slice() {
        let mut values = honest.clone();
        values[col] += 1;
        assert!(!accepted(&values), "cell {col} changed by one was accepted");
    }
    // A result off by P (5 + P < 2^256) with a quotient and carries that make the identity
    // hold: the relation is a congruence and accepts it; the canonical check refuses it.
    let five = {
        let mut x = [0u8; 32];
        x[0] = 5;
        x
    };
    let one = {
        let mut x = [0u8; 32];
        x[0] = 1;
        x
    };
    let (mut forged, result) = row(five, one, [0; 32], [0; 32]);
    assert_eq!(result, five);
    let plus_p = limbs_of(&(BigUint::from_bytes_le(&five) + BigUint::from_bytes_le(&field_prime())));
    let r: &mut TestCols<u32> = forged.as_mut_slice().borrow_mut();
    let left = product_of(&coefficients(&five), &coefficients(&one));
    fill_relation_with(&mut r.relation, &left, &plus_p, &field_prime(), &mut ByteCounts::default());
    assert!(accepted_by(&TestChip { canonical: false }, &forged), "the congruence alone holds");
    // The canonical columns as near as they can get: P - 1 - x wraps around.
    let wrapped = limbs_of(
        &((BigUint::from(1u32) << 256) + BigUint::from_bytes_le(&field_prime())
            - 1u32
            - BigUint::from_bytes_le(&plus_p)),
    );
    let r: &mut TestCols<u32> = forged.as_mut_slice().borrow_mut();
    r.canonical.difference = wrapped.map(u32::from);
    assert!(!accepted(&forged), "a non-canonical result was accepted");
}
