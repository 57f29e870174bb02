//! A sparse Merkle-Patricia trie built from witness nodes.
//!
//! The execution witness holds the trie nodes a block touches, keyed by nothing: each node's key
//! is its Keccak-256 hash, which we compute. [`Trie::from_witness`] reveals every node reachable
//! from a root through the witness; subtrees the witness does not reveal stay as their hash
//! ([`Node::Hash`]). Reading or changing a key whose path crosses such a subtree is a
//! [`TrieError::MissingNode`], never a guess. A node altered in the witness no longer hashes to its
//! parent's reference, so it is simply not found: the same error.
//!
//! Written here rather than taken from a crate because no maintained crate offers an updatable
//! sparse trie outside reth. Node encoding and decoding use `alloy-trie`'s node types; the logic
//! (lookup, insertion with node splitting, deletion with branch collapsing, and root hashing that
//! reuses the hashes of untouched subtrees) is ours, and is tested against the Ethereum trie test
//! vectors.

use alloc::{boxed::Box, vec::Vec};

use alloy_primitives::{B256, keccak256, map::B256Map};
use alloy_rlp::EMPTY_STRING_CODE;
use alloy_trie::{
    EMPTY_ROOT_HASH, Nibbles, TrieMask,
    nodes::{BranchNodeRef, ExtensionNodeRef, LeafNodeRef, RlpNode, TrieNode},
};

/// A trie operation could not be completed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrieError {
    /// The path crosses a node the witness does not contain (or contains altered).
    #[error("witness is missing trie node {0}")]
    MissingNode(B256),
    /// A witness node does not decode as a trie node.
    #[error("malformed trie node {hash}: {reason}")]
    MalformedNode {
        /// Hash of the node.
        hash: B256,
        /// Decoding error.
        reason: &'static str,
    },
}

/// A trie node with, for nodes unchanged since they were revealed or hashed, their reference.
#[derive(Clone, Debug)]
pub struct Node {
    kind: Kind,
    /// The node's reference (its hash, or its RLP when shorter than 32 bytes) while it is known
    /// to be current.
    cached: Option<RlpNode>,
}

/// A branch's children; `None` for an empty slot. Boxed children keep a branch at 128 bytes
/// instead of sixteen inline nodes.
type Children = [Option<Box<Node>>; 16];

#[derive(Clone, Debug)]
enum Kind {
    Empty,
    Leaf {
        key: Nibbles,
        value: Vec<u8>,
    },
    Extension {
        key: Nibbles,
        child: Box<Node>,
    },
    Branch {
        children: Box<Children>,
        value: Option<Vec<u8>>,
    },
    /// A subtree the witness does not reveal.
    Hash(B256),
}

fn no_children() -> Box<Children> {
    Box::new(core::array::from_fn(|_| None))
}

/// Takes child `i` out of `children` (leaving the slot empty).
fn take_child(children: &mut Children, i: usize) -> Node {
    children[i].take().map_or(Node::EMPTY, |child| *child)
}

/// Puts `node` in slot `i`, leaving the slot empty for an empty node.
fn put_child(children: &mut Children, i: usize, node: Node) {
    children[i] = (!node.is_empty()).then(|| Box::new(node));
}

impl Node {
    const EMPTY: Node = Node { kind: Kind::Empty, cached: None };

    fn new(kind: Kind) -> Self {
        Self { kind, cached: None }
    }

    fn leaf(key: Nibbles, value: Vec<u8>) -> Self {
        Self::new(Kind::Leaf { key, value })
    }

    /// An extension over `child`, or `child` itself for an empty key.
    fn extension(key: Nibbles, child: Node) -> Self {
        if key.is_empty() { child } else { Self::new(Kind::Extension { key, child: Box::new(child) }) }
    }

    fn is_empty(&self) -> bool {
        matches!(self.kind, Kind::Empty)
    }
}

/// Witness nodes by hash.
pub type NodeMap<'a> = B256Map<&'a [u8]>;

/// Hashes every witness node into a map from hash to node.
pub fn index_nodes<'a>(nodes: impl IntoIterator<Item = &'a [u8]>) -> NodeMap<'a> {
    nodes.into_iter().map(|node| (keccak256(node), node)).collect()
}

/// A Merkle-Patricia trie, possibly with unrevealed subtrees.
#[derive(Clone, Debug)]
pub struct Trie {
    root: Node,
}

impl Default for Trie {
    fn default() -> Self {
        Self::empty()
    }
}

fn malformed(hash: B256, reason: &'static str) -> TrieError {
    TrieError::MalformedNode { hash, reason }
}

