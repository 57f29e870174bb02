use super::*;

#[test]
fn layout() {
    // Flags and clk, addresses, the a1 read, state, 12 memory reads, window, its carries,
    // working variables, d and h, round carries, output and its carries.
    assert_eq!(NUM_SHA256_COLS, 4 + 16 + 4 + 32 + 12 * 4 + 17 * 32 + 4 + 8 * 32 + 4 + 12 + 32 + 16);
}

mod copies {
    use core::borrow::Borrow;

    use hearth_stark::Val;
    use p3_field::PrimeCharacteristicRing;
    use p3_matrix::dense::RowMajorMatrix;

    use super::super::trace::{extend_schedule, fill_rounds, schedule};
    use super::*;

    /// One padding-style block (not a call, so no memory: any block is allowed) compressing
    /// `block` from the zero state, with rows `from..` recomputed after `edit` changes the
    /// working variables before round `from` or the schedule.
    fn block_rows(block: &[u8; 64], from: usize, edit: impl Fn(&mut [u32; 8], &mut [u32; 80])) -> Vec<u32> {
        let mut rows = vec![0u32; ROWS_PER_CALL * NUM_SHA256_COLS];
        let mut w = schedule(block);
        fill_rounds(&mut rows, [0; 8], [0; 8], &w, 0);
        // The working variables before round `from`: the previous row's state after its round.
        let prev: &Sha256Cols<u32> = rows[(from - 1) * NUM_SHA256_COLS..from * NUM_SHA256_COLS].borrow();
        let word = |bits: &[u32; 32]| bits.iter().rev().fold(0u32, |acc, &b| (acc << 1) | b);
        let mut working: [u32; 8] =
            core::array::from_fn(|i| word(if i < 4 { &prev.a[i] } else { &prev.e[i - 4] }));
        edit(&mut working, &mut w);
        fill_rounds(&mut rows[from * NUM_SHA256_COLS..], [0; 8], working, &w, from);
        rows
    }

    fn accepted(rows: Vec<u32>) -> bool {
        let trace = RowMajorMatrix::new(rows.into_iter().map(Val::from_u32).collect(), NUM_SHA256_COLS);
        crate::check::table_interactions(0, &Sha256Chip, &trace, &[]).is_ok()
    }

    /// Changing one working variable or schedule word between two rounds, with every later
    /// round recomputed to agree with the change, breaks only the copy from one row to the next;
    /// the table must refuse it.
    #[test]
    fn each_value_carried_between_rounds_is_checked() {
        let block: [u8; 64] = core::array::from_fn(|i| (i * 29 + 3) as u8);
        assert!(accepted(block_rows(&block, 30, |_, _| ())), "honest block");
        for variable in 0..8 {
            let rows = block_rows(&block, 30, |v, _| v[variable] = v[variable].wrapping_add(1));
            assert!(!accepted(rows), "working variable {variable} changed between rounds");
        }
        for offset in 0..16 {
            let rows = block_rows(&block, 30, |_, w| {
                w[30 + offset] ^= 1;
                // Row 30 computes W[46] onwards itself.
                extend_schedule(w, 46);
            });
            assert!(!accepted(rows), "schedule word W[30 + {offset}] changed between rounds");
        }
    }
}
