//! The Fiat-Shamir challenger inside a recursion program: the same duplex sponge as Plonky3's
//! `DuplexChallenger` over Hearth's width-24 Poseidon2 (rate 15), step for step, so that the
//! program draws exactly the challenges the native verifier draws from the same transcript.

use hearth_stark::Val;
use hearth_stark::config::{POSEIDON2_WIDTH, SPONGE_RATE};
use p3_field::PrimeCharacteristicRing;

use super::builder::{CircuitBuilder, Ext, Felt};
use super::program::{CELL, NUM_BITS};

/// The sponge's state as program cells.
#[derive(Clone, Debug)]
pub struct CircuitChallenger {
    state: [Felt; POSEIDON2_WIDTH],
    input: Vec<Felt>,
    output: Vec<Felt>,
}

impl CircuitChallenger {
    /// A fresh challenger: the all-zero state, nothing buffered.
    pub fn new(builder: &mut CircuitBuilder) -> Self {
        let zero = builder.constant(Val::ZERO);
        Self { state: [zero; POSEIDON2_WIDTH], input: Vec::new(), output: Vec::new() }
    }

    /// Absorbs the buffered inputs (overwriting the rate's first slots, zeroing the rest of
    /// the rate and adding their count to the first capacity element) or, with none buffered,
    /// just permutes; the rate becomes the outputs.
    fn duplex(&mut self, builder: &mut CircuitBuilder) {
        let absorbed = self.input.len();
        debug_assert!(absorbed <= SPONGE_RATE);
        for (slot, value) in self.state.iter_mut().zip(self.input.drain(..)) {
            *slot = value;
        }
        if absorbed > 0 {
            let zero = builder.constant(Val::ZERO);
            self.state[absorbed..SPONGE_RATE].fill(zero);
            let count = builder.constant(Val::from_usize(absorbed));
            self.state[SPONGE_RATE] = builder.add(self.state[SPONGE_RATE], count);
        }
        self.state = builder.poseidon2(self.state);
        self.output = self.state[..SPONGE_RATE].to_vec();
    }

    /// Absorbs one base element.
    pub fn observe(&mut self, builder: &mut CircuitBuilder, value: Felt) {
        self.output.clear();
        self.input.push(value);
        if self.input.len() == SPONGE_RATE {
            self.duplex(builder);
        }
    }

    /// Absorbs base elements in order.
    pub fn observe_slice(&mut self, builder: &mut CircuitBuilder, values: &[Felt]) {
        for &value in values {
            self.observe(builder, value);
        }
    }

    /// Absorbs an extension element: its coordinates, the constant one first.
    pub fn observe_ext(&mut self, builder: &mut CircuitBuilder, value: Ext) {
        let coords = builder.unpack(value);
        self.observe_slice(builder, &coords);
    }

    /// Draws a base element: the last unread output, after absorbing anything buffered.
    pub fn sample(&mut self, builder: &mut CircuitBuilder) -> Felt {
        if !self.input.is_empty() || self.output.is_empty() {
            self.duplex(builder);
        }
        self.output.pop().expect("a duplex leaves outputs")
    }

    /// Draws an extension element, coordinate 0 first.
    pub fn sample_ext(&mut self, builder: &mut CircuitBuilder) -> Ext {
        let coords: [Felt; CELL] = core::array::from_fn(|_| self.sample(builder));
        builder.pack(coords)
    }

    /// Draws `bits` random bits (least significant first): the low bits of a drawn element's
    /// canonical value, as `sample_bits` takes them.
    pub fn sample_bits(&mut self, builder: &mut CircuitBuilder, bits: usize) -> Vec<Felt> {
        assert!(bits < NUM_BITS, "at most 30 bits per sample");
        let value = self.sample(builder);
        builder.bits(value)[..bits].to_vec()
    }

    /// Checks a proof-of-work witness: absorbs it and requires the next `bits` sampled bits to
    /// be zero (nothing at all at zero difficulty, as the native check).
    pub fn check_witness(&mut self, builder: &mut CircuitBuilder, bits: usize, witness: Felt) {
        if bits == 0 {
            return;
        }
        self.observe(builder, witness);
        let zero = builder.constant(Val::ZERO);
        for bit in self.sample_bits(builder, bits) {
            builder.assert_eq(bit, zero);
        }
    }
}
