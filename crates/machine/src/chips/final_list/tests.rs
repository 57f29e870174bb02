use hearth_stark::Val;
use p3_field::{PrimeCharacteristicRing, PrimeField32};
use p3_matrix::Matrix;
use p3_matrix::dense::RowMajorMatrix;

use super::*;
use crate::bus::BYTE;
use crate::check::table_interactions;
use crate::lookups::ByteCounts;
use crate::memory_argument::{Challenges, FinalWord, final_sum};

/// The program image covers `[0x1000, 0x1100)`.
const IMAGE: core::ops::Range<u32> = 0x1000..0x1100;

fn words() -> Vec<FinalWord> {
    vec![
        FinalWord { addr: 0x0ff8, value: 7, last: 2, in_image: false },
        FinalWord { addr: 0x1000, value: u64::MAX, last: 1, in_image: true },
        FinalWord { addr: 0x10f8, value: 0, last: 3, in_image: true },
        FinalWord { addr: 0x1100, value: 0x0123_4567_89ab_cdef, last: 3, in_image: false },
        FinalWord { addr: 0x7ff0_0000, value: 9, last: 1, in_image: false },
    ]
}

fn challenges() -> Challenges {
    let seed = [Val::from_u32(3); hearth_stark::config::DIGEST_ELEMS];
    Challenges::draw(seed, seed)
}

/// Whether the trace satisfies the table's constraints under `public_values`, every byte lookup
/// being a true fact (the byte table's side of the bus).
fn holds(trace: &RowMajorMatrix<Val>, public_values: &[Val]) -> bool {
    let Ok(interactions) = table_interactions(0, &FinalListChip::default(), trace, public_values) else {
        return false;
    };
    interactions.iter().filter(|i| i.bus == BYTE).all(|i| {
        let [op, x, y, z] = [0, 1, 2, 3].map(|k| i.message[k].as_canonical_u32());
        crate::bus::ByteOp::holds(op, x, y, z)
    })
}

fn trace_of(words: &[FinalWord]) -> (RowMajorMatrix<Val>, Vec<Val>) {
    let challenges = challenges();
    let trace = generate_trace(words, &IMAGE, &challenges, &mut ByteCounts::default());
    let public_values =
        final_list_public_values(words, &IMAGE, &challenges, FinalListChip::height(words.len()));
    (trace, public_values)
}

#[test]
fn layout() {
    let map = &FINAL_LIST_COL_MAP;
    assert_eq!(map.is_real, 0);
    assert_eq!(NUM_FINAL_LIST_COLS, map.sum[7] + 1 + hearth_verifier::chips::poseidon2::NUM_ROUND_COLS);
}

#[test]
fn the_honest_table_holds_and_states_its_sum_and_digest() {
    let words = words();
    let (trace, public_values) = trace_of(&words);
    assert!(holds(&trace, &public_values));
    // The sum is the final list's, as the memory argument defines it; the digest is the one
    // the table's sponge computes natively, and depends on every word.
    let sum = final_sum(&words, &challenges());
    let coordinates: &[Val] = p3_field::BasedVectorSpace::<Val>::as_basis_coefficients_slice(&sum);
    assert_eq!(&public_values[public::SUM], coordinates);
    let height = FinalListChip::height(words.len());
    let mut other = words.clone();
    other[2].value = 1;
    assert_ne!(final_list_sponge(&words, &IMAGE, height).1, final_list_sponge(&other, &IMAGE, height).1);
    // Another challenge, image bound, digest or sum in the public values is refused.
    for at in [
        public::GAMMA.start,
        public::ALPHA.end - 1,
        public::IMAGE_LO,
        public::IMAGE_HI,
        public::DIGEST.start,
        public::SUM.end - 1,
    ] {
        let mut changed = public_values.clone();
        changed[at] += Val::ONE;
        assert!(!holds(&trace, &changed), "public value {at} changed");
    }
}

#[test]
fn lists_out_of_order_or_misplaced_against_the_image_are_refused() {
    let mut repeated = words();
    repeated[1].addr = repeated[0].addr;
    let (trace, public_values) = trace_of(&repeated);
    assert!(!holds(&trace, &public_values), "a word listed twice");
    let mut swapped = words();
    swapped.swap(0, 1);
    let (trace, public_values) = trace_of(&swapped);
    assert!(!holds(&trace, &public_values), "out of order");
    // A word claimed inside the image that is not, or outside it that is.
    for k in 0..words().len() {
        let mut flipped = words();
        flipped[k].in_image = !flipped[k].in_image;
        let (trace, public_values) = trace_of(&flipped);
        assert!(!holds(&trace, &public_values), "word {k} on the wrong side of the image");
    }
}

#[test]
fn every_tampered_cell_is_refused() {
    let (trace, public_values) = trace_of(&words());
    let mut uncaught = Vec::new();
    for row in 0..trace.height() {
        for col in 0..NUM_FINAL_LIST_COLS {
            let mut tampered = trace.clone();
            tampered.values[row * NUM_FINAL_LIST_COLS + col] += Val::ONE;
            if holds(&tampered, &public_values) {
                uncaught.push((row, col));
            }
        }
    }
    assert!(uncaught.is_empty(), "tampered cells not caught: {uncaught:?}");
}
