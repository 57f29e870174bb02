//! Aggregating a run's shard proofs into one final proof: the leaves' and node's programs
//! padded to one shape, the allowed keys, the tree and the final step.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use hearth_machine::memory_argument::RunMemory;
use hearth_machine::{ProgramDescriptor, ProgramSource, RunProof, run_memory, shard_statements};
use hearth_stark::prover::Commitment;
use hearth_stark::{ProofParams, Val};
use p3_field::PrimeCharacteristicRing;
use tracing::{info, info_span};

use super::AggregationError;
use super::keys::{Key, KeyList, KeyPath};
use super::leaf::{LeafInputs, LeafProgram};
use super::lift::LiftProgram;
use super::node::{Child, NodeProgram};
use super::root::FinalProgram;
use super::statement::{RANGE_STATEMENT_LEN, RangeStatement, RunStatement};
use super::tokens::{Challenges, FinalWord};
use super::wrap::WrapProgram;
use crate::chips::RecursionChip;
use crate::circuit::{Circuit, CircuitProof, PadHeights, table, table_log_heights};
use crate::verifier::{InnerShape, Statement};
use hearth_machine::final_list::{FinalListProof, final_list_chips, final_list_commitment, prove_final_list};
pub use hearth_verifier::LastLayer;
use hearth_verifier::proof::recursion_bits;
use hearth_verifier::{
    AggregationKey, FinalProof, KeyRecipe, LayerSecurity, ShardShape, Verified, VerifyError, verify_final,
};

/// A run's final proof with what checking it takes.
pub struct RunAggregation {
    /// The final proof, as a verifier reads it.
    pub final_proof: FinalProof,
    /// What a verifier must know beforehand to check it.
    pub key: AggregationKey,
    /// What it states.
    pub statement: RunStatement<Val>,
    /// The allowed keys of the tree's programs.
    pub keys: KeyList,
    /// Sizes and times.
    pub report: AggregationReport,
}

/// What aggregating a run took.
#[derive(Clone, Debug, Default)]
pub struct AggregationReport {
    /// Leaf programs built (one per shard shape).
    pub leaf_programs: usize,
    /// Of those, the ones proven at their own heights and lifted.
    pub lifted_leaf_programs: usize,
    /// Node proofs made.
    pub nodes: usize,
    /// The tree's parameter set.
    pub tree_params: String,
    /// `log2` of the shared tables' heights.
    pub log_heights: Vec<usize>,
    /// Seconds building the programs and their keys.
    pub setup_seconds: f64,
    /// Seconds proving the leaves.
    pub leaf_seconds: f64,
    /// Seconds proving the nodes.
    pub node_seconds: f64,
    /// Seconds proving the final step.
    pub final_seconds: f64,
    /// Seconds building and proving each wrap, innermost first.
    pub wrap_seconds: Vec<f64>,
}

fn key_of(commitment: &Commitment) -> Key {
    commitment.roots()[0]
}

/// What a leaf program is built from: the shard proofs' tables (and their machine indices)
/// and shape.
struct LeafShape {
    chips: Vec<hearth_machine::chips::Chip>,
    tables: Vec<u8>,
    shape: InnerShape,
}

impl LeafShape {
    fn build(&self, pad: Option<PadHeights>) -> Result<LeafProgram, AggregationError> {
        LeafProgram::build(&self.chips, &self.tables, self.shape.clone(), pad)
    }
}

/// An aggregation proof of a range of shards, and which program made it.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct RangeProof {
    /// The proof and its public values (a [`super::RangeStatement`]).
    pub proof: CircuitProof,
    /// The program: a leaf's index, or the number of leaves for the node.
    pub program: usize,
}

/// One step of the tree as a unit of work: what a worker holding the run's
/// [`AggregationSetup`] is sent, to send back a [`RangeProof`]
/// ([`AggregationSetup::prove_task`]).
#[derive(serde::Serialize, serde::Deserialize)]
pub enum AggregationTask {
    /// The leaf of one shard.
    Leaf {
        /// The shard's index in the run.
        shard: u32,
    },
    /// The node joining two adjacent ranges, left first.
    Node {
        /// The proof of the range on the left.
        left: Box<RangeProof>,
        /// The proof of the range on the right.
        right: Box<RangeProof>,
    },
}

impl AggregationTask {
    /// The task as bytes, to send to a worker.
    pub fn to_bytes(&self) -> Vec<u8> {
        postcard::to_allocvec(self).expect("serializing to memory cannot fail")
    }

    /// A task from bytes; refuses anything [`AggregationTask::to_bytes`] did not write.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, AggregationError> {
        postcard::from_bytes(bytes).map_err(|e| AggregationError::Decode(e.to_string()))
    }

    /// What the task is, for progress output.
    pub fn describe(&self) -> String {
        match self {
            Self::Leaf { shard } => format!("leaf {shard}"),
            Self::Node { .. } => "node".into(),
        }
    }
}

impl RangeProof {
    /// The proof as bytes, to send back from a worker.
    pub fn to_bytes(&self) -> Vec<u8> {
        postcard::to_allocvec(self).expect("serializing to memory cannot fail")
    }

    /// A proof from bytes; refuses anything [`RangeProof::to_bytes`] did not write.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, AggregationError> {
        postcard::from_bytes(bytes).map_err(|e| AggregationError::Decode(e.to_string()))
    }
}

/// Everything the steps of a run's aggregation share: what the leaf programs are built from (one
/// per shard shape) and the node program, padded to one shape; their keys; the shards' statements; the memory
/// history and the challenges it fixes; and the final program. Built from the run alone, so
/// a worker on another machine rebuilds the same one.
pub struct AggregationSetup {
    /// The programs and keys, which follow from the shapes and parameters alone.
    tree: TreePrograms,
    final_params: ProofParams,
    statements: Vec<(Vec<hearth_machine::chips::Chip>, Statement)>,
    leaf_shapes: Vec<LeafShape>,
    /// The leaf program last built: consecutive shards often share a shape.
    built_leaf: LastBuilt<LeafProgram>,
    leaf_of: Vec<usize>,
    built_lift: LastBuilt<LiftProgram>,
    final_words: Vec<FinalWord>,
    final_list: FinalListProof,
    challenges: Challenges,
    image: core::ops::Range<u32>,
    input_len: u32,
    /// Whether every leaf is lifted, whether or not it fits the tree.
    lift_every_leaf: bool,
    /// Seconds building it.
    setup_seconds: f64,
}

/// The program last built of a kind, by its index: programs are rebuilt on demand rather than
/// all held, and one is kept for the next proof of the same program.
struct LastBuilt<T>(Mutex<Option<(usize, Arc<T>)>>);

impl<T> Default for LastBuilt<T> {
    fn default() -> Self {
        Self(Mutex::new(None))
    }
}

impl<T> LastBuilt<T> {
    fn get_or_build(
        &self,
        index: usize,
        build: impl FnOnce() -> Result<T, AggregationError>,
    ) -> Result<Arc<T>, AggregationError> {
        let mut built = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((at, program)) = built.as_ref()
            && *at == index
        {
            return Ok(program.clone());
        }
        // Dropped before the next is built: one program of the kind in memory at a time.
        *built = None;
        let program = Arc::new(build()?);
        *built = Some((index, program.clone()));
        Ok(program)
    }

