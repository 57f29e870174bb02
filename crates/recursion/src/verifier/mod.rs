//! A STARK verifier written as a recursion program: it replays a proof's transcript, checks
//! its openings and constraints, and so proves inside a recursion proof that the inner proof
//! verifies. Built phase by phase, each checked against Plonky3's native verifier.

pub mod constraints;
pub mod fri;
pub mod merkle;
pub mod program;
pub mod stark;
pub mod transcript;

pub use program::{ProofVerifierProgram, Statement, VerifiedProof, verify_proof};
pub use stark::{InnerShape, verify_inner};
pub use transcript::{BatchChallenges, BatchTranscriptCells, replay_batch_transcript};
