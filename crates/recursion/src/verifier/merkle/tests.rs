use hearth_stark::config::val_mmcs;
use hearth_stark::{Challenge, ProofParams, Val};
use p3_commit::Mmcs;
use p3_field::{BasedVectorSpace, PrimeCharacteristicRing};
use p3_matrix::dense::RowMajorMatrix;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::*;
use crate::circuit::{Cell, Circuit, CircuitError, Opened, base_cell};

/// An opening: the index, one row per matrix, one sibling per level.
type Opening = (usize, Vec<Vec<Val>>, Vec<[Val; DIGEST_ELEMS]>);

/// Matrices of three heights committed in one batch by Plonky3's Merkle tree, as Hearth's
/// proofs commit their traces.
fn committed(seed: u64) -> (Vec<MatrixShape>, [Val; DIGEST_ELEMS], Vec<Opening>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let shapes = vec![
        MatrixShape { log_height: 5, width: 20 },
        MatrixShape { log_height: 3, width: 4 },
        MatrixShape { log_height: 5, width: 7 },
        MatrixShape { log_height: 1, width: 16 },
    ];
    let matrices: Vec<RowMajorMatrix<Val>> = shapes
        .iter()
        .map(|s| {
            let values = (0..s.width << s.log_height)
                .map(|_| Val::from_u32(rng.random_range(0..0x7f00_0001)))
                .collect();
            RowMajorMatrix::new(values, s.width)
        })
        .collect();
    let mmcs = val_mmcs();
    let (commitment, tree) = mmcs.commit(matrices);
    let openings = [0, 13, 31]
        .into_iter()
        .map(|index| {
            let opening = mmcs.open_batch(index, &tree);
            (index, opening.opened_values, opening.opening_proof)
        })
        .collect();
    (shapes, commitment.roots()[0], openings)
}

/// How the test program takes the opened rows.
enum Rows<'a> {
    /// As cells, hashed by Poseidon2 calls.
    Cells,
    /// As opened values, hashed by the opening table, each matrix's sum with `FACTOR` compared
    /// with the one given (when given).
    Opened(Option<&'a [Vec<Val>]>),
}

/// The opening table's folding factor in these tests.
fn factor() -> Challenge {
    Challenge::from_basis_coefficients_fn(|i| Val::from_usize(3 * i + 5))
}

/// A program checking one opening: inputs are the root, the index, the rows and the siblings.
fn opening_program(shapes: &[MatrixShape], mode: Rows<'_>) -> Circuit {
    let mut b = CircuitBuilder::new();
    let root: DigestCells = core::array::from_fn(|_| b.input());
    let index = b.input();
    let log_max = shapes.iter().map(|s| s.log_height).max().unwrap();
    let bits = b.bits(index);
    // The index must fit the tree: the bits above its height are zero.
    let zero = b.constant(Val::ZERO);
    for &bit in &bits[log_max..] {
        b.assert_eq(bit, zero);
    }
    match mode {
        Rows::Cells => {
            let rows: Vec<Vec<Felt>> =
                shapes.iter().map(|s| (0..s.width).map(|_| b.input()).collect()).collect();
            let siblings: Vec<DigestCells> =
                (0..log_max).map(|_| core::array::from_fn(|_| b.input())).collect();
            verify_batch_opening(&mut b, &root, shapes, &bits[..log_max], &rows, &siblings);
        }
        Rows::Opened(expected) => {
            b.use_opening_table();
            let rows: Vec<Vec<Opened>> =
                shapes.iter().map(|s| (0..s.width).map(|_| b.opened_input()).collect()).collect();
            let siblings: Vec<DigestCells> =
                (0..log_max).map(|_| core::array::from_fn(|_| b.input())).collect();
            let factor_cell = b.constant_ext(factor());
            let sums =
                verify_opened_batch(&mut b, &root, shapes, &bits[..log_max], &rows, &siblings, factor_cell);
            for (sum, row) in sums.iter().zip(expected.unwrap_or_default()) {
                // Horner from the powers: sum_j factor^(w - 1 - j) v_j.
                let w = row.len();
                let value: Challenge =
                    row.iter().enumerate().map(|(j, &v)| factor().exp_u64((w - 1 - j) as u64) * v).sum();
                let expected = b.constant_ext(value);
                b.assert_eq(sum.expect("a non-empty row"), expected);
            }
        }
    }
    b.build()
}

fn inputs(
    root: [Val; DIGEST_ELEMS],
    index: usize,
    rows: &[Vec<Val>],
    siblings: &[[Val; DIGEST_ELEMS]],
) -> Vec<Cell> {
    let mut cells: Vec<Cell> = root.iter().map(|&v| base_cell(v)).collect();
    cells.push(base_cell(Val::from_usize(index)));
    cells.extend(rows.iter().flatten().map(|&v| base_cell(v)));
    cells.extend(siblings.iter().flatten().map(|&v| base_cell(v)));
    cells
}

#[test]
fn plonky3_openings_of_mixed_heights_are_accepted() {
    let (shapes, root, openings) = committed(1);
    let program = opening_program(&shapes, Rows::Cells);
    for (index, rows, siblings) in &openings {
        program.run(&inputs(root, *index, rows, siblings)).unwrap();
        let summed = opening_program(&shapes, Rows::Opened(Some(rows)));
        summed.run(&inputs(root, *index, rows, siblings)).unwrap();
    }
    // Through a proof too.
    let (index, rows, siblings) = &openings[1];
    let params = ProofParams::insecure_test();
    let proof = program.prove(&params, &inputs(root, *index, rows, siblings)).unwrap();
    program.verify(&proof.proof, &proof.public_values, &program.verifying_key(&params).unwrap()).unwrap();
    let summed = opening_program(&shapes, Rows::Opened(Some(rows)));
    let proof = summed.prove(&params, &inputs(root, *index, rows, siblings)).unwrap();
    summed.verify(&proof.proof, &proof.public_values, &summed.verifying_key(&params).unwrap()).unwrap();
}

#[test]
fn forged_openings_are_refused() {
    forged_openings_are_refused_with(Rows::Cells);
    forged_openings_are_refused_with(Rows::Opened(None));
}

fn forged_openings_are_refused_with(mode: Rows<'_>) {
    let (shapes, root, openings) = committed(2);
    let program = opening_program(&shapes, mode);
    let (index, rows, siblings) = &openings[1];
    let refused = |cells: Vec<Cell>| matches!(program.run(&cells), Err(CircuitError::CheckFailed { .. }));

    for (m, c) in [(0, 0), (0, 19), (1, 2), (2, 6), (3, 15)] {
        let mut forged = rows.clone();
        forged[m][c] += Val::ONE;
        assert!(refused(inputs(root, *index, &forged, siblings)), "row {m} value {c} changed");
    }
    for level in [0, 2, 4] {
        let mut forged = siblings.clone();
        forged[level][8] += Val::ONE;
        assert!(refused(inputs(root, *index, rows, &forged)), "sibling {level} changed");
    }
    // The rows of another index, and an index beyond the tree.
    let (other, _, _) = &openings[2];
    assert!(refused(inputs(root, *other, rows, siblings)));
    assert!(refused(inputs(root, index + 32, rows, siblings)));
    let mut other_root = root;
    other_root[0] += Val::ONE;
    assert!(refused(inputs(other_root, *index, rows, siblings)));
}
