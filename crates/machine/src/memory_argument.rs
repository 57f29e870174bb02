//! The run-wide memory argument, native side (`docs/recursion.md`, "Memory across shards").
//!
//! A memory token `(addr, value, stamp, marker)` is a word's value after the shard with that
//! stamp wrote it (stamp `k + 1` for shard `k`, 0 for the run's initial memory). Each shard's
//! memory boundary table consumes `(addr, before, prev, from_image)` with `prev` below its
//! stamp and produces `(addr, after, stamp, 0)` for each word it lists, summing
//! `1 / (gamma - fingerprint)` over them in the shard's own trace; a final list of every
//! touched word produces `(addr, 0, 0, in_image)` and consumes `(addr, final, last, 0)`. The
//! sums cancel only for one honest memory history. `gamma` and `alpha` are drawn from every
//! shard's list digest (a Poseidon2 sponge over its list, computed in the shard's table too)
//! and the final list's, so no list can be chosen after them.
//!
//! A token's value travels packed: three elements of at most three bytes each (bytes are
//! range-checked where they are produced), six parts per token in all.

use std::collections::BTreeMap;
use std::sync::Arc;

use hearth_stark::config::{Compress, DIGEST_ELEMS, EXTENSION_DEGREE, POSEIDON2_WIDTH};
use hearth_stark::{Challenge, Val};
use p3_field::{BasedVectorSpace, Field, PrimeCharacteristicRing};
use p3_koala_bear::default_koalabear_poseidon2_24;
use p3_symmetric::PseudoCompressionFunction;

use crate::boundary::BoundaryWord;

/// Parts of a token: address, the value packed in three, stamp, marker.
pub const TOKEN_PARTS: usize = 6;
/// Elements a listed word adds to its shard's list sponge: `is_real`, `fresh`, `addr`, the
/// value before and after (packed), `prev`.
pub const LIST_ABSORB: usize = 10;

/// A word's eight bytes packed into three elements: bytes 0-2, 3-5 and 6-7, little-endian.
pub fn pack_value(value: u64) -> [Val; 3] {
    [value & 0xff_ffff, (value >> 24) & 0xff_ffff, value >> 48].map(|v| Val::from_u32(v as u32))
}

/// The run-wide challenges: `gamma`, which every fingerprint is subtracted from, and `alpha`,
/// which combines a token's parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Challenges {
    /// Coordinates of `gamma`.
    pub gamma: [Val; EXTENSION_DEGREE],
    /// Coordinates of `alpha`.
    pub alpha: [Val; EXTENSION_DEGREE],
}

impl Challenges {
    /// Drawn from the root of the shards' list digests and the final list's digest.
    pub fn draw(lists: [Val; DIGEST_ELEMS], final_list: [Val; DIGEST_ELEMS]) -> Self {
        let seed = join(lists, final_list);
        let draw = |tag: u32| {
            let h = hash_values(seed.iter().copied().chain([Val::from_u32(tag)]));
            core::array::from_fn(|i| h[i])
        };
        Self { gamma: draw(1), alpha: draw(2) }
    }

    /// `gamma` and `alpha` as extension elements.
    pub fn ext(&self) -> (Challenge, Challenge) {
        let ext =
            |c: &[Val; EXTENSION_DEGREE]| Challenge::from_basis_coefficients_slice(c).unwrap_or_default();
        (ext(&self.gamma), ext(&self.alpha))
    }

    /// `1 / (gamma - (parts[0] + alpha parts[1] + alpha^2 parts[2] + ...))`.
    pub fn term(&self, parts: &[Val]) -> Challenge {
        let (gamma, alpha) = self.ext();
        let fingerprint =
            parts.iter().rev().fold(Challenge::ZERO, |acc, &part| acc * alpha + Challenge::from(part));
        (gamma - fingerprint).try_inverse().unwrap_or_default()
    }
}

/// Two digests joined as a node of the list tree.
pub fn join(left: [Val; DIGEST_ELEMS], right: [Val; DIGEST_ELEMS]) -> [Val; DIGEST_ELEMS] {
    Compress::new(default_koalabear_poseidon2_24()).compress([left, right])
}

