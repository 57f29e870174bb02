use super::*;

#[test]
fn layout() {
    assert_eq!(NUM_STREAM_COLS, 5);
}
