//! Cryptography used by validation, routed to the zkVM's accelerators in the guest.
//!
//! With the `zkvm` feature every operation goes through the zkvm-standards C interface
//! (`zkvm_keccak256`, `zkvm_secp256k1_ecrecover`, `zkvm_sha256`, `zkvm_modexp`, `zkvm_bn254_*`,
//! `zkvm_bls12_*`, `zkvm_kzg_point_eval`, `zkvm_blake2f`, `zkvm_ripemd160`,
//! `zkvm_secp256r1_verify`), which the guest's accelerator library implements; Keccak-256 reaches
//! it through `alloy-primitives`' `native-keccak` hook. Without it (natively on the host) the same
//! operations use the software implementations revm and alloy ship. Either way revm's precompiles
//! see them through its [`Crypto`] hook, wrapped in the [`phase::PRECOMPILE`] profile scope, and
//! alloy's own signature recovery (EIP-7702 authorities) goes to [`ecrecover`] too.

use alloc::vec::Vec;
use alloy_primitives::{Address, B256, Signature, U256, keccak256};

#[cfg(not(feature = "zkvm"))]
use revm::precompile::DefaultCrypto;
use revm::precompile::{
    Crypto, PrecompileHalt,
    bls12_381::{G1Point, G1PointScalar, G2Point, G2PointScalar},
    install_crypto,
};

use crate::profile::{phase, scope};

/// Half the secp256k1 group order: signatures with a larger `s` are malleable (EIP-2).
const SECP256K1N_HALF: U256 = U256::from_be_bytes([
    0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x5d,
    0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0,
]);

/// The zkvm-standards C interface, implemented by the guest's accelerator library.
#[cfg(feature = "zkvm")]
mod zkvm {
    unsafe extern "C" {
        pub fn zkvm_secp256k1_ecrecover(
            msg: *const [u8; 32],
            sig: *const [u8; 64],
            recid: u8,
            output: *mut [u8; 64],
        ) -> i32;
        pub fn zkvm_sha256(data: *const u8, len: usize, output: *mut [u8; 32]) -> i32;
        pub fn zkvm_ripemd160(data: *const u8, len: usize, output: *mut [u8; 32]) -> i32;
        pub fn zkvm_modexp(
            base: *const u8,
            base_len: usize,
            exp: *const u8,
            exp_len: usize,
            modulus: *const u8,
            mod_len: usize,
            output: *mut u8,
        ) -> i32;
        pub fn zkvm_bn254_g1_add(p1: *const [u8; 64], p2: *const [u8; 64], result: *mut [u8; 64]) -> i32;
        pub fn zkvm_bn254_g1_mul(
            point: *const [u8; 64],
            scalar: *const [u8; 32],
            result: *mut [u8; 64],
        ) -> i32;
        pub fn zkvm_bn254_pairing(pairs: *const u8, num_pairs: usize, verified: *mut bool) -> i32;
        pub fn zkvm_blake2f(
            rounds: u32,
            h: *mut [u64; 8],
            m: *const [u64; 16],
            t: *const [u64; 2],
            f: u8,
        ) -> i32;
        pub fn zkvm_kzg_point_eval(
            commitment: *const [u8; 48],
            z: *const [u8; 32],
            y: *const [u8; 32],
            proof: *const [u8; 48],
            verified: *mut bool,
        ) -> i32;
        pub fn zkvm_secp256r1_verify(
            msg: *const [u8; 32],
            sig: *const [u8; 64],
            pubkey: *const [u8; 64],
            verified: *mut bool,
        ) -> i32;
        pub fn zkvm_bls12_g1_add(p1: *const [u8; 96], p2: *const [u8; 96], result: *mut [u8; 96]) -> i32;
        pub fn zkvm_bls12_g1_msm(pairs: *const u8, num_pairs: usize, result: *mut [u8; 96]) -> i32;
        pub fn zkvm_bls12_g2_add(p1: *const [u8; 192], p2: *const [u8; 192], result: *mut [u8; 192]) -> i32;
        pub fn zkvm_bls12_g2_msm(pairs: *const u8, num_pairs: usize, result: *mut [u8; 192]) -> i32;
        pub fn zkvm_bls12_pairing(pairs: *const u8, num_pairs: usize, verified: *mut bool) -> i32;
        pub fn zkvm_bls12_map_fp_to_g1(fp: *const [u8; 48], result: *mut [u8; 96]) -> i32;
        pub fn zkvm_bls12_map_fp2_to_g2(fp2: *const [u8; 96], result: *mut [u8; 192]) -> i32;
    }
}

