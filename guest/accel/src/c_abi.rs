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
