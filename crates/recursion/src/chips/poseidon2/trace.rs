use std::collections::HashMap;

use hearth_stark::Val;
use p3_field::PrimeCharacteristicRing;
use p3_koala_bear::{Poseidon2KoalaBear, default_koalabear_poseidon2_24};
use p3_matrix::dense::RowMajorMatrix;
use p3_symmetric::Permutation;

use super::*;
use hearth_verifier::chips::poseidon2::round_rows;

/// The permutations other tables look up while their traces are generated: each distinct input
/// once, with how many times it was asked for.
pub struct Poseidon2Requests {
    permutation: Poseidon2KoalaBear<WIDTH>,
    counts: HashMap<[Val; WIDTH], u32>,
    order: Vec<[Val; WIDTH]>,
}

impl Default for Poseidon2Requests {
    fn default() -> Self {
        Self { permutation: default_koalabear_poseidon2_24(), counts: HashMap::new(), order: Vec::new() }
    }
}

impl Poseidon2Requests {
    /// Permutes `input`, recording one lookup of it.
    pub fn permute(&mut self, input: [Val; WIDTH]) -> [Val; WIDTH] {
        let count = self.counts.entry(input).or_insert(0);
        if *count == 0 {
            self.order.push(input);
        }
        *count += 1;
        self.permutation.permute(input)
    }

    /// Distinct permutations requested.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether none was requested.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }
}

/// The table: one row per distinct requested permutation in request order, padded to a power
/// of two (at least 4) with permutations of zero that nobody looks up.
pub fn generate_trace(requests: &Poseidon2Requests) -> RowMajorMatrix<Val> {
    generate_padded_trace(requests, requests.len().next_power_of_two().max(4))
}

/// The table at a given power-of-two height (a recursion program fixes its tables' heights),
/// at least the number of distinct permutations.
pub fn generate_padded_trace(requests: &Poseidon2Requests, height: usize) -> RowMajorMatrix<Val> {
    assert!(height.is_power_of_two() && height >= requests.len(), "Poseidon2 table height {height}");
    let mut inputs = requests.order.clone();
    inputs.resize(height, [Val::ZERO; WIDTH]);
    let rounds = round_rows(inputs);
    let mut values = Vec::with_capacity(height * NUM_POSEIDON2_COLS);
    for (row, input) in rounds
        .values
        .chunks_exact(NUM_ROUND_COLS)
        .zip(requests.order.iter().map(Some).chain(std::iter::repeat(None)))
    {
        values.extend_from_slice(row);
        values.push(Val::from_u32(input.map_or(0, |i| requests.counts[i])));
    }
    RowMajorMatrix::new(values, NUM_POSEIDON2_COLS)
}
