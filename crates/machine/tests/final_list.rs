//! The final list's own proof: an honest list proves and verifies; changed public values, and
//! lists out of order or misplaced against the image, are refused.

use hearth_machine::final_list::{FinalListProof, prove_final_list, verify_final_list};
use hearth_machine::memory_argument::{Challenges, FinalWord};
use hearth_stark::{CpuBackend, ProofParams, Val};
use p3_field::PrimeCharacteristicRing;

const IMAGE: core::ops::Range<u32> = 0x1000..0x1100;

fn words() -> Vec<FinalWord> {
    vec![
        FinalWord { addr: 0x0ff8, value: 7, last: 2, in_image: false },
        FinalWord { addr: 0x1000, value: u64::MAX, last: 1, in_image: true },
        FinalWord { addr: 0x1100, value: 3, last: 3, in_image: false },
    ]
}

fn prove(words: &[FinalWord]) -> Option<FinalListProof> {
    let seed = [Val::from_u32(5); hearth_stark::config::DIGEST_ELEMS];
    let challenges = Challenges::draw(seed, seed);
    prove_final_list(&CpuBackend, &ProofParams::insecure_test(), words, &IMAGE, &challenges).ok()
}

#[test]
fn an_honest_final_list_proves_and_verifies_and_its_public_values_are_bound() {
    let proof = prove(&words()).expect("proves");
    verify_final_list(&proof).expect("verifies");
    for at in 0..proof.public_values.len() {
        let mut changed = FinalListProof { stark: copy(&proof), public_values: proof.public_values.clone() };
        changed.public_values[at] += Val::ONE;
        assert!(verify_final_list(&changed).is_err(), "public value {at} changed");
    }
}

#[test]
fn lists_out_of_order_or_misplaced_against_the_image_are_refused() {
    let mut swapped = words();
    swapped.swap(0, 1);
    let mut misplaced = words();
    misplaced[2].in_image = true;
    let mut twice = words();
    twice[1].addr = twice[0].addr;
    for (list, what) in [(swapped, "out of order"), (misplaced, "misplaced"), (twice, "a word twice")] {
        if let Some(proof) = prove(&list) {
            assert!(verify_final_list(&proof).is_err(), "{what}");
        }
    }
}

fn copy(proof: &FinalListProof) -> hearth_stark::prover::StarkProof {
    postcard::from_bytes(&postcard::to_allocvec(&proof.stark).expect("ser")).expect("de")
}
