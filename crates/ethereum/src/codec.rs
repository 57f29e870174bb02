//! The little-endian, length-prefixed byte encoding used for the guest's input and output.
//!
//! Hand-written because it is tiny and must be zero-copy in the guest: decoding returns slices of
//! the input buffer instead of copying megabytes of witness, and every read is bounds-checked so
//! malformed input is an error, never a panic.

use alloc::vec::Vec;

/// Appends encoded values to a buffer.
#[derive(Default, Debug)]
pub struct Writer {
    buf: Vec<u8>,
}

impl Writer {
    /// The encoded bytes.
    pub fn finish(self) -> Vec<u8> {
        self.buf
    }

    /// A byte.
    pub fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }

    /// A little-endian u32.
    pub fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    /// A little-endian u64.
    pub fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    /// A little-endian u128.
    pub fn u128(&mut self, v: u128) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    /// Raw bytes of a length both sides know.
    pub fn bytes_fixed(&mut self, v: &[u8]) {
        self.buf.extend_from_slice(v);
    }

    /// A u32 length, then the bytes.
    pub fn bytes(&mut self, v: &[u8]) {
        self.u32(v.len() as u32);
        self.buf.extend_from_slice(v);
    }

    /// A u32 count, then each item as [`Writer::bytes`].
    pub fn list<'a>(&mut self, items: impl ExactSizeIterator<Item = &'a [u8]>) {
        self.u32(items.len() as u32);
        for item in items {
            self.bytes(item);
        }
    }
}

/// Reads encoded values from a byte slice; every method returns `None` on truncated input.
#[derive(Debug)]
pub struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    /// Reads from `buf`.
    pub fn new(buf: &'a [u8]) -> Self {
        Self { buf }
    }

    /// Bytes not read yet.
    pub fn remaining(&self) -> usize {
        self.buf.len()
    }

    /// The next `n` bytes.
    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.buf.len() {
            return None;
        }
        let (head, tail) = self.buf.split_at(n);
        self.buf = tail;
        Some(head)
    }

    /// The next `N` bytes as an array.
    pub fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }

    /// A byte.
    pub fn u8(&mut self) -> Option<u8> {
        Some(self.array::<1>()?[0])
    }

    /// A little-endian u32.
    pub fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.array()?))
    }

    /// A little-endian u64.
    pub fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.array()?))
    }

    /// A little-endian u128.
    pub fn u128(&mut self) -> Option<u128> {
        Some(u128::from_le_bytes(self.array()?))
    }

    /// A u32 count of items of at least `min_item_len` bytes each; `None` if the input cannot
    /// hold that many (so a corrupt count never causes a huge allocation).
    pub fn count(&mut self, min_item_len: usize) -> Option<usize> {
        let n = self.u32()? as usize;
        (n.checked_mul(min_item_len)? <= self.buf.len()).then_some(n)
    }

    /// A length-prefixed byte string, borrowed from the input.
    pub fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.u32()? as usize;
        self.take(n)
    }

    /// A counted list of byte strings, borrowed from the input.
    pub fn list(&mut self) -> Option<Vec<&'a [u8]>> {
        let n = self.count(4)?;
        (0..n).map(|_| self.bytes()).collect()
    }
}