/// Reveals the node `reference` points to: decoding it inline, or looking its hash up in `nodes`.
fn reveal(reference: &RlpNode, nodes: &NodeMap<'_>, depth: usize) -> Result<Node, TrieError> {
    match reference.as_hash() {
        Some(hash) => match nodes.get(&hash) {
            Some(rlp) => decode_node(rlp, hash, nodes, depth, reference.clone()),
            None => Ok(Node { kind: Kind::Hash(hash), cached: Some(reference.clone()) }),
        },
        None => {
            decode_node(reference.as_ref(), keccak256(reference.as_ref()), nodes, depth, reference.clone())
        }
    }
}

fn decode_node(
    mut rlp: &[u8],
    hash: B256,
    nodes: &NodeMap<'_>,
    depth: usize,
    reference: RlpNode,
) -> Result<Node, TrieError> {
    // A path has at most 64 nibbles, so a deeper chain of nodes cannot be a valid trie.
    if depth > 130 {
        return Err(malformed(hash, "trie deeper than any key"));
    }
    let node =
        <TrieNode as alloy_rlp::Decodable>::decode(&mut rlp).map_err(|_| malformed(hash, "invalid RLP"))?;
    if !rlp.is_empty() {
        return Err(malformed(hash, "trailing bytes"));
    }
    let kind = match node {
        TrieNode::EmptyRoot => Kind::Empty,
        TrieNode::Leaf(leaf) => Kind::Leaf { key: leaf.key, value: leaf.value },
        TrieNode::Extension(ext) => {
            if ext.key.is_empty() {
                return Err(malformed(hash, "empty extension"));
            }
            let child = reveal(&ext.child, nodes, depth + 1)?;
            Kind::Extension { key: ext.key, child: Box::new(child) }
        }
        TrieNode::Branch(branch) => {
            let mut children = no_children();
            let mut stack = branch.stack.iter();
            for (i, child) in children.iter_mut().enumerate() {
                if branch.state_mask.is_bit_set(i as u8) {
                    let reference =
                        stack.next().ok_or(malformed(hash, "branch mask and children disagree"))?;
                    *child = Some(Box::new(reveal(reference, nodes, depth + 1)?));
                }
            }
            Kind::Branch { children, value: None }
        }
    };
    Ok(Node { kind, cached: Some(reference) })
}

impl Trie {
    /// The empty trie.
    pub const fn empty() -> Self {
        Self { root: Node::EMPTY }
    }

    /// The trie with root `root`, revealing every node that `nodes` holds beneath it. The root
    /// node itself must be in `nodes` (unless `root` is the empty root).
    pub fn from_witness(root: B256, nodes: &NodeMap<'_>) -> Result<Self, TrieError> {
        if root == EMPTY_ROOT_HASH {
            return Ok(Self::empty());
        }
        let rlp = nodes.get(&root).ok_or(TrieError::MissingNode(root))?;
        let root = decode_node(rlp, root, nodes, 0, RlpNode::word_rlp(&root))?;
        Ok(Self { root })
    }

    /// The value stored at `key`.
    pub fn get(&self, key: &[u8]) -> Result<Option<&[u8]>, TrieError> {
        let path = Nibbles::unpack(key);
        let mut node = &self.root;
        let mut at = 0;
        loop {
            match &node.kind {
                Kind::Empty => return Ok(None),
                Kind::Hash(hash) => return Err(TrieError::MissingNode(*hash)),
                Kind::Leaf { key, value } => {
                    let rest = path.slice(at..);
                    return Ok((*key == rest).then_some(value.as_slice()));
                }
                Kind::Extension { key, child } => {
                    if !path.slice(at..).starts_with(key) {
                        return Ok(None);
                    }
                    at += key.len();
                    node = child;
                }
                Kind::Branch { children, value } => {
                    if at == path.len() {
                        return Ok(value.as_deref());
                    }
                    match &children[path.get_unchecked(at) as usize] {
                        Some(child) => node = child,
                        None => return Ok(None),
                    }
                    at += 1;
                }
            }
        }
    }

    /// Sets `key` to `value` (which must not be empty; use [`Trie::remove`] to delete).
    pub fn insert(&mut self, key: &[u8], value: Vec<u8>) -> Result<(), TrieError> {
        debug_assert!(!value.is_empty(), "empty values are deletions");
        let root = core::mem::replace(&mut self.root, Node::EMPTY);
        self.root = insert(root, Nibbles::unpack(key), value)?;
        Ok(())
    }

