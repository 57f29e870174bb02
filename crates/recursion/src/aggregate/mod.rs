//! Folding proofs together: the pieces an aggregation proof is made of (see
//! `docs/recursion.md`, "Aggregation tree").

pub mod keys;

pub use keys::{KeyList, KeyPath, assert_key_allowed};
