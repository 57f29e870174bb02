//! Proving and verifying a batch of tables, behind a backend trait so that a GPU prover can
//! take the CPU's place without touching the machine or the verifier.

use p3_air::symbolic::AirLayout;
use p3_air::{Air, AirBuilder, BaseAir};
use p3_batch_stark::common::{GlobalPreprocessed, PreprocessedInstanceMeta};
use p3_batch_stark::folder::{ProverConstraintFolderWithLookups, VerifierConstraintFolderWithLookups};
use p3_batch_stark::symbolic::{
    get_log_num_quotient_chunks_for_domain, get_max_constraint_degree, get_symbolic_constraints,
};
use p3_batch_stark::{BatchProof, CommonData, ProverData, StarkInstance};
use p3_lookup::{InteractionSymbolicBuilder, LogUpGadget};
use p3_matrix::Matrix;
use p3_matrix::dense::RowMajorMatrix;
use p3_uni_stark::OpeningShape;
use serde::{Deserialize, Serialize};
use tracing::instrument;

use crate::config::{Challenge, EXTENSION_DEGREE, HearthConfig, Val, make_config};
use crate::params::ProofParams;
use crate::security::{FieldSpec, LookupSpec, SecurityInputs};

#[cfg(debug_assertions)]
use p3_air::DebugConstraintBuilder;

/// The Merkle root committing to a set of traces.
pub type Commitment = p3_batch_stark::Commitment<HearthConfig>;

/// Bounds an AIR needs to be proven (in debug builds the prover also runs the constraint
/// checker, which needs one more).
#[cfg(debug_assertions)]
pub trait ProvableAir:
    for<'a> Air<DebugConstraintBuilder<'a, Val, Challenge>>
    + Air<InteractionSymbolicBuilder<Val, Challenge>>
    + for<'a> Air<ProverConstraintFolderWithLookups<'a, HearthConfig>>
    + for<'a> Air<VerifierConstraintFolderWithLookups<'a, HearthConfig>>
    + Clone
{
}
#[cfg(debug_assertions)]
impl<A> ProvableAir for A where
    A: for<'a> Air<DebugConstraintBuilder<'a, Val, Challenge>>
        + Air<InteractionSymbolicBuilder<Val, Challenge>>
        + for<'a> Air<ProverConstraintFolderWithLookups<'a, HearthConfig>>
        + for<'a> Air<VerifierConstraintFolderWithLookups<'a, HearthConfig>>
        + Clone
{
}
/// Bounds an AIR needs to be proven and verified.
#[cfg(not(debug_assertions))]
pub trait ProvableAir:
    Air<InteractionSymbolicBuilder<Val, Challenge>>
    + for<'a> Air<ProverConstraintFolderWithLookups<'a, HearthConfig>>
    + for<'a> Air<VerifierConstraintFolderWithLookups<'a, HearthConfig>>
    + Clone
{
}
#[cfg(not(debug_assertions))]
impl<A> ProvableAir for A where
    A: Air<InteractionSymbolicBuilder<Val, Challenge>>
        + for<'a> Air<ProverConstraintFolderWithLookups<'a, HearthConfig>>
        + for<'a> Air<VerifierConstraintFolderWithLookups<'a, HearthConfig>>
        + Clone
{
}

/// A proof of a batch of tables, with the parameters it was made with.
#[derive(Serialize, Deserialize)]
pub struct StarkProof {
    /// Parameters the proof was made with; the verifier rebuilds its configuration from them.
    pub params: ProofParams,
    /// The Plonky3 batch proof.
    pub batch: BatchProof<HearthConfig>,
}

impl StarkProof {
    /// `log2` of each table's height, in table order.
    pub fn log_heights(&self) -> Vec<usize> {
        self.batch.degree_bits.clone()
    }
}

/// Why proving or verifying failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StarkError {
    /// The tables or their shapes are inconsistent.
    #[error("invalid input: {0}")]
    Shape(String),
    /// The prover failed (a commitment step).
    #[error("proving failed: {0}")]
    Proving(String),
    /// The proof does not verify.
    #[error("the proof does not verify: {0}")]
    Rejected(String),
}

/// A proof together with the commitment to the preprocessed tables it was made against (the
/// prover computes it anyway; callers that identify programs by it need not commit again).
pub struct Proven {
    /// The proof.
    pub proof: StarkProof,
    /// Commitment to the AIRs' preprocessed tables, if any has one.
    pub preprocessed: Option<Commitment>,
}

