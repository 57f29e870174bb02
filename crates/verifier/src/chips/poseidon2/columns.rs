use hearth_stark::column_layout;
use hearth_stark::config::POSEIDON2_WIDTH;
use p3_koala_bear::{KOALABEAR_POSEIDON2_HALF_FULL_ROUNDS, KOALABEAR_POSEIDON2_PARTIAL_ROUNDS_24};

/// Elements of the permutation's state.
pub const WIDTH: usize = POSEIDON2_WIDTH;
/// The S-box `x^3`, KoalaBear's smallest permutation monomial.
pub const SBOX_DEGREE: u64 = 3;
/// No intermediate S-box columns: `x^3` fits the constraint degree as it is.
pub const SBOX_REGISTERS: usize = 0;
/// Full rounds before and after the partial rounds.
pub const HALF_FULL_ROUNDS: usize = KOALABEAR_POSEIDON2_HALF_FULL_ROUNDS;
/// Partial rounds of the width-24 permutation.
pub const PARTIAL_ROUNDS: usize = KOALABEAR_POSEIDON2_PARTIAL_ROUNDS_24;

/// The rounds' columns, `p3-poseidon2-air`'s layout.
pub type RoundCols<T> =
    p3_poseidon2_air::Poseidon2Cols<T, WIDTH, SBOX_DEGREE, SBOX_REGISTERS, HALF_FULL_ROUNDS, PARTIAL_ROUNDS>;

/// Number of round columns.
pub const NUM_ROUND_COLS: usize = core::mem::size_of::<RoundCols<u8>>();

/// Columns of the Poseidon2 table.
#[repr(C)]
pub struct Poseidon2Cols<T> {
    /// The permutation: `inputs`, then every round's state (constrained by `p3-poseidon2-air`;
    /// the last full round's `post` is the output).
    pub rounds: RoundCols<T>,
    /// How many lookups this row answers (free: a provider's count; padding rows hold 0).
    pub multiplicity: T,
}

column_layout!(Poseidon2Cols, NUM_POSEIDON2_COLS, POSEIDON2_COL_MAP);

impl<T> Poseidon2Cols<T> {
    /// The permutation's output: the state after the last full round.
    pub fn output(&self) -> &[T; WIDTH] {
        &self.rounds.ending_full_rounds[HALF_FULL_ROUNDS - 1].post
    }
}