pub use hearth_stark::config::hash_values;

/// The list digests joined as the aggregation tree joins the shards: adjacent pairs level by
/// level, an odd last one carried up.
pub fn tree_digest(digests: &[[Val; DIGEST_ELEMS]]) -> [Val; DIGEST_ELEMS] {
    let mut level = digests.to_vec();
    while level.len() > 1 {
        level = level.chunks(2).map(|pair| if let [l, r] = pair { join(*l, *r) } else { pair[0] }).collect();
    }
    level.first().copied().unwrap_or([Val::ZERO; DIGEST_ELEMS])
}

/// What one listed word adds to its shard's list sponge.
pub fn absorbed(word: &BoundaryWord, prev: u32) -> [Val; LIST_ABSORB] {
    let [b0, b1, b2] = pack_value(word.before);
    let [a0, a1, a2] = pack_value(word.after);
    [
        Val::ONE,
        Val::from_bool(!word.from_image),
        Val::from_u32(word.addr),
        b0,
        b1,
        b2,
        a0,
        a1,
        a2,
        Val::from_u32(prev),
    ]
}

/// The inputs of the list sponge's permutations, one per row of a table of `height` rows
/// (padding rows absorb zeros), and the digest: the first elements of the last output.
pub fn list_sponge(
    words: &[BoundaryWord],
    prev: &[u32],
    height: usize,
) -> (Vec<[Val; POSEIDON2_WIDTH]>, [Val; DIGEST_ELEMS]) {
    let data =
        words.iter().enumerate().map(|(row, word)| absorbed(word, prev.get(row).copied().unwrap_or(0)));
    crate::list_table::list_sponge_rows(data, height)
}

/// The token a listed word consumes: its value before the shard, written by shard `prev`.
pub fn consumed_token(word: &BoundaryWord, prev: u32) -> [Val; TOKEN_PARTS] {
    let [v0, v1, v2] = pack_value(word.before);
    [Val::from_u32(word.addr), v0, v1, v2, Val::from_u32(prev), Val::from_bool(word.from_image)]
}

/// The token a listed word produces: its value after shard `stamp`.
pub fn produced_token(word: &BoundaryWord, stamp: u32) -> [Val; TOKEN_PARTS] {
    let [v0, v1, v2] = pack_value(word.after);
    [Val::from_u32(word.addr), v0, v1, v2, Val::from_u32(stamp), Val::ZERO]
}

/// Where a shard stands in its run's memory argument: what its memory boundary table needs
/// besides its list.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MemoryContext {
    /// The shard's stamp: its index in the run plus one.
    pub stamp: u32,
    /// Per listed word, the stamp of the shard that last wrote it (0: the initial memory).
    pub prev: Arc<[u32]>,
    /// The run's challenges.
    pub challenges: Challenges,
}

/// Public values of the memory boundary table, in order.
pub mod public {
    use core::ops::Range;

    use hearth_stark::config::{DIGEST_ELEMS, EXTENSION_DEGREE};

    /// The shard's stamp.
    pub const STAMP: usize = 0;
    /// `gamma`.
    pub const GAMMA: Range<usize> = 1..1 + EXTENSION_DEGREE;
    /// `alpha`.
    pub const ALPHA: Range<usize> = GAMMA.end..GAMMA.end + EXTENSION_DEGREE;
    /// The list sponge's digest.
    pub const DIGEST: Range<usize> = ALPHA.end..ALPHA.end + DIGEST_ELEMS;
    /// The shard's sum: produced tokens' terms minus consumed tokens' terms.
    pub const SUM: Range<usize> = DIGEST.end..DIGEST.end + EXTENSION_DEGREE;
    /// Public values of the table.
    pub const LEN: usize = SUM.end;
}

/// The shard's sum of produced minus consumed terms over its list.
pub fn list_sum(words: &[BoundaryWord], context: &MemoryContext) -> Challenge {
    words
        .iter()
        .zip(context.prev.iter().copied().chain(core::iter::repeat(0)))
        .map(|(w, prev)| {
            context.challenges.term(&produced_token(w, context.stamp))
                - context.challenges.term(&consumed_token(w, prev))
        })
        .sum()
}

