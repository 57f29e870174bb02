use super::*;

#[test]
fn layout() {
    assert_eq!(NUM_LT_COLS, 17 + 8 + 8 + 8);
}

mod soundness {
    use hearth_isa::Opcode;

    use super::super::*;
    use crate::chips::Chip;
    use crate::chips::cpu::AluEvent;
    use crate::chips::testing::{check_alu, events, trace_of, uncaught_tampers};

    const OPS: &[Opcode] = &crate::chips::lt::air::LT_OPS;

    #[test]
    fn honest_traces_satisfy_the_constraints() {
        let events = events(OPS, 300, 1);
        let trace = trace_of(generate_trace, &events);
        check_alu(&Chip::Lt(LtChip), &trace, &events).expect("honest trace");
    }

    #[test]
    fn every_tampered_cell_is_caught() {
        let events: Vec<_> = OPS
            .iter()
            .flat_map(|&op| {
                [(0x8123_4567_89ab_cdef, 0x7fed_cba9_8765_4321), (5, 5)].map(|(a, b)| AluEvent { op, a, b })
            })
            .collect();
        let trace = trace_of(generate_trace, &events);
        let missed = uncaught_tampers(&Chip::Lt(LtChip), &trace, &events, events.len());
        assert!(missed.is_empty(), "cells (row, column) whose change went unnoticed: {missed:?}");
    }
}
