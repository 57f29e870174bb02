//! Ethereum stateless block validation: the program Hearth proves.
//!
//! Given a block and its execution witness (the trie nodes, bytecodes and ancestor headers the
//! block touches), [`validate`] checks that executing the block on its parent's state yields
//! exactly the header's post-state, without any other state. The same code runs natively on the
//! host and, built with the `zkvm` feature, as the RV64IM guest (`guest/stateless`), where its
//! cryptography goes to Hearth's accelerators.
//!
//! - [`input`]: the guest's input and its compact binary encoding ([`StatelessInput`]).
//! - [`output`]: the public output a proof commits to ([`PublicOutput`]).
//! - [`chain`]: fork schedules and blob parameters ([`ChainConfig`]).
//! - [`trie`]: the sparse Merkle-Patricia trie built from witness nodes.
//! - [`formats`] (with `std`): the JSON block formats and EEST fixtures.
#![no_std]

extern crate alloc;
#[cfg(any(test, feature = "std"))]
extern crate std;

pub mod chain;
pub mod codec;
pub mod consensus;
pub mod crypto;
#[cfg(feature = "std")]
pub mod eest;
#[cfg(feature = "std")]
pub mod formats;
pub mod input;
pub mod output;
pub mod profile;
pub mod trie;
mod validate;
pub mod witness;

pub use chain::ChainConfig;
pub use input::StatelessInput;
pub use output::{PublicOutput, Status};
pub use validate::{
    MAX_ANCESTORS, Outcome, PostState, Validated, ValidationError, validate, validate_encoded,
    validate_with_post_state,
};
