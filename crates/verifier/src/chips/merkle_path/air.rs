use core::borrow::Borrow;

use hearth_stark::Val;
use hearth_stark::config::{DIGEST_ELEMS, POSEIDON2_WIDTH};
use p3_air::{Air, AirBuilder, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::{Count, InteractionBuilder};

use super::columns::*;
use crate::bus::POSEIDON2;

/// The Merkle path table. Its public values are the root all its paths lead to.
///
/// # Soundness
/// - `is_real`, `is_last` and `bit` are boolean; `is_last` only on real rows; real rows come
///   first (a padding row is followed by padding), and the trace's last real row is a last.
/// - A real row looks up the permutation of `(left, right, 0...)` on the Poseidon2 bus, where
///   `(left, right)` is `(node, sibling)` or `(sibling, node)` as `bit` says, and gets
///   `(parent, spill)` back: `parent` is the truncated-permutation compression Hearth's
///   Merkle trees use.
/// - A real row that is not a path's last hands its parent to the next row as its node, and
///   the next row is real: the rows of a path chain from its leaf up.
/// - A last row's parent is the root (the public values).
/// - Not yet bound here: which leaf a path starts from, its index (the bits) and its length;
///   the query tables that look paths up will fix those.
#[derive(Clone, Copy, Debug, Default)]
pub struct MerklePathChip;

impl BaseAir<Val> for MerklePathChip {
    fn width(&self) -> usize {
        NUM_MERKLE_PATH_COLS
    }

    fn num_public_values(&self) -> usize {
        DIGEST_ELEMS
    }
}

impl<AB: InteractionBuilder<F = Val>> Air<AB> for MerklePathChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &MerklePathCols<AB::Var> = main.current_slice().borrow();
        let next: &MerklePathCols<AB::Var> = main.next_slice().borrow();
        let root: Vec<AB::Expr> = builder.public_values().iter().map(|&v| v.into()).collect();
        let e = |v: AB::Var| -> AB::Expr { v.into() };

        builder.assert_bool(local.is_real);
        builder.assert_bool(local.is_last);
        builder.assert_bool(local.bit);
        builder.assert_zero(e(local.is_last) * (AB::Expr::ONE - e(local.is_real)));

        // Real rows first; the trace's last real row ends a path.
        builder.when_transition().assert_zero((AB::Expr::ONE - e(local.is_real)) * e(next.is_real));
        builder.when_last_row().assert_eq(local.is_last, local.is_real);

        // Within a path: the parent is the next row's node.
        let continues = e(local.is_real) - e(local.is_last);
        builder.when_transition().when(continues.clone()).assert_one(next.is_real);
        for ((&node, &parent), root) in next.node.iter().zip(&local.parent).zip(root) {
            builder.when_transition().when(continues.clone()).assert_eq(node, parent);
            builder.when(local.is_last).assert_eq(parent, root);
        }

        // The compression, looked up in the Poseidon2 table.
        let bit = e(local.bit);
        let mut message = Vec::with_capacity(2 * POSEIDON2_WIDTH);
        let (node, sibling) = (local.node.map(e), local.sibling.map(e));
        message.extend(
            (0..DIGEST_ELEMS).map(|i| node[i].clone() + bit.clone() * (sibling[i].clone() - node[i].clone())),
        );
        message.extend(
            (0..DIGEST_ELEMS)
                .map(|i| sibling[i].clone() + bit.clone() * (node[i].clone() - sibling[i].clone())),
        );
        message.resize(POSEIDON2_WIDTH, AB::Expr::ZERO);
        message.extend(local.parent.map(e));
        message.extend(local.spill.map(e));
        builder.push_interaction(POSEIDON2, message, Count::bounded(e(local.is_real), 1));
    }
}
