//! The run-wide memory and output argument (`docs/recursion.md`, "Memory across shards"):
//! tokens, their fingerprints, the challenges drawn from every list's digest, and what the
//! prover computes natively to fill the programs' inputs.
//!
//! A memory token `(addr, value, stamp, marker)` is a word's value after the shard with that
//! stamp wrote it (stamp `k + 1` for shard `k`, 0 for the run's initial memory). A shard
//! consumes `(addr, before, prev, 1 - fresh)` with `prev` below its stamp and produces
//! `(addr, after, stamp, 0)` for each word it lists; the final step lists each touched word
//! once, sorted, produces `(addr, 0, 0, in_image)` and consumes `(addr, final, last, 0)`. A
//! word taken from the image (not fresh) can only consume the image marker's initial token.

use std::collections::BTreeMap;

use hearth_machine::boundary::BoundaryWord;
use hearth_stark::Val;
use hearth_stark::config::{Compress, DIGEST_ELEMS, EXTENSION_DEGREE, Hash};
use p3_field::{Field, PrimeCharacteristicRing};
use p3_koala_bear::default_koalabear_poseidon2_24;
use p3_symmetric::{CryptographicHasher, PseudoCompressionFunction};

use crate::circuit::{CircuitBuilder, Ext, Felt};
use crate::verifier::merkle::hash_cells;
use crate::verifier::transcript::DigestCells;

/// `log2` of the bound on word indices (`addr / 8`) and on the differences the programs
/// range-check: every address lies below 2^31.
pub const WORD_INDEX_BITS: usize = 28;

/// `c[0] + alpha c[1] + alpha^2 c[2] + ...`, one row per part after the last.
pub fn fingerprint(b: &mut CircuitBuilder, alpha: Ext, parts: &[Felt]) -> Ext {
    let (last, rest) = parts.split_last().expect("a token has parts");
    rest.iter().rev().fold(Ext::from(*last), |acc, &part| b.ext_mul_add(acc, alpha, part))
}

/// `1 / (gamma - fingerprint)`.
pub fn token_term(b: &mut CircuitBuilder, gamma: Ext, fingerprint: Ext) -> Ext {
    let difference = b.ext_sub(gamma, fingerprint);
    b.inverse(difference)
}

/// `x * x == x`.
pub fn assert_bool(b: &mut CircuitBuilder, x: Felt) {
    let square = b.mul(x, x);
    b.assert_eq(square, x);
}

/// `a` when `bit` is 0, `b` when it is 1, in the base field.
pub fn select_felt(b: &mut CircuitBuilder, bit: Felt, a: Felt, c: Felt) -> Felt {
    let difference = b.sub(c, a);
    b.mul_add(bit, difference, a)
}

/// The word index `addr / 8` as a field element, required below 2^[`WORD_INDEX_BITS`]: the
/// map from addresses to indices is then injective, and an index's order is its address's.
pub fn word_index(b: &mut CircuitBuilder, addr: Felt) -> Felt {
    let inverse_eight = b.constant(Val::from_u32(8).inverse());
    let w = b.mul(addr, inverse_eight);
    b.assert_below(w, WORD_INDEX_BITS);
    w
}

/// One row of a list of words that must be strictly increasing, with its real rows first:
/// checks the row's address against the previous row's (`previous`: its `is_real` and word
/// index) and returns this row's, for the next.
pub fn assert_sorted_row(
    b: &mut CircuitBuilder,
    previous: Option<(Felt, Felt)>,
    is_real: Felt,
    addr: Felt,
) -> (Felt, Felt) {
    let w = word_index(b, addr);
    if let Some((previous_real, previous_w)) = previous {
        let one = b.constant(Val::ONE);
        let both = b.mul(is_real, previous_real);
        b.assert_eq(both, is_real);
        let step = b.sub(w, previous_w);
        let gap = b.sub(step, one);
        let gap = b.mul(is_real, gap);
        b.assert_below(gap, WORD_INDEX_BITS);
    }
    (is_real, w)
}