    /// Drops the kept program: a leaf program of a wide shard holds gigabytes the last
    /// layers need.
    fn forget(&self) {
        *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = None;
    }
}

/// Smallest table height (`log2`) of a recursion program.
const MIN_LOG_HEIGHT: usize = crate::circuit::MIN_TABLE_HEIGHT.trailing_zeros() as usize;

/// Whether a program of tables `2^natural` rows tall fits tables of `2^heights`.
fn fits(natural: PadHeights, heights: PadHeights) -> bool {
    natural.iter().zip(&heights).all(|(n, h)| n <= h)
}

/// Levels of an allowed-keys tree of `keys` keys.
fn keys_depth(keys: usize) -> usize {
    keys.next_power_of_two().trailing_zeros() as usize
}

/// The shape of aggregation proofs at any heights, from one small proof: a program exposing a
/// range statement, padded to the smallest tables (so no table is empty) and proven. Nothing
/// but the heights differs between its shape and a leaf's or a node's.
struct ShapeProbe {
    airs: Vec<RecursionChip>,
    shape: InnerShape,
}

impl ShapeProbe {
    fn new(params: &ProofParams) -> Result<Self, AggregationError> {
        let _span = info_span!("aggregation_shape_probe").entered();
        let mut b = crate::circuit::CircuitBuilder::new();
        let zero = b.constant(Val::ZERO);
        for _ in 0..RANGE_STATEMENT_LEN {
            b.expose(zero);
        }
        if super::TREE_OPENING_TABLE {
            b.use_opening_table();
        }
        super::pad(&mut b, Some([MIN_LOG_HEIGHT; 7]), "the shape probe")?;
        let circuit = b.build();
        let proof = circuit.prove(params, &[])?;
        let airs = circuit.chips().to_vec();
        let shape = InnerShape::of(&airs, &proof.proof)?;
        Ok(Self { airs, shape })
    }

    /// The shape of an aggregation proof whose padded tables are `2^heights` rows.
    fn at(&self, heights: PadHeights) -> Result<InnerShape, AggregationError> {
        let public = self.shape.degree_bits[table::PUBLIC];
        let degree_bits = table_log_heights(heights, public, super::TREE_OPENING_TABLE);
        Ok(self.shape.at_heights(&self.airs, degree_bits)?)
    }
}

/// The tree's programs and their keys: everything of a setup that follows from the shard
/// shapes, the final list's shape and the parameters alone, so a verifier rebuilds it from a
/// key's recipe without any proof.
struct TreePrograms {
    /// The tree's parameters.
    params: ProofParams,
    /// Per leaf program: the tree's heights it is padded to, or none for a leaf proven at its
    /// own heights and lifted.
    leaf_pads: Vec<Option<PadHeights>>,
    /// Each leaf program's rows per table before padding.
    leaf_rows: Vec<[usize; 6]>,
    /// Per leaf program: the lift its proofs go through, if any.
    lift_of: Vec<Option<usize>>,
    /// Per lift: the shape of the leaf proofs it verifies.
    lift_shapes: Vec<InnerShape>,
    /// The recursion tables, as the programs verifying recursion proofs see them.
    airs: Vec<RecursionChip>,
    /// Levels of the allowed-keys tree.
    depth: usize,
    node: NodeProgram,
    final_program: FinalProgram,
    /// The leaves' keys, the node's, then the lifts'.
    keys: Vec<Commitment>,
    key_list: KeyList,
    /// `log2` of the heights every program of the tree is padded to.
    heights: PadHeights,
}

impl TreePrograms {
    fn build(
        leaf_shapes: &[LeafShape],
        list_shape: InnerShape,
        list_key: &Key,
        tree_params: TreeParams,
        lift_all: bool,
    ) -> Result<Self, AggregationError> {
        // Building the programs takes minutes on a block (one build per shard shape, each
        // taking seconds; the setup and a key rebuild both do it): each stage reports as it ends.
        let started = Instant::now();
        let n = leaf_shapes.len();
        let mut leaf_rows = Vec::with_capacity(n);
        let mut natural: Vec<PadHeights> = Vec::with_capacity(n);
        for (i, leaf_shape) in leaf_shapes.iter().enumerate() {
            let leaf = info_span!("aggregation_leaf_program").in_scope(|| leaf_shape.build(None))?;
            leaf_rows.push(leaf.circuit.table_rows());
            natural.push(leaf.circuit.pad_heights());
            info!(
                "programs {:.0} s: leaf program {}/{n} measured, log2 heights {:?}",
                started.elapsed().as_secs_f64(),
                i + 1,
                natural[i]
            );
        }
        let params = &tree_params.for_leaves(&natural).for_recursion();

        // The tree's shape: the heights a node verifying two proofs of that shape needs (and
        // every lift), grown until they hold their own proofs. Leaves that fit are padded to
        // it; taller ones are proven at their own heights and lifted.
        let probe = ShapeProbe::new(params)?;
        let airs = probe.airs.clone();
        let mut heights = [MIN_LOG_HEIGHT; 7];
        let mut lift_heights: HashMap<(usize, usize), PadHeights> = HashMap::new();
        let mut settled = None;
        let (lifted, depth) = loop {
            let lifted: Vec<usize> = (0..n).filter(|&i| lift_all || !fits(natural[i], heights)).collect();
            let depth = keys_depth(n + 1 + lifted.len());
            if settled == Some((heights, depth)) {
                break (lifted, depth);
            }
            let _span = info_span!("aggregation_tree_shape", heights = ?heights).entered();
            let node = NodeProgram::build(&airs, &probe.at(heights)?, depth, None)?;
            let mut needed = node.circuit.pad_heights();
            drop(node);
            for &i in &lifted {
                let h = match lift_heights.get(&(i, depth)) {
                    Some(&h) => h,
                    None => {
                        let lift = LiftProgram::build(&airs, &probe.at(natural[i])?, depth, None)?;
                        let h = lift.circuit.pad_heights();
                        lift_heights.insert((i, depth), h);
                        h
                    }
                };
                needed = core::array::from_fn(|t| needed[t].max(h[t]));
            }
            settled = Some((heights, depth));
            heights = core::array::from_fn(|t| heights[t].max(needed[t]));
        };
        info!(
            "programs {:.0} s: tree log2 heights {heights:?}, {} of {n} leaf programs lifted, keys tree depth {depth}",
            started.elapsed().as_secs_f64(),
            lifted.len()
        );
        let tree_shape = probe.at(heights)?;
        let mut leaf_pads: Vec<Option<PadHeights>> = vec![Some(heights); n];
        let mut lift_of = vec![None; n];
        let mut lift_shapes = Vec::with_capacity(lifted.len());
        for (j, &i) in lifted.iter().enumerate() {
            leaf_pads[i] = None;
            lift_of[i] = Some(j);
            lift_shapes.push(probe.at(natural[i])?);
        }
        let node = NodeProgram::build(&airs, &tree_shape, depth, Some(heights))?;

        // Keys: the leaves (each at its heights), the node, the lifts.
        let mut keys = Vec::with_capacity(n + 1 + lifted.len());
        for (i, (leaf_shape, pad)) in leaf_shapes.iter().zip(&leaf_pads).enumerate() {
            let key = info_span!("aggregation_leaf_program").in_scope(|| {
                Ok::<_, AggregationError>(leaf_shape.build(*pad)?.circuit.verifying_key(params)?)
            })?;
            keys.push(key);
            info!("programs {:.0} s: leaf key {}/{n}", started.elapsed().as_secs_f64(), i + 1);
        }
        keys.push(node.circuit.verifying_key(params)?);
        for (j, shape) in lift_shapes.iter().enumerate() {
            keys.push(LiftProgram::build(&airs, shape, depth, Some(heights))?.circuit.verifying_key(params)?);
            info!(
                "programs {:.0} s: lift key {}/{}",
                started.elapsed().as_secs_f64(),
                j + 1,
                lift_shapes.len()
            );
        }
        let key_list = KeyList::new(&keys.iter().map(key_of).collect::<Vec<_>>())
            .ok_or_else(|| AggregationError::Shape("no programs".into()))?;
        if key_list.depth() != depth {
            return Err(AggregationError::Shape("the allowed keys' tree has an unexpected depth".into()));
        }
        let final_program = FinalProgram::build(&airs, &tree_shape, depth, list_shape, list_key)?;
        info!("programs {:.0} s: node and final step built", started.elapsed().as_secs_f64());
        Ok(Self {
            params: params.clone(),
            leaf_pads,
            leaf_rows,
            lift_of,
            lift_shapes,
            airs,
            depth,
            node,
            final_program,
            keys,
            key_list,
            heights,
        })
    }
}

