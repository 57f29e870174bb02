//! secp256k1 point accelerators: addition, doubling and decompression of affine points.
//!
//! The shapes are small and fixed (one field-formula each), so each gets a compact prover chip;
//! scalar multiplication and ECDSA recovery are built on them in guest code (`guest/accel`).
//! Points are 64 bytes in guest memory: x then y, each a 32-byte little-endian integer.

use hearth_isa::Syscall;
use k256::{
    AffinePoint, FieldBytes, ProjectivePoint,
    elliptic_curve::{
        point::{AffineCoordinates, DecompressPoint},
        subtle::Choice,
    },
};

use super::{PrecompileEvent, invalid};
use crate::{
    error::ExecutionError,
    machine::{A0, Machine},
    tracer::{SyscallReport, Tracer, slot},
};

const A1: u8 = 11;
/// Bytes of an affine point.
pub const POINT_BYTES: u64 = 64;
/// The base field prime `2^256 - 2^32 - 977`, big-endian.
const PRIME_BE: [u8; 32] = {
    let mut p = [0xff; 32];
    p[27] = 0xfe;
    p[30] = 0xfc;
    p[31] = 0x2f;
    p
};

/// Which operation a [`Secp256k1Event`] records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Secp256k1Op {
    /// `p = p + q`.
    Add,
    /// `p = 2p`.
    Double,
    /// y from x and a parity bit (`q` holds the parity in its first byte).
    Decompress,
}

/// One point operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Secp256k1Event {
    /// Cycle of the `ecall`.
    pub clk: u64,
    /// The operation.
    pub op: Secp256k1Op,
    /// Address of `p` (updated in place).
    pub p_addr: u64,
    /// Address of `q` (addition only; 0 otherwise).
    pub q_addr: u64,
    /// `p` before.
    pub p: [u8; 64],
    /// `q` (addition), or the parity in byte 0 (decompression).
    pub q: [u8; 64],
    /// `p` after.
    pub result: [u8; 64],
    /// Decompression only: whether a point with that x exists.
    pub success: bool,
}

/// A 32-byte little-endian integer as big-endian field bytes.
fn field_bytes(le: &[u8]) -> FieldBytes {
    let mut be = [0u8; 32];
    for (b, l) in be.iter_mut().zip(le.iter().rev()) {
        *b = *l;
    }
    be.into()
}

fn write_le(out: &mut [u8], be: &FieldBytes) {
    for (o, b) in out.iter_mut().zip(be.iter().rev()) {
        *o = *b;
    }
}

fn point(bytes: &[u8]) -> Option<AffinePoint> {
    AffinePoint::from_coordinates(&field_bytes(&bytes[..32]), &field_bytes(&bytes[32..64])).into_option()
}

fn encode(point: &AffinePoint) -> [u8; 64] {
    let mut out = [0u8; 64];
    write_le(&mut out[..32], &point.x());
    write_le(&mut out[32..], &point.y());
    out
}

fn aligned(m: &Machine<'_>, syscall: Syscall, addrs: &[u64]) -> Result<(), ExecutionError> {
    if addrs.iter().any(|a| !a.is_multiple_of(8)) {
        return Err(invalid(m, syscall, "points must be 8-byte aligned"));
    }
    Ok(())
}

fn record<T: Tracer>(
    t: &mut T,
    m: &Machine<'_>,
    event: Secp256k1Event,
    syscall: Syscall,
    result: Option<u64>,
) {
    if T::RECORDS_EVENTS {
        t.syscall(SyscallReport { number: syscall.number(), args: [event.p_addr, event.q_addr, 0], result });
        t.precompile(PrecompileEvent::Secp256k1(Secp256k1Event { clk: m.clk, ..event }));
    }
}

