//! Aggregating a run's shard proofs into one final proof: the leaves' and node's programs
//! padded to one shape, the allowed keys, the tree and the final step.

use std::collections::HashMap;
use std::time::Instant;

use hearth_machine::{ProgramDescriptor, ProgramSource, RunProof, shard_statement};
use hearth_stark::prover::Commitment;
use hearth_stark::{Challenge, ProofParams, Val};
use p3_field::{BasedVectorSpace, Field, PrimeCharacteristicRing};
use tracing::info_span;

use super::AggregationError;
use super::keys::{Key, KeyList};
use super::leaf::{LeafInputs, LeafProgram};
use super::node::{Child, NodeProgram};
use super::root::FinalProgram;
use super::statement::RunStatement;
use super::tokens::{Challenges, MemoryHistory, final_list_digest, join, list_digest};
use crate::chips::RecursionChip;
use crate::circuit::{CircuitProof, table_height};
use crate::verifier::{InnerShape, Statement};

/// A run's final proof with what checking it takes.
pub struct RunAggregation {
    /// The final step's proof.
    pub proof: CircuitProof,
    /// What it states.
    pub statement: RunStatement<Val>,
    /// The allowed keys of the tree's programs.
    pub keys: KeyList,
    /// The final step's program.
    pub final_program: FinalProgram,
    /// Its verifying key.
    pub final_key: Commitment,
    /// Sizes and times.
    pub report: AggregationReport,
}

/// What aggregating a run took.
#[derive(Clone, Debug, Default)]
pub struct AggregationReport {
    /// Leaf programs built (one per shard shape).
    pub leaf_programs: usize,
    /// Node proofs made.
    pub nodes: usize,
    /// `log2` of the shared tables' heights.
    pub log_heights: Vec<usize>,
    /// Seconds proving the leaves.
    pub leaf_seconds: f64,
    /// Seconds proving the nodes.
    pub node_seconds: f64,
    /// Seconds proving the final step.
    pub final_seconds: f64,
}

fn padded_heights(rows: [usize; 6]) -> [usize; 5] {
    core::array::from_fn(|t| table_height(rows[t]).trailing_zeros() as usize)
}

fn key_of(commitment: &Commitment) -> Key {
    commitment.roots()[0]
}

