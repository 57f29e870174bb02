use super::*;
use crate::chips::Chip;
use crate::chips::testing::{assert_every_tamper_caught, assert_honest_traces_accepted};

#[test]
fn honest_traces_satisfy_the_constraints() {
    assert_honest_traces_accepted(&Chip::Mul(MulChip), generate_trace, &MUL_OPS);
}

#[test]
fn every_tampered_cell_is_caught() {
    let operands = [(0x8123_4567_89ab_cdef, 0xfedc_ba98_7654_3210), (3, u64::MAX)];
    assert_every_tamper_caught(&Chip::Mul(MulChip), generate_trace, &MUL_OPS, &operands);
}
