use hearth_stark::Val;
use p3_field::PrimeCharacteristicRing;

use super::*;
use crate::circuit::Circuit;
use crate::verifier::transcript::digest_cells;

fn keys(n: u32) -> Vec<Key> {
    (0..n).map(|i| core::array::from_fn(|j| Val::from_u32(1000 * i + j as u32))).collect()
}

/// A program taking a key, a root and a path, requiring the key to be under the root.
fn membership(depth: usize) -> Circuit {
    let mut b = CircuitBuilder::new();
    let key = digest_cells(&mut b);
    let root = digest_cells(&mut b);
    assert_key_allowed(&mut b, &key, &root, depth);
    b.build()
}

fn inputs(key: &Key, root: &Key, path: &KeyPath) -> Vec<Cell> {
    key.iter().chain(root).map(|&v| base_cell(v)).chain(path.cells()).collect()
}

#[test]
fn every_listed_key_is_accepted_under_the_root() {
    for n in [1, 2, 5, 8] {
        let keys = keys(n);
        let list = KeyList::new(&keys).expect("keys");
        assert_eq!(list.depth(), (n as usize).next_power_of_two().trailing_zeros() as usize);
        let program = membership(list.depth());
        for key in &keys {
            let path = list.path(key).expect("listed");
            program.run(&inputs(key, &list.root(), &path)).expect("accepted");
        }
    }
}

#[test]
fn an_unlisted_key_a_wrong_path_or_another_root_is_refused() {
    let keys = keys(5);
    let list = KeyList::new(&keys).expect("keys");
    let program = membership(list.depth());
    let path = list.path(&keys[2]).expect("listed");
    let mut stranger = keys[2];
    stranger[0] += Val::ONE;
    assert!(list.path(&stranger).is_none());
    assert!(program.run(&inputs(&stranger, &list.root(), &path)).is_err(), "an unlisted key");
    let other_root = KeyList::new(&keys[..4]).expect("keys").root();
    assert!(program.run(&inputs(&keys[2], &other_root, &path)).is_err(), "another list");
    let moved = KeyPath { index: 3, ..path.clone() };
    assert!(program.run(&inputs(&keys[2], &list.root(), &moved)).is_err(), "another position");
    let mut sibling = path.clone();
    sibling.siblings[1][4] += Val::ONE;
    assert!(program.run(&inputs(&keys[2], &list.root(), &sibling)).is_err(), "a changed sibling");
}

/// A position bit of 2 (a run that skips the program's own checks, the swapped input computed
/// as `x + 2 (y - x)`) is caught by the Poseidon2 call table's booleanity constraint, which
/// the path relies on.
#[test]
fn a_non_boolean_position_bit_is_caught_by_the_tables() {
    let mut b = CircuitBuilder::new();
    let node = digest_cells(&mut b);
    let sibling = digest_cells(&mut b);
    let bit = b.input();
    for cell in compress(&mut b, &node, &sibling, Some(bit)) {
        b.expose(cell);
    }
    let program = b.build();
    let keys = keys(2);
    let check = |bit: u32| {
        let inputs: Vec<Cell> =
            keys.iter().flatten().map(|&v| base_cell(v)).chain([base_cell(Val::from_u32(bit))]).collect();
        let run = program.run_unchecked(&inputs).expect("runs");
        let traces = program.traces(&run);
        let public = program.table_public_values(&run.public_values);
        hearth_machine::check::check_tables(program.chips(), &traces, &public, &[])
    };
    check(1).expect("a boolean bit");
    assert!(check(2).is_err(), "a bit of 2 passed the tables");
}
