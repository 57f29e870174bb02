//! Helpers both sides of a bus share: the AIR side's byte lookups and the trace side's
//! multiplicity counters.

use p3_air::AirBuilder;
use p3_field::PrimeCharacteristicRing;
use p3_lookup::{Count, InteractionBuilder};

use crate::bus::{BYTE, ByteOp};

/// Looks up `(op, x, y, z)` in the byte table `count` times (`count` boolean).
pub fn byte_lookup<AB: InteractionBuilder>(
    builder: &mut AB,
    op: impl Into<AB::Expr>,
    x: impl Into<AB::Expr>,
    y: impl Into<AB::Expr>,
    z: impl Into<AB::Expr>,
    count: impl Into<AB::Expr>,
) {
    builder.push_interaction(
        BYTE,
        [op.into(), x.into(), y.into(), z.into()],
        Count::bounded(count.into(), 1),
    );
}

/// Range-checks `x` and `y` as bytes.
pub fn range_pair<AB: InteractionBuilder>(
    builder: &mut AB,
    x: impl Into<AB::Expr>,
    y: impl Into<AB::Expr>,
    count: impl Into<AB::Expr>,
) {
    byte_lookup(builder, AB::Expr::from_u8(ByteOp::Range as u8), x, y, AB::Expr::ZERO, count);
}

/// Range-checks every element of `bytes` (pairs share a lookup).
pub fn range_bytes<AB: InteractionBuilder, V: Into<AB::Expr> + Copy>(
    builder: &mut AB,
    bytes: &[V],
    count: impl Into<AB::Expr>,
) {
    let count = count.into();
    for pair in bytes.chunks(2) {
        let y = pair.get(1).map(|&v| v.into()).unwrap_or(AB::Expr::ZERO);
        range_pair(builder, pair[0].into(), y, count.clone());
    }
}

/// Constrains `value` to `[0, top * 2^24)` through its four bytes `bytes`, the top one below
/// `top` (byte table). With `top <= 64` the bound is 2^30, below `p - 2^31`, so a negative
/// difference (a large field element) cannot pass.
pub fn range_word<AB: InteractionBuilder>(
    builder: &mut AB,
    value: AB::Expr,
    bytes: [AB::Var; 4],
    top: u8,
    count: AB::Expr,
) {
    let composed = compose::<AB>(&bytes);
    builder.when(count.clone()).assert_eq(value, composed);
    range_bytes(builder, &bytes[..3], count.clone());
    byte_below(builder, bytes[3], top, count);
}

/// Looks up `x < bound` (so `x` is a byte below `bound`) in the byte table `count` times.
pub fn byte_below<AB: InteractionBuilder>(
    builder: &mut AB,
    x: impl Into<AB::Expr>,
    bound: u8,
    count: impl Into<AB::Expr>,
) {
    byte_lookup(
        builder,
        AB::Expr::from_u8(ByteOp::Ltu as u8),
        x,
        AB::Expr::from_u8(bound),
        AB::Expr::ONE,
        count,
    );
}

/// Constrains an address given as 8 bytes to lie below `MEMORY_TOP = 0x7800_0000` (`count`
/// times, `count` boolean): its high four bytes are zero and its top low byte is below
/// [`BUFFER_TOP_BYTE`](crate::chips::syscall::BUFFER_TOP_BYTE). So the address plus any offset
/// of a buffer or accelerator operand stays below `p` and does not wrap.
pub fn below_memory_top<AB: InteractionBuilder>(builder: &mut AB, address: &[AB::Var; 8], count: AB::Expr) {
    for &high in &address[4..] {
        builder.assert_zero(count.clone() * high.into());
    }
    byte_below(builder, address[3], crate::chips::syscall::BUFFER_TOP_BYTE, count);
}

/// Constrains `value` to `[0, 2^30)`; see [`range_word`].
pub fn range30<AB: InteractionBuilder>(
    builder: &mut AB,
    value: AB::Expr,
    bytes: [AB::Var; 4],
    count: AB::Expr,
) {
    range_word(builder, value, bytes, 64, count);
}

/// Consumes the token `(location, prev, prev_ts)` and produces `(location, value, ts)`.
#[expect(
    clippy::too_many_arguments,
    reason = "one access is this many values; a struct would only rename them"
)]
pub fn access<AB: InteractionBuilder>(
    builder: &mut AB,
    bus: &str,
    location: AB::Expr,
    prev: &[AB::Var; 8],
    value: &[AB::Var; 8],
    access: &crate::chips::cpu::AccessCols<AB::Var>,
    ts: AB::Expr,
    count: AB::Expr,
) {
    let bytes = |v: &[AB::Var; 8]| v.map(Into::into);
    access_values(builder, bus, location, bytes(prev), bytes(value), access, ts, count);
}

/// [`access`] with the values given as expressions.
#[expect(
    clippy::too_many_arguments,
    reason = "one access is this many values; a struct would only rename them"
)]
pub fn access_values<AB: InteractionBuilder>(
    builder: &mut AB,
    bus: &str,
    location: AB::Expr,
    prev: [AB::Expr; 8],
    value: [AB::Expr; 8],
    access: &crate::chips::cpu::AccessCols<AB::Var>,
    ts: AB::Expr,
    count: AB::Expr,
) {
    consume_token(builder, bus, location.clone(), prev, access, ts.clone(), count.clone());
    builder.push_interaction(bus, token::<AB>(location, value, ts), Count::bounded(count, 1));
}

