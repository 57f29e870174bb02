use hearth_stark::config::{SPONGE_RATE, hash_values};
use hearth_stark::{Challenge, ProofParams, Val};
use p3_field::{BasedVectorSpace, PrimeCharacteristicRing};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::*;
use crate::circuit::testing::{Fixture, random_ext};
use crate::circuit::{
    Cell, CircuitBuilder, Instr, OpeningInstr, PadHeights, base_cell, table, table_log_heights,
};

/// Matrix-row widths of the test's hashes: rows ending mid-permutation, an empty row, a row
/// over two permutations, a hash of exactly one permutation, a last permutation of one value.
const HASHES: [&[usize]; 3] = [&[3, 20, 1, 0, 7], &[15], &[16, 14]];

fn ext_cell(e: Challenge) -> Cell {
    e.as_basis_coefficients_slice().try_into().unwrap()
}

/// `sum_j factor^(w - 1 - j) v_j`, from powers rather than the table's running sum.
fn expected_sum(values: &[Val], factor: Challenge) -> Challenge {
    let w = values.len();
    values.iter().enumerate().map(|(j, &v)| factor.exp_u64((w - 1 - j) as u64) * v).sum()
}

/// A program hashing [`HASHES`]' rows with the opening table, each digest and (with
/// `check_sums`) each non-empty row's sum checked against inputs; with the inputs an
/// independent computation gives. Unchecked sums are read by nothing, so only the table's own
/// constraints hold them.
fn opening_fixture(seed: u64, check_sums: bool) -> Fixture {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut b = CircuitBuilder::new();
    b.use_opening_table();
    let factor_cell = b.input_ext();
    let factor = random_ext(&mut rng);
    let mut inputs = vec![ext_cell(factor)];
    for widths in HASHES {
        let rows: Vec<Vec<_>> = widths.iter().map(|&w| (0..w).map(|_| b.opened_input()).collect()).collect();
        let values: Vec<Vec<Val>> = widths
            .iter()
            .map(|&w| (0..w).map(|_| Val::from_u32(rng.random_range(0..0x7f00_0001))).collect())
            .collect();
        inputs.extend(values.iter().flatten().map(|&v| base_cell(v)));
        let (digest, sums) = b.hash_opened(&rows, factor_cell);
        for (cell, value) in digest.iter().zip(hash_values(values.iter().flatten().copied())) {
            let claimed = b.input();
            b.assert_eq(*cell, claimed);
            inputs.push(base_cell(value));
        }
        for (sum, row) in sums.iter().zip(&values) {
            assert_eq!(sum.is_some(), !row.is_empty(), "a sum per non-empty row");
            if let Some(sum) = sum
                && check_sums
            {
                let claimed = b.input_ext();
                b.assert_eq(*sum, claimed);
                inputs.push(ext_cell(expected_sum(row, factor)));
            }
        }
    }
    let circuit = b.build();
    let run = circuit.run(&inputs).expect("the opening table computes the hash and sums");
    let traces = circuit.traces(&run);
    Fixture { circuit, inputs, traces, public_values: run.public_values }
}

#[test]
fn hashes_and_sums_match_plonky3s_sponge_and_the_powers() {
    let f = opening_fixture(1, true);
    let rows: usize = HASHES.iter().map(|h| h.iter().sum::<usize>().div_ceil(SPONGE_RATE)).sum();
    assert_eq!(f.circuit.opening_rows(), rows);
    f.check(&f.traces).expect("an honest run satisfies every table");
}

#[test]
fn programs_without_the_table_keep_seven_tables() {
    let mut b = CircuitBuilder::new();
    let x = b.input();
    b.expose(x);
    assert_eq!(b.build().chips().len(), table::OPENING);
    assert_eq!(opening_fixture(2, true).circuit.chips().len(), table::OPENING + 1);
}