impl AggregationSetup {
    /// The setup for `run`, a proof of `program`, with `params` at every recursion step (their
    /// lookups packed for recursion tables: [`ProofParams::for_recursion`]).
    pub fn new(
        run: &RunProof,
        program: ProgramSource<'_>,
        params: impl Into<TreeParams>,
    ) -> Result<Self, AggregationError> {
        Self::build(run, program, params.into(), run_memory(run)?, false)
    }

    /// [`AggregationSetup::new`] with every leaf proven at its own heights and lifted, whether
    /// or not it fits the tree's shape: the way tests cover lifting on runs too small to need it.
    #[doc(hidden)]
    pub fn lifting_every_leaf(
        run: &RunProof,
        program: ProgramSource<'_>,
        params: impl Into<TreeParams>,
    ) -> Result<Self, AggregationError> {
        Self::build(run, program, params.into(), run_memory(run)?, true)
    }

    /// [`AggregationSetup::new`] with the shards' places in the memory argument given instead of
    /// derived from the run: the way soundness tests aggregate shards proven for another
    /// memory history. Honest callers use [`AggregationSetup::new`].
    #[doc(hidden)]
    pub fn with_memory(
        run: &RunProof,
        program: ProgramSource<'_>,
        params: impl Into<TreeParams>,
        memory: RunMemory,
    ) -> Result<Self, AggregationError> {
        Self::build(run, program, params.into(), memory, false)
    }

    fn build(
        run: &RunProof,
        program: ProgramSource<'_>,
        tree_params: TreeParams,
        memory: RunMemory,
        lift_all: bool,
    ) -> Result<Self, AggregationError> {
        let started = Instant::now();
        let first = run.shards.first().ok_or_else(|| AggregationError::Statement("no shards".into()))?;
        let descriptor = &first.descriptor;
        let image = descriptor.image_lo..descriptor.image_hi;
        let input_len = u32::try_from(run.input.len())
            .map_err(|_| AggregationError::Statement("an input of 4 GiB or more".into()))?;
        // The run's memory argument: each shard's place in it, the challenges and the final list.
        // `shard_statements` refuses a context count that differs from the shard count.
        let statements: Vec<_> = shard_statements(run, program, &memory.contexts)?
            .into_iter()
            .map(|s| {
                let statement = Statement::of(&s.chips, s.commitment, s.public_values);
                (s.chips, statement)
            })
            .collect();
        let (challenges, final_words) = (memory.challenges, memory.final_words);
        // The final list's proof, at the shards' parameters: the final step verifies it.
        let shard_params = &first.stark.params;
        let final_list = {
            let _span = info_span!("aggregation_final_list", words = final_words.len()).entered();
            prove_final_list(&hearth_stark::CpuBackend, shard_params, &final_words, &image, &challenges)
                .map_err(|e| AggregationError::Statement(format!("the final list cannot be proven: {e}")))?
        };
        info!(
            "setup {:.0} s: {} shard statements read, the final list of {} words proven",
            started.elapsed().as_secs_f64(),
            statements.len(),
            final_words.len()
        );
        let list_shape = InnerShape::of(&final_list_chips(), &final_list.stark)?;
        let list_key = key_of(&final_list_commitment(shard_params)?);

        // Leaf programs, one per shard shape. A block shard's leaf is millions of
        // instructions, so programs are built one at a time and only their heights and keys
        // kept; a leaf is built again when its shard is proven.
        let mut shapes: HashMap<(Vec<u8>, Vec<usize>), usize> = HashMap::new();
        let mut leaf_of = Vec::with_capacity(run.shards.len());
        let mut leaf_shapes = Vec::new();
        for (shard, (chips, _)) in run.shards.iter().zip(&statements) {
            let shape_key = (shard.tables.clone(), shard.stark.log_heights());
            let next = shapes.len();
            let index = *shapes.entry(shape_key).or_insert(next);
            if index == next {
                let shape = InnerShape::of(chips, &shard.stark)?;
                leaf_shapes.push(LeafShape { chips: chips.clone(), tables: shard.tables.clone(), shape });
            }
            leaf_of.push(index);
        }
        let tree = TreePrograms::build(&leaf_shapes, list_shape, &list_key, tree_params, lift_all)?;
        Ok(Self {
            final_params: tree.params.clone(),
            tree,
            statements,
            leaf_shapes,
            built_leaf: LastBuilt::default(),
            leaf_of,
            built_lift: LastBuilt::default(),
            lift_every_leaf: lift_all,
            final_words,
            final_list,
            challenges,
            image,
            input_len,
            setup_seconds: started.elapsed().as_secs_f64(),
        })
    }

    /// Proves the final step with size-tuned parameters at blowup `2^log_blowup`
    /// ([`size_tuned`]) instead of the tree's.
    pub fn tune_final(&mut self, log_blowup: u8) -> Result<&ProofParams, AggregationError> {
        self.set_final(&LastLayer::SizeTuned(log_blowup))
    }

    /// Proves the final step as `layer` says instead of with the tree's parameters.
    pub fn set_final(&mut self, layer: &LastLayer) -> Result<&ProofParams, AggregationError> {
        self.final_params = layer_params(layer, &self.tree.final_program.circuit, &self.tree.params)?;
        Ok(&self.final_params)
    }

