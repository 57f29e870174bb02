//! The zkvm-standards C functions (`zkvm_accelerators.h`).

/// `ZKVM_EOK`.
const EOK: i32 = 0;
/// `ZKVM_EFAIL`.
const EFAIL: i32 = -1;

/// `zkvm_status zkvm_keccak256(const uint8_t* data, size_t len, zkvm_keccak256_hash* output)`.
///
/// # Safety
/// `data` must be readable for `len` bytes and `output` writable for 32; neither may be null
/// (a null pointer panics, as the standard asks).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zkvm_keccak256(data: *const u8, len: usize, output: *mut [u8; 32]) -> i32 {
    assert!(!output.is_null() && (!data.is_null() || len == 0), "zkvm_keccak256: null pointer");
    // SAFETY: checked non-null above; the caller guarantees the lengths.
    let data = if len == 0 { &[][..] } else { unsafe { core::slice::from_raw_parts(data, len) } };
    // SAFETY: as above.
    unsafe { output.write(crate::keccak256(data)) };
    EOK
}

/// `zkvm_status zkvm_sha256(const uint8_t* data, size_t len, zkvm_sha256_hash* output)`.
///
/// # Safety
/// As for [`zkvm_keccak256`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zkvm_sha256(data: *const u8, len: usize, output: *mut [u8; 32]) -> i32 {
    assert!(!output.is_null() && (!data.is_null() || len == 0), "zkvm_sha256: null pointer");
    // SAFETY: checked non-null above; the caller guarantees the lengths.
    let data = if len == 0 { &[][..] } else { unsafe { core::slice::from_raw_parts(data, len) } };
    // SAFETY: as above.
    unsafe { output.write(crate::sha256(data)) };
    EOK
}

/// `zkvm_status zkvm_secp256k1_ecrecover(const zkvm_secp256k1_hash* msg, const
/// zkvm_secp256k1_signature* sig, uint8_t recid, zkvm_secp256k1_pubkey* output)`: the public key
/// (x || y) that signed `msg`; `ZKVM_EFAIL` for an invalid signature.
///
/// # Safety
/// Every pointer must be valid for its fixed size.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zkvm_secp256k1_ecrecover(
    msg: *const [u8; 32],
    sig: *const [u8; 64],
    recid: u8,
    output: *mut [u8; 64],
) -> i32 {
    assert!(!msg.is_null() && !sig.is_null() && !output.is_null(), "zkvm_secp256k1_ecrecover: null pointer");
    // SAFETY: checked non-null above; the caller guarantees the sizes.
    let (msg, sig) = unsafe { (&*msg, &*sig) };
    match crate::ecrecover(msg, sig, recid) {
        Some(public) => {
            // SAFETY: as above.
            unsafe { output.write(public) };
            EOK
        }
        None => EFAIL,
    }
}

/// The hook `alloy-primitives` calls for every `keccak256` when built with `native-keccak`.
///
/// # Safety
/// `bytes` must be readable for `len` bytes and `output` writable for 32.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn native_keccak256(bytes: *const u8, len: usize, output: *mut u8) {
    // SAFETY: forwarded from the caller.
    unsafe { zkvm_keccak256(bytes, len, output.cast()) };
}

// ---- Precompiles without a Hearth accelerator yet: software, behind the same C interface. ----
//
// Each function below computes in guest code with revm's pure-Rust backends (arkworks, p256,
// ripemd, aurora-engine-modexp). Accelerating one means replacing its body here; callers (the
// validation code, through revm's crypto hook) do not change.

use revm_precompile::{Crypto, DefaultCrypto};

/// A slice from a C pointer and length (a null pointer is only allowed for length 0).
///
/// # Safety
/// `ptr` must be readable for `len` bytes.
unsafe fn slice<'a>(ptr: *const u8, len: usize) -> &'a [u8] {
    if len == 0 {
        return &[];
    }
    assert!(!ptr.is_null(), "zkvm accelerator: null pointer");
    // SAFETY: the caller guarantees `ptr` is readable for `len` bytes.
    unsafe { core::slice::from_raw_parts(ptr, len) }
}