/// The memory boundary table's public values for a list of a table of `height` rows.
pub fn memory_public_values(words: &[BoundaryWord], context: &MemoryContext, height: usize) -> Vec<Val> {
    let (_, digest) = list_sponge(words, &context.prev, height);
    let sum = list_sum(words, context);
    let mut values = vec![Val::from_u32(context.stamp)];
    values.extend(context.challenges.gamma);
    values.extend(context.challenges.alpha);
    values.extend(digest);
    values.extend_from_slice(BasedVectorSpace::<Val>::as_basis_coefficients_slice(&sum));
    values
}

/// A word of the final list: its address, the value the run leaves, the stamp of the last
/// shard to write it, and whether the program image covers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
    /// The token it produces: the word's initial value (zero, or the image's marker).
    pub fn initial_token(&self) -> [Val; TOKEN_PARTS] {
        let mut token = [Val::ZERO; TOKEN_PARTS];
        token[0] = Val::from_u32(self.addr);
        token[5] = Val::from_bool(self.in_image);
        token
    }

    /// The token it consumes: the value the last writer left.
    pub fn final_token(&self) -> [Val; TOKEN_PARTS] {
        let [v0, v1, v2] = pack_value(self.value);
        [Val::from_u32(self.addr), v0, v1, v2, Val::from_u32(self.last), Val::ZERO]
    }
}

/// The final list's sum: initial tokens produced minus final tokens consumed.
pub fn final_sum(words: &[FinalWord], challenges: &Challenges) -> Challenge {
    words.iter().map(|w| challenges.term(&w.initial_token()) - challenges.term(&w.final_token())).sum()
}

/// What the prover and the verifier derive from the shards' memory lists: for each shard, the
/// stamp of the previous writer of each listed word; and the final list.
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

/// Elements of one final-list row: `is_real`, `addr`, the value packed, `last`, `in_image`,
/// and which side of the image the word lies on when outside it (1: below).
pub const FINAL_WORD_CELLS: usize = 8;

impl FinalWord {
    /// The row's elements (see [`FINAL_WORD_CELLS`]).
    pub fn cells(&self, image: &core::ops::Range<u32>) -> [Val; FINAL_WORD_CELLS] {
        let [v0, v1, v2] = pack_value(self.value);
        [
            Val::ONE,
            Val::from_u32(self.addr),
            v0,
            v1,
            v2,
            Val::from_u32(self.last),
            Val::from_bool(self.in_image),
            Val::from_bool(self.addr < image.start),
        ]
    }
}

/// The final list's digest: the list sponge of its table ([`crate::chips::final_list`]).
pub fn final_list_digest(words: &[FinalWord], image: &core::ops::Range<u32>) -> [Val; DIGEST_ELEMS] {
    let height = crate::chips::final_list::FinalListChip::height(words.len());
    crate::chips::final_list::final_list_sponge(words, image, height).1
}

/// A shard's part of the challenges' seed: its stamp, its list sponge's digest and its stream
/// table's periodic digest (zeros without one; the output sum is drawn after the output too).
pub fn shard_lists_digest(
    stamp: u32,
    list: &[Val; DIGEST_ELEMS],
    stream: Option<&[Val]>,
) -> [Val; DIGEST_ELEMS] {
    let zeros = [Val::ZERO; DIGEST_ELEMS];
    hash_values(
        core::iter::once(Val::from_u32(stamp))
            .chain(list.iter().copied())
            .chain(stream.unwrap_or(&zeros).iter().copied()),
    )
}

/// A whole run's memory argument: each shard's context and the final list.
#[derive(Clone, Debug)]
pub struct RunMemory {
    /// Per shard, in order.
    pub contexts: Vec<MemoryContext>,
    /// Every touched word once, sorted.
    pub final_words: Vec<FinalWord>,
    /// The challenges every shard uses.
    pub challenges: Challenges,
}

