//! Merkle paths of Plonky3's own Merkle tree (the commitment scheme Hearth's proofs use)
//! checked by the recursion chips through a full proof, and attacks on every part of it
//! rejected by the prover or the verifier.

use std::panic::{AssertUnwindSafe, catch_unwind};

use hearth_recursion::RecursionChip;
use hearth_recursion::chips::merkle_path::{
    MERKLE_PATH_COL_MAP, MerklePath, MerklePathChip, NUM_MERKLE_PATH_COLS,
};
use hearth_recursion::chips::poseidon2::{
    NUM_POSEIDON2_COLS, POSEIDON2_COL_MAP, Poseidon2Chip, Poseidon2Requests,
    generate_trace as poseidon2_trace,
};
use hearth_stark::config::{DIGEST_ELEMS, Hash, val_mmcs};
use hearth_stark::{CpuBackend, ProofParams, ProverBackend, Val, verify};
use p3_commit::Mmcs;
use p3_field::PrimeCharacteristicRing;
use p3_koala_bear::default_koalabear_poseidon2_24;
use p3_matrix::dense::RowMajorMatrix;
use p3_symmetric::CryptographicHasher;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A random matrix of `2^log_rows` rows committed with Plonky3's Merkle tree as the proofs
/// commit traces, the paths of `indices` from its openings, and the root.
fn committed_paths(log_rows: usize, indices: &[usize]) -> (Vec<MerklePath>, [Val; DIGEST_ELEMS]) {
    let hash = Hash::new(default_koalabear_poseidon2_24());
    let mmcs = val_mmcs();
    let mut rng = ChaCha8Rng::seed_from_u64(log_rows as u64);
    let width = 20;
    let values = (0..width << log_rows).map(|_| Val::from_u32(rng.random_range(0..0x7f00_0001))).collect();
    let (commitment, tree) = mmcs.commit_matrix(RowMajorMatrix::new(values, width));
    let root = commitment.roots()[0];
    let paths = indices
        .iter()
        .map(|&index| {
            let opening = mmcs.open_batch(index, &tree);
            let leaf = hash.hash_iter(opening.opened_values[0].iter().copied());
            MerklePath { leaf, index, siblings: opening.opening_proof }
        })
        .collect();
    (paths, root)
}

fn chips() -> Vec<RecursionChip> {
    vec![RecursionChip::Poseidon2(Poseidon2Chip::default()), RecursionChip::MerklePath(MerklePathChip)]
}

fn traces(paths: &[MerklePath]) -> (Vec<RowMajorMatrix<Val>>, Vec<[Val; DIGEST_ELEMS]>) {
    let mut requests = Poseidon2Requests::default();
    let (merkle, roots) = hearth_recursion::chips::merkle_path::generate_trace(paths, &mut requests);
    (vec![poseidon2_trace(&requests), merkle], roots)
}

/// Whether proving and verifying `traces` against `root` fails somewhere (a panic of the debug
/// constraint checker, a prover error or a rejected proof).
fn rejected(traces: Vec<RowMajorMatrix<Val>>, root: [Val; DIGEST_ELEMS]) -> bool {
    let public_values = vec![vec![], root.to_vec()];
    let proved = catch_unwind(AssertUnwindSafe(|| {
        CpuBackend.prove(&ProofParams::insecure_test(), &chips(), &traces, &public_values)
    }));
    match proved {
        Err(_) | Ok(Err(_)) => true,
        Ok(Ok(proven)) => verify(&chips(), &proven.proof, &public_values, None).is_err(),
    }
}

fn set(trace: &mut RowMajorMatrix<Val>, width: usize, row: usize, col: usize, value: Val) {
    trace.values[row * width + col] = value;
}

#[test]
fn plonky3_merkle_openings_prove_and_verify() {
    let (paths, root) = committed_paths(10, &[0, 1, 517, 1023]);
    let (traces, roots) = traces(&paths);
    // The chips' roots are the tree's: the compression is the one Plonky3 commits with.
    assert!(roots.iter().all(|r| *r == root));
    let public_values = vec![vec![], root.to_vec()];
    let proven =
        CpuBackend.prove(&ProofParams::insecure_test(), &chips(), &traces, &public_values).expect("proves");
    verify(&chips(), &proven.proof, &public_values, None).expect("verifies");
    // The same proof claimed for another root is rejected.
    let mut other = root;
    other[0] += Val::ONE;
    assert!(verify(&chips(), &proven.proof, &[vec![], other.to_vec()], None).is_err());
}

