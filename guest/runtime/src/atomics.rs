//! Atomic libcalls for a single hart.
//!
//! The target has no A extension; with `+forced-atomics` LLVM lowers atomic read-modify-write and
//! compare-and-swap to `__sync_*` calls. A guest runs on one hart without interrupts, so plain
//! loads and stores are atomic, and these are all that `alloc::sync::Arc` and friends need.

macro_rules! sync_libcalls {
    ($($ty:ty, $signed:ty => $n:literal),*) => { $(
        const _: () = {
            #[unsafe(export_name = concat!("__sync_val_compare_and_swap_", $n))]
            unsafe extern "C" fn val_cas(ptr: *mut $ty, old: $ty, new: $ty) -> $ty {
                // SAFETY: the compiler only emits this call with a valid, aligned pointer.
                unsafe {
                    let current = ptr.read();
                    if current == old {
                        ptr.write(new);
                    }
                    current
                }
            }

            #[unsafe(export_name = concat!("__sync_bool_compare_and_swap_", $n))]
            unsafe extern "C" fn bool_cas(ptr: *mut $ty, old: $ty, new: $ty) -> bool {
                // SAFETY: as above.
                unsafe { val_cas(ptr, old, new) == old }
            }

            #[unsafe(export_name = concat!("__sync_lock_test_and_set_", $n))]
            unsafe extern "C" fn swap(ptr: *mut $ty, value: $ty) -> $ty {
                // SAFETY: as above.
                unsafe { ptr.replace(value) }
            }

            sync_libcalls!(@rmw $ty, $n,
                add: |a: $ty, b: $ty| a.wrapping_add(b),
                sub: |a: $ty, b: $ty| a.wrapping_sub(b),
                and: |a: $ty, b: $ty| a & b,
                or: |a: $ty, b: $ty| a | b,
                xor: |a: $ty, b: $ty| a ^ b,
                nand: |a: $ty, b: $ty| !(a & b),
                max: |a: $ty, b: $ty| (a as $signed).max(b as $signed) as $ty,
                min: |a: $ty, b: $ty| (a as $signed).min(b as $signed) as $ty,
                umax: |a: $ty, b: $ty| a.max(b),
                umin: |a: $ty, b: $ty| a.min(b)
            );
        };
    )* };
    (@rmw $ty:ty, $n:literal, $($op:ident: $f:expr),*) => { $(
        #[unsafe(export_name = concat!("__sync_fetch_and_", stringify!($op), "_", $n))]
        unsafe extern "C" fn $op(ptr: *mut $ty, value: $ty) -> $ty {
            // SAFETY: the compiler only emits this call with a valid, aligned pointer.
            unsafe { ptr.replace($f(ptr.read(), value)) }
        }
    )* };
}

// Signed min/max compare the operands as signed values of their own width.
sync_libcalls!(u8, i8 => "1", u16, i16 => "2", u32, i32 => "4", u64, i64 => "8");
