//! Buses between the recursion chips (same conventions as the machine's: the looking side
//! counts positive, the providing side negative).

/// `(input[24], output[24])`: a Poseidon2 permutation, provided by the Poseidon2 table.
pub const POSEIDON2: &str = "poseidon2";

/// `(address, value[8])`: the recursion program's write-once memory. The one instruction that
/// writes an address provides it as many times as the program reads it (a count fixed by the
/// program); every read looks it up once. A base-field cell is `(x, 0, ..., 0)`.
pub const MEMORY: &str = "memory";
