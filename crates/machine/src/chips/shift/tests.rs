use super::*;
use crate::chips::Chip;
use crate::chips::testing::{
    assert_every_tamper_caught, assert_honest_traces_accepted, check_alu, events, trace_of,
};

#[test]
fn honest_traces_satisfy_the_constraints() {
    assert_honest_traces_accepted(&Chip::Shift(ShiftChip), generate_trace, &SHIFT_OPS);
}

#[test]
fn wrong_answers_are_rejected() {
    // The table answers each request once: a request it did not answer is unbalanced.
    let events = events(&SHIFT_OPS, 4, 2);
    let trace = trace_of(generate_trace, &events);
    let mut claimed = events.clone();
    claimed[0].a ^= 1;
    assert!(check_alu(&Chip::Shift(ShiftChip), &trace, &claimed).is_err());
}

#[test]
fn every_tampered_cell_is_caught() {
    // One row per operation, with an amount that moves bits across bytes.
    assert_every_tamper_caught(
        &Chip::Shift(ShiftChip),
        generate_trace,
        &SHIFT_OPS,
        &[(0x8123_4567_89ab_cdef, 13)],
    );
}