    /// Deletes `key` (nothing happens if it is absent).
    pub fn remove(&mut self, key: &[u8]) -> Result<(), TrieError> {
        let root = core::mem::replace(&mut self.root, Node::EMPTY);
        self.root = remove(root, Nibbles::unpack(key))?;
        Ok(())
    }

    /// The root hash (Keccak-256 of the root node; the empty root for an empty trie). Subtrees
    /// unchanged since they were revealed or last hashed are not hashed again.
    pub fn root(&mut self) -> B256 {
        if self.root.is_empty() {
            return EMPTY_ROOT_HASH;
        }
        let reference = reference(&mut self.root);
        // The root is always referred to by its hash, even when its RLP is short.
        reference.as_hash().unwrap_or_else(|| keccak256(reference.as_ref()))
    }

    /// The RLP of every revealed node (the root first), for building witnesses.
    pub fn nodes(&mut self) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        if !self.root.is_empty() {
            collect_nodes(&mut self.root, &mut out, true);
        }
        out
    }
}

fn insert(node: Node, path: Nibbles, value: Vec<u8>) -> Result<Node, TrieError> {
    Ok(match node.kind {
        Kind::Empty => Node::leaf(path, value),
        Kind::Hash(hash) => return Err(TrieError::MissingNode(hash)),
        Kind::Leaf { key, value: old } => {
            if key == path {
                return Ok(Node::leaf(path, value));
            }
            let common = key.common_prefix_length(&path);
            let mut branch = Branch::new();
            branch.put(key.slice(common..), old);
            branch.put(path.slice(common..), value);
            Node::extension(path.slice(..common), branch.into_node())
        }
        Kind::Extension { key, child } => {
            let common = key.common_prefix_length(&path);
            if common == key.len() {
                let child = insert(*child, path.slice(common..), value)?;
                return Ok(Node::new(Kind::Extension { key, child: Box::new(child) }));
            }
            let mut branch = Branch::new();
            // The rest of the old extension, below the new branch.
            let old = Node::extension(key.slice(common + 1..), *child);
            put_child(&mut branch.children, key.get_unchecked(common) as usize, old);
            branch.put(path.slice(common..), value);
            Node::extension(path.slice(..common), branch.into_node())
        }
        Kind::Branch { mut children, value: branch_value } => {
            if path.is_empty() {
                return Ok(Node::new(Kind::Branch { children, value: Some(value) }));
            }
            let i = path.get_unchecked(0) as usize;
            let child = take_child(&mut children, i);
            put_child(&mut children, i, insert(child, path.slice(1..), value)?);
            Node::new(Kind::Branch { children, value: branch_value })
        }
    })
}

/// A branch under construction.
struct Branch {
    children: Box<Children>,
    value: Option<Vec<u8>>,
}

impl Branch {
    fn new() -> Self {
        Self { children: no_children(), value: None }
    }

    /// Places `value` at `path` relative to the branch.
    fn put(&mut self, path: Nibbles, value: Vec<u8>) {
        if path.is_empty() {
            self.value = Some(value);
        } else {
            put_child(&mut self.children, path.get_unchecked(0) as usize, Node::leaf(path.slice(1..), value));
        }
    }

    fn into_node(self) -> Node {
        Node::new(Kind::Branch { children: self.children, value: self.value })
    }
}

/// Prefixes `node` with `prefix`, merging it into the node where possible: what is left when a
/// branch above it disappears.
fn prefixed(prefix: Nibbles, node: Node) -> Result<Node, TrieError> {
    Ok(match node.kind {
        Kind::Leaf { key, value } => Node::leaf(prefix.join(&key), value),
        Kind::Extension { key, child } => Node::new(Kind::Extension { key: prefix.join(&key), child }),
        Kind::Branch { .. } => Node::extension(prefix, node),
        // Merging needs the node's content, which the witness does not reveal.
        Kind::Hash(hash) => return Err(TrieError::MissingNode(hash)),
        Kind::Empty => Node::EMPTY,
    })
}

