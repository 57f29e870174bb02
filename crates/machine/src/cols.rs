//! Column layouts as `#[repr(C)]` structs over one element type, viewed in place over a row.

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

pub(crate) use crate::column_layout;

/// A table from cells computed as integers below 2^31 (so below `p`). Converting through `u32`
/// spares the 128-bit reduction a general `u64` conversion needs, which dominated trace
/// generation.
pub(crate) fn field_matrix<F: p3_field::PrimeCharacteristicRing + Send + Sync, T: Into<u64>>(
    values: Vec<T>,
    width: usize,
) -> p3_matrix::dense::RowMajorMatrix<F> {
    let values = values
        .into_iter()
        .map(|v| {
            let v: u64 = v.into();
            debug_assert!(v < 1 << 31, "cell {v} out of range");
            F::from_u32(v as u32)
        })
        .collect();
    p3_matrix::dense::RowMajorMatrix::new(values, width)
}

/// Rows of a table computed one at a time in 64-bit scratch cells and stored as `u32` (every
/// cell is below 2^31): half the memory of a `u64` table, which matters at millions of rows.
/// `pad` fills the scratch of rows without an event (and before each event's `fill`).
pub(crate) fn fill_rows<E>(
    height: usize,
    width: usize,
    events: impl IntoIterator<Item = E>,
    pad: impl Fn(&mut [u64]),
    mut fill: impl FnMut(E, &mut [u64]),
) -> Vec<u32> {
    let mut values = vec![0u32; height * width];
    let mut scratch = vec![0u64; width];
    let mut events = events.into_iter();
    for row in values.chunks_exact_mut(width) {
        scratch.fill(0);
        pad(&mut scratch);
        if let Some(event) = events.next() {
            fill(event, &mut scratch);
        }
        for (cell, &v) in row.iter_mut().zip(&scratch) {
            debug_assert!(v < 1 << 31, "cell {v} out of range");
            *cell = v as u32;
        }
    }
    values
}
