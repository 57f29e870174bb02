use super::*;

#[test]
fn layout() {
    assert_eq!(NUM_KECCAK_F_COLS, p3_keccak_air::NUM_KECCAK_COLS + 2 + 8 + 200 + 100);
}
