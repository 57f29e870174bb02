//! The zkvm-standards C functions (`zkvm_accelerators.h`).

/// `ZKVM_EOK`.
const EOK: i32 = 0;

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