/// Aggregates `run`, a proof of `program`, into one final proof with `params` at every
/// recursion step.
pub fn aggregate_run(
    run: &RunProof,
    program: ProgramSource<'_>,
    params: &ProofParams,
) -> Result<RunAggregation, AggregationError> {
    let first = run.shards.first().ok_or_else(|| AggregationError::Statement("no shards".into()))?;
    let descriptor = &first.descriptor;
    let image = descriptor.image_lo..descriptor.image_hi;
    let statements = run
        .shards
        .iter()
        .map(|shard| {
            let s = shard_statement(shard, &run.input, program)?;
            let statement = Statement::of(&s.chips, s.commitment, s.public_values);
            Ok((s.chips, statement))
        })
        .collect::<Result<Vec<_>, hearth_machine::VerifyError>>()?;

    // The memory history, every list's digest, and the challenges they fix.
    let lists: Vec<&[hearth_machine::boundary::BoundaryWord]> =
        run.shards.iter().map(|s| &s.boundary.memory[..]).collect();
    let history = MemoryHistory::of(&lists, &image);
    let position = |tables: &[u8], t: usize| tables.iter().position(|&x| x as usize == t);
    let mut digests = Vec::with_capacity(run.shards.len());
    for (k, (shard, (chips, statement))) in run.shards.iter().zip(&statements).enumerate() {
        use hearth_machine::chips::index;
        let memory = position(&shard.tables, index::MEMORY_BOUNDARY)
            .ok_or_else(|| AggregationError::Shape("a shard without its memory list".into()))?;
        let stream = position(&shard.tables, index::STREAM).map(|p| statement.public_values[p].as_slice());
        let rows = p3_air::BaseAir::<Val>::periodic_columns(&chips[memory])[0].len();
        digests.push(list_digest(
            k as u32 + 1,
            &statement.public_values[memory],
            stream,
            &history.prev[k],
            rows,
        ));
    }
    let rows = history.final_words.len().next_power_of_two().max(16);
    let lists_root = tree_digest(&digests);
    let challenges = Challenges::draw(lists_root, final_list_digest(&history.final_words, &image, rows));

    // Leaf programs, one per shard shape, and the heights every program is padded to.
    let mut shapes: HashMap<(Vec<u8>, Vec<usize>), usize> = HashMap::new();
    let mut leaf_of = Vec::with_capacity(run.shards.len());
    let mut leaf_shapes = Vec::new();
    for (shard, (chips, _)) in run.shards.iter().zip(&statements) {
        let shape_key = (shard.tables.clone(), shard.stark.log_heights());
        let next = shapes.len();
        let index = *shapes.entry(shape_key).or_insert(next);
        if index == next {
            leaf_shapes.push((chips.clone(), shard.tables.clone(), InnerShape::of(chips, &shard.stark)?));
        }
        leaf_of.push(index);
    }
    let build_leaves = |pad: Option<[usize; 5]>| -> Result<Vec<LeafProgram>, AggregationError> {
        leaf_shapes
            .iter()
            .map(|(chips, tables, shape)| LeafProgram::build(chips, tables, shape.clone(), pad))
            .collect()
    };
    let mut heights = [0; 5];
    for leaf in build_leaves(None)? {
        let h = padded_heights(leaf.circuit.table_rows());
        heights = core::array::from_fn(|t| heights[t].max(h[t]));
    }
    let depth = (leaf_shapes.len() + 1).next_power_of_two().trailing_zeros() as usize;
    let probe_inputs = |leaves: &[LeafProgram], keys_root: Key| {
        let (chips, statement) = &statements[0];
        let _ = chips;
        leaves[leaf_of[0]].inputs(
            &run.shards[0].stark,
            statement,
            &LeafInputs {
                keys_root,
                stamp: 1,
                challenges,
                input_len: run.input.len() as u32,
                prev: &history.prev[0],
            },
        )
    };
    let (leaves, node, shape, airs) = loop {
        let leaves = build_leaves(Some(heights))?;
        let probe = {
            let _span = info_span!("aggregation_shape_probe").entered();
            leaves[leaf_of[0]].circuit.prove(params, &probe_inputs(&leaves, [Val::ZERO; 9])?)?
        };
        let airs: Vec<RecursionChip> = leaves[leaf_of[0]].circuit.chips().to_vec();
        let shape = InnerShape::of(&airs, &probe.proof)?;
        let node = NodeProgram::build(&airs, &shape, depth, None)?;
        let node_heights = padded_heights(node.circuit.table_rows());
        if (0..5).all(|t| node_heights[t] <= heights[t]) {
            let node = NodeProgram::build(&airs, &shape, depth, Some(heights))?;
            break (leaves, node, shape, airs);
        }
        heights = core::array::from_fn(|t| heights[t].max(node_heights[t]));
    };

    let mut all_keys: Vec<Commitment> =
        leaves.iter().map(|l| l.circuit.verifying_key(params)).collect::<Result<_, _>>()?;
    all_keys.push(node.circuit.verifying_key(params)?);
    let key_list = KeyList::new(&all_keys.iter().map(key_of).collect::<Vec<_>>())
        .ok_or_else(|| AggregationError::Shape("no programs".into()))?;
    if key_list.depth() != depth {
        return Err(AggregationError::Shape("the allowed keys' tree has an unexpected depth".into()));
    }
    let keys_root = key_list.root();
    let path_of = |key: &Commitment| {
        key_list.path(&key_of(key)).ok_or_else(|| AggregationError::Shape("a key outside the list".into()))
    };

    // Leaves, then the tree.
    let started = Instant::now();
    let mut level: Vec<(CircuitProof, usize)> = Vec::with_capacity(run.shards.len());
    for (k, (shard, (_, statement))) in run.shards.iter().zip(&statements).enumerate() {
        let _span = info_span!("aggregation_leaf", shard = k).entered();
        let leaf = &leaves[leaf_of[k]];
        let inputs = leaf.inputs(
            &shard.stark,
            statement,
            &LeafInputs {
                keys_root,
                stamp: k as u32 + 1,
                challenges,
                input_len: run.input.len() as u32,
                prev: &history.prev[k],
            },
        )?;
        level.push((leaf.circuit.prove(params, &inputs)?, leaf_of[k]));
    }
    let leaf_seconds = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let node_index = leaves.len();
    let mut nodes = 0;
    while level.len() > 1 {
        let mut above = Vec::with_capacity(level.len().div_ceil(2));
        let mut pairs = level.into_iter();
        while let Some(left) = pairs.next() {
            let Some(right) = pairs.next() else {
                above.push(left);
                break;
            };
            let _span = info_span!("aggregation_node", node = nodes).entered();
            let (lp, rp) = (path_of(&all_keys[left.1])?, path_of(&all_keys[right.1])?);
            let inputs = node.inputs(
                Child {
                    proof: &left.0.proof,
                    public_values: &left.0.public_values,
                    key: &all_keys[left.1],
                    path: &lp,
                },
                Child {
                    proof: &right.0.proof,
                    public_values: &right.0.public_values,
                    key: &all_keys[right.1],
                    path: &rp,
                },
            )?;
            above.push((node.circuit.prove(params, &inputs)?, node_index));
            nodes += 1;
        }
        level = above;
    }
    let node_seconds = started.elapsed().as_secs_f64();
    let (top, top_index) = level.pop().ok_or_else(|| AggregationError::Statement("no shards".into()))?;

    let started = Instant::now();
    let final_program = FinalProgram::build(&airs, &shape, depth, rows)?;
    let top_path = path_of(&all_keys[top_index])?;
    let inputs = final_program.inputs(
        Child {
            proof: &top.proof,
            public_values: &top.public_values,
            key: &all_keys[top_index],
            path: &top_path,
        },
        &image,
        &history.final_words,
    )?;
    let proof = {
        let _span = info_span!("aggregation_final").entered();
        final_program.circuit.prove(params, &inputs)?
    };
    let final_key = final_program.circuit.verifying_key(params)?;
    let statement = RunStatement::from_slice(&proof.public_values)
        .ok_or_else(|| AggregationError::Statement("the final step's public values".into()))?;
    Ok(RunAggregation {
        proof,
        statement,
        keys: key_list,
        final_program,
        final_key,
        report: AggregationReport {
            leaf_programs: leaves.len(),
            nodes,
            log_heights: heights.to_vec(),
            leaf_seconds,
            node_seconds,
            final_seconds: started.elapsed().as_secs_f64(),
        },
    })
}