/// Recovers the uncompressed public key (x || y, big-endian) that signed `msg`.
pub fn ecrecover(msg: &[u8; 32], sig: &[u8; 64], recid: u8) -> Option<[u8; 64]> {
    #[cfg(feature = "zkvm")]
    {
        let mut out = [0u8; 64];
        // SAFETY: every pointer is valid for its fixed size.
        let status = unsafe { zkvm::zkvm_secp256k1_ecrecover(msg, sig, recid, &mut out) };
        (status == 0).then_some(out)
    }
    #[cfg(not(feature = "zkvm"))]
    {
        use k256::ecdsa::{RecoveryId, Signature as EcdsaSignature, VerifyingKey};
        let signature = EcdsaSignature::from_slice(sig).ok()?;
        let recid = RecoveryId::from_byte(recid)?;
        let key = VerifyingKey::recover_from_prehash(msg, &signature, recid).ok()?;
        let point = key.to_sec1_point(false);
        point.as_bytes().get(1..65)?.try_into().ok()
    }
}

/// The address that signed `hash`, or `None` for an invalid or malleable (high-s) signature.
pub fn recover_signer(signature: &Signature, hash: B256) -> Option<Address> {
    if signature.s() > SECP256K1N_HALF {
        return None;
    }
    let mut sig = [0u8; 64];
    sig[..32].copy_from_slice(&signature.r().to_be_bytes::<32>());
    sig[32..].copy_from_slice(&signature.s().to_be_bytes::<32>());
    let public = ecrecover(&hash.0, &sig, u8::from(signature.v()))?;
    Some(Address::from_slice(&keccak256(public)[12..]))
}

/// revm's crypto hook: every precompile's cryptography, profiled, and with the `zkvm` feature
/// routed through the zkvm-standards C interface.
#[derive(Debug, Clone, Copy)]
struct HearthCrypto;

#[cfg(not(feature = "zkvm"))]
impl Crypto for HearthCrypto {
    fn sha256(&self, input: &[u8]) -> [u8; 32] {
        scope(phase::PRECOMPILE, || DefaultCrypto.sha256(input))
    }

    fn ripemd160(&self, input: &[u8]) -> [u8; 32] {
        scope(phase::PRECOMPILE, || DefaultCrypto.ripemd160(input))
    }

    fn bn254_g1_add(&self, p1: &[u8], p2: &[u8]) -> Result<[u8; 64], PrecompileHalt> {
        scope(phase::PRECOMPILE, || DefaultCrypto.bn254_g1_add(p1, p2))
    }

    fn bn254_g1_mul(&self, point: &[u8], scalar: &[u8]) -> Result<[u8; 64], PrecompileHalt> {
        scope(phase::PRECOMPILE, || DefaultCrypto.bn254_g1_mul(point, scalar))
    }

    fn bn254_pairing_check(&self, pairs: &[(&[u8], &[u8])]) -> Result<bool, PrecompileHalt> {
        scope(phase::PRECOMPILE, || DefaultCrypto.bn254_pairing_check(pairs))
    }

    fn secp256k1_ecrecover(
        &self,
        sig: &[u8; 64],
        recid: u8,
        msg: &[u8; 32],
    ) -> Result<[u8; 32], PrecompileHalt> {
        scope(phase::PRECOMPILE, || ecrecover_address_word(sig, recid, msg))
    }

    fn modexp(&self, base: &[u8], exp: &[u8], modulus: &[u8]) -> Result<Vec<u8>, PrecompileHalt> {
        scope(phase::PRECOMPILE, || DefaultCrypto.modexp(base, exp, modulus))
    }

    fn blake2_compress(&self, rounds: u32, h: &mut [u64; 8], m: &[u64; 16], t: &[u64; 2], f: bool) {
        scope(phase::PRECOMPILE, || DefaultCrypto.blake2_compress(rounds, h, m, t, f))
    }

    fn secp256r1_verify_signature(&self, msg: &[u8; 32], sig: &[u8; 64], pk: &[u8; 64]) -> bool {
        scope(phase::PRECOMPILE, || DefaultCrypto.secp256r1_verify_signature(msg, sig, pk))
    }

    fn verify_kzg_proof(
        &self,
        z: &[u8; 32],
        y: &[u8; 32],
        commitment: &[u8; 48],
        proof: &[u8; 48],
    ) -> Result<(), PrecompileHalt> {
        scope(phase::PRECOMPILE, || DefaultCrypto.verify_kzg_proof(z, y, commitment, proof))
    }

    fn bls12_381_g1_add(&self, a: G1Point, b: G1Point) -> Result<[u8; 96], PrecompileHalt> {
        scope(phase::PRECOMPILE, || DefaultCrypto.bls12_381_g1_add(a, b))
    }

