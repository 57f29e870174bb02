use super::*;

#[test]
fn layout() {
    assert_eq!(NUM_BITWISE_COLS, 27);
}

mod soundness {
    use hearth_isa::Opcode;

    use super::super::*;
    use crate::chips::Chip;
    use crate::chips::testing::{assert_every_tamper_caught, assert_honest_traces_accepted};

    const OPS: &[Opcode] = &[Opcode::And, Opcode::Or, Opcode::Xor];

    #[test]
    fn honest_traces_satisfy_the_constraints() {
        assert_honest_traces_accepted(&Chip::Bitwise(BitwiseChip), generate_trace, OPS);
    }

    #[test]
    fn every_tampered_cell_is_caught() {
        assert_every_tamper_caught(
            &Chip::Bitwise(BitwiseChip),
            generate_trace,
            OPS,
            &[(0x8123_4567_89ab_cdef, 0x7fed_cba9_8765_4321), (5, 5)],
        );
    }
}
