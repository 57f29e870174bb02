use core::borrow::BorrowMut;
use hearth_executor::ShardRecord;
use hearth_executor::precompiles::Sha256CompressEvent;
use hearth_executor::trace::InstructionEvent;
use hearth_isa::Syscall;
use p3_matrix::dense::RowMajorMatrix;

use super::columns::*;
use crate::ProveError;
use crate::chips::cpu::trace::fill_access;
use crate::chips::syscall::{Ecalls, register_access};
use crate::lookups::{ByteCounts, bytes};

/// Whether this table performs syscall `number`.
pub fn is_performed_here(number: u64) -> bool {
    number == Syscall::Sha256Compress.number()
}

fn mix(x: u32, terms: [Term; 3]) -> u32 {
    terms
        .iter()
        .map(|t| match *t {
            Term::Rotr(n) => x.rotate_right(n as u32),
            Term::Shr(n) => x >> n,
        })
        .fold(0, |acc, v| acc ^ v)
}

fn set_bits(cells: &mut [u32; 32], word: u32) {
    for (i, cell) in cells.iter_mut().enumerate() {
        *cell = (word >> i) & 1;
    }
}

fn halves(word: u32) -> [u32; 2] {
    [word & 0xffff, word >> 16]
}

/// The carries of adding `terms` (16-bit halves, the high half taking the low half's carry).
fn carries(terms: &[u32]) -> [u32; 2] {
    let lo: u32 = terms.iter().map(|&t| t & 0xffff).sum();
    let hi: u32 = terms.iter().map(|&t| t >> 16).sum::<u32>() + (lo >> 16);
    [lo >> 16, hi >> 16]
}

fn set_carry<const N: usize>(cells: &mut [u32; N], carry: u32) {
    for (i, cell) in cells.iter_mut().enumerate() {
        *cell = (carry >> i) & 1;
    }
}

/// The message schedule `W[0..80]` of `block` (rows read up to `W[79]`).
pub(super) fn schedule(block: &[u8; 64]) -> [u32; 80] {
    let mut w = [0u32; 80];
    for (t, chunk) in block.chunks_exact(4).enumerate() {
        w[t] = u32::from_be_bytes(chunk.try_into().expect("4 bytes"));
    }
    extend_schedule(&mut w, 16);
    w
}

/// Recomputes `w[from..]` from the words before it.
pub(super) fn extend_schedule(w: &mut [u32; 80], from: usize) {
    for t in from..80 {
        w[t] = mix(w[t - 2], SMALL_SIGMA1)
            .wrapping_add(w[t - 7])
            .wrapping_add(mix(w[t - 15], SMALL_SIGMA0))
            .wrapping_add(w[t - 16]);
    }
}

/// The 64 rows of one compression of `block` into `state`.
fn fill_block(rows: &mut [u32], state: [u32; 8], block: &[u8; 64]) -> [u32; 8] {
    fill_rounds(rows, state, state, &schedule(block), 0)
}

/// Rows `first..64` of a compression of the input `state`, from the working variables
/// `working` before round `first` and the schedule `w` (`rows` holds those rows only). Returns
/// the output state.
pub(super) fn fill_rounds(
    rows: &mut [u32],
    state: [u32; 8],
    working: [u32; 8],
    w: &[u32; 80],
    first: usize,
) -> [u32; 8] {
    let mut v = working;
    for (row, t) in rows.chunks_exact_mut(NUM_SHA256_COLS).zip(first..) {
        let r: &mut Sha256Cols<u32> = row.borrow_mut();
        for (i, cells) in r.w.iter_mut().enumerate() {
            set_bits(cells, w[t + i]);
        }
        let schedule = [mix(w[t + 14], SMALL_SIGMA1), w[t + 9], mix(w[t + 1], SMALL_SIGMA0), w[t]];
        for (cells, carry) in r.w_carry.iter_mut().zip(carries(&schedule)) {
            set_carry(cells, carry);
        }
        let [a, b, c, d, e, f, g, h] = v;
        let ch = (e & f) ^ (!e & g);
        let maj = (a & b) ^ (a & c) ^ (b & c);
        let t1_terms = [h, mix(e, BIG_SIGMA1), ch, ROUND_CONSTANTS[t], w[t]];
        let t1 = t1_terms.iter().fold(0u32, |acc, &x| acc.wrapping_add(x));
        let new_a = t1.wrapping_add(mix(a, BIG_SIGMA0)).wrapping_add(maj);
        let new_e = d.wrapping_add(t1);
        let a_terms = [h, mix(e, BIG_SIGMA1), ch, ROUND_CONSTANTS[t], w[t], mix(a, BIG_SIGMA0), maj];
        let e_terms = [h, mix(e, BIG_SIGMA1), ch, ROUND_CONSTANTS[t], w[t], d];
        for (cells, carry) in r.a_carry.iter_mut().zip(carries(&a_terms)) {
            set_carry(cells, carry);
        }
        for (cells, carry) in r.e_carry.iter_mut().zip(carries(&e_terms)) {
            set_carry(cells, carry);
        }
        for (cells, word) in r.a.iter_mut().zip([new_a, a, b, c]) {
            set_bits(cells, word);
        }
        for (cells, word) in r.e.iter_mut().zip([new_e, e, f, g]) {
            set_bits(cells, word);
        }
        r.d = halves(d);
        r.h = halves(h);
        v = [new_a, a, b, c, new_e, e, f, g];
    }
    let at = rows.len() - NUM_SHA256_COLS;
    let last: &mut Sha256Cols<u32> = rows[at..].borrow_mut();
    let mut out = [0u32; 8];
    for i in 0..8 {
        out[i] = state[i].wrapping_add(v[i]);
        last.out[4 * i..4 * i + 4].copy_from_slice(&out[i].to_le_bytes().map(u32::from));
        last.out_carry[i] = carries(&[state[i], v[i]]);
    }
    out
}

