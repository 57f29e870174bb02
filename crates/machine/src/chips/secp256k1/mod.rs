//! secp256k1 point arithmetic for the accelerators (`ecall` 0x2002-0x2004).
//!
//! `arithmetic` holds the field identities each operation proves; the tables that read and
//! write the points in memory build on it.

pub mod arithmetic;

#[cfg(test)]
mod tests;
