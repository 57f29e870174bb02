//! The batch STARK's Fiat-Shamir transcript as a recursion program: the same seed, the same
//! absorptions in the same order, the same proof-of-work checks and draws as Plonky3's
//! `BatchVerifierTranscript` over the same duplex sponge, so the program's challenges are the
//! native verifier's.

use hearth_stark::config::DIGEST_ELEMS;
use hearth_stark::{Challenge, Val};
use p3_batch_stark::BatchShape;
use p3_challenger::CanObserve;
use p3_challenger::fs::{DomainSeparator, Unit};
use p3_field::PrimeCharacteristicRing;

use crate::circuit::{CircuitBuilder, CircuitChallenger, Ext, Felt};

/// A Merkle root as program cells.
pub type DigestCells = [Felt; DIGEST_ELEMS];

/// A digest taken from the prover: nine base inputs.
pub fn digest_cells(b: &mut CircuitBuilder) -> DigestCells {
    core::array::from_fn(|_| b.input())
}

/// The proof's values the batch transcript absorbs, as program cells.
#[derive(Clone, Debug)]
pub struct BatchTranscriptCells {
    /// `log2` of each table's extended height: the shape the program verifies, constants.
    pub degree_bits: Vec<usize>,
    /// Commitment to the main traces.
    pub main_commitment: DigestCells,
    /// Each table's public values.
    pub public_values: Vec<Vec<Felt>>,
    /// Commitment to the preprocessed tables (the inner program's identity), when it has any.
    pub preprocessed_commitment: Option<DigestCells>,
    /// Proof-of-work witness before the lookup challenges, when there are lookups.
    pub lookup_pow_witness: Option<Felt>,
    /// Commitment to the lookup running sums, when there are lookups.
    pub permutation_commitment: Option<DigestCells>,
    /// One lookup terminal per table that has lookups.
    pub terminals: Vec<Ext>,
    /// Commitment to the quotient chunks.
    pub quotient_commitment: DigestCells,
    /// Proof-of-work witness before the out-of-domain point.
    pub ood_pow_witness: Felt,
}

/// The challenges the batch transcript draws before the opening argument.
#[derive(Clone, Copy, Debug)]
pub struct BatchChallenges {
    /// The lookup argument's base randomness, when there are lookups.
    pub lookup_alpha: Option<Ext>,
    /// The lookup argument's message combiner, when there are lookups.
    pub lookup_beta: Option<Ext>,
    /// The challenge folding all constraints together.
    pub constraint_alpha: Ext,
    /// The out-of-domain point.
    pub zeta: Ext,
}

/// The field elements the transcript's domain separator absorbs first: a function of the
/// shape alone, so constants of the program.
pub fn seed_elements(shape: &BatchShape) -> Vec<Val> {
    seed_of(&shape.domain_separator::<Val, Challenge>())
}

/// The field elements a domain separator absorbs when it seeds a sponge.
pub(crate) fn seed_of<U: Unit<Item = Val>>(separator: &DomainSeparator<U>) -> Vec<Val> {
    let mut recorder = Absorbed(Vec::new());
    separator.seed(&mut recorder);
    recorder.0
}

/// A stand-in sponge that keeps what it is given.
struct Absorbed(Vec<Val>);

impl CanObserve<Val> for Absorbed {
    fn observe(&mut self, value: Val) {
        self.0.push(value);
    }
}

fn observe_digest(b: &mut CircuitBuilder, challenger: &mut CircuitChallenger, digest: &DigestCells) {
    challenger.observe_slice(b, digest);
}

/// A proof-of-work step: at zero difficulty the witness must be zero and nothing is absorbed.
pub(crate) fn pow_step(
    b: &mut CircuitBuilder,
    challenger: &mut CircuitChallenger,
    bits: usize,
    witness: Felt,
) {
    if bits == 0 {
        let zero = b.constant(Val::ZERO);
        b.assert_eq(witness, zero);
    } else {
        challenger.check_witness(b, bits, witness);
    }
}

/// Replays the batch transcript from its seed to the out-of-domain point on a fresh
/// challenger, which is left where the opening argument continues.
///
/// Panics if `cells` does not match `shape` (a bug of the program's builder, which makes
/// both from the same tables).
pub fn replay_batch_transcript(
    b: &mut CircuitBuilder,
    challenger: &mut CircuitChallenger,
    shape: &BatchShape,
    cells: &BatchTranscriptCells,
) -> BatchChallenges {
    assert_eq!(cells.degree_bits.len(), shape.num_instances(), "degree bits per table");
    assert_eq!(cells.public_values.len(), shape.num_instances(), "public values per table");
    assert_eq!(cells.preprocessed_commitment.is_some(), shape.has_preprocessed_commitment);
    assert_eq!(cells.terminals.len(), shape.num_lookup_instances, "terminals per table with lookups");

    for value in seed_elements(shape) {
        let value = b.constant(value);
        challenger.observe(b, value);
    }
    // Each table's degree bits, absorbed as an extension element (its coordinates).
    for &bits in &cells.degree_bits {
        let bits = b.constant(Val::from_usize(bits));
        challenger.observe_ext(b, bits.into());
    }
    observe_digest(b, challenger, &cells.main_commitment);
    for values in &cells.public_values {
        challenger.observe_slice(b, values);
    }
    if let Some(digest) = &cells.preprocessed_commitment {
        observe_digest(b, challenger, digest);
    }

    let (mut lookup_alpha, mut lookup_beta) = (None, None);
    if shape.has_lookups() {
        let witness = cells.lookup_pow_witness.expect("a lookup proof-of-work witness");
        pow_step(b, challenger, shape.lookup_pow_bits, witness);
        lookup_alpha = Some(challenger.sample_ext(b));
        lookup_beta = Some(challenger.sample_ext(b));
    }
    if let Some(digest) = &cells.permutation_commitment {
        observe_digest(b, challenger, digest);
    }
    for &terminal in &cells.terminals {
        challenger.observe_ext(b, terminal);
    }
    let constraint_alpha = challenger.sample_ext(b);

    observe_digest(b, challenger, &cells.quotient_commitment);
    pow_step(b, challenger, shape.ood_pow_bits, cells.ood_pow_witness);
    let zeta = challenger.sample_ext(b);
    BatchChallenges { lookup_alpha, lookup_beta, constraint_alpha, zeta }
}

#[cfg(test)]
mod tests;
