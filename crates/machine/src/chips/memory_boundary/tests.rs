use super::*;

#[test]
fn layout() {
    assert_eq!(NUM_MEMORY_BOUNDARY_COLS, 20);
    assert_eq!(NUM_MEMORY_BOUNDARY_PERIODIC_COLS, 19);
}
