//! Buses between the recursion chips (same conventions as the machine's: the looking side
//! counts positive, the providing side negative).

/// `(input[24], output[24])`: a Poseidon2 permutation, provided by the Poseidon2 table.
pub const POSEIDON2: &str = "poseidon2";