#[test]
fn changes_to_any_row_are_caught() {
    let f = opening_fixture(3, false);
    let map = &OPENING_COL_MAP;
    for row in 0..f.circuit.opening_rows() {
        for col in [map.input[0], map.input[7], map.input[14], map.input[15], map.input[23]] {
            f.assert_change_caught(table::OPENING, row, col);
        }
        for col in [map.output[0], map.output[8], map.output[20], map.factor[0], map.factor[7]] {
            f.assert_change_caught(table::OPENING, row, col);
        }
    }
    // Every sum a matrix row ends with, and every running sum a later slot continues from.
    let instrs: Vec<OpeningInstr> = f
        .circuit
        .instructions()
        .iter()
        .filter_map(|i| if let Instr::Opening(i) = i { Some(**i) } else { None })
        .collect();
    let mut checked = 0;
    for (row, instr) in instrs.iter().enumerate() {
        for slot in 0..SPONGE_RATE {
            let continued = if slot + 1 < SPONGE_RATE {
                instr.values[slot + 1].is_some() && !instr.restart[slot + 1]
            } else {
                instrs.get(row + 1).is_some_and(|n| !n.first && n.values[0].is_some() && !n.restart[0])
            };
            if instr.sums[slot].is_some() || continued {
                for k in [0, 5] {
                    f.assert_change_caught(table::OPENING, row, map.sums[slot][k]);
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 20, "sums checked: {checked}");
}

/// A value changed and every table regenerated from it, as a cheating prover would: the hash
/// and the sums follow the value, so only the comparison with the committed digest stands in
/// the way, and it must.
#[test]
fn a_changed_value_changes_the_digest_and_is_caught() {
    let f = opening_fixture(4, true);
    // Inputs: the factor, hash A's 31 values, its digest and 4 sums, hash B's 15 values.
    for slot in [1, 5, 29, 30, 31, 45, 59] {
        let mut inputs = f.inputs.clone();
        inputs[slot][0] += Val::ONE;
        let run = f.circuit.execute(&inputs, false).unwrap();
        assert!(f.check(&f.circuit.traces(&run)).is_err(), "value {slot} changed and passed");
    }
}

#[test]
fn proofs_with_the_table_verify_and_refuse_other_public_values() {
    let f = opening_fixture(6, true);
    let params = ProofParams::insecure_test();
    let proof = f.circuit.prove(&params, &f.inputs).unwrap();
    let key = f.circuit.verifying_key(&params).unwrap();
    f.circuit.verify(&proof.proof, &proof.public_values, &key).expect("an honest proof verifies");
    assert_eq!(proof.proof.log_heights().len(), table::OPENING + 1);
    let other_key = opening_fixture(6, false).circuit.verifying_key(&params).unwrap();
    assert!(f.circuit.verify(&proof.proof, &proof.public_values, &other_key).is_err());
}

/// Padded to a shape (as the aggregation tree's programs are), a program with the table gets
/// exactly the heights asked for, each table its own (the Poseidon2 table answering both the
/// calls and the opening rows), and still proves.
#[test]
fn padding_reaches_the_heights_asked_for() {
    let mut b = CircuitBuilder::new();
    b.use_opening_table();
    let factor = b.input_ext();
    let rows: Vec<Vec<_>> = vec![(0..40).map(|_| b.opened_input()).collect()];
    let (digest, _) = b.hash_opened(&rows, factor);
    b.expose(digest[0]);
    let heights: PadHeights = [10, 9, 11, 9, 9, 10, 11];
    b.pad_to(heights).expect("the program fits");
    let circuit = b.build();
    assert_eq!(circuit.pad_heights(), heights);
    assert_eq!(circuit.log_heights(), table_log_heights(heights, 9, true));
    let mut inputs = vec![ext_cell(Challenge::from(Val::from_u32(3)))];
    inputs.extend((0..40).map(|i| base_cell(Val::from_u32(i))));
    let params = ProofParams::insecure_test();
    let proof = circuit.prove(&params, &inputs).unwrap();
    assert_eq!(proof.proof.log_heights(), circuit.log_heights());
    circuit.verify(&proof.proof, &proof.public_values, &circuit.verifying_key(&params).unwrap()).unwrap();

    // Heights a table already exceeds are refused with the ones it needs.
    let mut b = CircuitBuilder::new();
    b.use_opening_table();
    let factor = b.input_ext();
    let rows: Vec<Vec<_>> = vec![(0..15 * 600).map(|_| b.opened_input()).collect()];
    b.hash_opened(&rows, factor);
    let needed = b.pad_to([9; 7]).expect_err("600 opening rows exceed 2^9");
    assert_eq!(needed[5], 10);
}
