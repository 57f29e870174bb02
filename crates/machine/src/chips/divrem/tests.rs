use super::*;
use crate::chips::Chip;
use crate::chips::cpu::AluEvent;
use crate::chips::testing::{assert_every_tamper_caught, assert_honest_traces_accepted, check_alu_claims};
use crate::heights::TableHeights;
use crate::lookups::ByteCounts;

fn trace(events: &[AluEvent]) -> p3_matrix::dense::RowMajorMatrix<hearth_stark::Val> {
    generate_trace(events, TableHeights::Natural, &mut ByteCounts::default()).0
}

#[test]
fn honest_traces_satisfy_the_constraints() {
    assert_honest_traces_accepted(
        &Chip::DivRem(DivRemChip),
        |e, h, c| generate_trace(e, h, c).0,
        &DIVREM_OPS,
    );
}

#[test]
fn every_tampered_cell_is_caught() {
    // Per operation: an ordinary division with negative operands, division by zero, and the
    // signed overflow case.
    let operands =
        [(-1_000_003i64 as u64, 17), (0x1234_5678_9abc, 0), (i64::MIN as u64, u64::MAX), (77, -5i64 as u64)];
    assert_every_tamper_caught(
        &Chip::DivRem(DivRemChip),
        |e, h, c| generate_trace(e, h, c).0,
        &DIVREM_OPS,
        &operands,
    );
}

#[test]
fn a_quotient_with_too_large_a_remainder_is_rejected() {
    // A requester claiming 7 / 2 = 2: the row holding q = 2, r = 3 satisfies 2 * 2 + 3 = 7, but
    // no comparison row can answer 3 < 2.
    let event = AluEvent { op: hearth_isa::Opcode::Divu, a: 7, b: 2 };
    let chip = Chip::DivRem(DivRemChip);
    let mut t = trace(&[event]);
    check_alu_claims(&chip, &t, &[(event, 3)]).expect("the honest row answers 3");
    for (col, value) in [
        (DIVREM_COL_MAP.q[0], 2),
        (DIVREM_COL_MAP.r[0], 3),
        (DIVREM_COL_MAP.r_abs[0], 3),
        (DIVREM_COL_MAP.c[0], 2),
    ] {
        t.values[col] = hearth_stark::Val::new(value);
    }
    let err = check_alu_claims(&chip, &t, &[(event, 2)]).expect_err("forged quotient");
    assert!(matches!(&err, crate::check::CheckFailure::Bus { bus, .. } if bus == "alu"), "{err}");
}