    /// The recipe of the key an aggregation with this setup ends in, when `last_layers` are
    /// the layers above its tree ([`rebuild_key`] makes the key from it).
    pub fn recipe(&self, last_layers: &[LastLayer]) -> KeyRecipe {
        KeyRecipe {
            leaf_shapes: self
                .leaf_shapes
                .iter()
                .map(|l| ShardShape { tables: l.tables.clone(), log_heights: l.shape.degree_bits.clone() })
                .collect(),
            lift_every_leaf: self.lift_every_leaf,
            tree_params: self.tree.params.clone(),
            final_list_log_heights: self.final_list.stark.log_heights(),
            last_layers: last_layers.to_vec(),
        }
    }

    /// The tree's parameters (every leaf and node proof's).
    pub fn params(&self) -> &ProofParams {
        &self.tree.params
    }

    /// The final step's parameters.
    pub fn final_params(&self) -> &ProofParams {
        &self.final_params
    }

    /// The allowed keys.
    pub fn keys(&self) -> &KeyList {
        &self.tree.key_list
    }

    /// Leaf programs (one per shard shape).
    pub fn leaf_programs(&self) -> usize {
        self.leaf_shapes.len()
    }

    /// Each leaf program's rows per table (var, arithmetic, pack, Poseidon2, bits, public)
    /// before padding, by leaf program.
    pub fn leaf_rows(&self) -> &[[usize; 6]] {
        &self.tree.leaf_rows
    }

    /// `log2` of the heights every program of the tree is padded to.
    pub fn log_heights(&self) -> PadHeights {
        self.tree.heights
    }

    /// The final list of touched words.
    pub fn final_words(&self) -> &[FinalWord] {
        &self.final_words
    }

    /// The run-wide challenges every shard's memory argument used.
    pub fn challenges(&self) -> &Challenges {
        &self.challenges
    }

    /// What every leaf is given besides its shard proof.
    pub fn leaf_inputs(&self) -> LeafInputs {
        LeafInputs { keys_root: self.tree.key_list.root(), input_len: self.input_len }
    }

    /// Proves the leaf of shard `k` of `run` (the run the setup was built from).
    pub fn prove_leaf(&self, run: &RunProof, k: usize) -> Result<RangeProof, AggregationError> {
        self.prove_leaf_with(run, k, &self.leaf_inputs())
    }

    /// Proves the leaf of shard `k` with the given inputs: the leaf proof itself, lifted to
    /// the tree's shape when its leaf program is taller.
    pub fn prove_leaf_with(
        &self,
        run: &RunProof,
        k: usize,
        witness: &LeafInputs,
    ) -> Result<RangeProof, AggregationError> {
        let leaf = self.prove_unlifted_leaf_with(run, k, witness)?;
        match self.tree.lift_of[leaf.program] {
            Some(_) => self.prove_lift(&leaf),
            None => Ok(leaf),
        }
    }

    /// Proves the leaf of shard `k` at its leaf program's heights, without lifting it.
    pub fn prove_unlifted_leaf_with(
        &self,
        run: &RunProof,
        k: usize,
        witness: &LeafInputs,
    ) -> Result<RangeProof, AggregationError> {
        let _span = info_span!("aggregation_leaf", shard = k).entered();
        let (shard, (_, statement), &program) =
            match (run.shards.get(k), self.statements.get(k), self.leaf_of.get(k)) {
                (Some(a), Some(b), Some(c)) => (a, b, c),
                _ => return Err(AggregationError::Statement(format!("no shard {k}"))),
            };
        let leaf = self.built_leaf.get_or_build(program, || {
            let _span = info_span!("aggregation_leaf_program").entered();
            self.leaf_shapes[program].build(self.tree.leaf_pads[program])
        })?;
        let inputs = leaf.inputs(&shard.stark, statement, witness)?;
        Ok(RangeProof { proof: leaf.circuit.prove(&self.tree.params, &inputs)?, program })
    }

    /// Proves the lift of `leaf`, a proof of a leaf program taller than the tree's shape.
    pub fn prove_lift(&self, leaf: &RangeProof) -> Result<RangeProof, AggregationError> {
        let _span = info_span!("aggregation_lift").entered();
        let lift = self.tree.lift_of.get(leaf.program).copied().flatten().ok_or_else(|| {
            AggregationError::Shape("only proofs of a lifted leaf program are lifted".into())
        })?;
        let program = self.built_lift.get_or_build(lift, || {
            LiftProgram::build(
                &self.tree.airs,
                &self.tree.lift_shapes[lift],
                self.tree.depth,
                Some(self.tree.heights),
            )
        })?;
        let path = self.path(leaf)?;
        let inputs = program.inputs(self.child(leaf, &path))?;
        Ok(RangeProof {
            proof: program.circuit.prove(&self.tree.params, &inputs)?,
            program: self.leaf_shapes.len() + 1 + lift,
        })
    }

    /// Leaf programs proven at their own heights and lifted.
    pub fn lifted_leaf_programs(&self) -> usize {
        self.tree.lift_shapes.len()
    }

    fn child<'a>(&'a self, proof: &'a RangeProof, path: &'a KeyPath) -> Child<'a> {
        Child {
            proof: &proof.proof.proof,
            public_values: &proof.proof.public_values,
            key: &self.tree.keys[proof.program],
            path,
        }
    }

    fn path(&self, proof: &RangeProof) -> Result<KeyPath, AggregationError> {
        self.tree
            .keys
            .get(proof.program)
            .and_then(|key| self.tree.key_list.path(&key_of(key)))
            .ok_or_else(|| AggregationError::Shape("a proof of a program outside the list".into()))
    }

    /// Proves the node joining two adjacent ranges, left first.
    pub fn prove_node(&self, left: &RangeProof, right: &RangeProof) -> Result<RangeProof, AggregationError> {
        let _span = info_span!("aggregation_node").entered();
        let (lp, rp) = (self.path(left)?, self.path(right)?);
        let inputs = self.tree.node.inputs(self.child(left, &lp), self.child(right, &rp))?;
        Ok(RangeProof {
            proof: self.tree.node.circuit.prove(&self.tree.params, &inputs)?,
            program: self.leaf_shapes.len(),
        })
    }

    /// Does `task` for `run` (the run the setup was built from).
    pub fn prove_task(&self, run: &RunProof, task: &AggregationTask) -> Result<RangeProof, AggregationError> {
        match task {
            AggregationTask::Leaf { shard } => self.prove_leaf(run, *shard as usize),
            AggregationTask::Node { left, right } => self.prove_node(left, right),
        }
    }

    /// Proves the final step over the whole run's range proof, with `list` as the final list's
    /// proof.
    pub fn prove_final_with(
        &self,
        top: &RangeProof,
        list: &FinalListProof,
    ) -> Result<CircuitProof, AggregationError> {
        let _span = info_span!("aggregation_final").entered();
        let path = self.path(top)?;
        let inputs = self.tree.final_program.inputs(self.child(top, &path), &self.image, list)?;
        Ok(self.tree.final_program.circuit.prove(&self.final_params, &inputs)?)
    }

    /// Proves the final step with the run's final list.
    pub fn prove_final(&self, top: &RangeProof) -> Result<CircuitProof, AggregationError> {
        self.prove_final_with(top, &self.final_list)
    }

    /// The final list's proof, made by the setup.
    pub fn final_list(&self) -> &FinalListProof {
        &self.final_list
    }

    /// Addresses the program image covers.
    pub fn image(&self) -> &core::ops::Range<u32> {
        &self.image
    }

    /// The final step's program.
    pub fn final_program(&self) -> &FinalProgram {
        &self.tree.final_program
    }
}

