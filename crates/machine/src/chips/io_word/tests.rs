use super::*;

#[test]
fn layout() {
    assert_eq!(NUM_IO_WORD_COLS, 4 + 8 + 8 + 2 + 8 + 8 + 4);
}
