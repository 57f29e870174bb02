//! A whole batch STARK proof checked by a recursion program: its transcript, its claimed
//! openings and the FRI argument behind them. The program is built for one proof shape (table
//! heights and widths, parameters); its inputs are the proof's values in a fixed order.

use hearth_stark::config::{DIGEST_ELEMS, EXTENSION_DEGREE, val_mmcs};
use hearth_stark::prover::{Commitment, StarkProof};
use hearth_stark::{Challenge, ProofParams, ProvableAir, StarkError, Val};
use p3_air::BaseAir;
use p3_batch_stark::BatchShape;
use p3_field::{BasedVectorSpace, PrimeCharacteristicRing, PrimeField32, TwoAdicField};
use p3_matrix::Dimensions;

use super::fri::{CommitmentClaim, FriConfig, FriLayout, FriProofCells, MatrixClaim, PointClaim, verify_fri};
use super::transcript::{
    BatchChallenges, BatchTranscriptCells, DigestCells, digest_cells, replay_batch_transcript,
};
use crate::circuit::{
    Cell, Circuit, CircuitBuilder, CircuitChallenger, CircuitError, Ext, Felt, Run, base_cell,
};

/// What a verifier program knows of the proofs it checks: everything but their values.
#[derive(Clone, Debug)]
pub struct InnerShape {
    /// The parameters the proofs are made with.
    pub params: ProofParams,
    /// The transcript's shape.
    pub batch: BatchShape,
    /// `log2` of each table's height.
    pub degree_bits: Vec<usize>,
    /// Per table: whether its main trace is opened at the next row too.
    pub main_next: Vec<bool>,
    /// Per table: whether its preprocessed trace is opened at the next row too.
    pub preprocessed_next: Vec<bool>,
    /// Per table: quotient chunks.
    pub quotient_chunks: Vec<usize>,
    /// Per table: lookup running-sum columns (base columns of the permutation trace), 0 without lookups.
    pub permutation_widths: Vec<usize>,
    /// Per table: its lookups, as prover and verifier derive them.
    pub lookups: Vec<Vec<p3_lookup::Lookup<Val>>>,
}

impl InnerShape {
    /// The shape of `proof`, a proof of `airs`; refuses a proof whose opened values do not
    /// have the shape the tables give.
    pub fn of<A: ProvableAir>(airs: &[A], proof: &StarkProof) -> Result<Self, StarkError> {
        if proof.params.cap_height != 0 {
            return Err(StarkError::Shape(
                "a recursion program verifies only single-root commitments".into(),
            ));
        }
        let degree_bits = proof.batch.degree_bits.clone();
        let lookups = hearth_stark::table_lookups(&proof.params, airs, &degree_bits)?;
        let batch = hearth_stark::transcript_shape(&proof.params, airs, &lookups);
        let instances = &proof.batch.opened_values.instances;
        if instances.len() != airs.len() {
            return Err(StarkError::Shape("one opened instance per table".into()));
        }
        Ok(Self {
            params: proof.params.clone(),
            batch,
            degree_bits,
            main_next: main_next(airs),
            preprocessed_next: preprocessed_next(airs),
            quotient_chunks: instances.iter().map(|i| i.base_opened_values.quotient_chunks.len()).collect(),
            permutation_widths: instances.iter().map(|i| i.permutation_local.len()).collect(),
            lookups,
        })
    }

