use crate::chips::cpu::AccessCols;
use crate::cols::column_layout;

/// Columns of the SHA-256 table. Row `t` of a call's 64-row block performs round `t`.
///
/// Words are 32 bits, least significant first. `a` and `e` hold the state after the round:
/// `a = [a', a, b, c]` and `e = [e', e, f, g]` where `a, b, c, e, f, g` are the values before
/// it, so the next row's `[1..4]` are this row's `[0..3]`.
#[repr(C)]
pub struct Sha256Cols<T> {
    /// The block is a real call (constant over its 64 rows).
    pub is_real: T,
    /// First row of a real block (`first * is_real`: lookups cannot read periodic columns).
    pub starts: T,
    /// Last row of a real block (`last * is_real`).
    pub ends: T,
    /// Cycle of the `ecall` (constant).
    pub clk: T,
    /// `a0`: the state's address (constant).
    pub a0: [T; 8],
    /// `a1`: the block's address (constant).
    pub a1: [T; 8],
    /// The `a1` read (first row).
    pub a1_access: AccessCols<T>,
    /// The state before the call: eight words as little-endian bytes (constant).
    pub state: [T; 32],
    /// The reads of the four state memory words (first row).
    pub state_access: [AccessCols<T>; 4],
    /// The reads of the eight block memory words (first row).
    pub block_access: [AccessCols<T>; 8],
    /// Message schedule window: `w[i]` is `W[t + i]`. On the first row `w[0..16]` is the block.
    pub w: [[T; 32]; 17],
    /// Carries of `w[16]`'s two 16-bit halves, two bits each.
    pub w_carry: [[T; 2]; 2],
    /// `[a', a, b, c]`: the new `a` and the three before it.
    pub a: [[T; 32]; 4],
    /// `[e', e, f, g]`.
    pub e: [[T; 32]; 4],
    /// `d` before the round, as 16-bit halves.
    pub d: [T; 2],
    /// `h` before the round, as 16-bit halves.
    pub h: [T; 2],
    /// Carries of `a'`'s halves, three bits each.
    pub a_carry: [[T; 3]; 2],
    /// Carries of `e'`'s halves, three bits each.
    pub e_carry: [[T; 3]; 2],
    /// The state after the call as little-endian bytes (last row).
    pub out: [T; 32],
    /// Carries of the final additions' halves (last row).
    pub out_carry: [[T; 2]; 8],
}

column_layout!(Sha256Cols, NUM_SHA256_COLS, SHA256_COL_MAP);

/// Rows per call: one per round.
pub const ROWS_PER_CALL: usize = 64;

/// The round constants (FIPS 180-4, section 4.2.2).
pub const ROUND_CONSTANTS: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

/// One term of a mixing function: a right rotation or a right shift.
#[derive(Clone, Copy)]
pub(crate) enum Term {
    /// Rotate right by this many bits.
    Rotr(usize),
    /// Shift right by this many bits.
    Shr(usize),
}

impl Term {
    /// Which input bit lands at bit `i`, if any.
    pub(crate) fn source(self, i: usize) -> Option<usize> {
        match self {
            Term::Rotr(n) => Some((i + n) % 32),
            Term::Shr(n) => (i + n < 32).then_some(i + n),
        }
    }
}

/// `Σ0`, `Σ1`, `σ0` and `σ1`: each the XOR of three terms.
pub(crate) const BIG_SIGMA0: [Term; 3] = [Term::Rotr(2), Term::Rotr(13), Term::Rotr(22)];
pub(crate) const BIG_SIGMA1: [Term; 3] = [Term::Rotr(6), Term::Rotr(11), Term::Rotr(25)];
pub(crate) const SMALL_SIGMA0: [Term; 3] = [Term::Rotr(7), Term::Rotr(18), Term::Shr(3)];
pub(crate) const SMALL_SIGMA1: [Term; 3] = [Term::Rotr(17), Term::Rotr(19), Term::Shr(10)];
