//! The node program: verifies two aggregation proofs of adjacent ranges and states their
//! union. Every program of the tree is padded to one shape, so one node program verifies
//! leaves and nodes alike; which programs may be children is the allowed-keys tree's root,
//! which every statement carries and the final step compares with its constant.

use hearth_stark::Val;
use hearth_stark::prover::StarkProof;
use p3_field::PrimeCharacteristicRing;

use super::AggregationError;
use super::keys::{KeyPath, assert_key_allowed};
use super::statement::RangeStatement;
use crate::chips::RecursionChip;
use crate::circuit::{Cell, Circuit, CircuitBuilder, CircuitError, Felt, PadHeights, table};
use crate::verifier::merkle::compress;
use crate::verifier::stark::{InnerShape, InputPart, two_pass_inputs};
use crate::verifier::{Statement, VerifiedProof, verify_proof};

/// A child proof as a node or the final step takes it: the proof, its public values and the
/// path of its program's key in the allowed-keys tree.
#[derive(Clone, Copy)]
pub struct Child<'a> {
    /// The child's proof.
    pub proof: &'a StarkProof,
    /// Its public values (a [`RangeStatement`]).
    pub public_values: &'a [Val],
    /// The child program's verifying key.
    pub key: &'a hearth_stark::prover::Commitment,
    /// Where that key sits among the allowed keys.
    pub path: &'a KeyPath,
}

impl Child<'_> {
    /// The child's statement as the inputs [`verify_proof`] allocates.
    pub(crate) fn statement_cells(&self, airs: &[RecursionChip]) -> Vec<Cell> {
        let mut public_values = vec![Vec::new(); airs.len()];
        public_values[table::PUBLIC] = self.public_values.to_vec();
        Statement { key: self.key.clone(), public_values, periodic: vec![Vec::new(); airs.len()] }
            .input_cells()
    }
}

/// Verifies a child proof in `b` and reads its statement.
pub(crate) fn verify_child(
    b: &mut CircuitBuilder,
    airs: &[RecursionChip],
    shape: &InnerShape,
) -> Result<(VerifiedProof, RangeStatement<Felt>), AggregationError> {
    let verified = verify_proof(b, airs, shape.clone())?;
    let statement = RangeStatement::from_slice(&verified.public_values[table::PUBLIC])
        .ok_or_else(|| AggregationError::Shape("children must expose a range statement".into()))?;
    Ok((verified, statement))
}

/// Requires equal cells.
pub(crate) fn assert_all_eq(b: &mut CircuitBuilder, a: &[Felt], c: &[Felt]) {
    for (&x, &y) in a.iter().zip(c) {
        b.assert_eq(x, y);
    }
}

/// The node program for children shaped like `shape`.
pub struct NodeProgram {
    /// The program.
    pub circuit: Circuit,
    airs: Vec<RecursionChip>,
    left: VerifiedProof,
    right: VerifiedProof,
}

impl NodeProgram {
    /// Builds the node for children of the recursion tables `airs` shaped like `shape`, with
    /// allowed keys in a tree of `depth` levels; `pad` fills its tables to those heights.
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
        let (left, l) = verify_child(&mut b, airs, shape)?;
        let (right, r) = verify_child(&mut b, airs, shape)?;
        assert_key_allowed(&mut b, &left.key, &l.keys_root, depth);
        assert_key_allowed(&mut b, &right.key, &l.keys_root, depth);
        assert_all_eq(&mut b, &l.keys_root, &r.keys_root);
        assert_all_eq(&mut b, &l.program_key, &r.program_key);
        assert_all_eq(&mut b, &l.gamma, &r.gamma);
        assert_all_eq(&mut b, &l.alpha, &r.alpha);
        b.assert_eq(l.input_len, r.input_len);
        // The right range starts where the left one ends, which does not halt.
        let next = b.add(l.first, l.count);
        b.assert_eq(r.first, next);
        let zero = b.constant(Val::ZERO);
        b.assert_eq(l.halted, zero);
        b.assert_eq(r.entry_pc, l.exit_pc);
        assert_all_eq(&mut b, &r.entry_registers, &l.exit_registers);

        let add = |b: &mut CircuitBuilder, x: &[Felt; 8], y: &[Felt; 8]| {
            let (x, y) = (b.pack(*x), b.pack(*y));
            let sum = b.ext_add(x, y);
            b.unpack(sum)
        };
        let joined = RangeStatement {
            count: b.add(l.count, r.count),
            exit_pc: r.exit_pc,
            exit_registers: r.exit_registers,
            halted: r.halted,
            exit_code: r.exit_code,
            output_len: r.output_len,
            memory_sum: add(&mut b, &l.memory_sum, &r.memory_sum),
            output_sum: add(&mut b, &l.output_sum, &r.output_sum),
            lists: compress(&mut b, &l.lists, &r.lists, None),
            ..l
        };
        for cell in joined.to_vec() {
            b.expose(cell);
        }
        super::pad(&mut b, pad, "a node")?;
        Ok(Self { circuit: b.build(), airs: airs.to_vec(), left, right })
    }

    /// The program's inputs for two adjacent children, left first.
    pub fn inputs(&self, left: Child<'_>, right: Child<'_>) -> Result<Vec<Cell>, CircuitError> {
        let (lc, rc) = (left.statement_cells(&self.airs), right.statement_cells(&self.airs));
        let (lp, rp) = (left.path.cells(), right.path.cells());
        let [a, c] = self.left.input_parts(&lc, left.proof);
        let [d, e] = self.right.input_parts(&rc, right.proof);
        two_pass_inputs(&self.circuit, &[a, c, d, e, InputPart::Cells(&lp), InputPart::Cells(&rp)])
    }
}
