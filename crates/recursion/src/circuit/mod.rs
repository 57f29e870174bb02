//! Recursion programs: a verifier written as instructions over a write-once memory, executed
//! by the recursion tables. The instructions' addresses and opcodes are the tables'
//! preprocessed columns, so a program is identified by their commitment (its verifying key);
//! running it with the prover's inputs (the proof being verified) fills memory, and the tables'
//! traces are that run.

mod builder;
pub mod challenger;
mod program;
#[cfg(test)]
pub(crate) mod testing;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use hearth_stark::config::{DIGEST_ELEMS, POSEIDON2_WIDTH, SPONGE_RATE};
use hearth_stark::prover::{Commitment, CpuBackend, ProverBackend, StarkProof};
use hearth_stark::{Challenge, ProofParams, StarkError, Val};
use p3_field::{BasedVectorSpace, Field, PrimeCharacteristicRing, PrimeField32};
use p3_matrix::dense::RowMajorMatrix;

pub use builder::{CircuitBuilder, Ext, Felt, Opened};
pub use challenger::CircuitChallenger;
pub use program::*;

use crate::chips::{self, RecursionChip};

pub use hearth_verifier::chips::table;

/// Why a program could not be run or proven, or its proof was rejected.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CircuitError {
    /// The prover's inputs do not match the program's.
    #[error("the program takes {expected} inputs, {got} given")]
    InputCount {
        /// Inputs the program reads.
        expected: usize,
        /// Inputs given.
        got: usize,
    },
    /// A base input has a non-zero limb past the first.
    #[error("input {slot} must be a base-field element")]
    NotBase {
        /// The input's index.
        slot: usize,
    },
    /// An equality the program requires does not hold for these inputs.
    #[error("instruction {instruction}: the program's check failed")]
    CheckFailed {
        /// Index of the failing instruction in program order.
        instruction: usize,
    },
    /// The public values given are not as many as the program exposes.
    #[error("the program exposes {expected} public values, {got} given")]
    PublicCount {
        /// Public values of the program.
        expected: usize,
        /// Public values given.
        got: usize,
    },
    /// Proving failed or the proof was rejected.
    #[error(transparent)]
    Stark(#[from] StarkError),
}

/// A program with its tables' preprocessed rows.
#[derive(Clone, Debug)]
pub struct Circuit {
    instructions: Vec<Instr>,
    memory_size: usize,
    inputs: Vec<bool>,
    var: Vec<VarInstr>,
    alu: Vec<AluInstr>,
    pack: Vec<PackInstr>,
    poseidon2: Vec<Poseidon2CallInstr>,
    bits: Vec<BitsInstr>,
    public: Vec<PublicInstr>,
    /// The opening table's rows, `None` for a program without the table.
    opening: Option<Vec<OpeningInstr>>,
    /// Rows the Poseidon2 table is padded to at least (programs sharing a shape).
    min_poseidon2_rows: usize,
    /// Calls and opening rows that are padding.
    idle_permutations: usize,
    chips: Vec<RecursionChip>,
}

/// One run of a program: its memory, the permutations it asked for and its public values.
pub struct Run {
    pub(crate) memory: Memory,
    permutations: chips::poseidon2::Poseidon2Requests,
    /// The opening table's rows as the run filled them.
    openings: Vec<chips::opening::OpeningRow>,
    /// The values the program exposed.
    pub public_values: Vec<Val>,
}

impl Run {
    /// The value the run left in a base cell.
    pub fn value(&self, cell: Felt) -> Val {
        self.memory.get_base(cell.0)
    }

    /// The value the run left in an extension cell.
    pub fn value_ext(&self, cell: Ext) -> Challenge {
        cell_to_ext(self.memory.get(cell.0))
    }
}

/// A proof that a program ran to completion (every check held) with the public values.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct CircuitProof {
    /// The STARK proof of the program's tables.
    pub proof: StarkProof,
    /// The values the program exposed.
    pub public_values: Vec<Val>,
}

/// A permutation input with its first two digest-sized blocks swapped when `bit` is one, as
/// the Poseidon2 call table computes it (`x + bit * (y - x)` per element).
pub fn swap_blocks<T: PrimeCharacteristicRing + Copy>(
    input: &[T; POSEIDON2_WIDTH],
    bit: T,
) -> [T; POSEIDON2_WIDTH] {
    core::array::from_fn(|i| {
        let other = match i {
            i if i < DIGEST_ELEMS => input[i + DIGEST_ELEMS],
            i if i < 2 * DIGEST_ELEMS => input[i - DIGEST_ELEMS],
            i => input[i],
        };
        input[i] + bit * (other - input[i])
    })
}

