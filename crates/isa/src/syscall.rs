//! The `ecall` ABI: numbers, arguments and results.
//!
//! The syscall number goes in `a7`, arguments in `a0..a5`, and the result (if any) comes back in
//! `a0`; every other register is preserved. The three I/O calls reuse Linux's numbers and
//! conventions (`read`, `write`, `exit`), so a guest that uses only them also runs unchanged under
//! `qemu-riscv64`, which the differential tests rely on. `docs/abi.md` is the reference for guest
//! authors; keep it in step with this file.

/// File descriptor of the private input stream (for [`Syscall::Read`]).
pub const FD_INPUT: u64 = 0;
/// File descriptor of the public output, which proofs commit to (for [`Syscall::Write`]).
pub const FD_PUBLIC_OUTPUT: u64 = 1;
/// File descriptor of the debug stream, shown on the host's stderr and never committed.
pub const FD_DEBUG: u64 = 2;

/// Exit code of a successful run; any other code is a failed run.
pub const EXIT_SUCCESS: u32 = 0;
/// Exit code used by the guest runtime's panic handler (Rust's own convention).
pub const EXIT_PANIC: u32 = 101;

/// Every syscall a guest may make.
///
/// Adding an accelerator means one variant here (with its number and cost), its entry in
/// [`Syscall::ALL`], its semantics in the executor and its wrapper in `guest/accel`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u32)]
pub enum Syscall {
    /// `read(fd = 0, buf = a1, len = a2) -> a0`: copies the next `min(len, remaining)` bytes of
    /// the input stream to `buf` and returns how many it copied (0 at the end of input).
    Read = 63,
    /// `write(fd = a0, buf = a1, len = a2) -> a0`: appends `len` bytes at `buf` to the public
    /// output (fd 1) or the debug stream (fd 2) and returns `len`.
    Write = 64,
    /// `exit(code = a0)`: halts; the low 32 bits of `a0` are the exit code (0 = success).
    Exit = 93,
    /// `input_len() -> a0`: the total length of the input stream in bytes.
    InputLen = 0x1000,
    /// `profile_scope(name = a0, len = a1, enter = a2)`: marks the start (`enter` = 1) or end
    /// (`enter` = 0) of a named phase for cycle profiles. No effect on the computation; the
    /// prover treats it as a no-op.
    ProfileScope = 0x1001,
    /// `keccak_f1600(state = a0)`: applies the Keccak-f\[1600\] permutation in place to the 25
    /// little-endian 64-bit lanes at `state` (8-byte aligned).
    KeccakF1600 = 0x2000,
    /// `sha256_compress(state = a0, block = a1)`: runs the SHA-256 compression function on the
    /// eight 32-bit words at `state` (4-byte aligned, host order: little-endian words) with the
    /// 64-byte message block at `block`, updating `state` in place.
    Sha256Compress = 0x2001,
    /// `secp256k1_add(p = a0, q = a1)`: `p = p + q` for affine secp256k1 points (64 bytes each:
    /// x then y, 32-byte little-endian integers; 8-byte aligned). Both must be on the curve with
    /// different x coordinates (the guest handles doubling and the identity).
    Secp256k1Add = 0x2002,
    /// `secp256k1_double(p = a0)`: `p = 2p` for an affine secp256k1 point on the curve.
    Secp256k1Double = 0x2003,
    /// `secp256k1_decompress(p = a0, parity = a1) -> a0`: given x (below the field prime) in the
    /// first 32 bytes of `p`, writes the y with that parity into the last 32 and returns 0;
    /// returns 1 (leaving `p` unchanged) when no curve point has that x.
    Secp256k1Decompress = 0x2004,
}

impl Syscall {
    /// Every syscall, in number order.
    pub const ALL: [Syscall; 10] = [
        Syscall::Read,
        Syscall::Write,
        Syscall::Exit,
        Syscall::InputLen,
        Syscall::ProfileScope,
        Syscall::KeccakF1600,
        Syscall::Sha256Compress,
        Syscall::Secp256k1Add,
        Syscall::Secp256k1Double,
        Syscall::Secp256k1Decompress,
    ];

    /// The number that selects this syscall in `a7`.
    pub const fn number(self) -> u64 {
        self as u32 as u64
    }

    /// The syscall selected by `a7`, if any.
    pub const fn from_number(number: u64) -> Option<Syscall> {
        Some(match number {
            63 => Syscall::Read,
            64 => Syscall::Write,
            93 => Syscall::Exit,
            0x1000 => Syscall::InputLen,
            0x1001 => Syscall::ProfileScope,
            0x2000 => Syscall::KeccakF1600,
            0x2001 => Syscall::Sha256Compress,
            0x2002 => Syscall::Secp256k1Add,
            0x2003 => Syscall::Secp256k1Double,
            0x2004 => Syscall::Secp256k1Decompress,
            _ => return None,
        })
    }

    /// A short, stable name (used in reports and profiles).
    pub const fn name(self) -> &'static str {
        match self {
            Syscall::Read => "read",
            Syscall::Write => "write",
            Syscall::Exit => "exit",
            Syscall::InputLen => "input_len",
            Syscall::ProfileScope => "profile_scope",
            Syscall::KeccakF1600 => "keccak_f1600",
            Syscall::Sha256Compress => "sha256_compress",
            Syscall::Secp256k1Add => "secp256k1_add",
            Syscall::Secp256k1Double => "secp256k1_double",
            Syscall::Secp256k1Decompress => "secp256k1_decompress",
        }
    }

    /// Whether this is an accelerator (a precompiled function with its own chip in the prover),
    /// as opposed to host I/O.
    pub const fn is_accelerator(self) -> bool {
        matches!(
            self,
            Syscall::KeccakF1600
                | Syscall::Sha256Compress
                | Syscall::Secp256k1Add
                | Syscall::Secp256k1Double
                | Syscall::Secp256k1Decompress
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip_and_are_unique() {
        for (i, s) in Syscall::ALL.iter().enumerate() {
            assert_eq!(Syscall::from_number(s.number()), Some(*s));
            if i > 0 {
                assert!(Syscall::ALL[i - 1].number() < s.number(), "ALL must be sorted and unique");
            }
        }
        assert_eq!(Syscall::from_number(0), None);
        assert_eq!(Syscall::from_number(u64::MAX), None);
    }
}
