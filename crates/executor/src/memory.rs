//! Guest memory: one flat, lazily zeroed allocation covering the whole address space.
//!
//! Hand-written for speed: a load or store is one range check and one unaligned host access.
//! The allocation is `MEMORY_TOP` bytes of zeroed virtual memory; the host OS backs only the pages
//! a guest touches, so an idle 1.9 GiB address space costs nothing.

use hearth_isa::memory::{GUARD_END, MEMORY_TOP};

/// The guest's byte-addressed memory.
pub struct Memory {
    bytes: Box<[u8]>,
}

impl std::fmt::Debug for Memory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Memory").field("size", &self.bytes.len()).finish()
    }
}

impl Default for Memory {
    fn default() -> Self {
        Self::new()
    }
}

/// Whether `[addr, addr + N)` is accessible, as one subtraction and one comparison.
#[inline(always)]
const fn in_range<const N: u64>(addr: u64) -> bool {
    addr.wrapping_sub(GUARD_END) <= MEMORY_TOP - GUARD_END - N
}

macro_rules! access {
    ($load:ident, $store:ident, $ty:ty, $n:literal) => {
        #[doc = concat!("Reads a little-endian `", stringify!($ty), "` at any alignment; `None` if out of range.")]
        #[inline(always)]
        pub fn $load(&self, addr: u64) -> Option<$ty> {
            if !in_range::<$n>(addr) {
                return None;
            }
            // SAFETY: `in_range` guarantees `addr + N <= MEMORY_TOP == self.bytes.len()`, and
            // `read_unaligned` has no alignment requirement.
            let raw = unsafe { self.bytes.as_ptr().add(addr as usize).cast::<$ty>().read_unaligned() };
            Some(<$ty>::from_le(raw))
        }

        #[doc = concat!("Writes a little-endian `", stringify!($ty), "` at any alignment; `None` if out of range.")]
        #[inline(always)]
        pub fn $store(&mut self, addr: u64, value: $ty) -> Option<()> {
            if !in_range::<$n>(addr) {
                return None;
            }
            // SAFETY: as in the load, the `$n` bytes at `addr` lie inside `self.bytes`.
            unsafe {
                self.bytes.as_mut_ptr().add(addr as usize).cast::<$ty>().write_unaligned(value.to_le())
            };
            Some(())
        }
    };
}

impl Memory {
    /// A fresh, all-zero address space.
    pub fn new() -> Self {
        Self { bytes: vec![0u8; MEMORY_TOP as usize].into_boxed_slice() }
    }

    access!(load_u8, store_u8, u8, 1);
    access!(load_u16, store_u16, u16, 2);
    access!(load_u32, store_u32, u32, 4);
    access!(load_u64, store_u64, u64, 8);

    /// The byte range `[addr, addr + len)` if it is accessible. An empty range is accessible at
    /// any address (a zero-length buffer may carry a dangling pointer).
    fn range(addr: u64, len: u64) -> Option<std::ops::Range<usize>> {
        if len == 0 {
            return Some(0..0);
        }
        hearth_isa::memory::is_accessible(addr, len).then(|| addr as usize..(addr + len) as usize)
    }

    /// The bytes at `[addr, addr + len)`, if accessible.
    pub fn slice(&self, addr: u64, len: u64) -> Option<&[u8]> {
        Some(&self.bytes[Self::range(addr, len)?])
    }

    /// Mutable bytes at `[addr, addr + len)`, if accessible.
    pub fn slice_mut(&mut self, addr: u64, len: u64) -> Option<&mut [u8]> {
        Some(&mut self.bytes[Self::range(addr, len)?])
    }

    /// The aligned 64-bit word containing `addr` (which must be accessible).
    #[inline]
    pub fn word(&self, addr: u64) -> u64 {
        self.load_u64(addr & !7).unwrap_or(0)
    }

    /// Overwrites the aligned word at `addr` (used to rebuild memory from a checkpoint).
    pub fn set_word(&mut self, addr: u64, value: u64) -> Option<()> {
        self.store_u64(addr & !7, value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_and_stores_at_any_alignment() {
        let mut m = Memory::new();
        let base = 0x0100_0000;
        for offset in 0..16 {
            let addr = base + offset;
            m.store_u64(addr, 0x0102_0304_0506_0708).expect("in range");
            assert_eq!(m.load_u64(addr), Some(0x0102_0304_0506_0708));
            assert_eq!(m.load_u32(addr), Some(0x0506_0708));
            assert_eq!(m.load_u16(addr + 6), Some(0x0102));
            assert_eq!(m.load_u8(addr + 7), Some(0x01));
        }
    }

    #[test]
    fn guards_and_top_are_out_of_range() {
        let mut m = Memory::new();
        assert_eq!(m.load_u8(0), None);
        assert_eq!(m.load_u64(GUARD_END - 4), None);
        assert_eq!(m.load_u64(MEMORY_TOP - 7), None);
        assert_eq!(m.store_u16(MEMORY_TOP - 1, 0), None);
        assert_eq!(m.load_u64(u64::MAX - 3), None);
        assert_eq!(m.load_u64(MEMORY_TOP - 8), Some(0));
        assert!(m.slice(MEMORY_TOP - 1, 2).is_none());
        assert!(m.slice(GUARD_END, 0).is_some());
        assert_eq!(m.slice(1, 0), Some(&[][..]), "empty buffers may dangle");
        assert_eq!(m.slice(u64::MAX, 0), Some(&[][..]));
    }
}