/// One 64-row block per SHA-256 call (at least one block, a compression of zeros, when there
/// is no call).
pub fn generate_trace(
    record: &ShardRecord,
    ecalls: &Ecalls<'_>,
    counts: &mut ByteCounts,
) -> Result<RowMajorMatrix<hearth_stark::Val>, ProveError> {
    let events = &record.precompiles.sha256_compress;
    let height = (events.len().max(1) * ROWS_PER_CALL).next_power_of_two();
    let mut values = vec![0u32; height * NUM_SHA256_COLS];
    let mut blocks = values.chunks_exact_mut(ROWS_PER_CALL * NUM_SHA256_COLS);
    for event in events {
        let block = blocks.next().expect("a block per call");
        fill_call(block, event, ecalls.at(event.clk, "SHA-256")?, record, counts)?;
    }
    for block in blocks {
        fill_block(block, [0; 8], &[0; 64]);
    }
    Ok(crate::cols::field_matrix(values, NUM_SHA256_COLS))
}

fn fill_call(
    block: &mut [u32],
    event: &Sha256CompressEvent,
    ecall: &InstructionEvent,
    record: &ShardRecord,
    counts: &mut ByteCounts,
) -> Result<(), ProveError> {
    let unexpected = || ProveError::Unsupported {
        pc: ecall.pc,
        what: "a SHA-256 call with unexpected register or memory accesses".into(),
    };
    let out = fill_block(block, event.input, &event.block);
    if out != event.output {
        return Err(ProveError::Unsupported {
            pc: ecall.pc,
            what: "a SHA-256 call with another result".into(),
        });
    }
    let memory = record.memory_of(ecall);
    // `a1` is read in the second register slot, as the syscall table reads it.
    let a1 = register_access(record, ecall, 11, 1).ok_or_else(unexpected)?;
    let word = |addr: u64| memory.iter().find(|a| a.addr == addr).ok_or_else(unexpected);
    let (state_bytes, a0, a1_bytes) =
        (event.input.map(u32::to_le_bytes).concat(), bytes(event.state_addr), bytes(event.block_addr));
    for (t, row) in block.chunks_exact_mut(NUM_SHA256_COLS).enumerate() {
        let r: &mut Sha256Cols<u32> = row.borrow_mut();
        r.is_real = 1;
        r.clk = event.clk as u32;
        r.a0 = a0.map(u32::from);
        r.a1 = a1_bytes.map(u32::from);
        for (cell, &b) in r.state.iter_mut().zip(&state_bytes) {
            *cell = b as u32;
        }
        r.starts = u32::from(t == 0);
        r.ends = u32::from(t == ROWS_PER_CALL - 1);
        if t == 0 {
            fill_access(&mut r.a1_access, a1.prev_timestamp, a1.timestamp, counts);
            for (j, acc) in r.block_access.iter_mut().enumerate() {
                let a = word(event.block_addr + 8 * j as u64)?;
                fill_access(acc, a.prev_timestamp, a.timestamp, counts);
            }
            for (j, acc) in r.state_access.iter_mut().enumerate() {
                let a = word(event.state_addr + 8 * j as u64)?;
                fill_access(acc, a.prev_timestamp, a.timestamp, counts);
            }
            counts.below_memory_top(event.state_addr);
            counts.below_memory_top(event.block_addr);
        } else if t == ROWS_PER_CALL - 1 {
            let out: Vec<u8> = r.out.iter().map(|&b| b as u8).collect();
            counts.range_bytes(&out);
        }
    }
    Ok(())
}