/// `sum + weight (1/(gamma - fp(produced)) - 1/(gamma - fp(consumed)))`: a row producing one
/// token and consuming another, counted when `weight` is one.
pub fn add_token_pair(
    b: &mut CircuitBuilder,
    (gamma, alpha): (Ext, Ext),
    produced: &[Felt],
    consumed: &[Felt],
    weight: Felt,
    sum: Ext,
) -> Ext {
    let fp_produced = fingerprint(b, alpha, produced);
    let fp_consumed = fingerprint(b, alpha, consumed);
    let t_produced = token_term(b, gamma, fp_produced);
    let t_consumed = token_term(b, gamma, fp_consumed);
    let difference = b.ext_sub(t_produced, t_consumed);
    b.ext_mul_add(weight, difference, sum)
}

/// The challenges `gamma` and `alpha` from the root of the shards' list digests and the
/// final list's digest, as cells.
pub fn challenges_cells(
    b: &mut CircuitBuilder,
    lists: &DigestCells,
    final_list: &DigestCells,
) -> ([Felt; EXTENSION_DEGREE], [Felt; EXTENSION_DEGREE]) {
    let seed = crate::verifier::merkle::compress(b, lists, final_list, None);
    let draw = |b: &mut CircuitBuilder, tag: u32| {
        let tag = b.constant(Val::from_u32(tag));
        let mut cells = seed.to_vec();
        cells.push(tag);
        let h = hash_cells(b, &cells);
        core::array::from_fn(|i| h[i])
    };
    (draw(b, 1), draw(b, 2))
}

/// The run-wide challenges, computed natively as [`challenges_cells`] does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Challenges {
    /// Where every token's fingerprint is subtracted from.
    pub gamma: [Val; EXTENSION_DEGREE],
    /// What combines a token's parts.
    pub alpha: [Val; EXTENSION_DEGREE],
}

impl Challenges {
    /// Drawn from the list digests' root and the final list's digest.
    pub fn draw(lists: [Val; DIGEST_ELEMS], final_list: [Val; DIGEST_ELEMS]) -> Self {
        let seed = join(lists, final_list);
        let hash = Hash::new(default_koalabear_poseidon2_24());
        let draw = |tag: u32| {
            let h = hash.hash_iter(seed.iter().copied().chain([Val::from_u32(tag)]));
            core::array::from_fn(|i| h[i])
        };
        Self { gamma: draw(1), alpha: draw(2) }
    }
}

/// Two digests joined as a node of the list tree (as [`crate::verifier::merkle::compress`]).
pub fn join(left: [Val; DIGEST_ELEMS], right: [Val; DIGEST_ELEMS]) -> [Val; DIGEST_ELEMS] {
    Compress::new(default_koalabear_poseidon2_24()).compress([left, right])
}

/// The sponge hash of `values` (as [`hash_cells`]).
pub fn hash_values(values: impl IntoIterator<Item = Val>) -> [Val; DIGEST_ELEMS] {
    Hash::new(default_koalabear_poseidon2_24()).hash_iter(values)
}

/// A word of the final list: its address, the value the run leaves, the stamp of the last
/// shard to write it, and whether the program image covers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FinalWord {
    /// Word address.
    pub addr: u32,
    /// The value at the run's end.
    pub value: u64,
    /// Stamp of the last shard listing it.
    pub last: u32,
    /// The image covers it (its initial value comes from the image).
    pub in_image: bool,
}

impl FinalWord {
    /// Inputs per row of the final list.
    pub const CELLS: usize = 13;

