//! How tall a shard's tables are proven.
//!
//! Each distinct shard shape (the tables a proof holds and their heights) needs its own leaf
//! program when shards are aggregated, so a block whose shards all differ builds dozens of
//! them. Proven on the [`TableHeights::Menu`], a table is raised to the smallest of a few
//! canonical heights that holds it, which folds a block's shapes into a few at the cost of some
//! padding rows (`docs/recursion.md`, "Constant keys"). Padding rows add nothing to any bus,
//! so a taller table proves the same statement.

use serde::{Deserialize, Serialize};

use crate::chips::index;

/// The heights a shard's tables are proven at.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum TableHeights {
    /// Each table at the smallest power of two that holds its rows.
    #[default]
    Natural,
    /// Each table raised to the smallest entry of [`menu`] that holds its rows (taller tables
    /// stay at their natural height).
    Menu,
}

impl TableHeights {
    /// Rows of `table` (a machine index) whose natural height is `natural` rows (a power of two).
    pub fn rows(self, table: usize, natural: usize) -> usize {
        match self {
            Self::Natural => natural,
            Self::Menu => {
                let entry = menu(table).iter().map(|&log| 1usize << log).find(|&rows| rows >= natural);
                entry.unwrap_or(natural)
            }
        }
    }
}

/// The menu's heights (`log2`, ascending) of each machine table; none for a table kept at its
/// natural height: fixed tables (program, byte, registers, memory image), the CPU and add/sub
/// tables (the shard's cycles: the menu would only pad a run's last shard), the stream (its
/// columns are the verifier's data, at their own height) and the input table (by the witness's
/// size, one shard per run). From the shapes of two mainnet blocks' shards
/// (`docs/recursion.md`): Keccak-f at every power from 2^10 to 2^16, the memory boundary at
/// 2^13, 2^15 or 2^17, the I/O words at 2^4 or 2^17, and the other moving tables at the
/// largest height those shards reached.
pub fn menu(table: usize) -> &'static [usize] {
    match table {
        index::BITWISE | index::LT | index::SHIFT => &[17],
        index::MUL => &[14],
        index::DIVREM => &[8],
        index::SYSCALL => &[4],
        index::KECCAK_F => &[10, 11, 12, 13, 14, 15, 16],
        index::SECP256K1_ADD | index::SECP256K1_DOUBLE | index::SECP256K1_DECOMPRESS => &[12],
        index::IO_WORD => &[4, 17],
        index::MEMORY_BOUNDARY => &[13, 15, 17],
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chips::CHIP_NAMES;

    #[test]
    fn natural_heights_are_kept() {
        for table in 0..CHIP_NAMES.len() {
            for log in 4..20 {
                assert_eq!(TableHeights::Natural.rows(table, 1 << log), 1 << log);
            }
        }
    }

    #[test]
    fn the_menu_raises_to_its_smallest_entry_that_holds_the_rows() {
        let menu_rows = |table, log: usize| TableHeights::Menu.rows(table, 1 << log).trailing_zeros();
        assert_eq!(menu_rows(index::KECCAK_F, 7), 10);
        assert_eq!(menu_rows(index::KECCAK_F, 13), 13);
        assert_eq!(menu_rows(index::MEMORY_BOUNDARY, 10), 13);
        assert_eq!(menu_rows(index::MEMORY_BOUNDARY, 14), 15);
        assert_eq!(menu_rows(index::MEMORY_BOUNDARY, 17), 17);
        assert_eq!(menu_rows(index::IO_WORD, 5), 17);
        // Past the menu's top, and for tables off it, the natural height stays.
        assert_eq!(menu_rows(index::MEMORY_BOUNDARY, 19), 19);
        assert_eq!(menu_rows(index::CPU, 12), 12);
        assert_eq!(menu_rows(index::STREAM, 5), 5);
    }

    #[test]
    fn menu_entries_ascend_and_stay_below_the_shape_limit() {
        for (table, name) in CHIP_NAMES.iter().enumerate() {
            let entries = menu(table);
            assert!(entries.windows(2).all(|w| w[0] < w[1]), "{name}");
            assert!(entries.iter().all(|&log| (4..=24).contains(&log)), "{name}");
        }
    }
}