    /// The shape of proofs of `airs` at `params` with tables `2^degree_bits` rows tall, derived
    /// from the tables alone: how a verifier rebuilds the programs of an aggregation key
    /// without any proof.
    pub fn for_heights<A: ProvableAir>(
        params: &ProofParams,
        airs: &[A],
        degree_bits: Vec<usize>,
    ) -> Result<Self, StarkError> {
        if params.cap_height != 0 {
            return Err(StarkError::Shape(
                "a recursion program verifies only single-root commitments".into(),
            ));
        }
        if degree_bits.len() != airs.len() {
            return Err(StarkError::Shape("one height per table expected".into()));
        }
        let lookups = hearth_stark::table_lookups(params, airs, &degree_bits)?;
        let batch = hearth_stark::transcript_shape(params, airs, &lookups);
        let quotient_chunks = hearth_stark::quotient_chunks(params, airs, &degree_bits)?;
        let permutation_widths =
            lookups.iter().map(|l| if l.is_empty() { 0 } else { (l.len() + 1) * EXTENSION_DEGREE }).collect();
        Ok(Self {
            params: params.clone(),
            batch,
            degree_bits,
            main_next: main_next(airs),
            preprocessed_next: preprocessed_next(airs),
            quotient_chunks,
            permutation_widths,
            lookups,
        })
    }

    /// The shape of proofs of the same tables at the same parameters but of heights
    /// `2^degree_bits`: nothing else in a shape depends on the heights, so a program verifying
    /// tall proofs is built from a small proof's shape without proving a tall one.
    pub fn at_heights<A: ProvableAir>(
        &self,
        airs: &[A],
        degree_bits: Vec<usize>,
    ) -> Result<Self, StarkError> {
        if degree_bits.len() != self.tables() {
            return Err(StarkError::Shape("one height per table expected".into()));
        }
        let lookups = hearth_stark::table_lookups(&self.params, airs, &degree_bits)?;
        Ok(Self { degree_bits, lookups, ..self.clone() })
    }

    fn tables(&self) -> usize {
        self.degree_bits.len()
    }
}

/// Per table: whether its main trace is opened at the next row too.
fn main_next<A: ProvableAir>(airs: &[A]) -> Vec<bool> {
    airs.iter().map(|a| !BaseAir::<Val>::main_next_row_columns(a).is_empty()).collect()
}

/// Per table: whether its preprocessed trace is opened at the next row too.
fn preprocessed_next<A: ProvableAir>(airs: &[A]) -> Vec<bool> {
    airs.iter()
        .map(|a| {
            BaseAir::<Val>::preprocessed_width(a) > 0
                && !BaseAir::<Val>::preprocessed_next_row_columns(a).is_empty()
        })
        .collect()
}

/// One table's opened values, as program cells.
#[derive(Clone, Debug)]
pub struct OpenedCells {
    /// Main trace at zeta.
    pub trace_local: Vec<Ext>,
    /// Main trace at the next row, when opened.
    pub trace_next: Option<Vec<Ext>>,
    /// Preprocessed trace at zeta, when the table has one.
    pub preprocessed_local: Option<Vec<Ext>>,
    /// Preprocessed trace at the next row, when opened.
    pub preprocessed_next: Option<Vec<Ext>>,
    /// Quotient chunks' columns at zeta.
    pub quotient_chunks: Vec<Vec<Ext>>,
    /// Lookup running sums at zeta.
    pub permutation_local: Vec<Ext>,
    /// Lookup running sums at the next row.
    pub permutation_next: Vec<Ext>,
}

/// A proof's values as program cells.
#[derive(Clone, Debug)]
pub struct InnerProofCells {
    /// What the transcript absorbs.
    pub transcript: BatchTranscriptCells,
    /// Opened values per table.
    pub opened: Vec<OpenedCells>,
    /// The FRI argument.
    pub fri: FriProofCells,
}

fn ext_inputs(b: &mut CircuitBuilder, n: usize) -> Vec<Ext> {
    (0..n).map(|_| b.input_ext()).collect()
}

/// The commitments a batch proof opens, in the order the batch verifier lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Committed {
    Main,
    QuotientChunks,
    Preprocessed,
    Lookups,
}