    /// The row's inputs: `is_real`, `addr`, the value's bytes, `last`, `in_image`, and which
    /// side of the image the word lies on when outside it (1: below).
    pub fn cells(&self, image: &core::ops::Range<u32>) -> [Val; Self::CELLS] {
        let mut cells = [Val::ZERO; Self::CELLS];
        cells[0] = Val::ONE;
        cells[1] = Val::from_u32(self.addr);
        for (j, byte) in self.value.to_le_bytes().into_iter().enumerate() {
            cells[2 + j] = Val::from_u8(byte);
        }
        cells[10] = Val::from_u32(self.last);
        cells[11] = Val::from_bool(self.in_image);
        cells[12] = Val::from_bool(self.addr < image.start);
        cells
    }
}

/// What the prover derives from the shards' memory lists: for each shard, the stamp of the
/// previous writer of each listed word; and the final list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemoryHistory {
    /// Per shard, per listed word: the stamp its `before` value comes from.
    pub prev: Vec<Vec<u32>>,
    /// Every touched word once, sorted by address.
    pub final_words: Vec<FinalWord>,
}

impl MemoryHistory {
    /// The history of `lists` (the shards' memory lists in run order) for a program whose
    /// image covers the addresses `image`.
    pub fn of(lists: &[&[BoundaryWord]], image: &core::ops::Range<u32>) -> Self {
        let mut last: BTreeMap<u32, (u64, u32)> = BTreeMap::new();
        let prev = lists
            .iter()
            .enumerate()
            .map(|(k, list)| {
                let stamp = k as u32 + 1;
                list.iter().map(|w| last.insert(w.addr, (w.after, stamp)).map_or(0, |(_, s)| s)).collect()
            })
            .collect();
        let final_words = last
            .into_iter()
            .map(|(addr, (value, last))| FinalWord { addr, value, last, in_image: image.contains(&addr) })
            .collect();
        Self { prev, final_words }
    }
}

/// A shard's list digest: its stamp, the memory list's and the stream's periodic digests (the
/// shard proof's public values; zeros without a stream table) and the previous writers'
/// stamps, one per list row (zeros past the list).
pub fn list_digest(
    stamp: u32,
    memory: &[Val],
    stream: Option<&[Val]>,
    prev: &[u32],
    rows: usize,
) -> [Val; DIGEST_ELEMS] {
    let zeros = [Val::ZERO; DIGEST_ELEMS];
    let prev = prev.iter().map(|&p| Val::from_u32(p)).chain(core::iter::repeat(Val::ZERO)).take(rows);
    hash_values(
        core::iter::once(Val::from_u32(stamp))
            .chain(memory.iter().copied())
            .chain(stream.unwrap_or(&zeros).iter().copied())
            .chain(prev),
    )
}

/// The final list's digest over its `rows` rows (padding rows all zero).
pub fn final_list_digest(
    words: &[FinalWord],
    image: &core::ops::Range<u32>,
    rows: usize,
) -> [Val; DIGEST_ELEMS] {
    hash_values(
        words
            .iter()
            .flat_map(|w| w.cells(image))
            .chain(core::iter::repeat(Val::ZERO))
            .take(rows * FinalWord::CELLS),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(addr: u32, before: u64, after: u64, from_image: bool) -> BoundaryWord {
        BoundaryWord { addr, before, after, from_image }
    }

    #[test]
    fn each_listed_word_points_at_its_previous_writer() {
        let lists = [
            vec![word(0x100, 0, 5, true), word(0x2000, 0, 1, false)],
            vec![word(0x2000, 1, 2, false)],
            vec![word(0x100, 5, 6, false), word(0x3000, 0, 0, false)],
        ];
        let refs: Vec<&[BoundaryWord]> = lists.iter().map(|l| l.as_slice()).collect();
        let history = MemoryHistory::of(&refs, &(0x100..0x200));
        assert_eq!(history.prev, vec![vec![0, 0], vec![1], vec![1, 0]]);
        let finals: Vec<(u32, u64, u32, bool)> =
            history.final_words.iter().map(|w| (w.addr, w.value, w.last, w.in_image)).collect();
        assert_eq!(finals, vec![(0x100, 6, 3, true), (0x2000, 2, 2, false), (0x3000, 0, 3, false)]);
    }
}
