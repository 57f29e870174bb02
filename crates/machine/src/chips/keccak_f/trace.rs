use core::borrow::BorrowMut;

use hearth_executor::ShardRecord;
use p3_field::PrimeCharacteristicRing;
use p3_keccak_air::{NUM_KECCAK_COLS, NUM_ROUNDS};
use p3_matrix::dense::RowMajorMatrix;

use super::columns::*;
use crate::ProveError;
use crate::chips::cpu::trace::fill_access;
use crate::chips::index;
use crate::chips::syscall::Ecalls;
use crate::heights::TableHeights;
use crate::lookups::{ByteCounts, bytes};

/// One block of 24 rows per Keccak-f call (at least one block, all padding when there is no
/// call), padded with permutations of the zero state to a power of two at `heights`.
pub fn generate_trace(
    record: &ShardRecord,
    ecalls: &Ecalls<'_>,
    heights: TableHeights,
    counts: &mut ByteCounts,
) -> Result<RowMajorMatrix<hearth_stark::Val>, ProveError> {
    type F = hearth_stark::Val;
    let events = &record.precompiles.keccak_f1600;
    let mut inputs: Vec<[u64; 25]> = events.iter().map(|e| e.input).collect();
    let natural = (inputs.len().max(1) * NUM_ROUNDS).next_power_of_two();
    let height = heights.rows(index::KECCAK_F, natural);
    // The rows generator pads to the power of two above its blocks: enough blocks to pass half
    // of `height` make it exactly `height` (a menu height is at least 2^10 rows, 42 blocks).
    let blocks = if height > natural { height / 2 / NUM_ROUNDS + 1 } else { 1 };
    if inputs.len() < blocks {
        inputs.resize(blocks, [0; 25]);
    }
    let rounds = p3_keccak_air::generate_trace_rows::<F>(inputs, 0);
    if rounds.values.len() != height * NUM_KECCAK_COLS {
        return Err(ProveError::Unsupported { pc: 0, what: format!("a Keccak-f table of {height} rows") });
    }
    let mut values = F::zero_vec(height * NUM_KECCAK_F_COLS);
    for (row, round) in
        values.chunks_exact_mut(NUM_KECCAK_F_COLS).zip(rounds.values.chunks_exact(NUM_KECCAK_COLS))
    {
        row[..NUM_KECCAK_COLS].copy_from_slice(round);
    }
    for (block, event) in values.chunks_exact_mut(NUM_ROUNDS * NUM_KECCAK_F_COLS).zip(events) {
        let ecall = ecalls.at(event.clk, "Keccak-f")?;
        let accesses = record.memory_of(ecall);
        if accesses.len() != 25
            || accesses.iter().enumerate().any(|(i, a)| a.addr != event.state_addr + 8 * i as u64)
        {
            return Err(ProveError::Unsupported {
                pc: ecall.pc,
                what: "a Keccak-f call with unexpected memory accesses".into(),
            });
        }
        for (round, row) in block.chunks_exact_mut(NUM_KECCAK_F_COLS).enumerate() {
            let r: &mut KeccakFCols<F> = row.borrow_mut();
            r.is_real = F::ONE;
            r.clk = F::from_u64(event.clk);
            r.a0 = bytes(event.state_addr).map(F::from_u8);
            if round == 0 {
                for (i, a) in accesses.iter().enumerate() {
                    r.lanes[i] = bytes(event.input[i]).map(F::from_u8);
                    let mut access = crate::chips::cpu::AccessCols::<u32> { prev_ts: 0, dts: [0; 3] };
                    fill_access(&mut access, a.prev_timestamp, a.timestamp, counts);
                    r.access[i].prev_ts = F::from_u32(access.prev_ts);
                    r.access[i].dts = access.dts.map(F::from_u32);
                }
                counts.below_memory_top(event.state_addr);
            } else if round == NUM_ROUNDS - 1 {
                for i in 0..25 {
                    let b = bytes(event.output[i]);
                    r.lanes[i] = b.map(F::from_u8);
                    counts.range_bytes(&b);
                }
            }
        }
    }
    Ok(RowMajorMatrix::new(values, NUM_KECCAK_F_COLS))
}

/// Whether this table performs syscall `number`.
pub fn is_performed_here(number: u64) -> bool {
    number == hearth_isa::Syscall::KeccakF1600.number()
}
