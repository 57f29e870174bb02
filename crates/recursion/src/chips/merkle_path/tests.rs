use hearth_machine::check::check_tables;
use hearth_stark::Val;
use p3_field::PrimeCharacteristicRing;
use p3_matrix::dense::RowMajorMatrix;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::*;
use crate::RecursionChip;
use crate::chips::poseidon2::{Poseidon2Chip, Poseidon2Requests, generate_trace as poseidon2_trace};

/// Paths of random siblings from random leaves; the roots differ, so each check takes one.
fn random_path(depth: usize, seed: u64) -> MerklePath {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut digest = || core::array::from_fn(|_| Val::from_u32(rng.random_range(0..0x7f00_0001)));
    MerklePath { leaf: digest(), index: 0b1011_0110, siblings: (0..depth).map(|_| digest()).collect() }
}

fn tables(path: &MerklePath) -> (Vec<RowMajorMatrix<Val>>, Vec<Val>) {
    let mut requests = Poseidon2Requests::default();
    let (merkle, roots) = generate_trace(std::slice::from_ref(path), &mut requests);
    (vec![poseidon2_trace(&requests), merkle], roots[0].to_vec())
}

fn holds(traces: &[RowMajorMatrix<Val>], root: &[Val]) -> bool {
    let chips =
        [RecursionChip::Poseidon2(Poseidon2Chip::default()), RecursionChip::MerklePath(MerklePathChip)];
    check_tables(&chips, traces, &[vec![], root.to_vec()], &[]).is_ok()
}

fn set(trace: &mut RowMajorMatrix<Val>, row: usize, col: usize, value: Val) {
    trace.values[row * NUM_MERKLE_PATH_COLS + col] = value;
}

#[test]
fn a_path_holds_against_its_root_only() {
    let path = random_path(8, 1);
    let (traces, root) = tables(&path);
    assert!(holds(&traces, &root));
    let mut other = root.clone();
    other[4] += Val::ONE;
    assert!(!holds(&traces, &other));
}

#[test]
fn changed_cells_are_caught() {
    let path = random_path(5, 2);
    let (honest, root) = tables(&path);
    let m = &MERKLE_PATH_COL_MAP;
    let cases: Vec<(&str, usize, usize, Val)> = vec![
        ("sibling", 2, m.sibling[0], Val::ONE),
        ("node mid-path", 3, m.node[8], Val::ONE),
        ("parent", 1, m.parent[2], Val::ONE),
        ("spill", 0, m.spill[5], Val::ONE),
        ("bit flipped", 2, m.bit, Val::ONE),
        ("bit not boolean", 1, m.bit, Val::TWO),
        ("last row not last", 4, m.is_last, Val::ONE),
        ("early end", 2, m.is_last, Val::ONE),
        ("padding made real", 5, m.is_real, Val::ONE),
    ];
    for (what, row, col, delta) in cases {
        let mut traces = honest.clone();
        let v = traces[1].values[row * NUM_MERKLE_PATH_COLS + col];
        set(&mut traces[1], row, col, v + delta);
        assert!(!holds(&traces, &root), "{what}: still holds");
    }
}
