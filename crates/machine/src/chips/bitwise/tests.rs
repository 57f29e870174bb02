use super::*;

#[test]
fn layout() {
    assert_eq!(NUM_BITWISE_COLS, 27);
}