impl RunMemory {
    /// The argument for a run whose shards list `lists` (in order), with list tables of
    /// `heights` rows and stream tables with periodic digests `streams` (`None` without one),
    /// for a program whose image covers `image`.
    pub fn of(
        lists: &[&[BoundaryWord]],
        heights: &[usize],
        streams: &[Option<[Val; DIGEST_ELEMS]>],
        image: &core::ops::Range<u32>,
    ) -> Self {
        let history = MemoryHistory::of(lists, image);
        let digests: Vec<[Val; DIGEST_ELEMS]> = lists
            .iter()
            .zip(&history.prev)
            .zip(heights.iter().zip(streams))
            .enumerate()
            .map(|(k, ((words, prev), (&height, stream)))| {
                let (_, list) = list_sponge(words, prev, height);
                shard_lists_digest(k as u32 + 1, &list, stream.as_ref().map(|s| s.as_slice()))
            })
            .collect();
        let challenges =
            Challenges::draw(tree_digest(&digests), final_list_digest(&history.final_words, image));
        let contexts = history
            .prev
            .into_iter()
            .enumerate()
            .map(|(k, prev)| MemoryContext { stamp: k as u32 + 1, prev: prev.into(), challenges })
            .collect();
        Self { contexts, final_words: history.final_words, challenges }
    }

    /// Whether the shards' sums and the final list's cancel.
    pub fn closes(&self, shard_sums: &[Challenge]) -> bool {
        shard_sums.iter().copied().sum::<Challenge>() + final_sum(&self.final_words, &self.challenges)
            == Challenge::ZERO
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(addr: u32, before: u64, after: u64, from_image: bool) -> BoundaryWord {
        BoundaryWord { addr, before, after, from_image }
    }

    fn lists() -> Vec<Vec<BoundaryWord>> {
        vec![
            vec![word(0x100, 0, 5, true), word(0x2000, 0, 1, false)],
            vec![word(0x2000, 1, 2, false)],
            vec![word(0x100, 5, 6, false), word(0x3000, 0, 0, false)],
        ]
    }

    #[test]
    fn each_listed_word_points_at_its_previous_writer() {
        let lists = lists();
        let refs: Vec<&[BoundaryWord]> = lists.iter().map(|l| l.as_slice()).collect();
        let history = MemoryHistory::of(&refs, &(0x100..0x200));
        assert_eq!(history.prev, vec![vec![0, 0], vec![1], vec![1, 0]]);
        let finals: Vec<(u32, u64, u32, bool)> =
            history.final_words.iter().map(|w| (w.addr, w.value, w.last, w.in_image)).collect();
        assert_eq!(finals, vec![(0x100, 6, 3, true), (0x2000, 2, 2, false), (0x3000, 0, 3, false)]);
    }

    #[test]
    fn an_honest_history_closes_and_a_changed_one_does_not() {
        let lists = lists();
        let refs: Vec<&[BoundaryWord]> = lists.iter().map(|l| l.as_slice()).collect();
        let image = 0x100..0x200;
        let run = RunMemory::of(&refs, &[4, 4, 4], &[None, None, None], &image);
        let sums: Vec<Challenge> = lists.iter().zip(&run.contexts).map(|(l, c)| list_sum(l, c)).collect();
        assert!(run.closes(&sums));
        // A value handed over wrongly, a previous writer named wrongly, a word left out.
        let mut changed = lists.clone();
        changed[1][0].before = 7;
        assert!(!run.closes(&[sums[0], list_sum(&changed[1], &run.contexts[1]), sums[2]]));
        let mut context = run.contexts[2].clone();
        context.prev = vec![2, 0].into();
        assert!(!run.closes(&[sums[0], sums[1], list_sum(&lists[2], &context)]));
        assert!(!run.closes(&sums[..2]));
    }

    #[test]
    fn the_sponge_covers_every_row_and_value() {
        let lists = lists();
        let (inputs, digest) = list_sponge(&lists[0], &[0, 0], 4);
        assert_eq!(inputs.len(), 4);
        let mut changed = lists[0].clone();
        changed[1].after ^= 1 << 60;
        assert_ne!(list_sponge(&changed, &[0, 0], 4).1, digest);
        assert_ne!(list_sponge(&lists[0], &[0, 1], 4).1, digest);
        assert_ne!(list_sponge(&lists[0], &[0, 0], 8).1, digest);
    }
}