/// A prover backend: turns traces into a proof. The CPU backend is the reference; others must
/// produce proofs the same verifier accepts.
pub trait ProverBackend {
    /// Proves `traces[i]` satisfies `airs[i]` with `public_values[i]`, all tables together.
    fn prove<A: ProvableAir>(
        &self,
        params: &ProofParams,
        airs: &[A],
        traces: &[RowMajorMatrix<Val>],
        public_values: &[Vec<Val>],
    ) -> Result<Proven, StarkError>;
}

/// The multithreaded CPU prover.
#[derive(Clone, Copy, Debug, Default)]
pub struct CpuBackend;

impl ProverBackend for CpuBackend {
    #[instrument(skip_all, name = "stark_prove")]
    fn prove<A: ProvableAir>(
        &self,
        params: &ProofParams,
        airs: &[A],
        traces: &[RowMajorMatrix<Val>],
        public_values: &[Vec<Val>],
    ) -> Result<Proven, StarkError> {
        if airs.len() != traces.len() || airs.len() != public_values.len() {
            return Err(StarkError::Shape("airs, traces and public values differ in count".into()));
        }
        for (i, t) in traces.iter().enumerate() {
            if !t.height().is_power_of_two() {
                return Err(StarkError::Shape(format!(
                    "table {i} height {} is not a power of two",
                    t.height()
                )));
            }
        }
        let config = make_config(params);
        let log_heights: Vec<usize> = traces.iter().map(|t| t.height().trailing_zeros() as usize).collect();
        check_heights(airs, &log_heights, params.log_blowup as usize)?;
        let prover_data = prover_data(&config, params, airs, &log_heights)?;
        let instances: Vec<StarkInstance<'_, HearthConfig, A>> = airs
            .iter()
            .zip(traces)
            .zip(public_values)
            .map(|((air, trace), pv)| StarkInstance { air, trace, public_values: pv.clone() })
            .collect();
        let batch = p3_batch_stark::prove_batch(&config, &instances, &prover_data)
            .map_err(|e| StarkError::Proving(format!("{e:?}")))?;
        let preprocessed = prover_data.common.preprocessed.map(|p| p.commitment);
        Ok(Proven { proof: StarkProof { params: params.clone(), batch }, preprocessed })
    }
}

/// Commits to the AIRs' preprocessed tables at the given heights (the program's identity).
pub fn preprocessed_commitment<A: ProvableAir>(
    params: &ProofParams,
    airs: &[A],
    log_heights: &[usize],
) -> Result<Option<Commitment>, StarkError> {
    check_heights(airs, log_heights, params.log_blowup as usize)?;
    let config = make_config(params);
    Ok(prover_data(&config, params, airs, log_heights)?.common.preprocessed.map(|p| p.commitment))
}

/// Layouts, packed lookups and (for AIRs that have them) committed preprocessed tables, the
/// same way for prover and verifier.
fn prover_data<A>(
    config: &HearthConfig,
    params: &ProofParams,
    airs: &[A],
    log_heights: &[usize],
) -> Result<ProverData<HearthConfig>, StarkError>
where
    A: p3_air::Air<p3_lookup::InteractionSymbolicBuilder<Val, Challenge>> + p3_air::BaseAir<Val>,
{
    // A degree past the rate budget would make Plonky3 panic: refused (the parameters may come
    // from an untrusted proof).
    let degree = u32::from(params.lookup_packing_degree);
    if degree > params.max_lookup_packing_degree() {
        return Err(StarkError::Shape(format!(
            "lookup packing degree {degree} exceeds {} at blowup {}",
            params.max_lookup_packing_degree(),
            1u64 << params.log_blowup.min(63)
        )));
    }
    let budgets = vec![degree as usize; airs.len()];
    ProverData::<HearthConfig>::from_airs_and_degrees_with_lookup_budgets(
        config,
        airs,
        log_heights,
        &budgets,
        params.log_blowup as usize,
    )
    .map_err(|e| StarkError::Proving(format!("{e:?}")))
}

