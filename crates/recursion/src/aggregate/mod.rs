//! Folding a run's shard proofs into one proof (see `docs/recursion.md`, "Aggregation tree"):
//! leaf programs verify shard proofs, node programs join adjacent ranges, the final program
//! closes the run-wide memory argument, wraps shrink its proof; the allowed-keys tree names the
//! tree's programs.

pub mod keys;
pub mod leaf;
pub mod lift;
pub mod node;
pub mod root;
pub mod run;
pub mod statement;
pub mod tokens;
pub mod wrap;

pub use keys::{KeyList, KeyPath, assert_key_allowed};
pub use leaf::LeafInputs;
pub use run::{
    AggregationObserver, AggregationReport, AggregationSetup, AggregationTask, FINAL_QUERY_POW_BITS,
    LastLayer, QUARTER_RATE_MAX_LOG_HEIGHT, RangeProof, RunAggregation, StepStore, TreeParams, aggregate_run,
    aggregate_run_observed, aggregate_run_resuming, aggregate_with_setup, aggregate_with_setup_resuming,
    check_key, check_run_statement, layer_params, rebuild_key, size_tuned, size_tuned_with,
};
pub use statement::{RangeStatement, RunStatement};
pub use wrap::WrapProgram;

/// Why a run could not be aggregated, or a final statement is not the expected one.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AggregationError {
    /// A shard proof's statement is malformed.
    #[error(transparent)]
    Shard(#[from] hearth_machine::VerifyError),
    /// A STARK-level failure (shapes, proving).
    #[error(transparent)]
    Stark(#[from] hearth_stark::StarkError),
    /// A recursion program refused its inputs or its proof.
    #[error(transparent)]
    Circuit(#[from] crate::circuit::CircuitError),
    /// The shards' or programs' shapes do not fit together.
    #[error("shape: {0}")]
    Shape(String),
    /// A task or proof sent between machines is not one.
    #[error("decoding: {0}")]
    Decode(String),
    /// A final statement differs from what the verifier expects.
    #[error("statement: {0}")]
    Statement(String),
}

/// Whether the tree's programs (leaves, lifts, nodes) check opened rows with the opening
/// table: a few times fewer rows per opened value. The final step and the wraps do not: their
/// proofs' width is what the final proof's size grows with.
const TREE_OPENING_TABLE: bool = true;

/// Pads a program under construction to the tree's shared heights, when given.
fn pad(
    b: &mut crate::circuit::CircuitBuilder,
    heights: Option<crate::circuit::PadHeights>,
    what: &str,
) -> Result<(), AggregationError> {
    match heights {
        Some(heights) => b.pad_to(heights).map_err(|needed| {
            AggregationError::Shape(format!("{what} needs tables of 2^{needed:?} rows, not 2^{heights:?}"))
        }),
        None => Ok(()),
    }
}