    fn bls12_381_g1_msm(
        &self,
        pairs: &mut dyn Iterator<Item = Result<G1PointScalar, PrecompileHalt>>,
    ) -> Result<[u8; 96], PrecompileHalt> {
        scope(phase::PRECOMPILE, || DefaultCrypto.bls12_381_g1_msm(pairs))
    }

    fn bls12_381_g2_add(&self, a: G2Point, b: G2Point) -> Result<[u8; 192], PrecompileHalt> {
        scope(phase::PRECOMPILE, || DefaultCrypto.bls12_381_g2_add(a, b))
    }

    fn bls12_381_g2_msm(
        &self,
        pairs: &mut dyn Iterator<Item = Result<G2PointScalar, PrecompileHalt>>,
    ) -> Result<[u8; 192], PrecompileHalt> {
        scope(phase::PRECOMPILE, || DefaultCrypto.bls12_381_g2_msm(pairs))
    }

    fn bls12_381_pairing_check(&self, pairs: &[(G1Point, G2Point)]) -> Result<bool, PrecompileHalt> {
        scope(phase::PRECOMPILE, || DefaultCrypto.bls12_381_pairing_check(pairs))
    }

    fn bls12_381_fp_to_g1(&self, fp: &[u8; 48]) -> Result<[u8; 96], PrecompileHalt> {
        scope(phase::PRECOMPILE, || DefaultCrypto.bls12_381_fp_to_g1(fp))
    }

    fn bls12_381_fp2_to_g2(&self, fp2: ([u8; 48], [u8; 48])) -> Result<[u8; 192], PrecompileHalt> {
        scope(phase::PRECOMPILE, || DefaultCrypto.bls12_381_fp2_to_g2(fp2))
    }
}

/// `ecrecover`'s output word: the signer's address, left-padded to 32 bytes.
fn ecrecover_address_word(sig: &[u8; 64], recid: u8, msg: &[u8; 32]) -> Result<[u8; 32], PrecompileHalt> {
    let public = ecrecover(msg, sig, recid).ok_or(PrecompileHalt::Secp256k1RecoverFailed)?;
    let mut out = keccak256(public).0;
    out[..12].fill(0);
    Ok(out)
}

#[cfg(feature = "zkvm")]
mod zkvm_crypto {
    use super::*;
    use zkvm::*;

    /// Any failure of an accelerator: the precompile call fails (every halt reason costs the same).
    const FAILED: PrecompileHalt =
        PrecompileHalt::Other(alloc::borrow::Cow::Borrowed("accelerator rejected the input"));

    fn status(code: i32) -> Result<(), PrecompileHalt> {
        if code == 0 { Ok(()) } else { Err(FAILED) }
    }

    fn flatten_g1(p: &G1Point) -> [u8; 96] {
        let mut out = [0u8; 96];
        out[..48].copy_from_slice(&p.0);
        out[48..].copy_from_slice(&p.1);
        out
    }

    fn flatten_g2(p: &G2Point) -> [u8; 192] {
        let mut out = [0u8; 192];
        for (i, fp) in [&p.0, &p.1, &p.2, &p.3].into_iter().enumerate() {
            out[48 * i..48 * (i + 1)].copy_from_slice(fp);
        }
        out
    }

    /// A fixed-size array from a slice of the right length, else the precompile fails.
    fn array<const N: usize>(bytes: &[u8]) -> Result<&[u8; N], PrecompileHalt> {
        bytes.try_into().map_err(|_| FAILED)
    }

    // SAFETY (every `unsafe` call below): each pointer comes from a live slice, array or output
    // buffer of exactly the size the C function reads or writes.
    impl Crypto for HearthCrypto {
        fn sha256(&self, input: &[u8]) -> [u8; 32] {
            scope(phase::PRECOMPILE, || {
                let mut out = [0u8; 32];
                // SAFETY: see above.
                unsafe { zkvm_sha256(input.as_ptr(), input.len(), &mut out) };
                out
            })
        }

        fn ripemd160(&self, input: &[u8]) -> [u8; 32] {
            scope(phase::PRECOMPILE, || {
                let mut out = [0u8; 32];
                // SAFETY: see above.
                unsafe { zkvm_ripemd160(input.as_ptr(), input.len(), &mut out) };
                out
            })
        }

        fn bn254_g1_add(&self, p1: &[u8], p2: &[u8]) -> Result<[u8; 64], PrecompileHalt> {
            scope(phase::PRECOMPILE, || {
                let mut out = [0u8; 64];
                // SAFETY: see above.
                status(unsafe { zkvm_bn254_g1_add(array(p1)?, array(p2)?, &mut out) })?;
                Ok(out)
            })
        }

