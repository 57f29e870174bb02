//! Where a shard starts and ends: the pc, the registers and the stream positions. A run's
//! shards chain when each one's end is the next one's start (see `docs/continuations.md`).

use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// Locations the register table holds: `x0..x31`, then the input and output stream positions.
pub const BOUNDARY_REGISTERS: usize = 34;

/// Public values of the register table: the digest of its periodic columns (the registers at
/// entry and exit, see [`hearth_stark::config::periodic_digest`]).
pub const NUM_BOUNDARY_PUBLIC_VALUES: usize = hearth_stark::config::DIGEST_ELEMS;

/// The state a shard starts from and ends in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardBoundary {
    /// pc of the shard's first instruction.
    pub pc_in: u32,
    /// `x0..x31` and the two stream positions at entry ([`BOUNDARY_REGISTERS`] values).
    pub registers_in: Vec<u64>,
    /// pc after the shard's last instruction (unconstrained when it halts).
    pub pc_out: u32,
    /// The same locations at exit.
    pub registers_out: Vec<u64>,
    /// The shard's last instruction is `exit`.
    pub halted: bool,
    /// Every memory word the shard touches, sorted by address.
    pub memory: Arc<[BoundaryWord]>,
}

impl ShardBoundary {
    /// A boundary of the right shape: [`BOUNDARY_REGISTERS`] values each way, `x0` zero, and
    /// the stream positions below 2^30 (they are single field elements in the proof).
    pub fn is_well_formed(&self) -> bool {
        let fine =
            |r: &[u64]| r.len() == BOUNDARY_REGISTERS && r[0] == 0 && r[32..].iter().all(|&p| p < 1 << 30);
        fine(&self.registers_in) && fine(&self.registers_out)
    }

    /// A location's value as the register table holds it: eight bytes for a register, one
    /// field element in the first cell for a stream position.
    pub fn cells(reg: usize, value: u64) -> [u64; 8] {
        if reg < 32 {
            value.to_le_bytes().map(u64::from)
        } else {
            let mut cells = [0; 8];
            cells[0] = value;
            cells
        }
    }
}

/// A memory word a shard touches: its value when the shard starts and when it ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoundaryWord {
    /// Word address (8-byte aligned, below `MEMORY_TOP`).
    pub addr: u32,
    /// Value at the shard's start (0 when `from_image`: the image table supplies it).
    pub before: u64,
    /// Value at the shard's end.
    pub after: u64,
    /// The run touches the word for the first time here and it lies in the program image.
    pub from_image: bool,
}

impl ShardBoundary {
    /// The boundary of a shard as the executor recorded it (`output_start`: the bytes of output
    /// the run wrote before the shard), and the timestamp of the shard's last access to each
    /// listed word, in list order (for the memory boundary table).
    pub fn of(
        record: &hearth_executor::ShardRecord,
        image: &crate::chips::memory_image::MemoryImage,
        output_start: u64,
    ) -> (Self, Vec<u64>) {
        let with_positions = |registers: &[u64; 32], positions: [u64; 2]| {
            let mut values = registers.to_vec();
            values.extend(positions);
            values
        };
        // A word the run had not touched before and that lies in the image takes its initial
        // value from the image table.
        let mut touched: Vec<(BoundaryWord, u64)> = record
            .start
            .memory
            .iter()
            .zip(&record.final_memory)
            .map(|(start_word, end_word)| {
                let from_image = image.contains(start_word.addr) && start_word.timestamp == 0;
                let word = BoundaryWord {
                    addr: start_word.addr as u32,
                    before: if from_image { 0 } else { start_word.value },
                    after: end_word.value,
                    from_image,
                };
                (word, end_word.timestamp)
            })
            .collect();
        touched.sort_unstable_by_key(|(w, _)| w.addr);
        let (memory, final_timestamps): (Vec<BoundaryWord>, Vec<u64>) = touched.into_iter().unzip();
        let output_end = output_start + record.output.len() as u64;
        let boundary = Self {
            pc_in: record.start.pc as u32,
            registers_in: with_positions(
                &record.start.registers,
                [record.start.input_position, output_start],
            ),
            pc_out: record.end.pc as u32,
            registers_out: with_positions(&record.end.registers, [record.end.input_position, output_end]),
            halted: record.end.exit_code.is_some(),
            memory: memory.into(),
        };
        (boundary, final_timestamps)
    }
}

/// Why a run's shard boundaries do not form one execution.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChainError {
    /// No shards.
    #[error("a run has at least one shard")]
    Empty,
    /// A boundary of the wrong shape.
    #[error("shard {0}: malformed boundary")]
    Malformed(usize),
    /// The first shard does not start at the entry point with zero registers.
    #[error("the first shard does not start at the entry point with zero registers")]
    Start,
    /// A shard does not start where the one before it ended.
    #[error("shard {0} does not start where shard {prev} ended", prev = .0 - 1)]
    HandOver(usize),
    /// A shard other than the last halts, or the last does not.
    #[error("shard {0}: only the last shard halts, and it must")]
    Halt(usize),
    /// A memory word does not start from what the run left there.
    #[error("shard {shard}: memory word {addr:#x}: {what}")]
    Memory {
        /// The shard.
        shard: usize,
        /// The word.
        addr: u32,
        /// What is wrong.
        what: &'static str,
    },
}

