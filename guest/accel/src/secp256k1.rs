//! secp256k1 public-key recovery (ECDSA `ecrecover`).

use k256::ecdsa::{RecoveryId, Signature, VerifyingKey};

/// Recovers the uncompressed public key (x || y, big-endian) that produced signature `sig`
/// (r || s, big-endian) with recovery id `recid` over the 32-byte message hash `msg`.
pub fn ecrecover(msg: &[u8; 32], sig: &[u8; 64], recid: u8) -> Option<[u8; 64]> {
    let signature = Signature::from_slice(sig).ok()?;
    let recid = RecoveryId::from_byte(recid)?;
    let key = VerifyingKey::recover_from_prehash(msg, &signature, recid).ok()?;
    key.to_sec1_point(false).as_bytes().get(1..65)?.try_into().ok()
}
