use super::*;

#[test]
fn layout() {
    assert_eq!(NUM_REGISTERS_COLS, 18);
}