/// Each commitment of a proof of this shape with the table of each of its matrices, in
/// commitment order (a table's quotient chunks are consecutive matrices): the one statement of
/// that order, for the claims the program checks and the inputs the prover fills in.
fn committed_tables(shape: &InnerShape) -> Vec<(Committed, Vec<usize>)> {
    let tables = 0..shape.tables();
    let mut committed = vec![
        (Committed::Main, tables.clone().collect()),
        (Committed::QuotientChunks, tables.clone().flat_map(|i| vec![i; shape.quotient_chunks[i]]).collect()),
    ];
    if shape.batch.has_preprocessed_commitment {
        committed.push((
            Committed::Preprocessed,
            tables.clone().filter(|&i| shape.batch.preprocessed_widths[i] > 0).collect(),
        ));
    }
    if shape.batch.has_lookups() {
        committed.push((Committed::Lookups, tables.filter(|&i| shape.permutation_widths[i] > 0).collect()));
    }
    committed
}

/// The claims of a proof of this shape, commitment by commitment.
fn claims(
    b: &mut CircuitBuilder,
    shape: &InnerShape,
    transcript: &BatchTranscriptCells,
    opened: &[OpenedCells],
    zeta: Ext,
) -> Vec<CommitmentClaim> {
    let mut next_points = Vec::with_capacity(shape.tables());
    for &bits in &shape.degree_bits {
        let generator = b.constant(Val::two_adic_generator(bits));
        next_points.push(b.ext_mul(zeta, generator));
    }
    let mut chunks_taken = vec![0; shape.tables()];
    committed_tables(shape)
        .into_iter()
        .map(|(kind, tables)| {
            let root = match kind {
                Committed::Main => transcript.main_commitment,
                Committed::QuotientChunks => transcript.quotient_commitment,
                Committed::Preprocessed => {
                    transcript.preprocessed_commitment.expect("the shape has preprocessed tables")
                }
                Committed::Lookups => transcript.permutation_commitment.expect("the shape has lookups"),
            };
            let matrices = tables
                .into_iter()
                .map(|i| {
                    let o = &opened[i];
                    let (local, next) = match kind {
                        Committed::Main => (&o.trace_local, o.trace_next.as_ref()),
                        Committed::QuotientChunks => {
                            chunks_taken[i] += 1;
                            (&o.quotient_chunks[chunks_taken[i] - 1], None)
                        }
                        Committed::Preprocessed => (
                            o.preprocessed_local.as_ref().expect("a table with preprocessed columns"),
                            o.preprocessed_next.as_ref(),
                        ),
                        Committed::Lookups => (&o.permutation_local, Some(&o.permutation_next)),
                    };
                    let mut points = vec![PointClaim { point: zeta, values: local.clone() }];
                    points.extend(
                        next.map(|values| PointClaim { point: next_points[i], values: values.clone() }),
                    );
                    MatrixClaim { log_height: shape.degree_bits[i], width: local.len(), points }
                })
                .collect();
            CommitmentClaim { root, matrices }
        })
        .collect()
}

/// The program's cells for a proof of `shape` with `public_values` per table (cells the
/// caller already holds: they are the inner statement) and the inner program's preprocessed
/// commitment (likewise). Allocates the proof's values as inputs, in the order
/// [`inner_inputs`] fills them.
pub fn allocate_inner(
    b: &mut CircuitBuilder,
    shape: &InnerShape,
    public_values: Vec<Vec<Felt>>,
    preprocessed_commitment: Option<DigestCells>,
) -> InnerProofCells {
    let batch = &shape.batch;
    let main_commitment = digest_cells(b);
    let lookup_pow_witness = batch.has_lookups().then(|| b.input());
    let permutation_commitment = batch.has_lookups().then(|| digest_cells(b));
    let terminals = ext_inputs(b, batch.num_lookup_instances);
    let quotient_commitment = digest_cells(b);
    let ood_pow_witness = b.input();
    let transcript = BatchTranscriptCells {
        degree_bits: shape.degree_bits.clone(),
        main_commitment,
        public_values,
        preprocessed_commitment,
        lookup_pow_witness,
        permutation_commitment,
        terminals,
        quotient_commitment,
        ood_pow_witness,
    };
    let opened = (0..shape.tables())
        .map(|i| {
            let width = batch.trace_widths[i];
            let preprocessed = batch.preprocessed_widths[i];
            OpenedCells {
                trace_local: ext_inputs(b, width),
                trace_next: shape.main_next[i].then(|| ext_inputs(b, width)),
                preprocessed_local: (preprocessed > 0).then(|| ext_inputs(b, preprocessed)),
                preprocessed_next: shape.preprocessed_next[i].then(|| ext_inputs(b, preprocessed)),
                quotient_chunks: (0..shape.quotient_chunks[i])
                    .map(|_| ext_inputs(b, EXTENSION_DEGREE))
                    .collect(),
                permutation_local: ext_inputs(b, shape.permutation_widths[i]),
                permutation_next: ext_inputs(b, shape.permutation_widths[i]),
            }
        })
        .collect::<Vec<_>>();
    // The FRI cells' shape depends on the claims, which need only the opened cells' shape.
    let zeta_shape = b.constant(Val::ZERO).into();
    let claim_shape = claims(b, shape, &transcript, &opened, zeta_shape);
    let fri = FriProofCells::allocate(b, &FriConfig::from(&shape.params), &claim_shape);
    InnerProofCells { transcript, opened, fri }
}