fn remove(node: Node, path: Nibbles) -> Result<Node, TrieError> {
    Ok(match node.kind {
        Kind::Empty => node,
        Kind::Hash(hash) => return Err(TrieError::MissingNode(hash)),
        Kind::Leaf { ref key, .. } => {
            if *key == path {
                Node::EMPTY
            } else {
                node
            }
        }
        Kind::Extension { key, child } => {
            if !path.starts_with(&key) {
                return Ok(Node { kind: Kind::Extension { key, child }, cached: node.cached });
            }
            let child = remove(*child, path.slice(key.len()..))?;
            prefixed(key, child)?
        }
        Kind::Branch { mut children, mut value } => {
            if path.is_empty() {
                if value.is_none() {
                    return Ok(Node { kind: Kind::Branch { children, value }, cached: node.cached });
                }
                value = None;
            } else {
                let i = path.get_unchecked(0) as usize;
                let child = take_child(&mut children, i);
                put_child(&mut children, i, remove(child, path.slice(1..))?);
            }
            let mut remaining = children.iter().enumerate().filter(|(_, c)| c.is_some());
            match (remaining.next(), remaining.next(), &value) {
                // Nothing left but the branch's own value: a leaf with an empty key.
                (None, _, Some(_)) => Node::leaf(Nibbles::new(), value.take().unwrap_or_default()),
                (None, _, None) => Node::EMPTY,
                // One child and no value: the branch collapses into its child.
                (Some((i, _)), None, None) => {
                    let child = take_child(&mut children, i);
                    prefixed(Nibbles::from_nibbles_unchecked([i as u8]), child)?
                }
                _ => Node::new(Kind::Branch { children, value }),
            }
        }
    })
}

/// The reference to `node` (its hash, or its RLP when shorter than 32 bytes), computed once and
/// cached until the node changes.
fn reference(node: &mut Node) -> RlpNode {
    if let Some(cached) = &node.cached {
        return cached.clone();
    }
    let reference = match &node.kind {
        Kind::Hash(hash) => RlpNode::word_rlp(hash),
        _ => {
            let mut buf = Vec::with_capacity(128);
            encode(node, &mut buf);
            RlpNode::from_rlp(&buf)
        }
    };
    node.cached = Some(reference.clone());
    reference
}

/// Appends the RLP of `node` (children by reference) to `buf`. A `Hash` node has no RLP of its
/// own here; callers never encode one.
fn encode(node: &mut Node, buf: &mut Vec<u8>) {
    match &mut node.kind {
        Kind::Empty => buf.push(EMPTY_STRING_CODE),
        Kind::Hash(hash) => buf.extend_from_slice(RlpNode::word_rlp(hash).as_ref()),
        Kind::Leaf { key, value } => {
            LeafNodeRef::new(key, value).rlp(buf);
        }
        Kind::Extension { key, child } => {
            let child = reference(child);
            ExtensionNodeRef::new(key, &child).rlp(buf);
        }
        Kind::Branch { children, value } => {
            let mut stack = Vec::with_capacity(16);
            let mut mask = TrieMask::default();
            for (i, child) in children.iter_mut().enumerate() {
                if let Some(child) = child {
                    stack.push(reference(child));
                    mask.set_bit(i as u8);
                }
            }
            match value {
                None => {
                    BranchNodeRef::new(&stack, mask).rlp(buf);
                }
                Some(value) => encode_branch_with_value(&stack, mask, value, buf),
            }
        }
    }
}

/// A branch that holds a value (possible only with keys of different lengths, as in the generic
/// trie test vectors; never in Ethereum's state and storage tries).
fn encode_branch_with_value(stack: &[RlpNode], mask: TrieMask, value: &[u8], buf: &mut Vec<u8>) {
    use alloy_rlp::{Encodable, Header};
    let mut children = stack.iter();
    let mut payload = Vec::new();
    for i in 0..16u8 {
        match children.clone().next().filter(|_| mask.is_bit_set(i)) {
            Some(child) => {
                payload.extend_from_slice(child.as_ref());
                children.next();
            }
            None => payload.push(EMPTY_STRING_CODE),
        }
    }
    value.encode(&mut payload);
    Header { list: true, payload_length: payload.len() }.encode(buf);
    buf.extend_from_slice(&payload);
}

