use super::*;

#[test]
fn layout() {
    assert_eq!(NUM_LT_COLS, 17 + 8 + 8 + 8);
}
