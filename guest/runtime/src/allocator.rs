//! The guest heap: a bump allocator over `[_heap_start, _heap_end)` from the linker script.
//!
//! Bumping costs a handful of instructions per allocation, which matters more in a zkVM than
//! reusing memory. Freeing or growing the most recent allocation is done in place, which covers
//! the common `Vec` growth pattern.

use core::{alloc::GlobalAlloc, alloc::Layout, cell::UnsafeCell};

unsafe extern "C" {
    static _heap_start: u8;
    static _heap_end: u8;
}

struct BumpAllocator {
    /// Next free address; 0 before the first allocation.
    next: UnsafeCell<usize>,
}

// SAFETY: guests run on one hart with no interrupts; there is never concurrent access.
unsafe impl Sync for BumpAllocator {}

#[global_allocator]
static HEAP: BumpAllocator = BumpAllocator { next: UnsafeCell::new(0) };

fn heap_bounds() -> (usize, usize) {
    (&raw const _heap_start as usize, &raw const _heap_end as usize)
}

unsafe impl GlobalAlloc for BumpAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let (start, end) = heap_bounds();
        // SAFETY: single-threaded access to `next`.
        let next = unsafe { &mut *self.next.get() };
        let current = if *next == 0 { start } else { *next };
        let aligned = (current + layout.align() - 1) & !(layout.align() - 1);
        match aligned.checked_add(layout.size()) {
            Some(new_next) if new_next <= end => {
                *next = new_next;
                aligned as *mut u8
            }
            _ => core::ptr::null_mut(),
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: single-threaded access to `next`.
        let next = unsafe { &mut *self.next.get() };
        if ptr as usize + layout.size() == *next {
            *next = ptr as usize;
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let (_, end) = heap_bounds();
        // SAFETY: single-threaded access to `next`.
        let next = unsafe { &mut *self.next.get() };
        if ptr as usize + layout.size() == *next && ptr as usize + new_size <= end {
            *next = ptr as usize + new_size;
            return ptr;
        }
        // SAFETY: `layout` is valid for the old block and `new_size` is what the caller asks for.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        // SAFETY: forwarding the caller's guarantees.
        let new = unsafe { self.alloc(new_layout) };
        if !new.is_null() {
            // SAFETY: both blocks are valid for the smaller size and do not overlap (`new` is past
            // the end of every live allocation).
            unsafe { core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size)) };
        }
        new
    }
}