fn cell_to_ext(cell: Cell) -> Challenge {
    Challenge::from_basis_coefficients_slice(&cell).expect("a cell holds eight coordinates")
}

fn ext_to_cell(value: Challenge) -> Cell {
    value.as_basis_coefficients_slice().try_into().expect("degree-8 extension")
}

impl Circuit {
    fn new(
        instructions: Vec<Instr>,
        memory_size: usize,
        inputs: Vec<bool>,
        opening_table: bool,
        [min_poseidon2_rows, idle_permutations]: [usize; 2],
    ) -> Self {
        let mut circuit = Self {
            instructions,
            memory_size,
            inputs,
            var: Vec::new(),
            alu: Vec::new(),
            pack: Vec::new(),
            poseidon2: Vec::new(),
            bits: Vec::new(),
            public: Vec::new(),
            opening: opening_table.then(Vec::new),
            min_poseidon2_rows,
            idle_permutations,
            chips: Vec::new(),
        };
        for instr in &circuit.instructions {
            match instr {
                Instr::Var(i) => circuit.var.push(*i),
                Instr::Alu(i) => circuit.alu.push(*i),
                Instr::Pack(i) => circuit.pack.push(*i),
                Instr::Poseidon2(i) => circuit.poseidon2.push(**i),
                Instr::Bits(i) => circuit.bits.push(*i),
                Instr::Public(i) => circuit.public.push(*i),
                Instr::Opening(i) => circuit.opening.get_or_insert_with(Vec::new).push(**i),
            }
        }
        let prep = |m: RowMajorMatrix<Val>| Some(Arc::new(m));
        circuit.chips = vec![
            RecursionChip::Var(chips::var::VarChip {
                preprocessed: prep(chips::var::preprocessed_trace(&circuit.var)),
            }),
            RecursionChip::Alu(chips::alu::AluChip {
                preprocessed: prep(chips::alu::preprocessed_trace(&circuit.alu)),
            }),
            RecursionChip::Pack(chips::pack::PackChip {
                preprocessed: prep(chips::pack::preprocessed_trace(&circuit.pack)),
            }),
            RecursionChip::Poseidon2Call(chips::poseidon2_call::Poseidon2CallChip {
                preprocessed: prep(chips::poseidon2_call::preprocessed_trace(&circuit.poseidon2)),
            }),
            RecursionChip::Bits(chips::bits::BitsChip {
                preprocessed: prep(chips::bits::preprocessed_trace(&circuit.bits)),
            }),
            RecursionChip::Public(chips::public::PublicChip {
                num_public: circuit.public.len(),
                preprocessed: prep(chips::public::preprocessed_trace(&circuit.public)),
            }),
            RecursionChip::Poseidon2(chips::poseidon2::Poseidon2Chip::default()),
        ];
        if let Some(opening) = &circuit.opening {
            circuit.chips.push(RecursionChip::Opening(chips::opening::OpeningChip {
                preprocessed: prep(chips::opening::preprocessed_trace(opening)),
            }));
        }
        circuit
    }

    /// The heights (`log2`) the program's tables are padded to ([`PadHeights`]).
    pub fn pad_heights(&self) -> PadHeights {
        let [var, alu, pack, poseidon2, bits, public] = self.table_rows();
        let mut heights = pad_heights(
            [var, alu, pack, poseidon2, bits, public, self.opening_rows()],
            self.opening.is_some(),
            self.idle_permutations,
        );
        heights[6] = self.poseidon2_height().trailing_zeros() as usize;
        heights
    }

    /// Whether the program has the opening table.
    pub fn has_opening_table(&self) -> bool {
        self.opening.is_some()
    }

    /// Rows of the opening table (none without it).
    pub fn opening_rows(&self) -> usize {
        self.opening.as_ref().map_or(0, Vec::len)
    }

    /// Rows of the Poseidon2 table: one per call or opening row (each asks for one permutation),
    /// or the height the program was padded to.
    fn poseidon2_height(&self) -> usize {
        poseidon2_rows(self.poseidon2.len(), self.opening_rows(), self.idle_permutations)
            .max(table_height(self.min_poseidon2_rows))
    }

    /// The program's tables, in proof order.
    pub fn chips(&self) -> &[RecursionChip] {
        &self.chips
    }

