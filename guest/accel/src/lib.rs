//! Accelerated cryptography for Hearth guests.
//!
//! The executor (and later the prover) implements the fixed-shape cores: the Keccak-f\[1600\]
//! permutation and the SHA-256 compression function. This crate builds the hash functions on
//! them (padding, absorbing, chaining) and exports them twice: as Rust functions
//! ([`keccak256`], [`sha256`], and incremental hashers) and as the zkvm-standards C functions
//! `zkvm_keccak256` and `zkvm_sha256`.
#![no_std]

extern crate alloc;

mod c_abi;
pub mod keccak;
pub mod secp256k1;
pub mod sha256;

pub use keccak::{Keccak256, keccak256};
pub use secp256k1::ecrecover;
pub use sha256::{Sha256, sha256};