/// One height per table, none too tall, and each table at least as tall as its periodic
/// columns' period (a shorter one would leave them undefined: refused, not a panic).
fn check_heights<A: BaseAir<Val>>(
    airs: &[A],
    log_heights: &[usize],
    log_blowup: usize,
) -> Result<(), StarkError> {
    let tables = airs.len();
    if tables != log_heights.len() {
        return Err(StarkError::Shape(format!(
            "{tables} tables expected, {} in the proof",
            log_heights.len()
        )));
    }
    // The low-degree extension of a table lives on a two-adic coset of the field.
    let tallest = (<Val as p3_field::TwoAdicField>::TWO_ADICITY).saturating_sub(log_blowup);
    if log_heights.iter().any(|&h| h > tallest) {
        return Err(StarkError::Shape(format!(
            "table taller than 2^{tallest} rows (the field's limit at this blowup)"
        )));
    }
    for (i, (air, &log_height)) in airs.iter().zip(log_heights).enumerate() {
        if air.periodic_columns().iter().any(|column| column.len() > 1 << log_height) {
            return Err(StarkError::Shape(format!("table {i} shorter than its periodic columns")));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use p3_field::PrimeCharacteristicRing;

    use super::*;

    /// A table with one periodic column of period 64.
    struct Periodic;

    impl BaseAir<Val> for Periodic {
        fn width(&self) -> usize {
            1
        }

        fn periodic_columns(&self) -> Cow<'_, [Vec<Val>]> {
            Cow::Owned(vec![vec![Val::ZERO; 64]])
        }
    }

    impl<AB: AirBuilder<F = Val>> Air<AB> for Periodic {
        fn eval(&self, _builder: &mut AB) {}
    }

    #[test]
    fn a_lookup_packing_degree_past_the_rate_budget_is_refused() {
        let at = |log_blowup, lookup_packing_degree| {
            let params = ProofParams { log_blowup, lookup_packing_degree, ..ProofParams::default_128() };
            prover_data(&make_config(&params), &params, &[Periodic], &[6])
        };
        // Blowup 4 allows a quotient of 4 chunks: degree 5; blowup 16 allows degree 17.
        assert!(at(2, 5).is_ok());
        assert!(matches!(at(2, 6), Err(StarkError::Shape(_))));
        assert!(at(4, 17).is_ok());
        assert!(matches!(at(4, 255), Err(StarkError::Shape(_))));
        assert!(matches!(at(1, 4), Err(StarkError::Shape(_))));
    }

    #[test]
    fn a_table_shorter_than_its_period_is_refused() {
        assert!(check_heights(&[Periodic], &[6], 2).is_ok());
        assert!(matches!(check_heights(&[Periodic], &[5], 2), Err(StarkError::Shape(_))));
        assert!(matches!(check_heights(&[Periodic, Periodic], &[6], 2), Err(StarkError::Shape(_))));
        // The extension of a 2^23-row table at blowup 4 needs 2^25-th roots of unity.
        assert!(check_heights(&[Periodic], &[22], 2).is_ok());
        assert!(matches!(check_heights(&[Periodic], &[23], 2), Err(StarkError::Shape(_))));
    }
}

/// An AIR seen without its preprocessed trace (its width stays): building the verifier's common
/// data from it derives the lookups and layout without committing to any table.
#[derive(Clone)]
struct Uncommitted<'a, A>(&'a A);

impl<F: Clone, A: BaseAir<F>> BaseAir<F> for Uncommitted<'_, A> {
    fn width(&self) -> usize {
        self.0.width()
    }

    fn preprocessed_width(&self) -> usize {
        self.0.preprocessed_width()
    }

    fn num_public_values(&self) -> usize {
        self.0.num_public_values()
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        self.0.main_next_row_columns()
    }

    fn preprocessed_next_row_columns(&self) -> Vec<usize> {
        self.0.preprocessed_next_row_columns()
    }

    fn num_periodic_columns(&self) -> usize {
        self.0.num_periodic_columns()
    }

    fn periodic_columns(&self) -> std::borrow::Cow<'_, [Vec<F>]> {
        self.0.periodic_columns()
    }
}

impl<AB: AirBuilder, A: Air<AB>> Air<AB> for Uncommitted<'_, A> {
    fn eval(&self, builder: &mut AB) {
        self.0.eval(builder);
    }
}

/// The common data without preprocessed tables: layouts and lookups only.
pub(crate) fn uncommitted_common<A: ProvableAir>(
    params: &ProofParams,
    airs: &[A],
    log_heights: &[usize],
) -> Result<CommonData<HearthConfig>, StarkError> {
    check_heights(airs, log_heights, params.log_blowup as usize)?;
    let config = make_config(params);
    let uncommitted: Vec<Uncommitted<'_, A>> = airs.iter().map(Uncommitted).collect();
    Ok(prover_data(&config, params, &uncommitted, log_heights)?.common)
}