        fn bn254_g1_mul(&self, point: &[u8], scalar: &[u8]) -> Result<[u8; 64], PrecompileHalt> {
            scope(phase::PRECOMPILE, || {
                let mut out = [0u8; 64];
                // SAFETY: see above.
                status(unsafe { zkvm_bn254_g1_mul(array(point)?, array(scalar)?, &mut out) })?;
                Ok(out)
            })
        }

        fn bn254_pairing_check(&self, pairs: &[(&[u8], &[u8])]) -> Result<bool, PrecompileHalt> {
            scope(phase::PRECOMPILE, || {
                let mut bytes = Vec::with_capacity(192 * pairs.len());
                for (g1, g2) in pairs {
                    bytes.extend_from_slice(array::<64>(g1)?);
                    bytes.extend_from_slice(array::<128>(g2)?);
                }
                let mut verified = false;
                // SAFETY: see above.
                status(unsafe { zkvm_bn254_pairing(bytes.as_ptr(), pairs.len(), &mut verified) })?;
                Ok(verified)
            })
        }

        fn secp256k1_ecrecover(
            &self,
            sig: &[u8; 64],
            recid: u8,
            msg: &[u8; 32],
        ) -> Result<[u8; 32], PrecompileHalt> {
            scope(phase::PRECOMPILE, || ecrecover_address_word(sig, recid, msg))
        }

        fn modexp(&self, base: &[u8], exp: &[u8], modulus: &[u8]) -> Result<Vec<u8>, PrecompileHalt> {
            scope(phase::PRECOMPILE, || {
                let mut out = alloc::vec![0u8; modulus.len()];
                // SAFETY: see above.
                status(unsafe {
                    zkvm_modexp(
                        base.as_ptr(),
                        base.len(),
                        exp.as_ptr(),
                        exp.len(),
                        modulus.as_ptr(),
                        modulus.len(),
                        out.as_mut_ptr(),
                    )
                })?;
                Ok(out)
            })
        }

        fn blake2_compress(&self, rounds: u32, h: &mut [u64; 8], m: &[u64; 16], t: &[u64; 2], f: bool) {
            // SAFETY: see above.
            scope(phase::PRECOMPILE, || unsafe { zkvm_blake2f(rounds, h, m, t, u8::from(f)) });
        }

        fn secp256r1_verify_signature(&self, msg: &[u8; 32], sig: &[u8; 64], pk: &[u8; 64]) -> bool {
            scope(phase::PRECOMPILE, || {
                let mut verified = false;
                // SAFETY: see above.
                let ok = unsafe { zkvm_secp256r1_verify(msg, sig, pk, &mut verified) } == 0;
                ok && verified
            })
        }

        fn verify_kzg_proof(
            &self,
            z: &[u8; 32],
            y: &[u8; 32],
            commitment: &[u8; 48],
            proof: &[u8; 48],
        ) -> Result<(), PrecompileHalt> {
            scope(phase::PRECOMPILE, || {
                let mut verified = false;
                // SAFETY: see above.
                status(unsafe { zkvm_kzg_point_eval(commitment, z, y, proof, &mut verified) })?;
                if verified { Ok(()) } else { Err(PrecompileHalt::BlobVerifyKzgProofFailed) }
            })
        }

        fn bls12_381_g1_add(&self, a: G1Point, b: G1Point) -> Result<[u8; 96], PrecompileHalt> {
            scope(phase::PRECOMPILE, || {
                let mut out = [0u8; 96];
                // SAFETY: see above.
                status(unsafe { zkvm_bls12_g1_add(&flatten_g1(&a), &flatten_g1(&b), &mut out) })?;
                Ok(out)
            })
        }

        fn bls12_381_g1_msm(
            &self,
            pairs: &mut dyn Iterator<Item = Result<G1PointScalar, PrecompileHalt>>,
        ) -> Result<[u8; 96], PrecompileHalt> {
            scope(phase::PRECOMPILE, || {
                let mut bytes = Vec::new();
                let mut n = 0;
                for pair in pairs {
                    let (point, scalar) = pair?;
                    bytes.extend_from_slice(&flatten_g1(&point));
                    bytes.extend_from_slice(&scalar);
                    n += 1;
                }
                let mut out = [0u8; 96];
                // SAFETY: see above.
                status(unsafe { zkvm_bls12_g1_msm(bytes.as_ptr(), n, &mut out) })?;
                Ok(out)
            })
        }