pub(super) fn add<T: Tracer>(m: &mut Machine<'_>, t: &mut T) -> Result<(), ExecutionError> {
    let syscall = Syscall::Secp256k1Add;
    let p_addr = m.syscall_reg(t, slot::READ_B, A0);
    let q_addr = m.syscall_reg(t, slot::READ_B, A1);
    aligned(m, syscall, &[p_addr, q_addr])?;
    if p_addr < q_addr.saturating_add(POINT_BYTES) && q_addr < p_addr.saturating_add(POINT_BYTES) {
        return Err(invalid(m, syscall, "p and q overlap"));
    }
    let q: [u8; 64] = m.read_for_syscall(t, q_addr, POINT_BYTES)?.try_into().expect("64 bytes");
    let p: [u8; 64] = match m.memory.slice(p_addr, POINT_BYTES) {
        Some(bytes) => bytes.try_into().expect("64 bytes"),
        // Out of range: let the update report the fault.
        None => return m.update_for_syscall(t, p_addr, POINT_BYTES, |_| {}),
    };
    let (Some(a), Some(b)) = (point(&p), point(&q)) else {
        return Err(invalid(m, syscall, "a point is not on the curve"));
    };
    if a.x() == b.x() {
        return Err(invalid(m, syscall, "points have the same x (double them, or the sum is the identity)"));
    }
    let result = encode(&(ProjectivePoint::from(a) + b).to_affine());
    m.update_for_syscall(t, p_addr, POINT_BYTES, |bytes| bytes.copy_from_slice(&result))?;
    let event = Secp256k1Event { clk: 0, op: Secp256k1Op::Add, p_addr, q_addr, p, q, result, success: true };
    record(t, m, event, syscall, None);
    Ok(())
}

pub(super) fn double<T: Tracer>(m: &mut Machine<'_>, t: &mut T) -> Result<(), ExecutionError> {
    let syscall = Syscall::Secp256k1Double;
    let p_addr = m.syscall_reg(t, slot::READ_B, A0);
    aligned(m, syscall, &[p_addr])?;
    let p: [u8; 64] = match m.memory.slice(p_addr, POINT_BYTES) {
        Some(bytes) => bytes.try_into().expect("64 bytes"),
        None => return m.update_for_syscall(t, p_addr, POINT_BYTES, |_| {}),
    };
    let Some(a) = point(&p) else {
        return Err(invalid(m, syscall, "the point is not on the curve"));
    };
    let result = encode(&ProjectivePoint::from(a).double().to_affine());
    m.update_for_syscall(t, p_addr, POINT_BYTES, |bytes| bytes.copy_from_slice(&result))?;
    let event = Secp256k1Event {
        clk: 0,
        op: Secp256k1Op::Double,
        p_addr,
        q_addr: 0,
        p,
        q: [0; 64],
        result,
        success: true,
    };
    record(t, m, event, syscall, None);
    Ok(())
}

pub(super) fn decompress<T: Tracer>(m: &mut Machine<'_>, t: &mut T) -> Result<(), ExecutionError> {
    let syscall = Syscall::Secp256k1Decompress;
    let p_addr = m.syscall_reg(t, slot::READ_B, A0);
    let parity = m.syscall_reg(t, slot::READ_B, A1);
    aligned(m, syscall, &[p_addr])?;
    if parity > 1 {
        return Err(invalid(m, syscall, "parity must be 0 or 1"));
    }
    let p: [u8; 64] = match m.memory.slice(p_addr, POINT_BYTES) {
        Some(bytes) => bytes.try_into().expect("64 bytes"),
        None => return m.update_for_syscall(t, p_addr, POINT_BYTES, |_| {}),
    };
    // A coordinate at or above the prime is a guest bug, not a missing root: refused, as for
    // `add` and `double`, so the prover never has to show that a number is not canonical.
    if field_bytes(&p[..32]).as_slice() >= PRIME_BE.as_slice() {
        return Err(invalid(m, syscall, "x is not below the field prime"));
    }
    let decompressed =
        AffinePoint::decompress(&field_bytes(&p[..32]), Choice::from(parity as u8)).into_option();
    let result = decompressed.as_ref().map_or(p, encode);
    // The x stays as given; only y is written (and nothing at all when there is no point).
    m.update_for_syscall(t, p_addr, POINT_BYTES, |bytes| bytes.copy_from_slice(&result))?;
    let status = u64::from(decompressed.is_none());
    m.set_syscall_reg(t, A0, status);
    let mut q = [0u8; 64];
    q[0] = parity as u8;
    let event = Secp256k1Event {
        clk: 0,
        op: Secp256k1Op::Decompress,
        p_addr,
        q_addr: 0,
        p,
        q,
        result,
        success: decompressed.is_some(),
    };
    record(t, m, event, syscall, Some(status));
    Ok(())
}