/// The parameters a proof of `circuit` is made with as `layer` says; `base` gives what size
/// tuning keeps.
pub fn layer_params(
    layer: &LastLayer,
    circuit: &Circuit,
    base: &ProofParams,
) -> Result<ProofParams, AggregationError> {
    match layer {
        LastLayer::Given(params) => Ok(params.for_recursion()),
        &LastLayer::SizeTuned(log_blowup) => size_tuned(circuit, log_blowup, base).ok_or_else(|| {
            let tallest = circuit.log_heights().into_iter().max().unwrap_or(0);
            let blowup = 1u64 << log_blowup;
            if tallest + usize::from(log_blowup) > TWO_ADICITY {
                AggregationError::Shape(format!(
                    "a program of 2^{tallest} rows cannot be proven at blowup {blowup}: its \
                     extension would pass the field's 2^{TWO_ADICITY} limit (wrap at a smaller \
                     blowup first)"
                ))
            } else {
                AggregationError::Shape(format!("no query count reaches 128 bits at blowup {blowup}"))
            }
        }),
    }
}

/// The parameters of the aggregation tree's proofs: leaves, lifts and nodes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TreeParams {
    /// These, whatever the run.
    Fixed(ProofParams),
    /// Chosen by the tallest leaf program: rate 1/4 ([`ProofParams::default_128`], 114
    /// queries) while every leaf table is at most 2^[`QUARTER_RATE_MAX_LOG_HEIGHT`] rows,
    /// else rate 1/2 ([`ProofParams::half_rate_128`], 231 queries), whose extension is half as
    /// tall. Both reach 128 provable bits; rate 1/4 verifies in half the rows, so its nodes and
    /// final step are half as tall.
    ByTallestLeaf,
}

/// `log2` of the tallest leaf table [`TreeParams::ByTallestLeaf`] proves at rate 1/4: its
/// extension is 2^23 rows (about 14 GiB for a block's leaf); one twice as tall would need
/// twice that at rate 1/4, the same at rate 1/2.
pub const QUARTER_RATE_MAX_LOG_HEIGHT: usize = 21;

impl TreeParams {
    /// The parameters for leaf programs whose tables are `2^heights` rows.
    pub fn for_leaves(&self, heights: &[PadHeights]) -> ProofParams {
        match self {
            Self::Fixed(params) => params.clone(),
            Self::ByTallestLeaf => {
                let tallest = heights.iter().flatten().copied().max().unwrap_or(0);
                if tallest <= QUARTER_RATE_MAX_LOG_HEIGHT {
                    ProofParams::default_128()
                } else {
                    ProofParams::half_rate_128()
                }
            }
        }
    }

    /// Its name on the command line: a parameter set's, or `auto`.
    pub fn name(&self) -> &str {
        match self {
            Self::Fixed(params) => &params.name,
            Self::ByTallestLeaf => "auto",
        }
    }
}

impl From<&ProofParams> for TreeParams {
    fn from(params: &ProofParams) -> Self {
        Self::Fixed(params.clone())
    }
}

/// `log2` of the largest power-of-two subgroup of the field: tables times blowup must fit it.
const TWO_ADICITY: usize = <Val as p3_field::TwoAdicField>::TWO_ADICITY;

/// Aggregates `run`, a proof of `program`, into one final proof with `params` at every
/// recursion step: a leaf per shard, nodes joining adjacent pairs level by level (an odd last
/// range carried up), then the final step. `last_layers` says how the layers above the tree
/// are proven: none, and the final step is proven at `params` too; the first is the final
/// step's, each further one a wrap ([`WrapProgram`]) around the layer below.
pub fn aggregate_run(
    run: &RunProof,
    program: ProgramSource<'_>,
    params: impl Into<TreeParams>,
    last_layers: &[LastLayer],
) -> Result<RunAggregation, AggregationError> {
    aggregate_run_observed(run, program, params, last_layers, &())
}

/// Told of each step of an aggregation as it ends (progress output).
pub trait AggregationObserver {
    /// `step` (`setup`, `leaf 3`, `node 2`, `final step`, `wrap 1`) took `seconds`; it is the
    /// `done`-th of `total` steps. Told before the step's proof is given to the [`StepStore`].
    fn step_done(&self, _step: &str, _done: usize, _total: usize, _seconds: f64) {}
    /// `step`'s proof was kept from an earlier attempt ([`StepStore`]); it is the `done`-th of
    /// `total` steps.
    fn step_resumed(&self, _step: &str, _done: usize, _total: usize) {}
}

impl AggregationObserver for () {}

/// Keeps the tree's proofs (leaves and nodes) as they are made, so that an aggregation stopped
/// part-way resumes from the steps already proven. A proof is named by the shards it covers:
/// `count` shards from index `first`.
pub trait StepStore {
    /// The proof of those shards kept from an earlier attempt, if any. The aggregation uses it
    /// only if it states that range under this setup's allowed keys; otherwise it proves the
    /// step again.
    fn load(&self, first: usize, count: usize) -> Option<RangeProof>;
    /// Keeps the proof of those shards. A store that cannot save says so itself (a warning):
    /// the proof is still in memory, so the aggregation goes on.
    fn save(&self, first: usize, count: usize, proof: &RangeProof);
}

/// No store: every step is proven.
impl StepStore for () {
    fn load(&self, _first: usize, _count: usize) -> Option<RangeProof> {
        None
    }

    fn save(&self, _first: usize, _count: usize, _proof: &RangeProof) {}
}

/// [`aggregate_run`], telling `observer` of each step.
pub fn aggregate_run_observed(
    run: &RunProof,
    program: ProgramSource<'_>,
    params: impl Into<TreeParams>,
    last_layers: &[LastLayer],
    observer: &dyn AggregationObserver,
) -> Result<RunAggregation, AggregationError> {
    aggregate_run_resuming(run, program, params, last_layers, observer, &())
}

/// [`aggregate_run_observed`], taking from `store` the tree's proofs it kept from an earlier
/// attempt and giving it every one proven.
pub fn aggregate_run_resuming(
    run: &RunProof,
    program: ProgramSource<'_>,
    params: impl Into<TreeParams>,
    last_layers: &[LastLayer],
    observer: &dyn AggregationObserver,
    store: &dyn StepStore,
) -> Result<RunAggregation, AggregationError> {
    let setup = AggregationSetup::new(run, program, params)?;
    aggregate_with_setup_resuming(run, setup, last_layers, observer, store)
}

