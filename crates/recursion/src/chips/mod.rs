//! The recursion chips' trace generation and tests; their constraints live in
//! `hearth_verifier::chips`, which a verifier needs without the prover.

pub mod alu;
pub mod bits;
pub mod merkle_path;
pub mod opening;
pub mod pack;
pub mod poseidon2;
pub mod poseidon2_call;
pub mod public;
pub mod var;

pub use hearth_verifier::chips::RecursionChip;
