use super::*;

#[test]
fn layout() {
    assert_eq!(NUM_MEMORY_IMAGE_PREPROCESSED_COLS, 9);
    assert_eq!(NUM_MEMORY_IMAGE_COLS, 1);
}