/// Writes `value` to `out` and returns the status for `ok`.
///
/// # Safety
/// `out` must be writable.
unsafe fn finish<T>(out: *mut T, value: Option<T>) -> i32 {
    assert!(!out.is_null(), "zkvm accelerator: null output pointer");
    match value {
        Some(v) => {
            // SAFETY: checked non-null; the caller guarantees it is writable.
            unsafe { out.write(v) };
            EOK
        }
        None => EFAIL,
    }
}

/// `zkvm_status zkvm_ripemd160(const uint8_t* data, size_t len, zkvm_ripemd160_hash* output)`:
/// the 20-byte hash, left-padded with 12 zero bytes.
///
/// # Safety
/// `data` readable for `len` bytes, `output` writable for 32.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zkvm_ripemd160(data: *const u8, len: usize, output: *mut [u8; 32]) -> i32 {
    // SAFETY: forwarded from the caller.
    unsafe { finish(output, Some(DefaultCrypto.ripemd160(slice(data, len)))) }
}

/// `zkvm_status zkvm_modexp(base, base_len, exp, exp_len, modulus, mod_len, output)`: writes
/// `base^exp mod modulus` as exactly `mod_len` big-endian bytes.
///
/// # Safety
/// Each input readable for its length; `output` writable for `mod_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zkvm_modexp(
    base: *const u8,
    base_len: usize,
    exp: *const u8,
    exp_len: usize,
    modulus: *const u8,
    mod_len: usize,
    output: *mut u8,
) -> i32 {
    // SAFETY: forwarded from the caller.
    let (base, exp, modulus) =
        unsafe { (slice(base, base_len), slice(exp, exp_len), slice(modulus, mod_len)) };
    let Ok(result) = DefaultCrypto.modexp(base, exp, modulus) else { return EFAIL };
    if result.len() > mod_len {
        return EFAIL;
    }
    if mod_len > 0 {
        // SAFETY: the caller guarantees `output` is writable for `mod_len` bytes.
        let out = unsafe { core::slice::from_raw_parts_mut(output, mod_len) };
        let pad = mod_len - result.len();
        out[..pad].fill(0);
        out[pad..].copy_from_slice(&result);
    }
    EOK
}

/// `zkvm_status zkvm_bn254_g1_add(p1, p2, result)` (EIP-196).
///
/// # Safety
/// Points are 64 bytes each.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zkvm_bn254_g1_add(
    p1: *const [u8; 64],
    p2: *const [u8; 64],
    result: *mut [u8; 64],
) -> i32 {
    // SAFETY: forwarded from the caller.
    unsafe { finish(result, DefaultCrypto.bn254_g1_add(&*p1, &*p2).ok()) }
}

/// `zkvm_status zkvm_bn254_g1_mul(point, scalar, result)` (EIP-196).
///
/// # Safety
/// `point` and `result` are 64 bytes, `scalar` 32.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zkvm_bn254_g1_mul(
    point: *const [u8; 64],
    scalar: *const [u8; 32],
    result: *mut [u8; 64],
) -> i32 {
    // SAFETY: forwarded from the caller.
    unsafe { finish(result, DefaultCrypto.bn254_g1_mul(&*point, &*scalar).ok()) }
}

/// `zkvm_status zkvm_bn254_pairing(pairs, num_pairs, verified)` (EIP-197): each pair is a G1
/// point (64 bytes) then a G2 point (128 bytes).
///
/// # Safety
/// `pairs` readable for `192 * num_pairs` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zkvm_bn254_pairing(pairs: *const u8, num_pairs: usize, verified: *mut bool) -> i32 {
    // SAFETY: forwarded from the caller.
    let bytes = unsafe { slice(pairs, 192 * num_pairs) };
    let pairs: alloc::vec::Vec<(&[u8], &[u8])> =
        bytes.chunks_exact(192).map(|p| (&p[..64], &p[64..])).collect();
    // SAFETY: forwarded from the caller.
    unsafe { finish(verified, DefaultCrypto.bn254_pairing_check(&pairs).ok()) }
}

