use core::borrow::BorrowMut;

use hearth_executor::ShardRecord;
use hearth_executor::precompiles::{Secp256k1Event, Secp256k1Op};
use hearth_executor::trace::InstructionEvent;
use hearth_isa::Syscall;
use p3_matrix::dense::RowMajorMatrix;

use super::arithmetic::{fill_add, fill_decompress, fill_double};
use super::columns::*;
use crate::ProveError;
use crate::chips::cpu::AccessCols;
use crate::chips::cpu::trace::fill_access;
use crate::chips::index;
use crate::chips::syscall::{Ecalls, register_access};
use crate::heights::TableHeights;
use crate::lookups::{ByteCounts, bytes, padded_height};
use crate::modular::LIMBS;

/// Whether one of the secp256k1 tables performs syscall `number`.
pub fn is_performed_here(number: u64) -> bool {
    [Syscall::Secp256k1Add, Syscall::Secp256k1Double, Syscall::Secp256k1Decompress]
        .iter()
        .any(|s| s.number() == number)
}

/// The generator, as 32-byte little-endian coordinates: padding rows operate on it.
fn generator() -> ([u8; LIMBS], [u8; LIMBS]) {
    let le = |hex: &str| -> [u8; LIMBS] {
        let mut be = [0u8; LIMBS];
        for (i, b) in be.iter_mut().enumerate() {
            *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).expect("hex");
        }
        be.reverse();
        be
    };
    (
        le("79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"),
        le("483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8"),
    )
}

/// A padding row of the table for `op`: an honest operation on the generator (its byte
/// lookups are not made, so they are counted apart and dropped).
fn padding_row(op: Secp256k1Op, width: usize) -> Vec<u32> {
    let mut row = vec![0u32; width];
    let mut scratch = ByteCounts::default();
    let (gx, gy) = generator();
    match op {
        Secp256k1Op::Add => {
            let cols: &mut Secp256k1AddCols<u32> = row.as_mut_slice().borrow_mut();
            let double = {
                let mut d = vec![0u32; super::arithmetic::NUM_DOUBLE_COLS];
                fill_double(d.as_mut_slice().borrow_mut(), &gx, &gy, &mut scratch)
            };
            fill_add(&mut cols.add, (&gx, &gy), (&double.0, &double.1), &mut scratch);
        }
        Secp256k1Op::Double => {
            let cols: &mut Secp256k1DoubleCols<u32> = row.as_mut_slice().borrow_mut();
            fill_double(&mut cols.double, &gx, &gy, &mut scratch);
        }
        Secp256k1Op::Decompress => {
            let cols: &mut Secp256k1DecompressCols<u32> = row.as_mut_slice().borrow_mut();
            fill_decompress(&mut cols.decompress, &gx, false, &mut scratch);
        }
    }
    row
}

/// One row per call of `op` in the shard (padded to a power of two with operations on the
/// generator).
pub fn generate_trace(
    op: Secp256k1Op,
    record: &ShardRecord,
    ecalls: &Ecalls<'_>,
    heights: TableHeights,
    counts: &mut ByteCounts,
) -> Result<RowMajorMatrix<hearth_stark::Val>, ProveError> {
    let width =
        <super::Secp256k1Chip as p3_air::BaseAir<hearth_stark::Val>>::width(&super::Secp256k1Chip { op });
    let events: Vec<&Secp256k1Event> = record.precompiles.secp256k1.iter().filter(|e| e.op == op).collect();
    let height = heights.rows(table_of(op), padded_height(events.len()));
    let padding = padding_row(op, width);
    let mut values = Vec::with_capacity(height * width);
    for event in &events {
        let ecall = ecalls.at(event.clk, "secp256k1")?;
        let start = values.len();
        values.resize(start + width, 0);
        fill_call(&mut values[start..], event, ecall, record, counts)?;
    }
    for _ in events.len()..height {
        values.extend_from_slice(&padding);
    }
    Ok(crate::cols::field_matrix(values, width))
}

/// The machine index of `op`'s table.
fn table_of(op: Secp256k1Op) -> usize {
    match op {
        Secp256k1Op::Add => index::SECP256K1_ADD,
        Secp256k1Op::Double => index::SECP256K1_DOUBLE,
        Secp256k1Op::Decompress => index::SECP256K1_DECOMPRESS,
    }
}

