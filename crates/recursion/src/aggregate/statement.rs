//! What an aggregation proof states about a range of a run's shards, as its public values.
//! Leaf programs state it for one shard, nodes for two adjacent ranges joined; every program
//! of the tree exposes the same list, so one node program verifies any of them.

use hearth_stark::config::{DIGEST_ELEMS, EXTENSION_DEGREE};

/// The statement of an aggregation proof over values `T` (cells in a program, field elements
/// outside).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RangeStatement<T> {
    /// Root of the allowed recursion keys (see [`super::KeyList`]); equal across the tree.
    pub keys_root: [T; DIGEST_ELEMS],
    /// The machine program's key: the commitment to its preprocessed tables.
    pub program_key: [T; DIGEST_ELEMS],
    /// Stamp of the range's first shard (shard `k` of the run has stamp `k + 1`; stamp 0 is
    /// the run's initial memory).
    pub first: T,
    /// Shards in the range.
    pub count: T,
    /// pc of the range's first instruction.
    pub entry_pc: T,
    /// Digest of the registers and stream positions at entry (the register table's initial
    /// half of periodic columns).
    pub entry_registers: [T; DIGEST_ELEMS],
    /// pc after the range's last instruction.
    pub exit_pc: T,
    /// Digest of the registers and stream positions at exit.
    pub exit_registers: [T; DIGEST_ELEMS],
    /// 1 when the range ends with `exit`.
    pub halted: T,
    /// The exit code's four bytes (meaningful when halted).
    pub exit_code: [T; 4],
    /// Length of the run's input.
    pub input_len: T,
    /// Output bytes written up to the range's end.
    pub output_len: T,
    /// The run-wide challenge of the memory and output sums.
    pub gamma: [T; EXTENSION_DEGREE],
    /// The run-wide challenge combining a token's parts.
    pub alpha: [T; EXTENSION_DEGREE],
    /// The range's memory tokens: produced minus consumed, each `1 / (gamma - fingerprint)`.
    pub memory_sum: [T; EXTENSION_DEGREE],
    /// The range's output bytes, each `1 / (gamma - (position + alpha * byte))`.
    pub output_sum: [T; EXTENSION_DEGREE],
    /// The shards' list digests, hashed as a tree in the order the aggregation joins them.
    pub lists: [T; DIGEST_ELEMS],
}

/// Public values of an aggregation proof.
pub const RANGE_STATEMENT_LEN: usize = 5 * DIGEST_ELEMS + 4 * EXTENSION_DEGREE + 11;

impl<T: Copy> RangeStatement<T> {
    /// The values in exposure order.
    pub fn to_vec(&self) -> Vec<T> {
        let mut v = Vec::with_capacity(RANGE_STATEMENT_LEN);
        v.extend(self.keys_root);
        v.extend(self.program_key);
        v.extend([self.first, self.count, self.entry_pc]);
        v.extend(self.entry_registers);
        v.push(self.exit_pc);
        v.extend(self.exit_registers);
        v.push(self.halted);
        v.extend(self.exit_code);
        v.extend([self.input_len, self.output_len]);
        v.extend(self.gamma);
        v.extend(self.alpha);
        v.extend(self.memory_sum);
        v.extend(self.output_sum);
        v.extend(self.lists);
        v
    }

    /// Reads a statement from its values; `None` for a list of the wrong length.
    pub fn from_slice(values: &[T]) -> Option<Self> {
        if values.len() != RANGE_STATEMENT_LEN {
            return None;
        }
        let mut rest = values;
        let mut take = |n: usize| {
            let (head, tail) = rest.split_at(n);
            rest = tail;
            head
        };
        fn array<T: Copy, const N: usize>(s: &[T]) -> [T; N] {
            core::array::from_fn(|i| s[i])
        }
        Some(Self {
            keys_root: array(take(DIGEST_ELEMS)),
            program_key: array(take(DIGEST_ELEMS)),
            first: take(1)[0],
            count: take(1)[0],
            entry_pc: take(1)[0],
            entry_registers: array(take(DIGEST_ELEMS)),
            exit_pc: take(1)[0],
            exit_registers: array(take(DIGEST_ELEMS)),
            halted: take(1)[0],
            exit_code: array(take(4)),
            input_len: take(1)[0],
            output_len: take(1)[0],
            gamma: array(take(EXTENSION_DEGREE)),
            alpha: array(take(EXTENSION_DEGREE)),
            memory_sum: array(take(EXTENSION_DEGREE)),
            output_sum: array(take(EXTENSION_DEGREE)),
            lists: array(take(DIGEST_ELEMS)),
        })
    }
}

pub use hearth_verifier::statement::{RUN_STATEMENT_LEN, RunStatement};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_read_back_what_they_write() {
        let values: Vec<u32> = (0..RANGE_STATEMENT_LEN as u32).collect();
        let s = RangeStatement::from_slice(&values).expect("length");
        assert_eq!(s.to_vec(), values);
        assert_eq!(s.lists[8], RANGE_STATEMENT_LEN as u32 - 1);
        assert!(RangeStatement::from_slice(&values[1..]).is_none());
    }
}