/// `zkvm_status zkvm_blake2f(rounds, h, m, t, f)` (EIP-152): compresses in place; `h` is eight
/// little-endian u64s, `m` sixteen, `t` two.
///
/// # Safety
/// `h` writable for 64 bytes, `m` readable for 128, `t` for 16.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zkvm_blake2f(
    rounds: u32,
    h: *mut [u64; 8],
    m: *const [u64; 16],
    t: *const [u64; 2],
    f: u8,
) -> i32 {
    assert!(!h.is_null() && !m.is_null() && !t.is_null(), "zkvm_blake2f: null pointer");
    // SAFETY: checked non-null; the caller guarantees the sizes.
    unsafe { DefaultCrypto.blake2_compress(rounds, &mut *h, &*m, &*t, f != 0) };
    EOK
}

/// `zkvm_status zkvm_kzg_point_eval(commitment, z, y, proof, verified)` (EIP-4844).
///
/// # Safety
/// Fixed-size arguments as typed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zkvm_kzg_point_eval(
    commitment: *const [u8; 48],
    z: *const [u8; 32],
    y: *const [u8; 32],
    proof: *const [u8; 48],
    verified: *mut bool,
) -> i32 {
    // SAFETY: forwarded from the caller.
    let ok = unsafe { DefaultCrypto.verify_kzg_proof(&*z, &*y, &*commitment, &*proof).is_ok() };
    // SAFETY: forwarded from the caller.
    unsafe { finish(verified, Some(ok)) }
}

/// `zkvm_status zkvm_secp256r1_verify(msg, sig, pubkey, verified)` (EIP-7951).
///
/// # Safety
/// `msg` 32 bytes, `sig` and `pubkey` 64.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zkvm_secp256r1_verify(
    msg: *const [u8; 32],
    sig: *const [u8; 64],
    pubkey: *const [u8; 64],
    verified: *mut bool,
) -> i32 {
    // SAFETY: forwarded from the caller.
    let ok = unsafe { DefaultCrypto.secp256r1_verify_signature(&*msg, &*sig, &*pubkey) };
    // SAFETY: forwarded from the caller.
    unsafe { finish(verified, Some(ok)) }
}

type G1 = ([u8; 48], [u8; 48]);
type G2 = ([u8; 48], [u8; 48], [u8; 48], [u8; 48]);

fn g1(bytes: &[u8]) -> G1 {
    (bytes[..48].try_into().expect("48 bytes"), bytes[48..96].try_into().expect("48 bytes"))
}

fn g2(bytes: &[u8]) -> G2 {
    let fp = |i: usize| -> [u8; 48] { bytes[48 * i..48 * (i + 1)].try_into().expect("48 bytes") };
    (fp(0), fp(1), fp(2), fp(3))
}

/// `zkvm_status zkvm_bls12_g1_add(p1, p2, result)` (EIP-2537; 96-byte unpadded points).
///
/// # Safety
/// Points are 96 bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zkvm_bls12_g1_add(
    p1: *const [u8; 96],
    p2: *const [u8; 96],
    result: *mut [u8; 96],
) -> i32 {
    // SAFETY: forwarded from the caller.
    unsafe { finish(result, DefaultCrypto.bls12_381_g1_add(g1(&*p1), g1(&*p2)).ok()) }
}

