use super::*;
use crate::chips::Chip;
use crate::chips::cpu::AluEvent;
use crate::chips::testing::{check_alu, events, trace_of, uncaught_tampers};

#[test]
fn honest_traces_satisfy_the_constraints() {
    let events = events(&MUL_OPS, 300, 1);
    let trace = trace_of(generate_trace, &events);
    check_alu(&Chip::Mul(MulChip), &trace, &events).expect("honest trace");
}

#[test]
fn every_tampered_cell_is_caught() {
    let events: Vec<_> = MUL_OPS
        .iter()
        .flat_map(|&op| {
            [(0x8123_4567_89ab_cdef, 0xfedc_ba98_7654_3210), (3, u64::MAX)].map(|(a, b)| AluEvent {
                op,
                a,
                b,
            })
        })
        .collect();
    let trace = trace_of(generate_trace, &events);
    let missed = uncaught_tampers(&Chip::Mul(MulChip), &trace, &events, events.len());
    assert!(missed.is_empty(), "cells (row, column) whose change went unnoticed: {missed:?}");
}
