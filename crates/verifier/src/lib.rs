//! Hearth's standalone verifier: checks a run's final proof, the last step of the pipeline
//! (guest -> executor -> shard proofs -> aggregation -> **verifier**).
//!
//! A final proof ([`FinalProof`]) is one STARK proof of the recursion program that verified
//! the aggregation tree's top proof (or of the last wrap around it), with the run's statement
//! ([`RunStatement`]: its public values, or what they digest) and the program's output beside
//! it. [`verify_final`] checks it against what the verifier knows beforehand: the aggregation's
//! keys ([`AggregationKey`]: the allowed leaf and node programs, the outermost program) and the
//! program that ran (its hash, over the [`ProgramDescriptor`] the proof carries).
//!
//! This crate holds the recursion tables' constraints ([`chips`]) because a verifier needs
//! them; their trace generation, the recursion programs and the aggregation are the prover's
//! (`hearth-recursion`), which this crate does not depend on.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)
)]

pub mod bus;
// The constraints index fixed-size column arrays by constant ranges, and run only on rows whose
// widths the STARK verifier checked against the tables' before evaluating them.
#[allow(clippy::indexing_slicing)]
pub mod chips;
pub mod descriptor;
pub mod proof;
pub mod statement;

pub use chips::RecursionChip;
pub use descriptor::{ProgramDescriptor, ProgramId};
pub use proof::{
    AggregationKey, FinalProof, Key, KeyRecipe, LastLayer, LayerSecurity, ShardShape, Verified, VerifyError,
    statement_digest, verify_final,
};
pub use statement::{RUN_STATEMENT_LEN, RunStatement};

use hearth_stark::config::EXTENSION_DEGREE;

/// Elements of one recursion memory cell: an extension element, or a base element and seven
/// zeros.
pub const CELL: usize = EXTENSION_DEGREE;
/// Bits of a canonical KoalaBear element.
pub const NUM_BITS: usize = 31;
/// Cells holding a base element's 31 bits, eight per cell.
pub const NUM_BIT_BLOCKS: usize = NUM_BITS.div_ceil(CELL);