    /// `log2` of each table's height: fixed by the program.
    pub fn log_heights(&self) -> Vec<usize> {
        let log = |rows: usize| table_height(rows).trailing_zeros() as usize;
        let mut heights: Vec<usize> = self.table_rows().map(log).to_vec();
        heights.push(self.poseidon2_height().trailing_zeros() as usize);
        if let Some(opening) = &self.opening {
            heights.push(log(opening.len()));
        }
        heights
    }

    /// Inputs the program reads.
    pub fn num_inputs(&self) -> usize {
        self.inputs.len()
    }

    /// Public values the program exposes.
    pub fn num_public_values(&self) -> usize {
        self.public.len()
    }

    /// Instructions per table: var, arithmetic, pack, Poseidon2, bits, public.
    pub fn table_rows(&self) -> [usize; 6] {
        [
            self.var.len(),
            self.alu.len(),
            self.pack.len(),
            self.poseidon2.len(),
            self.bits.len(),
            self.public.len(),
        ]
    }

    /// Runs the program on the prover's inputs, failing at the first check that does not hold.
    pub fn run(&self, inputs: &[Cell]) -> Result<Run, CircuitError> {
        self.execute(inputs, true)
    }

    /// Runs the program; with `checked` false a failed equality is passed over, as a cheating
    /// prover would (tests of the tables).
    pub(crate) fn execute(&self, inputs: &[Cell], checked: bool) -> Result<Run, CircuitError> {
        if inputs.len() != self.inputs.len() {
            return Err(CircuitError::InputCount { expected: self.inputs.len(), got: inputs.len() });
        }
        let mut memory = Memory::new(self.memory_size);
        let mut permutations = chips::poseidon2::Poseidon2Requests::default();
        let mut public_values = Vec::with_capacity(self.public.len());
        let mut openings = Vec::with_capacity(self.opening_rows());
        for (index, instr) in self.instructions.iter().enumerate() {
            match instr {
                Instr::Var(i) => {
                    let value = match i.kind {
                        VarKind::Const(value) => value,
                        VarKind::Hint { slot, base } => {
                            let value = inputs[slot];
                            if base && value[1..].iter().any(|&limb| limb != Val::default()) {
                                return Err(CircuitError::NotBase { slot });
                            }
                            value
                        }
                        VarKind::Inverse { of } => {
                            ext_to_cell(cell_to_ext(memory.get(of)).try_inverse().unwrap_or_default())
                        }
                    };
                    memory.set(i.out, value);
                }
                Instr::Alu(i) => {
                    let (a, b) = (cell_to_ext(memory.get(i.a)), cell_to_ext(memory.get(i.b)));
                    let out = match i.op {
                        AluOp::Add => a + b,
                        AluOp::Sub => a - b,
                        AluOp::Mul => a * b,
                        AluOp::MulAdd => a * b + cell_to_ext(memory.get(i.c)),
                        AluOp::AssertEq => {
                            if checked && a != b {
                                return Err(CircuitError::CheckFailed { instruction: index });
                            }
                            continue;
                        }
                    };
                    memory.set(i.out, ext_to_cell(out));
                }
                Instr::Pack(i) => match i.direction {
                    PackDirection::Pack => memory.set(i.ext, i.felts.map(|a| memory.get_base(a))),
                    PackDirection::Unpack => {
                        let value = memory.get(i.ext);
                        for (&addr, &coord) in i.felts.iter().zip(&value) {
                            memory.set(addr, base_cell(coord));
                        }
                    }
                },
                Instr::Poseidon2(i) => {
                    let mut input = i.input.map(|a| memory.get_base(a));
                    if let Some(swap) = i.swap {
                        let bit = memory.get_base(swap);
                        if checked && bit != Val::ZERO && bit != Val::ONE {
                            return Err(CircuitError::CheckFailed { instruction: index });
                        }
                        input = swap_blocks(&input, bit);
                    }
                    let output = permutations.permute(input);
                    for (&addr, &value) in i.output.iter().zip(&output) {
                        memory.set(addr, base_cell(value));
                    }
                }
                Instr::Bits(i) => {
                    let value = memory.get_base(i.input).as_canonical_u32();
                    for (k, &addr) in i.blocks.iter().enumerate() {
                        let bit = |limb: usize| {
                            let position = CELL * k + limb;
                            Val::from_bool(position < NUM_BITS && value >> position & 1 == 1)
                        };
                        memory.set(addr, core::array::from_fn(bit));
                    }
                }
                Instr::Public(i) => public_values.push(memory.get_base(i.input)),
                Instr::Opening(i) => {
                    let value = |slot: usize| {
                        let cell = inputs[slot];
                        if cell[1..].iter().any(|&limb| limb != Val::ZERO) {
                            return Err(CircuitError::NotBase { slot });
                        }
                        Ok(cell[0])
                    };
                    let values = i.values.map(|slot| slot.map(value).transpose());
                    let values: [Option<Val>; SPONGE_RATE] = {
                        let mut out = [None; SPONGE_RATE];
                        for (out, value) in out.iter_mut().zip(values) {
                            *out = value?;
                        }
                        out
                    };
                    let previous = if i.first { None } else { openings.last() };
                    let row = chips::opening::OpeningRow::compute(
                        i,
                        &values,
                        previous,
                        memory.get(i.factor),
                        &mut permutations,
                    );
                    for (sum, value) in i.sums.iter().zip(&row.sums) {
                        if let Some(addr) = sum {
                            memory.set(*addr, *value);
                        }
                    }
                    if let Some(digest) = i.digest {
                        for (&addr, &value) in digest.iter().zip(&row.output) {
                            memory.set(addr, base_cell(value));
                        }
                    }
                    openings.push(row);
                }
            }
        }
        Ok(Run { memory, permutations, openings, public_values })
    }

