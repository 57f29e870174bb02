use super::*;

#[test]
fn layout() {
    let map = &MEMORY_BOUNDARY_COL_MAP;
    assert_eq!(map.is_real, 0);
    assert_eq!(NUM_MEMORY_BOUNDARY_COLS, map.sum[7] + 1 + hearth_verifier::chips::poseidon2::NUM_ROUND_COLS);
}
