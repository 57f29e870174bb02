//! What the tables that list words for the run-wide memory argument share (the memory
//! boundary table, a shard's list; the final list table, the run's): token fingerprints and
//! their inverses, the running sum of their terms, and the list sponge that hashes the rows.

use hearth_stark::Val;
use hearth_stark::config::{DIGEST_ELEMS, EXTENSION_DEGREE, POSEIDON2_WIDTH};
use std::sync::Arc;

use hearth_verifier::chips::alu::ext_product;
use hearth_verifier::chips::poseidon2::{RoundAir, round_constants};
use p3_air::{Air, AirBuilder};
use p3_field::PrimeCharacteristicRing;
use p3_koala_bear::default_koalabear_poseidon2_24;
use p3_symmetric::Permutation;
use p3_uni_stark::SubAirBuilder;

/// An extension element as coordinates.
pub(crate) type Ext<E> = [E; EXTENSION_DEGREE];

/// A token's inverse columns and its fingerprint.
type TokenInverse<V, E> = (Ext<V>, Ext<E>);

/// A row's produced and consumed inverses and its running sum.
pub(crate) type SumRow<V> = [Ext<V>; 3];

/// A row's sponge permutation: its input and its output.
pub(crate) struct SpongeRow<'a, V> {
    pub(crate) inputs: &'a [V; POSEIDON2_WIDTH],
    pub(crate) output: &'a [V; POSEIDON2_WIDTH],
}

/// The Poseidon2 round constraints a list table embeds for its sponge, one permutation per row.
#[derive(Clone)]
pub(crate) struct SpongeRounds(Arc<RoundAir>);

impl Default for SpongeRounds {
    fn default() -> Self {
        Self(Arc::new(RoundAir::new(round_constants())))
    }
}

impl SpongeRounds {
    /// Constrains `columns` (the table's last ones) as one permutation.
    pub(crate) fn eval<AB: p3_lookup::InteractionBuilder<F = Val>>(
        &self,
        builder: &mut AB,
        columns: core::ops::Range<usize>,
    ) {
        self.0.eval(&mut SubAirBuilder::<AB, RoundAir, AB::Var>::new(builder, columns));
    }
}

/// `parts[0] + alpha parts[1] + alpha^2 parts[2] + ...` with base-field parts.
pub(crate) fn fingerprint<E: PrimeCharacteristicRing + From<Val>>(alpha: &Ext<E>, parts: &[E]) -> Ext<E> {
    let mut acc: Ext<E> = core::array::from_fn(|_| E::ZERO);
    for part in parts.iter().rev() {
        acc = ext_product(&acc, alpha);
        acc[0] += part.clone();
    }
    acc
}

/// Each `inverse` times `gamma - fingerprint` is `is_real` (as an extension element): the
/// inverse of a real row's token, zero on padding.
pub(crate) fn eval_inverses<AB: AirBuilder<F = Val>>(
    builder: &mut AB,
    gamma: &Ext<AB::Expr>,
    is_real: &AB::Expr,
    inverses: [TokenInverse<AB::Var, AB::Expr>; 2],
) {
    for (inverse, fp) in inverses {
        let difference: Ext<AB::Expr> = core::array::from_fn(|i| gamma[i].clone() - fp[i].clone());
        let product = ext_product(&inverse.map(Into::into), &difference);
        for (i, p) in product.into_iter().enumerate() {
            let expected = if i == 0 { is_real.clone() } else { AB::Expr::ZERO };
            builder.assert_eq(p, expected);
        }
    }
}

/// `sum` accumulates `produced - consumed` (each row's pair of inverses) from the first row and
/// ends at `total`.
pub(crate) fn eval_running_sum<AB: AirBuilder>(
    builder: &mut AB,
    (local, next): (SumRow<AB::Var>, SumRow<AB::Var>),
    total: &[AB::Expr],
) {
    // Each side: [produced, consumed, sum].
    for i in 0..EXTENSION_DEGREE {
        let term = |row: &SumRow<AB::Var>| -> AB::Expr { row[0][i].into() - row[1][i].into() };
        builder.when_first_row().assert_eq(local[2][i], term(&local));
        builder.when_transition().assert_eq(next[2][i], local[2][i].into() + term(&next));
        builder.when_last_row().assert_eq(local[2][i], total[i].clone());
    }
}

/// The list sponge: the first row's permutation input is its data, each next row's is this
/// row's `output` with the next row's data added to its first elements, and the last row's
/// output begins with `digest`.
pub(crate) fn eval_list_sponge<AB: AirBuilder>(
    builder: &mut AB,
    (local, next): (SpongeRow<'_, AB::Var>, SpongeRow<'_, AB::Var>),
    (local_data, next_data): (&[AB::Expr], &[AB::Expr]),
    digest: &[AB::Expr],
) {
    let output = local.output;
    for (i, &out) in output.iter().enumerate() {
        let first = local_data.get(i).cloned().unwrap_or(AB::Expr::ZERO);
        builder.when_first_row().assert_eq(local.inputs[i], first);
        let chained = out.into() + next_data.get(i).cloned().unwrap_or(AB::Expr::ZERO);
        builder.when_transition().assert_eq(next.inputs[i], chained);
    }
    for (&out, digest) in output.iter().zip(digest) {
        builder.when_last_row().assert_eq(out, digest.clone());
    }
}

/// The list sponge natively: the inputs of its permutations, one per row of a table of
/// `height` rows (rows past `data`'s end absorb nothing), and the digest, the first elements of
/// the last output.
pub(crate) fn list_sponge_rows<const N: usize>(
    data: impl IntoIterator<Item = [Val; N]>,
    height: usize,
) -> (Vec<[Val; POSEIDON2_WIDTH]>, [Val; DIGEST_ELEMS]) {
    let permutation = default_koalabear_poseidon2_24();
    let mut state = [Val::ZERO; POSEIDON2_WIDTH];
    let mut inputs = Vec::with_capacity(height);
    let mut data = data.into_iter();
    for _ in 0..height {
        if let Some(row) = data.next() {
            for (s, d) in state.iter_mut().zip(row) {
                *s += d;
            }
        }
        inputs.push(state);
        permutation.permute_mut(&mut state);
    }
    (inputs, core::array::from_fn(|i| state[i]))
}