        fn bls12_381_g2_add(&self, a: G2Point, b: G2Point) -> Result<[u8; 192], PrecompileHalt> {
            scope(phase::PRECOMPILE, || {
                let mut out = [0u8; 192];
                // SAFETY: see above.
                status(unsafe { zkvm_bls12_g2_add(&flatten_g2(&a), &flatten_g2(&b), &mut out) })?;
                Ok(out)
            })
        }

        fn bls12_381_g2_msm(
            &self,
            pairs: &mut dyn Iterator<Item = Result<G2PointScalar, PrecompileHalt>>,
        ) -> Result<[u8; 192], PrecompileHalt> {
            scope(phase::PRECOMPILE, || {
                let mut bytes = Vec::new();
                let mut n = 0;
                for pair in pairs {
                    let (point, scalar) = pair?;
                    bytes.extend_from_slice(&flatten_g2(&point));
                    bytes.extend_from_slice(&scalar);
                    n += 1;
                }
                let mut out = [0u8; 192];
                // SAFETY: see above.
                status(unsafe { zkvm_bls12_g2_msm(bytes.as_ptr(), n, &mut out) })?;
                Ok(out)
            })
        }

        fn bls12_381_pairing_check(&self, pairs: &[(G1Point, G2Point)]) -> Result<bool, PrecompileHalt> {
            scope(phase::PRECOMPILE, || {
                let mut bytes = Vec::with_capacity(288 * pairs.len());
                for (g1, g2) in pairs {
                    bytes.extend_from_slice(&flatten_g1(g1));
                    bytes.extend_from_slice(&flatten_g2(g2));
                }
                let mut verified = false;
                // SAFETY: see above.
                status(unsafe { zkvm_bls12_pairing(bytes.as_ptr(), pairs.len(), &mut verified) })?;
                Ok(verified)
            })
        }

        fn bls12_381_fp_to_g1(&self, fp: &[u8; 48]) -> Result<[u8; 96], PrecompileHalt> {
            scope(phase::PRECOMPILE, || {
                let mut out = [0u8; 96];
                // SAFETY: see above.
                status(unsafe { zkvm_bls12_map_fp_to_g1(fp, &mut out) })?;
                Ok(out)
            })
        }

        fn bls12_381_fp2_to_g2(&self, fp2: ([u8; 48], [u8; 48])) -> Result<[u8; 192], PrecompileHalt> {
            scope(phase::PRECOMPILE, || {
                let mut input = [0u8; 96];
                input[..48].copy_from_slice(&fp2.0);
                input[48..].copy_from_slice(&fp2.1);
                let mut out = [0u8; 192];
                // SAFETY: see above.
                status(unsafe { zkvm_bls12_map_fp2_to_g2(&input, &mut out) })?;
                Ok(out)
            })
        }
    }
}

/// alloy's signature-recovery hook, used where alloy-evm recovers signatures itself (EIP-7702
/// authorization lists).
impl alloy_consensus::crypto::backend::CryptoProvider for HearthCrypto {
    fn recover_signer_unchecked(
        &self,
        sig: &[u8; 65],
        msg: &[u8; 32],
    ) -> Result<Address, alloy_consensus::crypto::RecoveryError> {
        let rs: &[u8; 64] = sig[..64].try_into().expect("64 bytes");
        let public = ecrecover(msg, rs, sig[64]).ok_or_else(alloy_consensus::crypto::RecoveryError::new)?;
        Ok(Address::from_slice(&keccak256(public)[12..]))
    }

    fn verify_and_compute_signer_unchecked(
        &self,
        pubkey: &[u8; 65],
        sig: &[u8; 64],
        msg: &[u8; 32],
    ) -> Result<Address, alloy_consensus::crypto::RecoveryError> {
        use k256::ecdsa::{Signature as EcdsaSignature, VerifyingKey, signature::hazmat::PrehashVerifier};
        let error = alloy_consensus::crypto::RecoveryError::new;
        let key = VerifyingKey::from_sec1_bytes(pubkey).map_err(|_| error())?;
        let signature = EcdsaSignature::from_slice(sig).map_err(|_| error())?;
        key.verify_prehash(msg, &signature).map_err(|_| error())?;
        Ok(Address::from_slice(&keccak256(&pubkey[1..])[12..]))
    }
}

/// Installs Hearth's crypto hooks into revm and alloy (once per process; later calls do
/// nothing).
pub fn install() {
    let _ = install_crypto(HearthCrypto);
    let _ = alloy_consensus::crypto::backend::install_default_provider(alloc::sync::Arc::new(HearthCrypto));
}