/// [`aggregate_run_observed`] with the setup given: built for `run`, as a test builds it with
/// other options.
pub fn aggregate_with_setup(
    run: &RunProof,
    setup: AggregationSetup,
    last_layers: &[LastLayer],
    observer: &dyn AggregationObserver,
) -> Result<RunAggregation, AggregationError> {
    aggregate_with_setup_resuming(run, setup, last_layers, observer, &())
}

/// Whether `proof` states the `count` shards from `first` under the allowed keys `keys_root`:
/// a kept proof from another run or setup does not.
fn states_range(proof: &RangeProof, first: usize, count: usize, keys_root: &Key) -> bool {
    RangeStatement::from_slice(&proof.proof.public_values).is_some_and(|statement| {
        statement.first == Val::from_usize(first + 1)
            && statement.count == Val::from_usize(count)
            && &statement.keys_root == keys_root
    })
}

/// [`aggregate_with_setup`], taking from `store` the tree's proofs it kept from an earlier
/// attempt and giving it every one proven.
pub fn aggregate_with_setup_resuming(
    run: &RunProof,
    mut setup: AggregationSetup,
    last_layers: &[LastLayer],
    observer: &dyn AggregationObserver,
    store: &dyn StepStore,
) -> Result<RunAggregation, AggregationError> {
    let shards = run.shards.len();
    // Setup, the leaves, the nodes, the final step and the wraps.
    let total = 1 + shards + shards.saturating_sub(1) + 1 + last_layers.len().saturating_sub(1);
    let mut done = 0;
    // `None` for a step whose proof was kept from an earlier attempt.
    let mut tell = |step: &str, seconds: Option<f64>| {
        done += 1;
        match seconds {
            Some(seconds) => observer.step_done(step, done, total, seconds),
            None => observer.step_resumed(step, done, total),
        }
    };
    if let Some(layer) = last_layers.first() {
        setup.set_final(layer)?;
    }
    let setup_seconds = setup.setup_seconds;
    // The tallest leaf (by arithmetic rows) is named for diagnosis: the tallest set the lifts'
    // heights, the others the tree's.
    let tallest_leaf = setup.leaf_rows().iter().max_by_key(|rows| rows[1]).copied().unwrap_or_default();
    let setup_step = format!(
        "setup ({} leaf programs, {} lifted, the tallest with {:?} rows; tree tables of 2^{:?} rows, {})",
        setup.leaf_programs(),
        setup.lifted_leaf_programs(),
        &tallest_leaf[..5],
        setup.log_heights(),
        setup.params().name
    );
    tell(&setup_step, Some(setup_seconds));
    let keys_root = setup.tree.key_list.root();
    // A step's proof: the one kept by the store if it states the same range under the same
    // keys, or else proven by `prove` and given to the store.
    let step = |first: usize,
                count: usize,
                name: &str,
                tell: &mut dyn FnMut(&str, Option<f64>),
                prove: Box<dyn FnOnce() -> Result<RangeProof, AggregationError> + '_>|
     -> Result<RangeProof, AggregationError> {
        if let Some(kept) = store.load(first, count)
            && states_range(&kept, first, count, &keys_root)
        {
            tell(name, None);
            return Ok(kept);
        }
        let started = Instant::now();
        let proof = prove()?;
        // Told before it is kept: an observer that logs the step's cost has it logged by the
        // time the proof can be resumed from, so a stop between the two loses neither.
        tell(name, Some(started.elapsed().as_secs_f64()));
        store.save(first, count, &proof);
        Ok(proof)
    };
    let started = Instant::now();
    // Each proof with the range it covers: (first shard, shards).
    let mut level = Vec::with_capacity(shards);
    for k in 0..shards {
        let task = AggregationTask::Leaf { shard: k as u32 };
        let tree = &setup;
        let proof =
            step(k, 1, &format!("leaf {k}"), &mut tell, Box::new(move || tree.prove_task(run, &task)))?;
        level.push((k, 1, proof));
    }
    let leaf_seconds = started.elapsed().as_secs_f64();
    setup.built_leaf.forget();
    setup.built_lift.forget();
    let started = Instant::now();
    let mut nodes = 0;
    while level.len() > 1 {
        let mut above = Vec::with_capacity(level.len().div_ceil(2));
        let mut pairs = level.into_iter();
        while let Some(left) = pairs.next() {
            match pairs.next() {
                Some(right) => {
                    let (first, count) = (left.0, left.1 + right.1);
                    nodes += 1;
                    let task = AggregationTask::Node { left: Box::new(left.2), right: Box::new(right.2) };
                    let tree = &setup;
                    let prove = Box::new(move || tree.prove_task(run, &task));
                    let proof = step(first, count, &format!("node {nodes}"), &mut tell, prove)?;
                    above.push((first, count, proof));
                }
                None => above.push(left),
            }
        }
        level = above;
    }
    let node_seconds = started.elapsed().as_secs_f64();
    let (_, _, top) = level.pop().ok_or_else(|| AggregationError::Statement("no shards".into()))?;
    let started = Instant::now();
    let proof = setup.prove_final(&top)?;
    let final_seconds = started.elapsed().as_secs_f64();
    tell("final step", Some(final_seconds));
    let statement = RunStatement::from_slice(&proof.public_values)
        .ok_or_else(|| AggregationError::Statement("the final step's public values".into()))?;
    // Every layer's security comes from the recipe and the programs' heights, as a verifier
    // rebuilding the key computes it ([`rebuild_key`]).
    let shard_params = &run.shards[0].stark.params;
    let recipe = setup.recipe(last_layers);
    let mut layers = tree_layers(&recipe, shard_params, &setup.tree)?;
    debug_assert_eq!(top.proof.public_values.len(), RANGE_STATEMENT_LEN);

    // The wraps, each around the layer below: the outermost layer's program, key, parameters
    // and proof. The setup's programs (node, final step, leaf shapes) are dropped first: the
    // last wrap is the aggregation's peak in memory.
    let final_key = setup.tree.final_program.circuit.verifying_key(&setup.final_params)?;
    let statement_values = proof.public_values.clone();
    let mut outer_airs = setup.tree.final_program.circuit.chips().to_vec();
    let final_log_heights = setup.tree.final_program.circuit.log_heights();
    let (leaf_programs, lifted_leaf_programs) = (setup.leaf_programs(), setup.lifted_leaf_programs());
    // `{ setup }` moves the setup into a temporary, so the fields not kept drop here.
    let AggregationSetup {
        tree: TreePrograms { key_list, params: tree_params, heights, .. },
        final_params,
        ..
    } = { setup };
    let mut outer = (final_key, final_params, final_log_heights, proof);
    let mut wrap_seconds = Vec::new();
    for (i, layer) in last_layers.iter().skip(1).enumerate() {
        let started = Instant::now();
        let (inner_key, inner_params, inner_heights, inner) = &outer;
        layers.push(last_layer_security(i, inner.public_values.len(), inner_heights, inner_params)?);
        let shape = InnerShape::of(&outer_airs, &inner.proof)?;
        let (wrap, wrap_params) = build_wrap(&outer_airs, shape, inner_key, i, layer, &tree_params)?;
        let proven = wrap.prove(&wrap_params, inner, inner_key)?;
        let wrap_key = wrap.circuit.verifying_key(&wrap_params)?;
        outer_airs = wrap.circuit.chips().to_vec();
        outer = (wrap_key, wrap_params, wrap.circuit.log_heights(), proven);
        let seconds = started.elapsed().as_secs_f64();
        wrap_seconds.push(seconds);
        tell(&format!("wrap {}", i + 1), Some(seconds));
    }
    let (outer_key, outer_params, outer_log_heights, outer_proof) = outer;
    let mut security = layers.clone();
    let outermost = recursion_bits(outer_proof.public_values.len(), &outer_log_heights, &outer_params)
        .map_err(security_error)?;
    security.push(LayerSecurity { layer: "final".into(), bits: outermost });
    let key = AggregationKey {
        keys_root: key_list.root(),
        final_key: outer_key,
        final_params: outer_params,
        shard_params: shard_params.clone(),
        final_log_heights: outer_log_heights,
        digested_statement: last_layers.len() > 1,
        layers,
        recipe,
    };
    let final_proof = FinalProof {
        proof: outer_proof.proof,
        public_values: statement_values,
        output: run.output(),
        descriptor: first_descriptor(run)?,
        security,
    };
    let report = AggregationReport {
        leaf_programs,
        lifted_leaf_programs,
        nodes,
        tree_params: tree_params.name.clone(),
        log_heights: heights.to_vec(),
        setup_seconds,
        leaf_seconds,
        node_seconds,
        final_seconds,
        wrap_seconds,
    };
    Ok(RunAggregation { final_proof, key, statement, keys: key_list, report })
}

