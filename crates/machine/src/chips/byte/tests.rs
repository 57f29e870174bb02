use super::*;
use crate::bus::ByteOp;

#[test]
fn every_operation_answers_like_the_cpu() {
    for x in [0u8, 1, 127, 128, 200, 255] {
        for y in [0u8, 1, 64, 128, 255] {
            assert_eq!(ByteOp::And.eval(x, y), x & y);
            assert_eq!(ByteOp::Ltu.eval(x, y), (x < y) as u8);
            assert_eq!(ByteOp::Msb.eval(x, y), x >> 7);
        }
    }
    assert_eq!(NUM_BYTE_PREPROCESSED_COLS, 7);
    assert_eq!(BYTE_COL_MAP.multiplicity[ByteOp::Msb as usize], 5);
}
