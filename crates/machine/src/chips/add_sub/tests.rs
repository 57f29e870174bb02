use super::*;

#[test]
fn layout() {
    assert_eq!(NUM_ADD_SUB_COLS, 37);
    assert_eq!(ADD_SUB_COL_MAP.sign, 36);
}

mod soundness {
    use hearth_isa::Opcode;

    use super::super::*;
    use crate::chips::Chip;
    use crate::chips::testing::{assert_every_tamper_caught, assert_honest_traces_accepted};

    const OPS: &[Opcode] = &[Opcode::Add, Opcode::Sub, Opcode::Addw, Opcode::Subw];

    #[test]
    fn honest_traces_satisfy_the_constraints() {
        assert_honest_traces_accepted(&Chip::AddSub(AddSubChip), generate_trace, OPS);
    }

    #[test]
    fn every_tampered_cell_is_caught() {
        assert_every_tamper_caught(
            &Chip::AddSub(AddSubChip),
            generate_trace,
            OPS,
            &[(0x8123_4567_89ab_cdef, 0x7fed_cba9_8765_4321), (5, 5)],
        );
    }
}