/// The access to the memory word at `addr` by `ecall`.
fn word_access(
    record: &ShardRecord,
    ecall: &InstructionEvent,
    addr: u64,
    counts: &mut ByteCounts,
) -> Option<AccessCols<u32>> {
    let a = record.memory_of(ecall).iter().find(|a| a.addr == addr)?;
    let mut cols = AccessCols { prev_ts: 0, dts: [0; 3] };
    fill_access(&mut cols, a.prev_timestamp, a.timestamp, counts);
    Some(cols)
}

fn fill_call(
    row: &mut [u32],
    event: &Secp256k1Event,
    ecall: &InstructionEvent,
    record: &ShardRecord,
    counts: &mut ByteCounts,
) -> Result<(), ProveError> {
    let unexpected =
        |what: &str| ProveError::Unsupported { pc: ecall.pc, what: format!("a secp256k1 call with {what}") };
    let limbs = |bytes: &[u8]| -> [u8; LIMBS] { bytes.try_into().expect("32 bytes") };
    let fill_p = |call: &mut CallCols<u32>, counts: &mut ByteCounts| {
        call.is_real = 1;
        call.clk = event.clk as u32;
        call.a0 = bytes(event.p_addr).map(u32::from);
        counts.below_memory_top(event.p_addr);
        for (j, acc) in call.p_access.iter_mut().enumerate() {
            *acc = word_access(record, ecall, event.p_addr + 8 * j as u64, counts)
                .ok_or_else(|| unexpected("unexpected memory accesses"))?;
        }
        Ok::<(), ProveError>(())
    };
    // `a1` is read in the second register slot, as the syscall table reads it.
    let a1_access = |counts: &mut ByteCounts| {
        let a = register_access(record, ecall, 11, 1).ok_or_else(|| unexpected("no a1 read"))?;
        let mut cols = AccessCols { prev_ts: 0, dts: [0; 3] };
        fill_access(&mut cols, a.prev_timestamp, a.timestamp, counts);
        Ok::<_, ProveError>(cols)
    };
    let (x1, y1) = (limbs(&event.p[..32]), limbs(&event.p[32..]));
    let result = match event.op {
        Secp256k1Op::Add => {
            let cols: &mut Secp256k1AddCols<u32> = row.borrow_mut();
            fill_p(&mut cols.call, counts)?;
            cols.a1 = bytes(event.q_addr).map(u32::from);
            cols.a1_access = a1_access(counts)?;
            counts.below_memory_top(event.q_addr);
            for (j, acc) in cols.q_access.iter_mut().enumerate() {
                *acc = word_access(record, ecall, event.q_addr + 8 * j as u64, counts)
                    .ok_or_else(|| unexpected("unexpected memory accesses"))?;
            }
            let (x2, y2) = (limbs(&event.q[..32]), limbs(&event.q[32..]));
            let (x3, y3) = fill_add(&mut cols.add, (&x1, &y1), (&x2, &y2), counts);
            [x3, y3].concat()
        }
        Secp256k1Op::Double => {
            let cols: &mut Secp256k1DoubleCols<u32> = row.borrow_mut();
            fill_p(&mut cols.call, counts)?;
            let (x3, y3) = fill_double(&mut cols.double, &x1, &y1, counts);
            [x3, y3].concat()
        }
        Secp256k1Op::Decompress => {
            let cols: &mut Secp256k1DecompressCols<u32> = row.borrow_mut();
            fill_p(&mut cols.call, counts)?;
            cols.a1_access = a1_access(counts)?;
            cols.y_before = y1.map(u32::from);
            let parity = match event.q[0] {
                0 => false,
                1 => true,
                _ => return Err(unexpected("a parity other than 0 or 1")),
            };
            let root = fill_decompress(&mut cols.decompress, &x1, parity, counts);
            if root.is_some() != event.success {
                return Err(unexpected("another outcome"));
            }
            [x1, root.unwrap_or(y1)].concat()
        }
    };
    if result != event.result {
        return Err(unexpected("another result"));
    }
    Ok(())
}
