//! Column layouts as `#[repr(C)]` structs over one element type, viewed in place over a row,
//! shared by the machine's and the recursion's tables.

/// Declares, for a `#[repr(C)]` column struct made only of `T` and arrays of `T`: its width, its
/// column map (each field holding its own column index, for tamper tests and debugging) and
/// in-place views of a row slice as the struct.
#[macro_export]
macro_rules! column_layout {
    ($cols:ident, $num:ident, $map:ident) => {
        /// Number of columns of this table.
        pub const $num: usize = core::mem::size_of::<$cols<u8>>();

        /// Each field holds the index of its column.
        pub const $map: $cols<usize> = {
            let mut indices = [0usize; $num];
            let mut i = 0;
            while i < $num {
                indices[i] = i;
                i += 1;
            }
            // SAFETY: the struct is `#[repr(C)]` and made only of `usize` fields and arrays of
            // them, so it has the layout of `[usize; NUM]`, NUM being its size in `u8` fields.
            unsafe { core::mem::transmute::<[usize; $num], $cols<usize>>(indices) }
        };

        impl<T> core::borrow::Borrow<$cols<T>> for [T] {
            fn borrow(&self) -> &$cols<T> {
                assert_eq!(self.len(), $num, "row width");
                // SAFETY: `$cols<T>` is `#[repr(C)]` over `T` only, so it has the size and
                // alignment of `[T; NUM]`, and the slice holds exactly NUM elements.
                unsafe { &*(self.as_ptr() as *const $cols<T>) }
            }
        }

        impl<T> $cols<T> {
            /// The columns as one slice, in declaration order.
            pub fn as_slice(&self) -> &[T] {
                // SAFETY: `#[repr(C)]` over `T` only: the struct is `[T; NUM]` in memory.
                unsafe { core::slice::from_raw_parts(self as *const Self as *const T, $num) }
            }
        }

        impl<T> core::borrow::BorrowMut<$cols<T>> for [T] {
            fn borrow_mut(&mut self) -> &mut $cols<T> {
                assert_eq!(self.len(), $num, "row width");
                // SAFETY: as for `borrow`.
                unsafe { &mut *(self.as_mut_ptr() as *mut $cols<T>) }
            }
        }
    };
}
