//! Cryptography used by validation, routed to the zkVM's accelerators in the guest.
//!
//! With the `zkvm` feature every operation goes through the zkvm-standards C interface
//! (`zkvm_keccak256`, `zkvm_secp256k1_ecrecover`, `zkvm_sha256`, ...), which the guest's
//! accelerator library implements; Keccak-256 reaches it through `alloy-primitives`'
//! `native-keccak` hook. Without it (natively on the host) the same operations use the software
//! implementations revm and alloy ship. Either way revm's precompiles see them through its
//! [`Crypto`] hook, wrapped in the [`phase::PRECOMPILE`] profile scope.

use alloy_primitives::{Address, B256, Signature, U256, keccak256};
use revm::precompile::{Crypto, DefaultCrypto, PrecompileHalt, install_crypto};

use crate::profile::{phase, scope};

/// Half the secp256k1 group order: signatures with a larger `s` are malleable (EIP-2).
const SECP256K1N_HALF: U256 = U256::from_be_bytes([
    0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x5d,
    0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0,
]);

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

/// revm's crypto hook: accelerated where Hearth has accelerators, profiled everywhere.
#[derive(Debug, Clone, Copy)]
struct HearthCrypto;

impl Crypto for HearthCrypto {
    fn sha256(&self, input: &[u8]) -> [u8; 32] {
        scope(phase::PRECOMPILE, || {
            #[cfg(feature = "zkvm")]
            {
                let mut out = [0u8; 32];
                // SAFETY: `input` is readable for its length and `out` writable for 32 bytes.
                unsafe { zkvm::zkvm_sha256(input.as_ptr(), input.len(), &mut out) };
                out
            }
            #[cfg(not(feature = "zkvm"))]
            DefaultCrypto.sha256(input)
        })
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
        scope(phase::PRECOMPILE, || {
            let public = ecrecover(msg, sig, recid).ok_or(PrecompileHalt::Secp256k1RecoverFailed)?;
            let mut out = keccak256(public).0;
            out[..12].fill(0);
            Ok(out)
        })
    }

    fn modexp(&self, base: &[u8], exp: &[u8], modulus: &[u8]) -> Result<alloc::vec::Vec<u8>, PrecompileHalt> {
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
