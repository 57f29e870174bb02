//! One-cell tamper sweeps over whole-machine witnesses: every cell of sampled rows of every
//! table is changed in turn, and the machine's constraints and buses must reject the result.
//!
//! Only rows that take part in a bus are swept: a padding row contributes nothing, whatever it
//! holds.
//!
//! The byte and program tables' multiplicities are free witness: a prover may choose them to
//! balance any lookup of a true byte fact or of an instruction of the program. The check below
//! grants that, so a tamper counts as caught only when it breaks a constraint or needs a fact
//! or instruction that does not exist.

mod common;

use std::collections::{HashMap, HashSet};

use hearth_machine::bus::{BYTE, ByteOp, PROGRAM};
use hearth_machine::check::{Interaction, row_interactions, table_interactions};
use hearth_machine::chips::{CHIP_NAMES, index};
use hearth_machine::{ShardWitness, shard_witness};
use hearth_stark::Val;
use p3_air::BaseAir;
use p3_field::{PrimeCharacteristicRing, PrimeField32};
use p3_matrix::dense::RowMajorMatrix;

fn byte_fact(message: &[u32]) -> bool {
    matches!(*message, [op, x, y, z] if ByteOp::holds(op, x, y, z))
}

type Key = (&'static str, Vec<u32>);

fn key(i: &Interaction<Val>) -> Key {
    (i.bus, i.message.iter().map(|v| v.as_canonical_u32()).collect())
}

struct Sweep {
    witness: ShardWitness,
    preprocessed: Vec<Option<RowMajorMatrix<Val>>>,
    periodic: Vec<Vec<Vec<Val>>>,
    /// Each table's messages, untampered.
    honest: Vec<Vec<Interaction<Val>>>,
    /// Net count of every message over the tables swept (the free tables left out).
    net: HashMap<Key, Val>,
    /// Every message the program table can provide.
    instructions: HashSet<Vec<u32>>,
}

impl Sweep {
    fn new(witness: ShardWitness) -> Self {
        let honest: Vec<_> = (0..witness.chips.len())
            .map(|t| {
                table_interactions(t, &witness.chips[t], &witness.traces[t], &witness.public_values[t])
                    .unwrap_or_else(|e| panic!("honest {}: {e}", CHIP_NAMES[t]))
            })
            .collect();
        let mut net: HashMap<Key, Val> = HashMap::new();
        for (t, messages) in honest.iter().enumerate() {
            if t != index::BYTE && t != index::PROGRAM {
                for i in messages {
                    *net.entry(key(i)).or_insert(Val::ZERO) += i.count;
                }
            }
        }
        // The program table with every multiplicity set to one lists what it can provide.
        let mut all_ones = witness.traces[index::PROGRAM].clone();
        all_ones.values.iter_mut().for_each(|v| *v = Val::ONE);
        let instructions = table_interactions(index::PROGRAM, &witness.chips[index::PROGRAM], &all_ones, &[])
            .expect("program table")
            .into_iter()
            .map(|i| key(&i).1)
            .collect();
        let preprocessed = witness.chips.iter().map(BaseAir::<Val>::preprocessed_trace).collect();
        let periodic =
            witness.chips.iter().map(|c| BaseAir::<Val>::periodic_columns(c).into_owned()).collect();
        Self { witness, preprocessed, periodic, honest, net, instructions }
    }

    /// Whether a message the free tables do not provide balances.
    fn providable(&self, (bus, message): &Key) -> bool {
        (*bus == BYTE && byte_fact(message)) || (*bus == PROGRAM && self.instructions.contains(message))
    }

    /// Whether the witness with `trace` in place of table `table`, differing from it in row
    /// `row` only, is accepted. Only that row and the one before it (whose constraints read it
    /// as their next row) are evaluated again.
    fn accepts(&self, table: usize, trace: &RowMajorMatrix<Val>, row: usize) -> bool {
        let w = &self.witness;
        let height = trace.values.len() / trace.width;
        let rows = [(row + height - 1) % height, row];
        let mut delta: HashMap<Key, Val> = HashMap::new();
        for &r in &rows {
            let evaluated = row_interactions(
                table,
                &w.chips[table],
                trace,
                self.preprocessed[table].as_ref(),
                &self.periodic[table],
                &w.public_values[table],
                r,
            );
            let Ok(tampered) = evaluated else { return false };
            for i in tampered {
                *delta.entry(key(&i)).or_insert(Val::ZERO) += i.count;
            }
            for i in self.honest[table].iter().filter(|i| i.row == r) {
                *delta.entry(key(i)).or_insert(Val::ZERO) -= i.count;
            }
        }
        delta.into_iter().all(|(k, d)| {
            let total = self.net.get(&k).copied().unwrap_or(Val::ZERO) + d;
            total == Val::ZERO || self.providable(&k)
        })
    }

    /// Cells of `rows` of table `table` whose change by one is accepted.
    fn uncaught(&self, table: usize, rows: &[usize]) -> Vec<(usize, usize)> {
        let trace = &self.witness.traces[table];
        let width = trace.width;
        let mut missed = Vec::new();
        let mut tampered = trace.clone();
        for &row in rows {
            for col in 0..width {
                let cell = row * width + col;
                tampered.values[cell] += Val::ONE;
                if self.accepts(table, &tampered, row) {
                    missed.push((row, col));
                }
                tampered.values[cell] = trace.values[cell];
            }
        }
        missed
    }
}

fn sweep_program(source: &str) {
    sweep(&common::assemble(source), b"some input");
}

fn sweep(program: &hearth_executor::Program, input: &[u8]) {
    sweep_with(program, input, None);
}

/// [`sweep`], also sweeping `also` (a table and rows of it that take part in no bus, such as
/// the middle rounds of an accelerator call, caught by constraints alone).
fn sweep_with(
    program: &hearth_executor::Program,
    input: &[u8],
    also: Option<(usize, std::ops::Range<usize>)>,
) {
    let sweep = Sweep::new(shard_witness(program, input).expect("witness"));
    assert!(
        sweep.net.iter().all(|(k, n)| *n == Val::ZERO || sweep.providable(k)),
        "the honest witness balances"
    );
    assert!(sweep.accepts(index::CPU, &sweep.witness.traces[index::CPU], 1), "an untouched row is accepted");
    let mut report = Vec::new();
    for (table, name) in CHIP_NAMES.iter().enumerate() {
        if table == index::BYTE || table == index::PROGRAM {
            continue;
        }
        // Rows that send or receive anything (padding rows contribute nothing whatever they
        // hold); all of them up to 512, else a spread of about 256.
        let mut real: Vec<usize> = sweep.honest[table].iter().map(|i| i.row).collect();
        real.sort_unstable();
        real.dedup();
        let step = if real.len() <= 512 { 1 } else { real.len().div_ceil(256) };
        let mut rows: Vec<usize> = real.iter().copied().step_by(step).chain(real.last().copied()).collect();
        if let Some((_, extra)) = also.clone().filter(|(t, _)| *t == table) {
            rows.extend(extra);
            rows.sort_unstable();
        }
        rows.dedup();
        let missed = sweep.uncaught(table, &rows);
        if !missed.is_empty() {
            report.push(format!("{name}: {missed:?}"));
        }
    }
    assert!(report.is_empty(), "tampered cells (row, column) not caught:\n{}", report.join("\n"));
}

#[test]
fn every_tampered_cell_of_the_mixed_program_is_caught() {
    sweep_program(common::MIXED);
}

#[test]
fn every_tampered_cell_of_the_multiply_divide_program_is_caught() {
    sweep_program(common::MULDIV);
}

#[test]
fn every_tampered_cell_of_the_syscall_program_is_caught() {
    sweep_program(common::SYSCALLS);
}

#[test]
fn every_tampered_cell_of_the_io_program_is_caught() {
    sweep_program(common::IO);
}

#[test]
fn every_tampered_cell_of_a_keccak_f_call_is_caught() {
    let elf = hearth_guest_builder::bundled::elf("keccak");
    sweep(&hearth_executor::Program::from_elf(&elf).expect("loads"), b"one block of input");
}

#[test]
fn every_tampered_cell_of_a_sha256_call_is_caught() {
    // All 64 rounds of the first call: the middle rows exchange nothing on any bus, so only the
    // round and transition constraints can catch a change there.
    let elf = hearth_guest_builder::bundled::elf("sha256");
    let rounds = 0..hearth_machine::chips::sha256::ROWS_PER_CALL;
    sweep_with(
        &hearth_executor::Program::from_elf(&elf).expect("loads"),
        b"one block of input",
        Some((index::SHA256, rounds)),
    );
}

#[test]
fn every_tampered_cell_of_the_secp256k1_calls_is_caught() {
    sweep_program(common::SECP256K1);
}