/// Checks that `shards`, in order, are one execution of a program with entry point `entry`
/// whose image covers the words `image` (`[lo, hi)`): the first starts at the entry point with
/// every register and stream position zero, each starts with the pc, registers and positions
/// the one before ended with, only the last halts, and every memory word a shard lists starts
/// from the value the last shard to touch it left, or from the image or zero when no shard
/// did. Together with each shard's proof this makes the shards one run (`docs/continuations.md`).
pub fn check_chain(
    shards: &[&ShardBoundary],
    entry: u32,
    image: core::ops::Range<u32>,
) -> Result<(), ChainError> {
    let last = shards.len().checked_sub(1).ok_or(ChainError::Empty)?;
    let mut memory: std::collections::HashMap<u32, u64> = std::collections::HashMap::new();
    for (k, b) in shards.iter().enumerate() {
        if !b.is_well_formed() {
            return Err(ChainError::Malformed(k));
        }
        match k {
            0 if b.pc_in != entry || b.registers_in.iter().any(|&v| v != 0) => return Err(ChainError::Start),
            0 => {}
            _ => {
                let prev = shards[k - 1];
                if b.pc_in != prev.pc_out || b.registers_in != prev.registers_out {
                    return Err(ChainError::HandOver(k));
                }
            }
        }
        if b.halted != (k == last) {
            return Err(ChainError::Halt(k));
        }
        let bad = |addr: u32, what| Err(ChainError::Memory { shard: k, addr, what });
        for pair in b.memory.windows(2) {
            if pair[0].addr >= pair[1].addr {
                return bad(pair[1].addr, "out of order");
            }
        }
        for w in b.memory.iter() {
            if w.addr % 8 != 0 || !hearth_isa::memory::is_accessible(u64::from(w.addr), 8) {
                return bad(w.addr, "not an accessible word");
            }
            match memory.get(&w.addr) {
                Some(&value) if w.from_image || w.before != value => {
                    return bad(w.addr, "does not start from the value the run left there");
                }
                None if w.from_image != image.contains(&w.addr) || w.before != 0 => {
                    return bad(w.addr, "does not start from the program's initial memory");
                }
                _ => {}
            }
            memory.insert(w.addr, w.after);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chips::memory_image::MemoryImage;
    use hearth_executor::{ExecutionOptions, Program};

    /// The boundaries of a run of the bundled `sort` guest cut into shards of `cycles`.
    fn boundaries(input: &[u8], cycles: u64) -> (Vec<ShardBoundary>, u32, core::ops::Range<u32>) {
        let program = Program::from_elf(&hearth_guest_builder::bundled::elf("sort")).expect("loads");
        let image = MemoryImage::of(&program);
        let (records, _) =
            hearth_executor::trace(&program, input, &ExecutionOptions::default(), cycles).expect("runs");
        let mut output_start = 0;
        let mut shards = Vec::new();
        for record in &records {
            shards.push(ShardBoundary::of(record, &image, output_start).0);
            output_start += record.output.len() as u64;
        }
        (shards, program.entry() as u32, image.lo as u32..image.hi as u32)
    }

    fn input(seed: u32) -> Vec<u8> {
        (0..200u32).flat_map(|i| (i.wrapping_mul(0x9e37_79b9) ^ seed).to_le_bytes()).collect()
    }

    #[test]
    fn an_honest_run_chains_and_a_tampered_one_does_not() {
        let (shards, entry, image) = boundaries(&input(1), 4000);
        assert!(shards.len() >= 4, "{} shards", shards.len());
        let check = |list: Vec<&ShardBoundary>| check_chain(&list, entry, image.clone());
        let all: Vec<&ShardBoundary> = shards.iter().collect();
        assert_eq!(check(all.clone()), Ok(()));
        // A single shard of the same run also chains: one shard, from entry to exit.
        let (whole, _, _) = boundaries(&input(1), 1 << 22);
        assert_eq!(check(whole.iter().collect()), Ok(()));

        let mut dropped = all.clone();
        dropped.remove(2);
        assert!(check(dropped).is_err(), "a shard dropped");
        let mut swapped = all.clone();
        swapped.swap(1, 2);
        assert!(check(swapped).is_err(), "two shards swapped");
        let mut replayed = all.clone();
        replayed.insert(2, all[1]);
        assert!(check(replayed).is_err(), "a shard replayed");
        let mut truncated = all.clone();
        truncated.pop();
        assert!(check(truncated).is_err(), "the halting shard dropped");
        // A shard of a run on another input, at the same position.
        let (other, _, _) = boundaries(&input(2), 4000);
        let mut spliced = all.clone();
        spliced[2] = &other[2];
        assert!(check(spliced).is_err(), "a shard from another run");

        let edited = |k: usize, edit: &dyn Fn(&mut ShardBoundary)| {
            let mut changed = shards.clone();
            edit(&mut changed[k]);
            check(changed.iter().collect()).is_err()
        };
        assert!(edited(2, &|b| b.registers_in[10] ^= 1), "a hand-over register");
        assert!(edited(2, &|b| b.pc_in += 4), "a hand-over pc");
        assert!(edited(2, &|b| b.registers_in[33] += 1), "a hand-over output position");
        let carried = |k: usize| shards[k].memory.iter().position(|w| !w.from_image && w.before != 0);
        let k = (1..shards.len()).find(|&k| carried(k).is_some()).expect("a word carried over");
        let i = carried(k).expect("a word");
        assert!(
            edited(k, &|b| {
                let mut words = b.memory.to_vec();
                words[i].before ^= 1;
                b.memory = words.into();
            }),
            "a hand-over memory value"
        );
        assert!(
            edited(k, &|b| {
                let mut words = b.memory.to_vec();
                words[i].before = 0;
                words[i].from_image = (image.start..image.end).contains(&words[i].addr);
                b.memory = words.into();
            }),
            "a word read as fresh after an earlier shard wrote it"
        );
        assert!(edited(0, &|b| b.halted = true), "an early halt");
    }
}
