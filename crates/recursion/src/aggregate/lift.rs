//! The lift program: verifies a leaf proof made at taller tables than the tree's shape and
//! states the same range in that shape. The verification of a shard with wide tables (a
//! block's Keccak-heavy shards open several times more values per query) needs several times
//! the rows of a typical one; padding every program of the tree to it would multiply the
//! memory and time of every leaf and node, so such a leaf is proven at its own heights and
//! lifted instead, one short step.

use super::AggregationError;
use super::keys::assert_key_allowed;
use super::node::{Child, verify_child};
use crate::chips::RecursionChip;
use crate::circuit::{Cell, Circuit, CircuitBuilder, CircuitError, PadHeights};
use crate::verifier::VerifiedProof;
use crate::verifier::stark::{InnerShape, InputPart, two_pass_inputs};

/// The lift program for leaf proofs shaped like one shape.
pub struct LiftProgram {
    /// The program.
    pub circuit: Circuit,
    airs: Vec<RecursionChip>,
    child: VerifiedProof,
}

impl LiftProgram {
    /// Builds the lift of proofs of the recursion tables `airs` shaped like `shape`, whose
    /// programs are in an allowed-keys tree of `depth` levels; `pad` fills its tables to those
    /// heights.
    pub fn build(
        airs: &[RecursionChip],
        shape: &InnerShape,
        depth: usize,
        pad: Option<PadHeights>,
    ) -> Result<Self, AggregationError> {
        let mut b = CircuitBuilder::new();
        if super::TREE_OPENING_TABLE {
            b.use_opening_table();
        }
        let (child, statement) = verify_child(&mut b, airs, shape)?;
        // The child's program is one the statement's own allowed keys name: a lift restates
        // only proofs the tree would accept.
        assert_key_allowed(&mut b, &child.key, &statement.keys_root, depth);
        for cell in statement.to_vec() {
            b.expose(cell);
        }
        super::pad(&mut b, pad, "a lift")?;
        Ok(Self { circuit: b.build(), airs: airs.to_vec(), child })
    }

    /// The program's inputs for `child`.
    pub fn inputs(&self, child: Child<'_>) -> Result<Vec<Cell>, CircuitError> {
        let cells = child.statement_cells(&self.airs);
        let path = child.path.cells();
        let [statement, proof] = self.child.input_parts(&cells, child.proof);
        two_pass_inputs(&self.circuit, &[statement, proof, InputPart::Cells(&path)])
    }
}
