use super::*;

#[test]
fn layout() {
    assert_eq!(NUM_MEMORY_BOUNDARY_COLS, 3 + 8 + 1 + MAX_REGIONS + 1 + 12);
}

#[test]
fn regions_cover_memory_outside_the_image_in_order() {
    use hearth_isa::memory::{GUARD_END, MEMORY_TOP};
    for (lo, hi) in
        [(0x0100_0000u64, 0x0100_4000u64), (GUARD_END + 8, MEMORY_TOP), (0x2000_0000, 0x2000_0008)]
    {
        let regions = regions(lo, hi);
        let mut covered = Vec::new();
        for &(start, end) in regions.iter().filter(|(s, e)| s <= e) {
            assert!(end - start < REGION_BYTES, "region too large");
            covered.push((start, end));
        }
        assert!(covered.windows(2).all(|w| w[0].1 < w[1].0), "ordered and disjoint");
        let words: u64 = covered.iter().map(|(s, e)| (e - s) / 8 + 1).sum();
        assert_eq!(words, (lo - GUARD_END) / 8 + (MEMORY_TOP - hi) / 8);
    }
}

/// Whether the table's constraints hold on `words` as generated and then edited by `edit`.
fn accepted(words: &[(u64, u64, u64)], edit: impl Fn(&mut [hearth_stark::Val])) -> bool {
    let image =
        crate::chips::memory_image::MemoryImage { lo: 0x0100_0000, hi: 0x0100_4000, words: vec![0; 2048] };
    let mut counts = crate::lookups::ByteCounts::default();
    let mut trace = generate_trace::<hearth_stark::Val>(&image, words, &mut counts);
    edit(&mut trace.values);
    let chip = MemoryBoundaryChip { image_lo: image.lo as u32, image_hi: image.hi as u32 };
    crate::chips::testing::holds_alone(&chip, &trace)
}

#[test]
fn repeated_or_misplaced_addresses_break_a_constraint() {
    use hearth_stark::Val;
    use p3_field::PrimeCharacteristicRing;
    let map = &MEMORY_BOUNDARY_COL_MAP;
    let at = |row: usize, col: usize| row * NUM_MEMORY_BOUNDARY_COLS + col;
    // A stack word, a heap word just above the image, one far up the heap.
    let words = [(0x00ff_0000, 1, 5), (0x0100_4000, 2, 6), (0x5000_0000, 3, 7)];
    assert!(accepted(&words, |_| ()));
    // The second word claims the first's address: two initial tokens for one word.
    assert!(!accepted(&words, |v| v[at(1, map.addr)] = Val::from_u32(0x00ff_0000)));
    // The far heap word claims the stack region, with gaps that agree in the field: the gaps'
    // bound keeps it out.
    assert!(!accepted(&words, |v| {
        for i in 0..MAX_REGIONS {
            v[at(2, map.region[i])] = Val::from_bool(i == 0);
        }
        let (start, end) = regions(0x0100_0000, 0x0100_4000)[0];
        let low = (Val::from_u64(0x5000_0000) - Val::from_u64(start)) / Val::from_u8(8);
        let high = Val::from_u64(end) - Val::from_u64(0x5000_0000);
        for (gap, cols) in [(low, map.low_gap), (high, map.high_gap)] {
            let b = p3_field::PrimeField32::as_canonical_u32(&gap).to_le_bytes();
            for j in 0..4 {
                v[at(2, cols[j])] = Val::from_u8(b[j]);
            }
        }
    }));
    // An unaligned word (a phantom cell next to a real one), with gaps that agree in the field.
    assert!(!accepted(&words, |v| {
        let addr = 0x0100_4004u64;
        v[at(1, map.addr)] = Val::from_u64(addr);
        let (start, end) = regions(0x0100_0000, 0x0100_4000)[1];
        let low = (Val::from_u64(addr) - Val::from_u64(start)) / Val::from_u8(8);
        for (gap, cols) in [(low, map.low_gap), (Val::from_u64(end - addr), map.high_gap)] {
            let b = p3_field::PrimeField32::as_canonical_u32(&gap).to_le_bytes();
            for j in 0..4 {
                v[at(1, cols[j])] = Val::from_u8(b[j]);
            }
        }
    }));
    // An image word.
    assert!(!accepted(&words, |v| v[at(1, map.addr)] = Val::from_u32(0x0100_3ff8)));
}