/// The read half of [`access`]: consumes the token `(location, value, prev_ts)` for an access
/// at `ts`, with `ts - prev_ts - 1` range-checked (so the token is an earlier one). An
/// accelerator that writes the location back rows later produces the new token itself.
pub fn consume_token<AB: InteractionBuilder>(
    builder: &mut AB,
    bus: &str,
    location: AB::Expr,
    value: impl IntoIterator<Item = AB::Expr>,
    access: &crate::chips::cpu::AccessCols<AB::Var>,
    ts: AB::Expr,
    count: AB::Expr,
) {
    let consumed = token::<AB>(location, value, access.prev_ts.into());
    builder.push_interaction(bus, consumed, Count::bounded(-count.clone(), 1));
    builder
        .when(count.clone())
        .assert_eq(ts - access.prev_ts.into() - AB::Expr::ONE, compose::<AB>(&access.dts));
    range_bytes(builder, &access.dts, count);
}

/// A memory-style token `(location, value bytes…, timestamp)`.
pub fn token<AB: AirBuilder>(
    location: AB::Expr,
    value: impl IntoIterator<Item = AB::Expr>,
    timestamp: AB::Expr,
) -> Vec<AB::Expr> {
    let mut fields = vec![location];
    fields.extend(value);
    fields.push(timestamp);
    fields
}

/// An ALU bus message `(op, a, b, c)`.
pub fn alu_message<AB: AirBuilder>(
    op: AB::Expr,
    a: &[AB::Var; 8],
    b: &[AB::Var; 8],
    c: impl IntoIterator<Item = AB::Expr>,
) -> Vec<AB::Expr> {
    let mut fields = vec![op];
    fields.extend(a.iter().chain(b).map(|&v| v.into()));
    fields.extend(c);
    fields
}

/// `sum(flag_i * op_id(op_i))`: the opcode a row with exclusive boolean `flags` stands for.
pub fn op_selector<AB: AirBuilder>(flags: &[AB::Var], ops: &[hearth_isa::Opcode]) -> AB::Expr {
    flags
        .iter()
        .zip(ops)
        .fold(AB::Expr::ZERO, |acc, (&f, &op)| acc + f.into() * AB::Expr::from_u32(crate::bus::op_id(op)))
}

/// Height of a table with `rows` rows: a power of two, at least 16 (FRI's smallest domain here).
pub fn padded_height(rows: usize) -> usize {
    rows.next_power_of_two().max(16)
}

/// Little-endian composition of bytes into one field element (callers keep it below `p`).
pub fn compose<AB: AirBuilder>(bytes: &[AB::Var]) -> AB::Expr {
    bytes.iter().rev().fold(AB::Expr::ZERO, |acc, &b| acc * AB::Expr::from_u16(256) + b.into())
}

/// Multiplicities of byte-table lookups, filled while traces are generated.
#[derive(Clone, Debug)]
pub struct ByteCounts {
    counts: Vec<u32>,
}

impl Default for ByteCounts {
    fn default() -> Self {
        Self { counts: vec![0; ByteOp::ALL.len() << 16] }
    }
}

impl ByteCounts {
    /// Records one lookup of `(op, x, y, op(x, y))`.
    pub fn add(&mut self, op: ByteOp, x: u8, y: u8) -> u8 {
        self.counts[((op as usize) << 16) | ((x as usize) << 8) | y as usize] += 1;
        op.eval(x, y)
    }

    /// Records a range check of the pair.
    pub fn range_pair(&mut self, x: u8, y: u8) {
        self.add(ByteOp::Range, x, y);
    }

    /// Records range checks of `bytes` (in pairs, as [`range_bytes`] looks them up).
    pub fn range_bytes(&mut self, bytes: &[u8]) {
        for pair in bytes.chunks(2) {
            self.range_pair(pair[0], pair.get(1).copied().unwrap_or(0));
        }
    }

    /// Records the lookups of [`range_word`] for `value` with top-byte bound `top`, and returns
    /// its bytes.
    pub fn range_word(&mut self, value: u32, top: u8) -> [u8; 4] {
        let b = value.to_le_bytes();
        self.range_bytes(&b[..3]);
        self.add(ByteOp::Ltu, b[3], top);
        b
    }

    /// Records the lookup of [`below_memory_top`] for `address`.
    pub fn below_memory_top(&mut self, address: u64) {
        self.add(ByteOp::Ltu, bytes(address)[3], crate::chips::syscall::BUFFER_TOP_BYTE);
    }

    /// Records the lookups of [`range30`] for `value < 2^30` and returns its bytes.
    pub fn range30(&mut self, value: u32) -> [u8; 4] {
        self.range_word(value, 64)
    }

    /// Multiplicity of `(op, x, y)`.
    pub fn get(&self, op: ByteOp, x: u8, y: u8) -> u32 {
        self.counts[((op as usize) << 16) | ((x as usize) << 8) | y as usize]
    }
}

/// The 8 little-endian bytes of `v`.
pub fn bytes(v: u64) -> [u8; 8] {
    v.to_le_bytes()
}