/// What checking a proof's openings leaves for the rest of the verifier.
#[derive(Clone, Debug)]
pub struct InnerOpenings {
    /// The transcript's challenges.
    pub challenges: BatchChallenges,
    /// Cells the prover reads back to fill in authentication paths.
    pub layout: FriLayout,
}

/// Replays the proof's transcript and checks every opened value against its commitment.
pub fn verify_inner_openings(
    b: &mut CircuitBuilder,
    shape: &InnerShape,
    cells: &InnerProofCells,
) -> InnerOpenings {
    let mut challenger = CircuitChallenger::new(b);
    let challenges = replay_batch_transcript(b, &mut challenger, &shape.batch, &cells.transcript);
    let claims = claims(b, shape, &cells.transcript, &cells.opened, challenges.zeta);
    let layout = verify_fri(b, &mut challenger, &FriConfig::from(&shape.params), &claims, &cells.fri);
    InnerOpenings { challenges, layout }
}

/// Checks a whole proof of `airs` (with periodic columns of the values `periodic`): its
/// transcript, its openings and its constraints, as `hearth_stark::verify` does.
pub fn verify_inner<A: ProvableAir>(
    b: &mut CircuitBuilder,
    shape: &InnerShape,
    airs: &[A],
    periodic: &[Vec<Vec<Felt>>],
    cells: &InnerProofCells,
) -> Result<InnerOpenings, StarkError> {
    let openings = verify_inner_openings(b, shape, cells);
    super::constraints::check_constraints(b, shape, airs, periodic, cells, &openings.challenges)?;
    Ok(openings)
}

/// One stretch of a program's inputs, in the order the program allocated them.
pub enum InputPart<'a> {
    /// Cells given as they are (a statement, hints).
    Cells(&'a [Cell]),
    /// The values of `proof`, laid out by [`allocate_inner`] for `shape`; `layout` names the
    /// cells the program computes its query indices and folded rows in.
    Proof {
        /// The proof's shape.
        shape: &'a InnerShape,
        /// Where the program computes what the authentication paths depend on.
        layout: &'a FriLayout,
        /// The proof.
        proof: &'a StarkProof,
    },
}

