//! What a run's final proof states, as its public values.

use hearth_stark::config::{DIGEST_ELEMS, EXTENSION_DEGREE};

/// The statement of the final aggregation proof: the run from the entry point to `exit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunStatement<T> {
    /// Root of the allowed recursion keys.
    pub keys_root: [T; DIGEST_ELEMS],
    /// The machine program's key.
    pub program_key: [T; DIGEST_ELEMS],
    /// Shards in the run.
    pub shards: T,
    /// The entry point the run starts at.
    pub entry_pc: T,
    /// First word (address / 8) of the program image.
    pub image_lo: T,
    /// Word after the program image.
    pub image_hi: T,
    /// The exit code's four bytes.
    pub exit_code: [T; 4],
    /// Length of the input.
    pub input_len: T,
    /// Length of the output.
    pub output_len: T,
    /// The run-wide challenge.
    pub gamma: [T; EXTENSION_DEGREE],
    /// The run-wide challenge combining a token's parts.
    pub alpha: [T; EXTENSION_DEGREE],
    /// The output bytes' sum, which the verifier recomputes from the output it is given.
    pub output_sum: [T; EXTENSION_DEGREE],
}

/// Public values of the final aggregation proof.
pub const RUN_STATEMENT_LEN: usize = 2 * DIGEST_ELEMS + 3 * EXTENSION_DEGREE + 10;

impl<T: Copy> RunStatement<T> {
    /// The values in exposure order.
    pub fn to_vec(&self) -> Vec<T> {
        let mut v = Vec::with_capacity(RUN_STATEMENT_LEN);
        v.extend(self.keys_root);
        v.extend(self.program_key);
        v.extend([self.shards, self.entry_pc, self.image_lo, self.image_hi]);
        v.extend(self.exit_code);
        v.extend([self.input_len, self.output_len]);
        v.extend(self.gamma);
        v.extend(self.alpha);
        v.extend(self.output_sum);
        v
    }

    /// Reads a statement from its values; `None` for a list of the wrong length.
    pub fn from_slice(values: &[T]) -> Option<Self> {
        if values.len() != RUN_STATEMENT_LEN {
            return None;
        }
        let mut next = values.iter().copied();
        let mut take = || next.next();
        Some(Self {
            keys_root: read(&mut take)?,
            program_key: read(&mut take)?,
            shards: take()?,
            entry_pc: take()?,
            image_lo: take()?,
            image_hi: take()?,
            exit_code: read(&mut take)?,
            input_len: take()?,
            output_len: take()?,
            gamma: read(&mut take)?,
            alpha: read(&mut take)?,
            output_sum: read(&mut take)?,
        })
    }
}

/// The next `N` values, or `None` when they run out.
fn read<T: Copy, const N: usize>(take: &mut impl FnMut() -> Option<T>) -> Option<[T; N]> {
    let first = take()?;
    let mut out = [first; N];
    for slot in out.iter_mut().skip(1) {
        *slot = take()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_read_back_what_they_write() {
        let values: Vec<u32> = (0..RUN_STATEMENT_LEN as u32).collect();
        let s = RunStatement::from_slice(&values).expect("length");
        assert_eq!(s.to_vec(), values);
        assert_eq!(s.output_sum[7], RUN_STATEMENT_LEN as u32 - 1);
        assert!(RunStatement::from_slice(&values[1..]).is_none());
    }
}