/// The list digests joined as the tree joins the shards: adjacent pairs, an odd last one
/// carried up.
pub fn tree_digest(digests: &[Key]) -> Key {
    let mut level = digests.to_vec();
    while level.len() > 1 {
        level = level.chunks(2).map(|pair| if let [l, r] = pair { join(*l, *r) } else { pair[0] }).collect();
    }
    level.first().copied().unwrap_or([Val::ZERO; 9])
}

impl RunAggregation {
    /// Checks the final proof and that it states a run of the program `descriptor` on an
    /// input of `input_len` bytes with `output`, under the allowed keys' root `keys_root`.
    pub fn verify(
        &self,
        keys_root: &Key,
        descriptor: &ProgramDescriptor,
        input_len: usize,
        output: &[u8],
    ) -> Result<(), AggregationError> {
        self.final_program.circuit.verify(&self.proof.proof, &self.proof.public_values, &self.final_key)?;
        check_run_statement(&self.statement, keys_root, descriptor, input_len, output)
    }
}

/// Checks a final statement against what the verifier knows: the allowed keys, the program,
/// the input's length and the output (its sum recomputed with the statement's challenges).
pub fn check_run_statement(
    s: &RunStatement<Val>,
    keys_root: &Key,
    descriptor: &ProgramDescriptor,
    input_len: usize,
    output: &[u8],
) -> Result<(), AggregationError> {
    let wrong = |what: &str| Err(AggregationError::Statement(what.into()));
    if &s.keys_root != keys_root {
        return wrong("another set of recursion programs");
    }
    let commitment: Commitment = postcard::from_bytes(&descriptor.preprocessed_commitment)
        .map_err(|e| AggregationError::Statement(format!("the descriptor's commitment: {e}")))?;
    if s.program_key != key_of(&commitment) {
        return wrong("another program's key");
    }
    let word = |a: u32| Val::from_u32(a / 8);
    if s.entry_pc != Val::from_u32(descriptor.entry)
        || s.image_lo != word(descriptor.image_lo)
        || s.image_hi != word(descriptor.image_hi)
    {
        return wrong("another entry point or image");
    }
    if s.input_len != Val::from_usize(input_len) || s.output_len != Val::from_usize(output.len()) {
        return wrong("another input or output length");
    }
    let ext = |c: &[Val; 8]| Challenge::from_basis_coefficients_slice(c).unwrap_or_default();
    let (gamma, alpha) = (ext(&s.gamma), ext(&s.alpha));
    let mut sum = Challenge::ZERO;
    for (position, &byte) in output.iter().enumerate() {
        let fp = alpha * Val::from_u8(byte) + Val::from_usize(position);
        sum += (gamma - fp).try_inverse().unwrap_or_default();
    }
    if sum != ext(&s.output_sum) {
        return wrong("another output");
    }
    Ok(())
}
