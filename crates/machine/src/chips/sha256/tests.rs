use super::*;

#[test]
fn layout() {
    // Flags and clk, addresses, the a1 read, state, 12 memory reads, window, its carries,
    // working variables, d and h, round carries, output and its carries.
    assert_eq!(NUM_SHA256_COLS, 4 + 16 + 4 + 32 + 12 * 4 + 17 * 32 + 4 + 8 * 32 + 4 + 12 + 32 + 16);
}
