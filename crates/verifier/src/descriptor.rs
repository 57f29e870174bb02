//! What identifies a program: its entry point, image range and the commitment to its
//! preprocessed tables. The prover writes it into every shard proof; the verifier hashes it.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::proof::{Key, VerifyError, key_of};

/// What identifies a program to the verifier: entry point, image range, table heights and the
/// commitment to the preprocessed tables (program and memory image) under one parameter set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgramDescriptor {
    /// Entry point.
    pub entry: u32,
    /// First address of the memory image.
    pub image_lo: u32,
    /// One past the memory image.
    pub image_hi: u32,
    /// `log2` of the program table's height.
    pub program_log_height: u8,
    /// `log2` of the image table's height.
    pub image_log_height: u8,
    /// Serialized commitment to the preprocessed tables.
    pub preprocessed_commitment: Vec<u8>,
}

impl ProgramDescriptor {
    /// The program hash: SHA-256 of the descriptor (depends on the parameter set through the
    /// commitment).
    pub fn hash(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(b"hearth-program-v1");
        h.update(postcard::to_allocvec(self).unwrap_or_default());
        h.finalize().into()
    }
}

impl ProgramDescriptor {
    /// The program as a final statement names it: its key (the commitment's root), entry
    /// point and image range.
    pub fn id(&self) -> Result<ProgramId, VerifyError> {
        let commitment: hearth_stark::Commitment = postcard::from_bytes(&self.preprocessed_commitment)
            .map_err(|e| VerifyError::Encoding(format!("the program's commitment: {e}")))?;
        let key = key_of(&commitment).ok_or_else(|| VerifyError::Encoding("an empty commitment".into()))?;
        Ok(ProgramId { key, entry: self.entry, image_lo: self.image_lo, image_hi: self.image_hi })
    }
}

/// The program a run executed, as a final statement names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgramId {
    /// The key of the machine program's preprocessed tables (its code and image).
    pub key: Key,
    /// Its entry point.
    pub entry: u32,
    /// First byte of its image.
    pub image_lo: u32,
    /// Byte after its image.
    pub image_hi: u32,
}