/// The inputs of `program` made of `parts`: a first run with placeholder authentication paths
/// computes every proof's query indices and folded rows, from which [`inner_inputs`] restores
/// the real paths.
pub fn two_pass_inputs(program: &Circuit, parts: &[InputPart<'_>]) -> Result<Vec<Cell>, CircuitError> {
    let fill = |first: Option<&Run>| -> Result<Vec<Cell>, CircuitError> {
        let mut inputs = Vec::new();
        for part in parts {
            match part {
                InputPart::Cells(cells) => inputs.extend_from_slice(cells),
                InputPart::Proof { shape, layout, proof } => {
                    inputs.extend(inner_inputs(shape, proof, first.map(|run| (run, *layout)))?)
                }
            }
        }
        Ok(inputs)
    };
    let first = program.run_unchecked(&fill(None)?)?;
    fill(Some(&first))
}

fn digest_of(commitment: &Commitment) -> [Val; DIGEST_ELEMS] {
    commitment.roots()[0]
}

fn push_ext(inputs: &mut Vec<Cell>, values: &[Challenge]) {
    inputs.extend(
        values.iter().map(|v| -> Cell { v.as_basis_coefficients_slice().try_into().expect("degree 8") }),
    );
}

fn push_digest(inputs: &mut Vec<Cell>, digest: [Val; DIGEST_ELEMS]) {
    inputs.extend(digest.map(base_cell));
}

/// The inputs for a program built by [`allocate_inner`], from `proof`. Authentication paths
/// depend on the query indices the program draws: without `first_pass` (a run of the program
/// on these inputs with placeholder paths) they are zeros; with it, they are restored from
/// the proof's pruned Merkle proofs at the indices and rows that run computed.
pub fn inner_inputs(
    shape: &InnerShape,
    proof: &StarkProof,
    first_pass: Option<(&Run, &FriLayout)>,
) -> Result<Vec<Cell>, StarkError> {
    let batch = &proof.batch;
    let mut inputs = Vec::new();
    push_digest(&mut inputs, digest_of(&batch.commitments.main));
    if shape.batch.has_lookups() {
        let witness =
            batch.lookup_pow_witness.ok_or_else(|| StarkError::Shape("no lookup witness".into()))?;
        inputs.push(base_cell(witness));
        let permutation = batch
            .commitments
            .permutation
            .as_ref()
            .ok_or_else(|| StarkError::Shape("no lookup commitment".into()))?;
        push_digest(&mut inputs, digest_of(permutation));
    }
    let terminals: Vec<Challenge> = batch.lookup_terminals.iter().flatten().map(|t| t.0).collect();
    push_ext(&mut inputs, &terminals);
    push_digest(&mut inputs, digest_of(&batch.commitments.quotient_chunks));
    inputs.push(base_cell(batch.ood_pow_witness));

    for (i, opened) in batch.opened_values.instances.iter().enumerate() {
        let base = &opened.base_opened_values;
        push_ext(&mut inputs, &base.trace_local);
        if shape.main_next[i] {
            push_ext(&mut inputs, base.trace_next.as_deref().unwrap_or_default());
        }
        if let Some(pre) = &base.preprocessed {
            push_ext(&mut inputs, &pre.local);
            if shape.preprocessed_next[i] {
                push_ext(&mut inputs, pre.next.as_deref().unwrap_or_default());
            }
        }
        for chunk in &base.quotient_chunks {
            push_ext(&mut inputs, chunk);
        }
        push_ext(&mut inputs, &opened.permutation_local);
        push_ext(&mut inputs, &opened.permutation_next);
    }

    let fri = &batch.opening_proof;
    let config = FriConfig::from(&shape.params);
    inputs.push(base_cell(fri.batch_pow_witness));
    for commit in &fri.commit_phase_commits {
        push_digest(&mut inputs, digest_of(commit));
    }
    inputs.extend(fri.commit_pow_witnesses.iter().map(|&w| base_cell(w)));
    push_ext(&mut inputs, &fri.final_poly);
    inputs.push(base_cell(fri.query_pow_witness));

    // Heights of each commitment's matrices, from the opened values' widths and the shape.
    let log_blowup = config.log_blowup;
    let heights: Vec<Vec<usize>> = commitment_log_heights(shape);
    let committed = config.committed_log_heights(heights.iter().flatten().copied());
    let log_max = committed.first().copied().unwrap_or(0);
    let log_arities = config.schedule(&committed);
    let mmcs = val_mmcs();
    let indices: Option<Vec<usize>> = first_pass.map(|(run, layout)| {
        layout
            .index_bits
            .iter()
            .map(|bits| {
                bits.iter()
                    .enumerate()
                    .map(|(j, &bit)| (run.value(bit).as_canonical_u32() as usize) << j)
                    .sum()
            })
            .collect()
    });

    // Restored paths per commitment: [commitment][query] siblings.
    let mut input_paths: Vec<Vec<Vec<[Val; DIGEST_ELEMS]>>> = Vec::new();
    for (c, opening) in fri.input_openings.iter().enumerate() {
        let height = heights[c].iter().map(|h| h + log_blowup).max().unwrap_or(0);
        input_paths.push(match &indices {
            Some(indices) => {
                let dims: Vec<Dimensions> = heights[c]
                    .iter()
                    .zip(&opening.opened_values[0])
                    .map(|(&h, row)| Dimensions { width: row.len(), height: 1 << (h + log_blowup) })
                    .collect();
                let reduced: Vec<usize> = indices.iter().map(|&i| i >> (log_max - height)).collect();
                mmcs.restore_and_recompute_paths(
                    &dims,
                    &reduced,
                    &opening.opened_values,
                    &opening.opening_proof,
                )
                .map_err(|e| StarkError::Rejected(format!("input opening {c}: {e:?}")))?
                .into_iter()
                .map(|p| p.siblings)
                .collect()
            }
            None => vec![vec![[Val::ZERO; DIGEST_ELEMS]; height]; config.num_queries],
        });
    }
    let mut fold_paths: Vec<Vec<Vec<[Val; DIGEST_ELEMS]>>> = Vec::new();
    let mut log_height = log_max;
    let mut consumed = 0;
    for (round, &log_arity) in log_arities.iter().enumerate() {
        consumed += log_arity;
        log_height -= log_arity;
        let opening = &fri.commit_phase_openings[round];
        fold_paths.push(match (&indices, first_pass) {
            (Some(indices), Some((run, layout))) => {
                let rows: Vec<Vec<Vec<Val>>> = layout
                    .fold_rows
                    .iter()
                    .map(|rows| {
                        vec![
                            rows[round]
                                .iter()
                                .flat_map(|&e| run.value_ext(e).as_basis_coefficients_slice().to_vec())
                                .collect(),
                        ]
                    })
                    .collect();
                let dims =
                    [Dimensions { width: (1 << log_arity) * EXTENSION_DEGREE, height: 1 << log_height }];
                let groups: Vec<usize> = indices.iter().map(|&i| i >> consumed).collect();
                mmcs.restore_and_recompute_paths(&dims, &groups, &rows, &opening.opening_proof)
                    .map_err(|e| StarkError::Rejected(format!("folding round {round}: {e:?}")))?
                    .into_iter()
                    .map(|p| p.siblings)
                    .collect()
            }
            _ => vec![vec![[Val::ZERO; DIGEST_ELEMS]; log_height]; config.num_queries],
        });
    }

    for query in 0..config.num_queries {
        for opening in &fri.input_openings {
            for row in &opening.opened_values[query] {
                inputs.extend(row.iter().map(|&v| base_cell(v)));
            }
        }
        for paths in &input_paths {
            for &sibling in &paths[query] {
                push_digest(&mut inputs, sibling);
            }
        }
        for (round, opening) in fri.commit_phase_openings.iter().enumerate() {
            push_ext(&mut inputs, &opening.sibling_values[query]);
            for &sibling in &fold_paths[round][query] {
                push_digest(&mut inputs, sibling);
            }
        }
    }
    Ok(inputs)
}

/// `log2` of each committed matrix's trace domain, commitment by commitment.
fn commitment_log_heights(shape: &InnerShape) -> Vec<Vec<usize>> {
    committed_tables(shape)
        .into_iter()
        .map(|(_, tables)| tables.into_iter().map(|i| shape.degree_bits[i]).collect())
        .collect()
}

#[cfg(test)]
mod tests;
