//! The leaf program: verifies one shard proof of a shape and states it as a range of one
//! shard ([`RangeStatement`]).
//!
//! Besides the STARK, it checks what the machine's native verifier checks from data: the
//! periodic columns it was given are the ones the proof's public values bind (their digests),
//! constant periodic columns are the AIR's; it takes the shard's stamp, challenges, list
//! digest and memory sum from the memory boundary table's public values (the table checks
//! the list and computes the sum itself) and adds the shard's output sum (see
//! [`super::tokens`]).

use hearth_machine::chips::cpu::CpuPublic;
use hearth_machine::chips::registers::OUTPUT_POSITION;
use hearth_machine::chips::{Chip, index};
use hearth_stark::Val;
use hearth_stark::config::EXTENSION_DEGREE;
use hearth_stark::prover::StarkProof;
use p3_air::BaseAir;
use p3_field::PrimeCharacteristicRing;

use super::AggregationError;
use super::statement::RangeStatement;
use super::tokens::{assert_bool, token_term};
use crate::aggregate::keys::Key;
use crate::circuit::{Cell, Circuit, CircuitBuilder, CircuitError, Ext, Felt, PadHeights, base_cell};
use crate::verifier::merkle::hash_cells;
use crate::verifier::stark::{InnerShape, InputPart, two_pass_inputs};
use crate::verifier::transcript::digest_cells;
use crate::verifier::{Statement, VerifiedProof, verify_proof};
use hearth_machine::memory_argument::public;

/// Tables whose periodic columns carry the shard's data, bound by their public values.
const DATA_TABLES: [usize; 2] = [index::REGISTERS, index::STREAM];

/// What a leaf needs besides the shard proof and its statement.
#[derive(Clone, Copy, Debug)]
pub struct LeafInputs {
    /// Root of the allowed recursion keys.
    pub keys_root: Key,
    /// Length of the run's input.
    pub input_len: u32,
}

/// A leaf program for one shard shape.
pub struct LeafProgram {
    /// The program.
    pub circuit: Circuit,
    verified: VerifiedProof,
}