/// The `i`-th wrap (the first exposes the digest of the run's statement) around proofs shaped
/// `inner_shape` of `inner_airs` under `inner_key`, and its parameters as `layer` says.
fn build_wrap(
    inner_airs: &[RecursionChip],
    inner_shape: InnerShape,
    inner_key: &Commitment,
    i: usize,
    layer: &LastLayer,
    tree_params: &ProofParams,
) -> Result<(WrapProgram, ProofParams), AggregationError> {
    let wrap = WrapProgram::build(inner_airs, inner_shape, &key_of(inner_key), i == 0)?;
    let params = layer_params(layer, &wrap.circuit, tree_params)?;
    Ok((wrap, params))
}

/// Rebuilds the aggregation key `recipe` describes, for shard proofs made with `shard_params`:
/// every program of the tree, the final step and the wraps, their keys and each layer's
/// security by the calculator, with no proof. A verifier that rebuilds a key this way need
/// not trust whoever made it: every program verifies only proofs of the shape the recipe
/// names, at the parameters the recomputed security covers. It takes about as long as an
/// aggregation's setup.
pub fn rebuild_key(
    recipe: &KeyRecipe,
    shard_params: &ProofParams,
) -> Result<AggregationKey, AggregationError> {
    let _span = info_span!("rebuild_key", leaf_programs = recipe.leaf_shapes.len()).entered();
    let mut leaf_shapes = Vec::with_capacity(recipe.leaf_shapes.len());
    for s in &recipe.leaf_shapes {
        let chips = hearth_machine::chips_for_shape(&s.tables, &s.log_heights).map_err(recipe_error)?;
        let shape = InnerShape::for_heights(shard_params, &chips, s.log_heights.clone())?;
        leaf_shapes.push(LeafShape { chips, tables: s.tables.clone(), shape });
    }
    let list_heights = recipe.final_list_log_heights.clone();
    let list_shape = InnerShape::for_heights(shard_params, &final_list_chips(), list_heights)?;
    let list_key = key_of(&final_list_commitment(shard_params)?);
    let tree = TreePrograms::build(
        &leaf_shapes,
        list_shape,
        &list_key,
        TreeParams::Fixed(recipe.tree_params.clone()),
        recipe.lift_every_leaf,
    )?;
    drop(leaf_shapes);
    let mut layers = tree_layers(recipe, shard_params, &tree)?;
    let final_params = match recipe.last_layers.first() {
        Some(layer) => layer_params(layer, &tree.final_program.circuit, &tree.params)?,
        None => tree.params.clone(),
    };
    let circuit = &tree.final_program.circuit;
    let mut outer = (
        circuit.verifying_key(&final_params)?,
        final_params,
        circuit.log_heights(),
        circuit.num_public_values(),
        circuit.chips().to_vec(),
    );
    for (i, layer) in recipe.last_layers.iter().skip(1).enumerate() {
        let (inner_key, inner_params, inner_heights, inner_public, inner_airs) = &outer;
        layers.push(last_layer_security(i, *inner_public, inner_heights, inner_params)?);
        let shape = InnerShape::for_heights(inner_params, inner_airs, inner_heights.clone())?;
        let (wrap, params) = build_wrap(inner_airs, shape, inner_key, i, layer, &tree.params)?;
        outer = (
            wrap.circuit.verifying_key(&params)?,
            params,
            wrap.circuit.log_heights(),
            wrap.circuit.num_public_values(),
            wrap.circuit.chips().to_vec(),
        );
    }
    let (final_key, final_params, final_log_heights, _, _) = outer;
    Ok(AggregationKey {
        keys_root: tree.key_list.root(),
        final_key,
        final_params,
        shard_params: shard_params.clone(),
        final_log_heights,
        digested_statement: recipe.last_layers.len() > 1,
        layers,
        recipe: recipe.clone(),
    })
}

/// Checks that `key` is the one its recipe gives ([`rebuild_key`]): the allowed keys, the
/// outermost key, its parameters and heights and every layer's security. Refuses a key that
/// names a program its recipe does not make, or claims a security its parameters do not give.
pub fn check_key(key: &AggregationKey) -> Result<(), AggregationError> {
    let rebuilt = rebuild_key(&key.recipe, &key.shard_params)?;
    let fields: [(&str, Vec<u8>, Vec<u8>); 6] = [
        ("allowed keys", encoded(&key.keys_root), encoded(&rebuilt.keys_root)),
        ("outermost key", encoded(&key.final_key), encoded(&rebuilt.final_key)),
        ("outermost parameters", encoded(&key.final_params), encoded(&rebuilt.final_params)),
        ("outermost table heights", encoded(&key.final_log_heights), encoded(&rebuilt.final_log_heights)),
        ("statement digest flag", encoded(&key.digested_statement), encoded(&rebuilt.digested_statement)),
        ("layers' security", encoded(&key.layers), encoded(&rebuilt.layers)),
    ];
    match fields.iter().find(|(_, given, made)| given != made) {
        Some((what, _, _)) => Err(AggregationError::Shape(format!(
            "the key's {what} differ from those its recipe gives: it was not made from it"
        ))),
        None => Ok(()),
    }
}

/// A key's field as bytes, for comparison (commitments have no equality of their own).
fn encoded<T: serde::Serialize>(value: &T) -> Vec<u8> {
    postcard::to_allocvec(value).expect("serializing to memory cannot fail")
}

fn first_descriptor(run: &RunProof) -> Result<ProgramDescriptor, AggregationError> {
    run.shards
        .first()
        .map(|s| s.descriptor.clone())
        .ok_or_else(|| AggregationError::Statement("no shards".into()))
}

