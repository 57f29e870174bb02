use super::*;

#[test]
fn column_map_is_dense_and_ordered() {
    assert_eq!(CPU_COL_MAP.is_real, 0);
    assert_eq!(CPU_COL_MAP.is_exit, NUM_CPU_COLS - 1);
    assert!(CPU_COL_MAP.instr.opcode < CPU_COL_MAP.rs1_val[0]);
}
