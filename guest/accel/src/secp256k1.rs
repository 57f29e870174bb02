//! secp256k1 public-key recovery (ECDSA `ecrecover`) on Hearth's point accelerators.
//!
//! The expensive part of recovery is `u1·G + u2·R`. It runs here as a Straus-Shamir
//! double-and-add, where every point doubling and addition is one accelerator call; the guest
//! itself only walks the scalar bits and handles the cases the accelerators exclude (adding a
//! point to itself or to its negation). Decompressing `R` from `r` is an accelerator call too.
//! Arithmetic modulo the group order (`r⁻¹`, `u1`, `u2`) is a handful of operations, done in
//! software with `k256`'s scalars.

use hearth_runtime::syscall::{
    Aligned, Secp256k1Point, secp256k1_add, secp256k1_decompress, secp256k1_double,
};
use k256::{
    FieldBytes, Scalar,
    elliptic_curve::{PrimeField, ops::Reduce},
};

/// The generator G (x then y, little-endian limbs).
const G: Secp256k1Point = Aligned([
    0x59f2_815b_16f8_1798,
    0x029b_fcdb_2dce_28d9,
    0x55a0_6295_ce87_0b07,
    0x79be_667e_f9dc_bbac,
    0x9c47_d08f_fb10_d4b8,
    0xfd17_b448_a685_5419,
    0x5da4_fbfc_0e11_08a8,
    0x483a_da77_26a3_c465,
]);

/// The group order n as four little-endian limbs.
const ORDER: [u64; 4] =
    [0xbfd2_5e8c_d036_4141, 0xbaae_dce6_af48_a03b, 0xffff_ffff_ffff_fffe, 0xffff_ffff_ffff_ffff];
/// The field prime p as four little-endian limbs.
const PRIME: [u64; 4] =
    [0xffff_fffe_ffff_fc2f, 0xffff_ffff_ffff_ffff, 0xffff_ffff_ffff_ffff, 0xffff_ffff_ffff_ffff];

/// Big-endian bytes as little-endian limbs.
fn limbs(be: &[u8]) -> [u64; 4] {
    core::array::from_fn(|i| {
        let start = 32 - 8 * (i + 1);
        u64::from_be_bytes(be[start..start + 8].try_into().expect("8 bytes"))
    })
}

/// `a + b` for little-endian 256-bit numbers, or `None` on overflow.
fn add_limbs(a: &[u64; 4], b: &[u64; 4]) -> Option<[u64; 4]> {
    let mut out = [0u64; 4];
    let mut carry = false;
    for i in 0..4 {
        let (s, c1) = a[i].overflowing_add(b[i]);
        let (s, c2) = s.overflowing_add(u64::from(carry));
        out[i] = s;
        carry = c1 || c2;
    }
    (!carry).then_some(out)
}

/// `a < b` for little-endian 256-bit numbers.
fn less(a: &[u64; 4], b: &[u64; 4]) -> bool {
    (0..4).rev().find(|&i| a[i] != b[i]).is_some_and(|i| a[i] < b[i])
}

fn same_x(p: &Secp256k1Point, q: &Secp256k1Point) -> bool {
    p.0[..4] == q.0[..4]
}

/// `acc + p`, where `None` is the point at infinity.
fn add(acc: Option<Secp256k1Point>, p: Option<&Secp256k1Point>) -> Option<Secp256k1Point> {
    let Some(p) = p else { return acc };
    let Some(mut acc) = acc else { return Some(*p) };
    if same_x(&acc, p) {
        if acc.0[4..] == p.0[4..] {
            secp256k1_double(&mut acc);
            return Some(acc);
        }
        // p = -acc.
        return None;
    }
    secp256k1_add(&mut acc, p);
    Some(acc)
}

fn bit(scalar: &FieldBytes, i: usize) -> bool {
    (scalar[31 - i / 8] >> (i % 8)) & 1 == 1
}

/// `u1·G + u2·R`, or `None` for the point at infinity.
fn double_mul(u1: &Scalar, u2: &Scalar, r: &Secp256k1Point) -> Option<Secp256k1Point> {
    let (b1, b2) = (u1.to_bytes(), u2.to_bytes());
    let g_plus_r = add(Some(G), Some(r));
    let mut acc: Option<Secp256k1Point> = None;
    for i in (0..256).rev() {
        if let Some(point) = acc.as_mut() {
            secp256k1_double(point);
        }
        let addend = match (bit(&b1, i), bit(&b2, i)) {
            (false, false) => continue,
            (true, false) => Some(&G),
            (false, true) => Some(r),
            // G + R may itself be the point at infinity.
            (true, true) => match &g_plus_r {
                Some(sum) => Some(sum),
                None => continue,
            },
        };
        acc = add(acc, addend);
    }
    acc
}

/// Recovers the uncompressed public key (x || y, big-endian) that produced signature `sig`
/// (r || s, big-endian) with recovery id `recid` (0..=3) over the 32-byte message hash `msg`.
/// `None` for an invalid signature.
pub fn ecrecover(msg: &[u8; 32], sig: &[u8; 64], recid: u8) -> Option<[u8; 64]> {
    if recid > 3 {
        return None;
    }
    let r_bytes: [u8; 32] = sig[..32].try_into().ok()?;
    let s_bytes: [u8; 32] = sig[32..].try_into().ok()?;
    let r = Option::<Scalar>::from(Scalar::from_repr(r_bytes.into()))?;
    let s = Option::<Scalar>::from(Scalar::from_repr(s_bytes.into()))?;
    if bool::from(r.is_zero()) || bool::from(s.is_zero()) {
        return None;
    }
    // R's x is r, or r + n for the (astronomically rare) recovery ids 2 and 3.
    let mut x = limbs(&r_bytes);
    if recid & 2 != 0 {
        x = add_limbs(&x, &ORDER)?;
    }
    if !less(&x, &PRIME) {
        return None;
    }
    let mut big_r: Secp256k1Point = Aligned([x[0], x[1], x[2], x[3], 0, 0, 0, 0]);
    if !secp256k1_decompress(&mut big_r, recid & 1 == 1) {
        return None;
    }
    let z = <Scalar as Reduce<FieldBytes>>::reduce(&(*msg).into());
    let r_inv = Option::<Scalar>::from(r.invert_vartime())?;
    let u1 = -(z * r_inv);
    let u2 = s * r_inv;
    let q = double_mul(&u1, &u2, &big_r)?;
    let mut out = [0u8; 64];
    for (i, limb) in q.0.iter().enumerate() {
        // Limb i of x (i < 4) or y (i >= 4), little-endian, into big-endian bytes.
        let coordinate = i / 4;
        let at = 32 * coordinate + 32 - 8 * (i % 4 + 1);
        out[at..at + 8].copy_from_slice(&limb.to_be_bytes());
    }
    Some(out)
}