/// The verifier's common data with `commitment` as the preprocessed tables' commitment
/// (placed as the prover places them: one matrix per table with preprocessed columns).
fn common_data<A: ProvableAir>(
    params: &ProofParams,
    airs: &[A],
    log_heights: &[usize],
    commitment: Option<Commitment>,
) -> Result<CommonData<HearthConfig>, StarkError> {
    let mut common = uncommitted_common(params, airs, log_heights)?;
    let mut instances = Vec::with_capacity(airs.len());
    let mut matrix_to_instance = Vec::new();
    for (i, air) in airs.iter().enumerate() {
        let width = BaseAir::<Val>::preprocessed_width(air);
        if width == 0 {
            instances.push(None);
            continue;
        }
        instances.push(Some(PreprocessedInstanceMeta {
            matrix_index: matrix_to_instance.len(),
            width,
            degree_bits: log_heights[i],
        }));
        matrix_to_instance.push(i);
    }
    common.preprocessed = match (commitment, matrix_to_instance.is_empty()) {
        (Some(commitment), false) => Some(GlobalPreprocessed { commitment, instances, matrix_to_instance }),
        (None, true) => None,
        (Some(_), true) => return Err(StarkError::Shape("no table has preprocessed columns".into())),
        (None, false) => return Err(StarkError::Shape("preprocessed tables need their commitment".into())),
    };
    Ok(common)
}

/// Verifies a proof against the AIRs and public values, with `preprocessed` the commitment to
/// the AIRs' preprocessed tables (from [`preprocessed_commitment`], or known by other means,
/// e.g. from a program hash; the AIRs' own preprocessed traces are not read).
#[instrument(skip_all, name = "stark_verify")]
pub fn verify<A: ProvableAir>(
    airs: &[A],
    proof: &StarkProof,
    public_values: &[Vec<Val>],
    preprocessed: Option<Commitment>,
) -> Result<(), StarkError> {
    let common = common_data(&proof.params, airs, &proof.batch.degree_bits, preprocessed)?;
    let config = make_config(&proof.params);
    p3_batch_stark::verify_batch(&config, airs, &proof.batch, public_values, &common)
        .map_err(|e| StarkError::Rejected(format!("{e:?}")))
}

/// The Fiat-Shamir transcript's shape for a proof of `airs` with `lookups` ([`table_lookups`]):
/// the sequence of absorptions and draws a verifier replays (a recursive verifier replays the
/// same one).
pub fn transcript_shape<A: ProvableAir>(
    params: &ProofParams,
    airs: &[A],
    lookups: &[Vec<p3_lookup::Lookup<Val>>],
) -> p3_batch_stark::BatchShape {
    let preprocessed_widths: Vec<usize> = airs.iter().map(BaseAir::<Val>::preprocessed_width).collect();
    p3_batch_stark::BatchShape {
        trace_widths: airs.iter().map(BaseAir::<Val>::width).collect(),
        public_value_counts: airs.iter().map(BaseAir::<Val>::num_public_values).collect(),
        has_preprocessed_commitment: preprocessed_widths.iter().any(|&w| w > 0),
        preprocessed_widths,
        num_lookup_instances: lookups.iter().filter(|l| !l.is_empty()).count(),
        lookup_pow_bits: params.lookup_pow_bits as usize,
        has_randomization_commitment: false,
        ood_pow_bits: params.ood_pow_bits as usize,
    }
}

/// Each table's lookups (its bus interactions as the lookup argument sees them), as prover and
/// verifier derive them.
pub fn table_lookups<A: ProvableAir>(
    params: &ProofParams,
    airs: &[A],
    log_heights: &[usize],
) -> Result<Vec<Vec<p3_lookup::Lookup<Val>>>, StarkError> {
    Ok(uncommitted_common(params, airs, log_heights)?.lookups.iter().map(|l| l.to_vec()).collect())
}

/// Each table's quotient chunks at the given heights, derived from the constraints as prover
/// and verifier derive them: what a recursive verifier of such proofs must expect, known
/// without a proof.
pub fn quotient_chunks<A: ProvableAir>(
    params: &ProofParams,
    airs: &[A],
    log_heights: &[usize],
) -> Result<Vec<usize>, StarkError> {
    let common = uncommitted_common(params, airs, log_heights)?;
    let config = make_config(params);
    let pcs = p3_uni_stark::StarkGenericConfig::pcs(&config);
    let gadget = LogUpGadget::new();
    let zk = p3_uni_stark::StarkGenericConfig::is_zk(&config);
    Ok(airs
        .iter()
        .enumerate()
        .map(|(i, air)| {
            let layout = AirLayout {
                preprocessed_width: BaseAir::<Val>::preprocessed_width(air),
                main_width: BaseAir::<Val>::width(air),
                num_public_values: BaseAir::<Val>::num_public_values(air),
                num_periodic_columns: BaseAir::<Val>::num_periodic_columns(air),
                ..Default::default()
            };
            let domain = p3_commit::Pcs::<
                Challenge,
                <HearthConfig as p3_uni_stark::StarkGenericConfig>::Challenger,
            >::natural_domain_for_degree(pcs, 1 << log_heights[i]);
            let log_chunks = get_log_num_quotient_chunks_for_domain::<Val, Challenge, A, _>(
                air,
                layout,
                domain,
                &common.lookups[i],
                zk,
                &gadget,
            );
            1 << (log_chunks + zk)
        })
        .collect())
}

