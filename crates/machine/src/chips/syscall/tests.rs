use super::*;

#[test]
fn layout() {
    assert_eq!(NUM_SYSCALL_COLS, 5 + 1 + 8 + 8 + 4 + 8 + 4 + 8 + 1 + 1 + 4);
}