/// Appends the RLP of the root and of every node referred to by hash, parents before children.
/// Unrevealed subtrees contribute nothing.
fn collect_nodes(node: &mut Node, out: &mut Vec<Vec<u8>>, is_root: bool) {
    if matches!(node.kind, Kind::Hash(_)) {
        return;
    }
    let hashed = reference(node).is_hash();
    if is_root || hashed {
        let mut buf = Vec::new();
        encode(node, &mut buf);
        out.push(buf);
    }
    match &mut node.kind {
        Kind::Extension { child, .. } => collect_nodes(child, out, false),
        Kind::Branch { children, .. } => {
            for child in children.iter_mut().flatten() {
                collect_nodes(child, out, false);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::{format, vec};

    fn root_of(pairs: &[(&[u8], &[u8])]) -> B256 {
        let mut trie = Trie::empty();
        for (k, v) in pairs {
            trie.insert(k, v.to_vec()).expect("insert");
        }
        trie.root()
    }

    #[test]
    fn empty_trie_has_the_empty_root() {
        assert_eq!(Trie::empty().root(), EMPTY_ROOT_HASH);
        let mut trie = Trie::empty();
        trie.insert(b"a", b"1".to_vec()).expect("insert");
        trie.remove(b"a").expect("remove");
        assert_eq!(trie.root(), EMPTY_ROOT_HASH);
    }

    #[test]
    fn matches_alloy_hash_builder_for_random_fixed_length_keys() {
        use alloy_trie::HashBuilder;
        let mut pairs: Vec<([u8; 32], Vec<u8>)> = (0u32..300)
            .map(|i| (keccak256(i.to_be_bytes()).0, alloy_rlp::encode(u64::from(i) * 1_000_003)))
            .collect();
        let mut trie = Trie::empty();
        for (k, v) in &pairs {
            trie.insert(k, v.clone()).expect("insert");
        }
        pairs.sort();
        let mut builder = HashBuilder::default();
        for (k, v) in &pairs {
            builder.add_leaf(Nibbles::unpack(k), v);
        }
        assert_eq!(trie.root(), builder.root());
    }

    #[test]
    fn witness_round_trip_and_missing_nodes() {
        let pairs: Vec<([u8; 32], Vec<u8>)> = (0u32..200)
            .map(|i| (keccak256(i.to_le_bytes()).0, alloy_rlp::encode(u64::from(i) + 1)))
            .collect();
        let mut full = Trie::empty();
        for (k, v) in &pairs {
            full.insert(k, v.clone()).expect("insert");
        }
        let root = full.root();
        let nodes = full.nodes();
        let map = index_nodes(nodes.iter().map(Vec::as_slice));
        let mut revealed = Trie::from_witness(root, &map).expect("reveal");
        assert_eq!(revealed.root(), root);
        for (k, v) in &pairs {
            assert_eq!(revealed.get(k).expect("get"), Some(v.as_slice()));
        }
        // Drop one non-root node: lookups through it fail, others still succeed.
        let dropped = keccak256(&nodes[nodes.len() / 2]);
        let mut partial = map.clone();
        partial.remove(&dropped);
        let sparse = Trie::from_witness(root, &partial).expect("root present");
        let failures =
            pairs.iter().filter(|(k, _)| sparse.get(k) == Err(TrieError::MissingNode(dropped))).count();
        assert!(failures > 0);
        // An altered node no longer matches its parent's hash: the same as missing.
        let mut altered = nodes[nodes.len() / 2].clone();
        let last = altered.len() - 1;
        altered[last] ^= 1;
        let mut with_altered = partial.clone();
        with_altered.insert(keccak256(&altered), &altered);
        let sparse = Trie::from_witness(root, &with_altered).expect("root present");
        assert!(pairs.iter().any(|(k, _)| sparse.get(k) == Err(TrieError::MissingNode(dropped))));
        assert_eq!(
            Trie::from_witness(B256::repeat_byte(7), &map).err(),
            Some(TrieError::MissingNode(B256::repeat_byte(7)))
        );
    }

    #[test]
    fn updates_on_a_sparse_trie_match_a_full_one() {
        let pairs: Vec<([u8; 32], Vec<u8>)> = (0u32..500)
            .map(|i| (keccak256(i.to_be_bytes()).0, alloy_rlp::encode(u64::from(i) + 7)))
            .collect();
        let mut full = Trie::empty();
        for (k, v) in &pairs {
            full.insert(k, v.clone()).expect("insert");
        }
        let root = full.root();
        let all = full.nodes();
        let map = index_nodes(all.iter().map(Vec::as_slice));
        let mut sparse = Trie::from_witness(root, &map).expect("reveal");
        for (i, (k, _)) in pairs.iter().enumerate().step_by(3) {
            if i % 2 == 0 {
                full.remove(k).expect("remove");
                sparse.remove(k).expect("remove");
            } else {
                full.insert(k, vec![0x42]).expect("insert");
                sparse.insert(k, vec![0x42]).expect("insert");
            }
        }
        assert_eq!(full.root(), sparse.root());
    }

    #[test]
    fn small_tries_with_inline_nodes() {
        // Keys sharing prefixes, short values: nodes shorter than 32 bytes are inlined.
        let root =
            root_of(&[(b"do", b"verb"), (b"dog", b"puppy"), (b"doge", b"coin"), (b"horse", b"stallion")]);
        assert_eq!(format!("{root:x}"), "5991bb8c6514148a29db676a14ac506cd2cd5775ace63c30a4fe457715e9ac84");
    }
}
