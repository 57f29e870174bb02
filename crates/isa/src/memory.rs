//! The guest address space.
//!
//! ```text
//! 0x0000_0000 ┬ guard (4 KiB null-pointer trap + stack guard): any access faults
//! 0x0001_0000 ┼ stack, growing down from STACK_TOP (16 MiB - 64 KiB)
//! 0x0100_0000 ┼ program: .text, .rodata, .data, .bss as the ELF's PT_LOAD segments place them
//!             ┼ heap: from the end of the program (`_heap_start`) up to MEMORY_TOP (`_heap_end`)
//! 0x7800_0000 ┴ end of memory: any access at or above faults
//! ```
//!
//! The stack sits directly above the guard, so a stack overflow faults instead of silently
//! corrupting the program's data (the zkvm-standards guard regions). Every byte address is below
//! the KoalaBear prime (`0x7f00_0001`), so a prover can hold an address in one field element.
//! Instruction fetch reads the program as loaded: stores never change the code that runs.

/// First accessible address; everything below is the guard region.
pub const GUARD_END: u64 = 0x0001_0000;
/// Initial stack pointer (the stack grows down towards [`GUARD_END`]).
pub const STACK_TOP: u64 = 0x0100_0000;
/// Where the linker script places the program's first section.
pub const PROGRAM_START: u64 = STACK_TOP;
/// One past the last accessible address.
pub const MEMORY_TOP: u64 = 0x7800_0000;

/// Whether `[addr, addr + len)` lies entirely in accessible memory.
#[inline]
pub const fn is_accessible(addr: u64, len: u64) -> bool {
    addr >= GUARD_END && len <= MEMORY_TOP - GUARD_END && addr <= MEMORY_TOP - len
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accessibility_bounds() {
        assert!(!is_accessible(0, 1));
        assert!(!is_accessible(GUARD_END - 1, 1));
        assert!(!is_accessible(GUARD_END - 1, 2));
        assert!(is_accessible(GUARD_END, 8));
        assert!(is_accessible(MEMORY_TOP - 8, 8));
        assert!(!is_accessible(MEMORY_TOP - 7, 8));
        assert!(!is_accessible(u64::MAX, 1));
        assert!(!is_accessible(GUARD_END, u64::MAX));
        assert!(is_accessible(GUARD_END, MEMORY_TOP - GUARD_END));
    }
}
