use hearth_stark::Val;
use p3_field::{PrimeCharacteristicRing, PrimeField32};
use p3_matrix::Matrix;
use p3_matrix::dense::RowMajorMatrix;

use super::*;
use crate::boundary::BoundaryWord;
use crate::bus::BYTE;
use crate::check::table_interactions;
use crate::lookups::ByteCounts;
use crate::memory_argument::{Challenges, MemoryContext, list_sum, memory_public_values, public};

#[test]
fn layout() {
    let map = &MEMORY_BOUNDARY_COL_MAP;
    assert_eq!(map.is_real, 0);
    assert_eq!(NUM_MEMORY_BOUNDARY_COLS, map.sum[7] + 1 + hearth_verifier::chips::poseidon2::NUM_ROUND_COLS);
}

fn words() -> Vec<BoundaryWord> {
    vec![
        BoundaryWord { addr: 0x1000, before: 0, after: u64::MAX, from_image: true },
        BoundaryWord { addr: 0x1008, before: 7, after: 8, from_image: false },
        BoundaryWord { addr: 0x7ff0_0000, before: 0x0123_4567_89ab_cdef, after: 0, from_image: false },
    ]
}

fn context() -> MemoryContext {
    let seed = [Val::from_u32(3); hearth_stark::config::DIGEST_ELEMS];
    MemoryContext { stamp: 5, prev: vec![0, 4, 2].into(), challenges: Challenges::draw(seed, seed) }
}

/// Whether the trace satisfies the table's constraints under `public_values`, every byte lookup
/// being a true fact.
fn holds(trace: &RowMajorMatrix<Val>, public_values: &[Val]) -> bool {
    let Ok(interactions) = table_interactions(0, &MemoryBoundaryChip::default(), trace, public_values) else {
        return false;
    };
    interactions.iter().filter(|i| i.bus == BYTE).all(|i| {
        let [op, x, y, z] = [0, 1, 2, 3].map(|k| i.message[k].as_canonical_u32());
        crate::bus::ByteOp::holds(op, x, y, z)
    })
}

fn trace_of(words: &[BoundaryWord], context: &MemoryContext) -> (RowMajorMatrix<Val>, Vec<Val>) {
    let timestamps = vec![9; words.len()];
    let trace = generate_trace(
        words,
        &timestamps,
        context,
        MemoryBoundaryChip::height(words.len()),
        &mut ByteCounts::default(),
    );
    let public_values = memory_public_values(words, context, MemoryBoundaryChip::height(words.len()));
    (trace, public_values)
}

#[test]
fn the_honest_table_holds_and_states_its_sum_and_digest() {
    let (words, context) = (words(), context());
    let (trace, public_values) = trace_of(&words, &context);
    assert!(holds(&trace, &public_values));
    let sum = list_sum(&words, &context);
    let coordinates: &[Val] = p3_field::BasedVectorSpace::<Val>::as_basis_coefficients_slice(&sum);
    assert_eq!(&public_values[public::SUM], coordinates);
    // Another stamp, challenge, digest or sum in the public values is refused.
    for at in
        [public::STAMP, public::GAMMA.start, public::ALPHA.end - 1, public::DIGEST.start, public::SUM.end - 1]
    {
        let mut changed = public_values.clone();
        changed[at] += Val::ONE;
        assert!(!holds(&trace, &changed), "public value {at} changed");
    }
}

#[test]
fn lists_out_of_order_or_from_the_future_are_refused() {
    let context = context();
    let mut repeated = words();
    repeated[1].addr = repeated[0].addr;
    let (trace, public_values) = trace_of(&repeated, &context);
    assert!(!holds(&trace, &public_values), "a word listed twice");
    let mut swapped = words();
    swapped.swap(0, 1);
    let (trace, public_values) = trace_of(&swapped, &context);
    assert!(!holds(&trace, &public_values), "out of order");
    for prev in [5, 6] {
        let mut late = context.clone();
        late.prev = vec![0, prev, 2].into();
        let (trace, public_values) = trace_of(&words(), &late);
        assert!(!holds(&trace, &public_values), "a previous writer at stamp {prev}");
    }
}

#[test]
fn every_tampered_cell_is_refused() {
    let (words, context) = (words(), context());
    let (trace, public_values) = trace_of(&words, &context);
    let mut uncaught = Vec::new();
    for row in 0..trace.height() {
        for col in 0..NUM_MEMORY_BOUNDARY_COLS {
            let mut tampered = trace.clone();
            tampered.values[row * NUM_MEMORY_BOUNDARY_COLS + col] += Val::ONE;
            if holds(&tampered, &public_values) {
                uncaught.push((row, col));
            }
        }
    }
    // `final_ts` is a witness the local bus checks (the shard's last access), not this table.
    let final_ts = MEMORY_BOUNDARY_COL_MAP.final_ts;
    uncaught.retain(|&(_, col)| col != final_ts);
    assert!(uncaught.is_empty(), "tampered cells not caught: {uncaught:?}");
}
