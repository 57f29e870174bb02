//! Raw `ecall`s: number in `a7`, arguments in `a0..a2`, result in `a0` (see `docs/abi.md`).

pub use hearth_isa::Syscall;

/// Makes a syscall with up to three arguments.
///
/// # Safety
/// The arguments must be valid for the syscall: pointers must point to guest memory that the
/// syscall may read or write for the lengths given.
#[inline(always)]
pub unsafe fn ecall(syscall: Syscall, a0: u64, a1: u64, a2: u64) -> u64 {
    let result: u64;
    // SAFETY: the caller guarantees the arguments; `ecall` changes only `a0` and the memory the
    // syscall is documented to write, which the default memory clobber covers.
    unsafe {
        core::arch::asm!(
            "ecall",
            in("a7") syscall.number(),
            inlateout("a0") a0 => result,
            in("a1") a1,
            in("a2") a2,
            options(nostack),
        );
    }
    result
}

/// Halts with `code`.
pub fn exit(code: u32) -> ! {
    // SAFETY: `exit` takes no pointers.
    unsafe { ecall(Syscall::Exit, code as u64, 0, 0) };
    // The executor never returns from `exit`; other hosts might.
    loop {
        core::hint::spin_loop();
    }
}

/// Applies Keccak-f\[1600\] to `state` in place.
pub fn keccak_f1600(state: &mut [u64; 25]) {
    // SAFETY: `state` is 200 writable, 8-byte aligned bytes.
    unsafe { ecall(Syscall::KeccakF1600, state.as_mut_ptr() as u64, 0, 0) };
}

/// Compresses one 64-byte block into the SHA-256 `state`.
///
/// The executor requires both buffers to be 8-byte aligned and disjoint; the types guarantee it.
pub fn sha256_compress(state: &mut Aligned<[u32; 8]>, block: &Aligned<[u8; 64]>) {
    // SAFETY: both are valid, aligned and disjoint (one is borrowed mutably, the other shared).
    unsafe { ecall(Syscall::Sha256Compress, state.0.as_mut_ptr() as u64, block.0.as_ptr() as u64, 0) };
}

/// A value aligned to 8 bytes, as accelerator arguments must be.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C, align(8))]
pub struct Aligned<T>(pub T);

/// An affine secp256k1 point as the accelerators take it: x then y, each a 32-byte little-endian
/// integer (four little-endian 64-bit limbs).
pub type Secp256k1Point = Aligned<[u64; 8]>;

/// `p = p + q`. Both must be on the curve with different x coordinates.
pub fn secp256k1_add(p: &mut Secp256k1Point, q: &Secp256k1Point) {
    // SAFETY: both points are valid, aligned and disjoint (one is borrowed mutably).
    unsafe { ecall(Syscall::Secp256k1Add, p.0.as_mut_ptr() as u64, q.0.as_ptr() as u64, 0) };
}

/// `p = 2p`. `p` must be on the curve.
pub fn secp256k1_double(p: &mut Secp256k1Point) {
    // SAFETY: `p` is valid and aligned.
    unsafe { ecall(Syscall::Secp256k1Double, p.0.as_mut_ptr() as u64, 0, 0) };
}

/// Fills in the y coordinate with parity `y_odd` for the x already in `p`. Returns `false` (and
/// leaves `p` unchanged) if no curve point has that x.
pub fn secp256k1_decompress(p: &mut Secp256k1Point, y_odd: bool) -> bool {
    // SAFETY: `p` is valid and aligned.
    unsafe { ecall(Syscall::Secp256k1Decompress, p.0.as_mut_ptr() as u64, u64::from(y_odd), 0) == 0 }
}
