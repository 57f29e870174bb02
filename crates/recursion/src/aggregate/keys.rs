//! The recursion programs an aggregation proof may verify, named by a Merkle root of their
//! keys. A leaf program is built per shard shape, so a tree verifies proofs of several
//! programs; a node proves each child's key is in the list with a path to the root, and the
//! final verifier compares the root with the one it expects instead of rebuilding programs.

use hearth_stark::Val;
use hearth_stark::config::{Compress, DIGEST_ELEMS};
use p3_field::PrimeCharacteristicRing;
use p3_koala_bear::default_koalabear_poseidon2_24;
use p3_symmetric::PseudoCompressionFunction;

use crate::circuit::{Cell, CircuitBuilder, Felt, base_cell};
use crate::verifier::merkle::compress;
use crate::verifier::transcript::DigestCells;

/// A key: the commitment root of a program's preprocessed tables.
pub type Key = [Val; DIGEST_ELEMS];

/// Allowed keys as a Merkle tree (compressions as in Hearth's commitments), padded to a power
/// of two by repeating the last key.
#[derive(Clone, Debug)]
pub struct KeyList {
    /// Level 0 holds the keys, the last level the root.
    levels: Vec<Vec<Key>>,
}

/// Where a key sits in a [`KeyList`] and the digests that lead from it to the root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyPath {
    /// The key's position.
    pub index: usize,
    /// One sibling per level, bottom first.
    pub siblings: Vec<Key>,
}

impl KeyPath {
    /// The path as the inputs [`assert_key_allowed`] allocates: the index bits (least
    /// significant first), then the siblings.
    pub fn cells(&self) -> Vec<Cell> {
        let bits = (0..self.siblings.len()).map(|j| base_cell(Val::from_bool((self.index >> j) & 1 == 1)));
        bits.chain(self.siblings.iter().flatten().map(|&v| base_cell(v))).collect()
    }
}

impl KeyList {
    /// The tree of `keys`; `None` when there are none.
    pub fn new(keys: &[Key]) -> Option<Self> {
        let last = *keys.last()?;
        let mut level: Vec<Key> = keys.to_vec();
        level.resize(keys.len().next_power_of_two(), last);
        let compressor = Compress::new(default_koalabear_poseidon2_24());
        let mut levels = Vec::new();
        while level.len() > 1 {
            let above = level.chunks(2).map(|pair| compressor.compress([pair[0], pair[1]])).collect();
            levels.push(core::mem::replace(&mut level, above));
        }
        levels.push(level);
        Some(Self { levels })
    }

    /// The root: what an aggregation proof exposes and a verifier compares.
    pub fn root(&self) -> Key {
        self.levels.last().expect("a level")[0]
    }

    /// Levels between a key and the root.
    pub fn depth(&self) -> usize {
        self.levels.len() - 1
    }

    /// The path of `key`, if it is allowed.
    pub fn path(&self, key: &Key) -> Option<KeyPath> {
        let index = self.levels[0].iter().position(|k| k == key)?;
        let siblings =
            self.levels[..self.depth()].iter().enumerate().map(|(j, l)| l[(index >> j) ^ 1]).collect();
        Some(KeyPath { index, siblings })
    }
}

/// Requires `key` to be in the list whose root is `root` (a tree of `depth` levels), with the
/// path as the program's next inputs (see [`KeyPath::cells`]).
pub fn assert_key_allowed(b: &mut CircuitBuilder, key: &DigestCells, root: &DigestCells, depth: usize) {
    let bits: Vec<Felt> = (0..depth).map(|_| b.input()).collect();
    let siblings: Vec<DigestCells> = (0..depth).map(|_| core::array::from_fn(|_| b.input())).collect();
    let mut node = *key;
    for (bit, sibling) in bits.into_iter().zip(&siblings) {
        // The swap bit is boolean (the Poseidon2 call table checks it): the node is the
        // right child when the bit is one.
        node = compress(b, &node, sibling, Some(bit));
    }
    for (a, r) in node.iter().zip(root) {
        b.assert_eq(*a, *r);
    }
}

#[cfg(test)]
mod tests;
