use super::*;

#[test]
fn layout() {
    assert_eq!(NUM_MEMORY_BOUNDARY_COLS, 25);
}
