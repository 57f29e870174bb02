use super::*;
use crate::chips::Chip;
use crate::chips::testing::{check_alu, events, trace_of, uncaught_tampers};

#[test]
fn honest_traces_satisfy_the_constraints() {
    let events = events(&SHIFT_OPS, 300, 1);
    let trace = trace_of(generate_trace, &events);
    check_alu(&Chip::Shift(ShiftChip), &trace, &events).expect("honest trace");
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
    // One row per operation, with amounts that move bits across bytes.
    let events: Vec<_> = SHIFT_OPS
        .iter()
        .map(|&op| crate::chips::cpu::AluEvent { op, a: 0x8123_4567_89ab_cdef, b: 13 })
        .collect();
    let trace = trace_of(generate_trace, &events);
    let missed = uncaught_tampers(&Chip::Shift(ShiftChip), &trace, &events, events.len());
    assert!(missed.is_empty(), "cells (row, column) whose change went unnoticed: {missed:?}");
}