    /// Runs the program without stopping at failed checks (their rows would not prove): for
    /// inputs that depend on the program's own intermediate values, which a first pass with
    /// placeholders computes.
    pub fn run_unchecked(&self, inputs: &[Cell]) -> Result<Run, CircuitError> {
        self.execute(inputs, false)
    }

    /// The tables' traces for a run, in proof order.
    pub fn traces(&self, run: &Run) -> Vec<RowMajorMatrix<Val>> {
        let memory = &run.memory;
        let mut traces = vec![
            chips::var::generate_trace(&self.var, memory),
            chips::alu::generate_trace(&self.alu, memory),
            chips::pack::generate_trace(&self.pack, memory),
            chips::poseidon2_call::generate_trace(&self.poseidon2, memory),
            chips::bits::generate_trace(&self.bits, memory),
            chips::public::generate_trace(&self.public, memory),
            chips::poseidon2::generate_padded_trace(&run.permutations, self.poseidon2_height()),
        ];
        if let Some(opening) = &self.opening {
            traces.push(chips::opening::generate_trace(opening, &run.openings));
        }
        traces
    }

    /// The instructions in program order.
    pub fn instructions(&self) -> &[Instr] {
        &self.instructions
    }

    /// Public values per table, in proof order, for the program's public values.
    pub fn table_public_values(&self, public_values: &[Val]) -> Vec<Vec<Val>> {
        let mut all = vec![Vec::new(); self.chips.len()];
        all[table::PUBLIC] = public_values.to_vec();
        all
    }

    /// Runs the program on `inputs` and proves the run.
    pub fn prove(&self, params: &ProofParams, inputs: &[Cell]) -> Result<CircuitProof, CircuitError> {
        let run = self.run(inputs)?;
        let traces = self.traces(&run);
        let proven =
            CpuBackend.prove(params, &self.chips, &traces, &self.table_public_values(&run.public_values))?;
        Ok(CircuitProof { proof: proven.proof, public_values: run.public_values })
    }

    /// The program's verifying key at `params`: the commitment to its preprocessed tables.
    pub fn verifying_key(&self, params: &ProofParams) -> Result<Commitment, CircuitError> {
        hearth_stark::preprocessed_commitment(params, &self.chips, &self.log_heights())?.ok_or_else(|| {
            CircuitError::Stark(StarkError::Shape("program without preprocessed tables".into()))
        })
    }

    /// Checks `proof` is a proof of this program (by `key`, its verifying key at the proof's
    /// parameters) with `public_values`.
    pub fn verify(
        &self,
        proof: &StarkProof,
        public_values: &[Val],
        key: &Commitment,
    ) -> Result<(), CircuitError> {
        if public_values.len() != self.public.len() {
            return Err(CircuitError::PublicCount { expected: self.public.len(), got: public_values.len() });
        }
        // Every table's height is the program's but the Poseidon2 table's (its permutations
        // are the prover's to list).
        let heights = proof.log_heights();
        let own = self.log_heights();
        if heights.len() != own.len()
            || heights.iter().zip(&own).enumerate().any(|(t, (h, o))| t != table::POSEIDON2 && h != o)
        {
            return Err(CircuitError::Stark(StarkError::Rejected(
                "table heights are not the program's".into(),
            )));
        }
        hearth_stark::verify(
            &self.chips,
            proof,
            &self.table_public_values(public_values),
            Some(key.clone()),
        )?;
        Ok(())
    }
}
