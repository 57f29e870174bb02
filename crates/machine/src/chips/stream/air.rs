use core::borrow::Borrow;
use std::borrow::Cow;
use std::sync::Arc;

use p3_air::{Air, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::{Count, InteractionBuilder};

use super::columns::*;
use crate::bus::STREAM;
use crate::lookups::padded_height;

/// Public values of the stream table: the digest of its periodic columns (see
/// [`hearth_stark::config::periodic_digest`]). The constraints do not read them; they bind the
/// rows into the proof's transcript before any challenge is drawn, so the bytes cannot be
/// chosen after seeing the challenges.
pub const NUM_STREAM_PUBLIC_VALUES: usize = hearth_stark::config::DIGEST_ELEMS;

/// The bytes a proof is about.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Streams {
    /// The input stream, whole: the digest covers all of it.
    pub input: Arc<[u8]>,
    /// The input bytes the shard reads (from its input position at entry to the one at exit):
    /// the table holds only these, so a shard's table does not grow with the whole input.
    pub input_read: core::ops::Range<usize>,
    /// The public output a shard writes (the whole output for a one-shard run).
    pub output: Arc<[u8]>,
    /// The output's position in the run's output: the bytes written by earlier shards.
    pub output_start: usize,
    /// The input bytes read are the prover's witness, in the input table
    /// ([`crate::chips::input`]), instead of the verifier's data in this table: for shards whose
    /// proofs are aggregated, where the statement names the input's length only.
    pub private_input: bool,
}

impl Streams {
    /// Rows of the stream table.
    pub fn height(&self) -> usize {
        padded_height(self.committed_input_read().len() + self.output.len())
    }

    /// The input bytes the shard reads (none past the input's end: the verifier refuses such
    /// ranges first).
    pub fn input_read_bytes(&self) -> &[u8] {
        self.input.get(self.input_read.clone()).unwrap_or_default()
    }

    /// The input bytes the stream table holds: those read, unless the input is private.
    fn committed_input_read(&self) -> &[u8] {
        if self.private_input { &[] } else { self.input_read_bytes() }
    }

    /// The input bytes the input table holds: those read, when the input is private.
    pub fn private_input_read(&self) -> &[u8] {
        if self.private_input { self.input_read_bytes() } else { &[] }
    }

    /// The table's rows in order: `(is_output, position, byte)` for each input byte read (unless
    /// the input is private), then each output byte (at `output_start` on).
    pub fn rows(&self) -> impl Iterator<Item = (bool, usize, u8)> + '_ {
        let read = self.committed_input_read();
        let first = self.input_read.start;
        let input = read.iter().enumerate().map(move |(i, &b)| (false, first + i, b));
        let start = self.output_start;
        input.chain(self.output.iter().enumerate().map(move |(i, &b)| (true, start + i, b)))
    }
}

/// The stream table.
///
/// # Soundness
/// - `is_input`, `is_output`, `position` and `byte` equal the verifier's periodic columns: rows
///   hold the input bytes the shard reads, each at its position (none when the input is
///   private: the input table holds them), then its output bytes at theirs, the rest padding
///   (both flags 0). The read range is the boundary's input positions
///   at entry and exit, which the register table binds to the syscall table's first and last.
/// - Each row provides `(is_output, position, byte)` `multiplicity` times, a boolean; output
///   rows exactly once and padding never. So the I/O word table's reads find only true input
///   bytes, and its writes must produce each output byte exactly once: the output is exactly
///   the bytes written, with nothing missing or extra.
#[derive(Clone, Debug, Default)]
pub struct StreamChip {
    /// The streams (`None` for shape queries that need no data).
    pub streams: Option<Streams>,
}

impl<F: p3_field::Field> BaseAir<F> for StreamChip {
    fn width(&self) -> usize {
        NUM_STREAM_COLS
    }

    fn num_public_values(&self) -> usize {
        NUM_STREAM_PUBLIC_VALUES
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }

    fn num_periodic_columns(&self) -> usize {
        NUM_STREAM_PERIODIC_COLS
    }

    fn periodic_columns(&self) -> Cow<'_, [Vec<F>]> {
        let Some(streams) = &self.streams else {
            return Cow::Owned(vec![vec![F::ZERO]; NUM_STREAM_PERIODIC_COLS]);
        };
        let height = streams.height();
        let mut columns = vec![vec![F::ZERO; height]; NUM_STREAM_PERIODIC_COLS];
        for (row, (is_output, position, byte)) in streams.rows().enumerate() {
            columns[0][row] = F::from_bool(!is_output);
            columns[1][row] = F::from_bool(is_output);
            columns[2][row] = F::from_usize(position);
            columns[3][row] = F::from_u8(byte);
        }
        Cow::Owned(columns)
    }
}

impl<AB: InteractionBuilder<F: p3_field::Field>> Air<AB> for StreamChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &StreamCols<AB::Var> = main.current_slice().borrow();
        let periodic: Vec<AB::Expr> = builder.periodic_values().iter().map(|&v| v.into()).collect();
        let e = |v: AB::Var| -> AB::Expr { v.into() };
        for (column, value) in
            [local.is_input, local.is_output, local.position, local.byte].into_iter().zip(periodic)
        {
            builder.assert_eq(column, value);
        }
        builder.assert_bool(local.multiplicity);
        builder.assert_zero(e(local.is_output) * (e(local.multiplicity) - AB::Expr::ONE));
        builder.assert_zero((AB::Expr::ONE - e(local.is_input) - e(local.is_output)) * e(local.multiplicity));
        let message = vec![e(local.is_output), e(local.position), e(local.byte)];
        builder.push_interaction(STREAM, message, Count::bounded(-e(local.multiplicity), 1));
    }
}
