use super::*;

#[test]
fn layout() {
    assert_eq!(NUM_ADD_SUB_COLS, 37);
    assert_eq!(ADD_SUB_COL_MAP.sign, 36);
}