impl LeafProgram {
    /// The leaf for shard proofs of `chips` (the tables a proof holds, `tables` their machine
    /// indices) shaped like `shape`; `pad` fills its tables to those heights.
    pub fn build(
        chips: &[Chip],
        tables: &[u8],
        shape: InnerShape,
        pad: Option<PadHeights>,
    ) -> Result<Self, AggregationError> {
        let position = |t: usize| tables.iter().position(|&x| x as usize == t);
        let need = |t: usize| {
            position(t).ok_or_else(|| {
                AggregationError::Shape(format!(
                    "shard proofs without the {} table",
                    hearth_machine::chips::CHIP_NAMES[t]
                ))
            })
        };
        let (cpu, registers, memory) =
            (need(index::CPU)?, need(index::REGISTERS)?, need(index::MEMORY_BOUNDARY)?);
        let mut b = CircuitBuilder::new();
        if super::TREE_OPENING_TABLE {
            b.use_opening_table();
        }
        let v = verify_proof(&mut b, chips, shape)?;
        let keys_root = digest_cells(&mut b);
        let input_len = b.input();
        let zero = b.constant(Val::ZERO);
        let one = b.constant(Val::ONE);
        if v.public_values[memory].len() != public::LEN {
            return Err(AggregationError::Shape("a memory boundary table of another layout".into()));
        }

        // The periodic columns the proof was checked with are the shard's data, as its public
        // values bind them, or the AIR's own constants.
        for (p, chip) in chips.iter().enumerate() {
            let cells: Vec<Felt> = v.periodic[p].iter().flatten().copied().collect();
            if cells.is_empty() {
                continue;
            }
            if DATA_TABLES.contains(&(tables[p] as usize)) {
                let digest = hash_cells(&mut b, &cells);
                for (d, pv) in digest.iter().zip(&v.public_values[p]) {
                    b.assert_eq(*d, *pv);
                }
            } else {
                let constants =
                    BaseAir::<Val>::periodic_columns(chip).iter().flatten().copied().collect::<Vec<_>>();
                b.assert_constants(&cells, constants);
            }
        }

        // Registers: entry and exit digests, and the output position at exit.
        let reg = &v.periodic[registers];
        let half = reg.len() / 2;
        let entry: Vec<Felt> = reg[..half].iter().flatten().copied().collect();
        let exit: Vec<Felt> = reg[half..].iter().flatten().copied().collect();
        let entry_registers = hash_cells(&mut b, &entry);
        let exit_registers = hash_cells(&mut b, &exit);
        let output_len = reg[half][OUTPUT_POSITION as usize];
        if let Some(syscall) = position(index::SYSCALL) {
            b.assert_eq(input_len, v.public_values[syscall][0]);
        }

        // The memory boundary table's public values: the shard's stamp, the challenges its
        // tokens used, its list's digest and its part of the run's memory sum.
        let memory_pv = &v.public_values[memory];
        let stamp = memory_pv[public::STAMP];
        let gamma_cells: [Felt; EXTENSION_DEGREE] =
            core::array::from_fn(|i| memory_pv[public::GAMMA.start + i]);
        let alpha_cells: [Felt; EXTENSION_DEGREE] =
            core::array::from_fn(|i| memory_pv[public::ALPHA.start + i]);
        let memory_sum: [Felt; EXTENSION_DEGREE] = core::array::from_fn(|i| memory_pv[public::SUM.start + i]);
        let gamma = b.pack(gamma_cells);
        let alpha = b.pack(alpha_cells);

        // Output bytes: `(position, byte)` on each output row of the stream table.
        let mut output_sum = Ext::from(zero);
        let stream = position(index::STREAM);
        if let Some(s) = stream {
            let columns = &v.periodic[s];
            #[expect(clippy::needless_range_loop, reason = "a row reads one cell of several columns")]
            for row in 0..columns[1].len() {
                let (is_output, position, byte) = (columns[1][row], columns[2][row], columns[3][row]);
                assert_bool(&mut b, is_output);
                let fp = b.ext_mul_add(alpha, byte, position);
                let term = token_term(&mut b, gamma, fp);
                output_sum = b.ext_mul_add(is_output, term, output_sum);
            }
        }

        // The shard's part of the challenges' seed (`shard_lists_digest`).
        let mut listed = vec![stamp];
        listed.extend(&memory_pv[public::DIGEST]);
        match stream {
            Some(s) => listed.extend(&v.public_values[s]),
            None => listed.extend([zero; hearth_stark::config::DIGEST_ELEMS]),
        }
        let lists = hash_cells(&mut b, &listed);

        let cpu_pv = &v.public_values[cpu];
        let statement = RangeStatement {
            keys_root,
            program_key: v.key,
            first: stamp,
            count: one,
            entry_pc: cpu_pv[CpuPublic::PC_IN],
            entry_registers,
            exit_pc: cpu_pv[CpuPublic::PC_OUT],
            exit_registers,
            halted: cpu_pv[CpuPublic::HALTED],
            exit_code: core::array::from_fn(|i| cpu_pv[CpuPublic::EXIT_CODE.start + i]),
            input_len,
            output_len,
            gamma: gamma_cells,
            alpha: alpha_cells,
            memory_sum,
            output_sum: b.unpack(output_sum),
            lists,
        };
        for cell in statement.to_vec() {
            b.expose(cell);
        }
        super::pad(&mut b, pad, "a leaf")?;
        Ok(Self { circuit: b.build(), verified: v })
    }

    /// The program's inputs for `proof` of `statement`.
    pub fn inputs(
        &self,
        proof: &StarkProof,
        statement: &Statement,
        leaf: &LeafInputs,
    ) -> Result<Vec<Cell>, CircuitError> {
        let cells = statement.input_cells();
        let mut extra: Vec<Cell> = leaf.keys_root.iter().map(|&v| base_cell(v)).collect();
        extra.push(base_cell(Val::from_u32(leaf.input_len)));
        let [a, c] = self.verified.input_parts(&cells, proof);
        two_pass_inputs(&self.circuit, &[a, c, InputPart::Cells(&extra)])
    }
}