/// Shape of one table, for the security calculator.
#[derive(Clone, Debug)]
pub struct TableShape {
    /// Name of the table.
    pub name: String,
    /// `log2` of its height.
    pub log_height: usize,
    /// Main columns.
    pub main_width: usize,
    /// Preprocessed columns.
    pub preprocessed_width: usize,
    /// Constraints, including the lookup argument's own.
    pub num_constraints: usize,
    /// Largest constraint degree.
    pub max_degree: usize,
    /// Lookup (permutation) columns besides the running sum.
    pub num_lookups: usize,
    /// For each lookup the number of elements in its messages.
    pub lookup_widths: Vec<usize>,
}

/// Reads the shape of each table from its AIR.
pub fn table_shapes<A: ProvableAir + p3_air::BaseAir<Val>>(
    names: &[String],
    airs: &[A],
    log_heights: &[usize],
    params: &ProofParams,
) -> Result<Vec<TableShape>, StarkError> {
    let common = uncommitted_common(params, airs, log_heights)?;
    let gadget = LogUpGadget::new();
    Ok(airs
        .iter()
        .enumerate()
        .map(|(i, air)| {
            let layout = AirLayout::from_air(air);
            let lookups = &common.lookups[i];
            let (base, ext) = get_symbolic_constraints::<Val, Challenge, A, _>(air, layout, lookups, &gadget);
            let max_degree = get_max_constraint_degree::<Val, Challenge, A, _>(
                air,
                layout,
                1 << log_heights[i],
                lookups,
                &gadget,
            );
            TableShape {
                name: names.get(i).cloned().unwrap_or_default(),
                log_height: log_heights[i],
                main_width: layout.main_width,
                preprocessed_width: layout.preprocessed_width,
                num_constraints: base.len() + ext.len(),
                max_degree,
                num_lookups: lookups.len(),
                lookup_widths: lookups
                    .iter()
                    .map(|l| l.elements.iter().map(|e| e.len()).max().unwrap_or(0))
                    .collect(),
            }
        })
        .collect())
}

/// Builds the security calculator's inputs for a batch of tables proven with `params`.
pub fn security_inputs(shapes: &[TableShape], params: &ProofParams) -> SecurityInputs {
    let log_trace_length = shapes.iter().map(|s| s.log_height).max().unwrap_or(0) as u32;
    let batch_size: usize = shapes
        .iter()
        .map(|s| {
            let chunks = (s.max_degree.max(2) - 1).next_power_of_two();
            p3_batch_stark::num_batched_openings(
                s.main_width,
                true,
                s.preprocessed_width,
                true,
                chunks,
                s.num_lookups,
                EXTENSION_DEGREE,
                OpeningShape::new(),
            )
        })
        .sum();
    let rows: u64 = shapes.iter().filter(|s| s.num_lookups > 0).map(|s| 1u64 << s.log_height).sum();
    let columns = shapes.iter().flat_map(|s| s.lookup_widths.iter()).copied().max().unwrap_or(1);
    let lookups = shapes.iter().map(|s| s.num_lookups).sum::<usize>() as u64;
    SecurityInputs {
        field: FieldSpec {
            base_modulus: crate::KOALA_BEAR_MODULUS,
            extension_degree: EXTENSION_DEGREE as u32,
        },
        log_blowup: params.log_blowup as u32,
        log_trace_length,
        batch_size: batch_size as u64,
        num_queries: params.num_queries as u32,
        folding_factors: params.folding_factors(log_trace_length),
        num_constraints: shapes.iter().map(|s| s.num_constraints).sum::<usize>() as u64,
        max_constraint_degree: shapes.iter().map(|s| s.max_degree).max().unwrap_or(1) as u64,
        opening_points: 2,
        grinding_batching: params.batch_pow_bits as u32,
        grinding_commit: params.commit_pow_bits as u32,
        grinding_query: params.query_pow_bits as u32,
        grinding_deep: params.ood_pow_bits as u32,
        lookups: if lookups == 0 {
            Vec::new()
        } else {
            vec![LookupSpec {
                name: "logup".into(),
                rows_looking: rows,
                rows_table: rows,
                columns: columns as u64,
                lookups,
                grinding_bits: params.lookup_pow_bits as u32,
            }]
        },
    }
}
