//! Column layouts as `#[repr(C)]` structs over one element type, viewed in place over a row.

pub(crate) use hearth_stark::column_layout;

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
