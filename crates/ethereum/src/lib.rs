//! Ethereum stateless block validation.
#![no_std]

#[cfg(any(test, feature = "std"))]
extern crate std;

extern crate alloc;

pub mod trie;