/// `zkvm_status zkvm_bls12_g1_msm(pairs, num_pairs, result)`: each pair is a 96-byte point and a
/// 32-byte scalar.
///
/// # Safety
/// `pairs` readable for `128 * num_pairs` bytes, `result` writable for 96.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zkvm_bls12_g1_msm(pairs: *const u8, num_pairs: usize, result: *mut [u8; 96]) -> i32 {
    // SAFETY: forwarded from the caller.
    let bytes = unsafe { slice(pairs, 128 * num_pairs) };
    let mut pairs =
        bytes.chunks_exact(128).map(|p| Ok((g1(&p[..96]), p[96..].try_into().expect("32 bytes"))));
    // SAFETY: forwarded from the caller.
    unsafe { finish(result, DefaultCrypto.bls12_381_g1_msm(&mut pairs).ok()) }
}

/// `zkvm_status zkvm_bls12_g2_add(p1, p2, result)` (EIP-2537; 192-byte unpadded points).
///
/// # Safety
/// Points are 192 bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zkvm_bls12_g2_add(
    p1: *const [u8; 192],
    p2: *const [u8; 192],
    result: *mut [u8; 192],
) -> i32 {
    // SAFETY: forwarded from the caller.
    unsafe { finish(result, DefaultCrypto.bls12_381_g2_add(g2(&*p1), g2(&*p2)).ok()) }
}

/// `zkvm_status zkvm_bls12_g2_msm(pairs, num_pairs, result)`: each pair is a 192-byte point and a
/// 32-byte scalar.
///
/// # Safety
/// `pairs` readable for `224 * num_pairs` bytes, `result` writable for 192.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zkvm_bls12_g2_msm(
    pairs: *const u8,
    num_pairs: usize,
    result: *mut [u8; 192],
) -> i32 {
    // SAFETY: forwarded from the caller.
    let bytes = unsafe { slice(pairs, 224 * num_pairs) };
    let mut pairs =
        bytes.chunks_exact(224).map(|p| Ok((g2(&p[..192]), p[192..].try_into().expect("32 bytes"))));
    // SAFETY: forwarded from the caller.
    unsafe { finish(result, DefaultCrypto.bls12_381_g2_msm(&mut pairs).ok()) }
}

/// `zkvm_status zkvm_bls12_pairing(pairs, num_pairs, verified)`: each pair is a 96-byte G1 point
/// then a 192-byte G2 point.
///
/// # Safety
/// `pairs` readable for `288 * num_pairs` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zkvm_bls12_pairing(pairs: *const u8, num_pairs: usize, verified: *mut bool) -> i32 {
    // SAFETY: forwarded from the caller.
    let bytes = unsafe { slice(pairs, 288 * num_pairs) };
    let pairs: alloc::vec::Vec<(G1, G2)> =
        bytes.chunks_exact(288).map(|p| (g1(&p[..96]), g2(&p[96..]))).collect();
    // SAFETY: forwarded from the caller.
    unsafe { finish(verified, DefaultCrypto.bls12_381_pairing_check(&pairs).ok()) }
}

/// `zkvm_status zkvm_bls12_map_fp_to_g1(field_element, result)`.
///
/// # Safety
/// 48 bytes in, 96 out.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zkvm_bls12_map_fp_to_g1(fp: *const [u8; 48], result: *mut [u8; 96]) -> i32 {
    // SAFETY: forwarded from the caller.
    unsafe { finish(result, DefaultCrypto.bls12_381_fp_to_g1(&*fp).ok()) }
}

/// `zkvm_status zkvm_bls12_map_fp2_to_g2(field_element, result)`.
///
/// # Safety
/// 96 bytes in, 192 out.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zkvm_bls12_map_fp2_to_g2(fp2: *const [u8; 96], result: *mut [u8; 192]) -> i32 {
    // SAFETY: forwarded from the caller.
    let fp2 = unsafe { &*fp2 };
    let (c0, c1) = (fp2[..48].try_into().expect("48 bytes"), fp2[48..].try_into().expect("48 bytes"));
    // SAFETY: forwarded from the caller.
    unsafe { finish(result, DefaultCrypto.bls12_381_fp2_to_g2((c0, c1)).ok()) }
}