/// Query grinding of a size-tuned last layer: bits bought with the prover's time instead of
/// queries, each worth ~2 bits at blowup 16. Measured on a level-2 recursion proof at blowup
/// 16 (2 cores): 20 bits 55 queries, 526 KB; 24 bits 53, 505 KB, no measurable time; 28 bits
/// 51, 486 KB, ~9 s more (2^28 permutations, split across however many cores prove).
pub const FINAL_QUERY_POW_BITS: u8 = 28;

/// Largest final FRI polynomial (`log2` of its coefficients) of a size-tuned layer. FRI stops
/// folding there, so each proof saves its last rounds (sibling values and a Merkle path per
/// query each) for `2^k` coefficients sent once. It must stay below the shortest table's
/// height, which FRI folds into the running polynomial: a size-tuned layer takes one full
/// folding round below that height.
pub const MAX_SIZE_TUNED_LOG_FINAL_POLY_LEN: u8 = 6;

/// Parameters for a proof of `circuit` tuned for size at blowup `2^log_blowup`:
/// [`FINAL_QUERY_POW_BITS`] of query grinding, a final polynomial as large as the shortest table
/// allows (up to [`MAX_SIZE_TUNED_LOG_FINAL_POLY_LEN`]) and the fewest queries that reach 128
/// provable bits (Johnson bound) for the program's table heights; the rest as in `base`. `None`
/// when no count up to 200 does, or the tables at that blowup would pass the field's
/// two-adicity.
pub fn size_tuned(circuit: &Circuit, log_blowup: u8, base: &ProofParams) -> Option<ProofParams> {
    size_tuned_with(circuit, log_blowup, FINAL_QUERY_POW_BITS, base)
}

/// [`size_tuned`] with `query_pow_bits` of query grinding.
pub fn size_tuned_with(
    circuit: &Circuit,
    log_blowup: u8,
    query_pow_bits: u8,
    base: &ProofParams,
) -> Option<ProofParams> {
    let tallest = circuit.log_heights().into_iter().max().unwrap_or(0);
    if tallest + usize::from(log_blowup) > TWO_ADICITY {
        return None;
    }
    let shortest = circuit.log_heights().into_iter().min().unwrap_or(0) as u8;
    let log_final_poly_len =
        MAX_SIZE_TUNED_LOG_FINAL_POLY_LEN.min(shortest.saturating_sub(base.max_log_arity.max(1)));
    let base = ProofParams { log_blowup, query_pow_bits, log_final_poly_len, ..base.clone() }.for_recursion();
    (20..=200u16)
        .map(|num_queries| ProofParams {
            name: format!("final-blowup-{}", 1u32 << log_blowup),
            num_queries,
            ..base.clone()
        })
        .find(|candidate| {
            hearth_verifier::proof::recursion_bits(
                circuit.num_public_values(),
                &circuit.log_heights(),
                candidate,
            )
            .is_ok_and(|bits| bits >= 128)
        })
}

/// The security (Johnson bound, by the calculator) of the layers below the final step, from
/// the recipe and the tree's programs alone: the machine's proofs (the weakest leaf shape's
/// shard proofs, and the final list proof) and the tree's proofs (leaves and nodes share their
/// heights and parameters). The aggregation and [`rebuild_key`] both compute it here.
fn tree_layers(
    recipe: &KeyRecipe,
    shard_params: &ProofParams,
    tree: &TreePrograms,
) -> Result<Vec<LayerSecurity>, AggregationError> {
    let mut weakest: Option<u32> = None;
    for s in &recipe.leaf_shapes {
        let heights = hearth_machine::shape_log_heights(&s.tables, &s.log_heights).map_err(recipe_error)?;
        let [_, johnson] = hearth_machine::machine_security(shard_params, &heights).map_err(recipe_error)?;
        weakest = Some(weakest.map_or(johnson.total, |w| w.min(johnson.total)));
    }
    let shards = weakest.ok_or_else(|| AggregationError::Shape("a recipe without leaf programs".into()))?;
    let list = hearth_machine::final_list::final_list_bits(shard_params, &recipe.final_list_log_heights)?;
    let tree_bits = recursion_bits(RANGE_STATEMENT_LEN, &tree.node.circuit.log_heights(), &tree.params)
        .map_err(security_error)?;
    Ok(vec![
        LayerSecurity { layer: "shards".into(), bits: shards.min(list) },
        LayerSecurity { layer: "aggregation".into(), bits: tree_bits },
    ])
}

/// The security of the proofs the `i`-th layer above the final step verifies (the final
/// step's own proofs for `i == 0`, then each wrap's), with `public_values` public values at
/// `log_heights` and `params`.
fn last_layer_security(
    i: usize,
    public_values: usize,
    log_heights: &[usize],
    params: &ProofParams,
) -> Result<LayerSecurity, AggregationError> {
    Ok(LayerSecurity {
        layer: if i == 0 { "final step".into() } else { format!("wrap {i}") },
        bits: recursion_bits(public_values, log_heights, params).map_err(security_error)?,
    })
}

/// A layer's parameters or heights the security calculator refuses.
fn security_error(e: VerifyError) -> AggregationError {
    AggregationError::Shape(e.to_string())
}

/// A key recipe's shard shape the machine refuses (a proof's shape is refused as
/// [`AggregationError::Shard`] instead: there the proof is at fault, here the recipe).
fn recipe_error(e: hearth_machine::VerifyError) -> AggregationError {
    AggregationError::Shape(format!("recipe: {e}"))
}

impl RunAggregation {
    /// Checks the final proof as a standalone verifier does ([`verify_final`]), for the
    /// program with hash `program_hash`.
    pub fn verify(&self, program_hash: &[u8; 32]) -> Result<Verified, VerifyError> {
        verify_final(&self.final_proof, &self.key, program_hash)
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
    let program = descriptor.id().map_err(|e| AggregationError::Statement(e.to_string()))?;
    hearth_verifier::proof::check_run_statement(s, keys_root, &program, output)
        .map_err(|e| AggregationError::Statement(e.to_string()))?;
    if s.input_len != Val::from_usize(input_len) {
        return Err(AggregationError::Statement("an input of another length".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tree_halves_its_rate_only_for_leaves_too_tall_for_rate_a_quarter() {
        let auto = TreeParams::ByTallestLeaf;
        let at = |tallest: usize| [[15, tallest, 12, 18, 9, 16, 18], [15, 17, 12, 16, 9, 14, 17]];
        assert_eq!(auto.for_leaves(&at(QUARTER_RATE_MAX_LOG_HEIGHT)).name, "default");
        assert_eq!(auto.for_leaves(&at(QUARTER_RATE_MAX_LOG_HEIGHT + 1)).name, "half-rate-128");
        assert_eq!(auto.for_leaves(&[]).name, "default");
        // A fixed set is kept whatever the leaves.
        let fixed = TreeParams::from(&ProofParams::fast_100());
        assert_eq!(fixed.for_leaves(&at(22)).name, "fast-100");
        assert_eq!((auto.name(), fixed.name()), ("auto", "fast-100"));
    }
}