#[test]
fn forged_paths_are_rejected() {
    let (paths, root) = committed_paths(6, &[5, 42]);
    let (honest, _) = traces(&paths);
    assert!(!rejected(honest.clone(), root), "the honest tables through the same harness");

    // A wrong sibling, every compression honestly computed: the path ends elsewhere.
    let mut wrong = paths.clone();
    wrong[1].siblings[3][0] += Val::ONE;
    assert!(rejected(traces(&wrong).0, root));

    // A wrong leaf index (bits), honestly computed.
    let mut wrong = paths.clone();
    wrong[0].index ^= 1 << 2;
    assert!(rejected(traces(&wrong).0, root));

    // A wrong leaf with its last parent overwritten by the root: that compression is not in the
    // Poseidon2 table.
    let mut wrong = paths.clone();
    wrong[0].leaf[0] += Val::ONE;
    let (mut forged, _) = traces(&wrong);
    let last = paths[0].siblings.len() - 1;
    for (i, &v) in root.iter().enumerate() {
        set(&mut forged[1], NUM_MERKLE_PATH_COLS, last, MERKLE_PATH_COL_MAP.parent[i], v);
    }
    assert!(rejected(forged, root));

    // The Poseidon2 row answering a compression changed to output the root (its rounds no
    // longer hold).
    let (mut forged, _) = traces(&paths);
    let output = POSEIDON2_COL_MAP.output()[0];
    let v = forged[0].values[output];
    set(&mut forged[0], NUM_POSEIDON2_COLS, 0, output, v + Val::ONE);
    assert!(rejected(forged, root));

    // A Poseidon2 row claiming to answer one more lookup than made.
    let (mut forged, _) = traces(&paths);
    let m = POSEIDON2_COL_MAP.multiplicity;
    let v = forged[0].values[m];
    set(&mut forged[0], NUM_POSEIDON2_COLS, 0, m, v + Val::ONE);
    assert!(rejected(forged, root));

    // A path cut short: its middle row marked last (its parent is not the root).
    let (mut forged, _) = traces(&paths);
    set(&mut forged[1], NUM_MERKLE_PATH_COLS, 2, MERKLE_PATH_COL_MAP.is_last, Val::ONE);
    assert!(rejected(forged, root));

    // A non-boolean index bit.
    let (mut forged, _) = traces(&paths);
    set(&mut forged[1], NUM_MERKLE_PATH_COLS, 1, MERKLE_PATH_COL_MAP.bit, Val::TWO);
    assert!(rejected(forged, root));
}

#[test]
fn verification_work_follows_the_proof() {
    let (paths, root) = committed_paths(6, &[3, 60]);
    let (traces, _) = traces(&paths);
    let public_values = vec![vec![], root.to_vec()];
    let work = |queries: u16| {
        let params = ProofParams { num_queries: queries, ..ProofParams::insecure_test() };
        let proven = CpuBackend.prove(&params, &chips(), &traces, &public_values).expect("proves");
        hearth_stark::verifier_work(&chips(), &proven.proof).expect("counts")
    };
    let (few, more) = (work(3), work(6));
    assert_eq!((few.queries, more.queries), (3, 6));
    // Each query opens both tables' main rows, at least.
    let main_width = (NUM_POSEIDON2_COLS + NUM_MERKLE_PATH_COLS) as u64;
    assert!(few.opened_values >= 3 * main_width, "{few:?}");
    // Opened values scale with the queries; the constraints do not depend on them.
    assert_eq!(more.opened_values, 2 * few.opened_values);
    assert_eq!(more.constraint_ext_ops, few.constraint_ext_ops);
    assert!(few.constraint_ext_ops > 0 && few.compress_permutations > 0 && few.leaf_permutations > 0);
}
