//! Exercises memcpy, memmove (both directions), memset and memcmp on random sizes and
//! alignments. Input: a u64 seed. Output: the final buffer, then one byte per comparison
//! (0 equal, 1 first < second, 2 first > second), for the host to replay and compare.
#![no_std]
#![no_main]

extern crate alloc;

hearth_runtime::entry!(main);

const LEN: usize = 4096;

fn main() {
    let mut state = hearth_programs::read_u64_input() | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut buf = alloc::vec![0u8; LEN];
    for (i, b) in buf.iter_mut().enumerate() {
        *b = i as u8;
    }
    let mut compares = alloc::vec::Vec::new();
    for _ in 0..2000 {
        let n = (next() % 300) as usize;
        let a = (next() as usize) % (LEN - n);
        let b = (next() as usize) % (LEN - n);
        let p = buf.as_mut_ptr();
        // SAFETY: both ranges lie inside `buf`; `copy` allows overlap, and for the
        // non-overlapping copy the ranges are checked disjoint first.
        unsafe {
            match next() % 4 {
                0 => core::ptr::copy(p.add(a), p.add(b), n),
                1 if a + n <= b || b + n <= a => core::ptr::copy_nonoverlapping(p.add(a), p.add(b), n),
                2 => core::ptr::write_bytes(p.add(a), next() as u8, n),
                _ => {
                    let order = core::slice::from_raw_parts(p.add(a), n)
                        .cmp(core::slice::from_raw_parts(p.add(b), n));
                    compares.push(order as i8 as u8 & 3);
                }
            }
        }
    }
    hearth_runtime::write_output(&buf);
    hearth_runtime::write_output(&compares);
}
