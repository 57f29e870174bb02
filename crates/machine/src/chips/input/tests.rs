use hearth_stark::Val;
use p3_field::{PrimeCharacteristicRing, PrimeField32};
use p3_matrix::dense::RowMajorMatrix;

use super::*;
use crate::bus::{BYTE, STREAM};
use crate::check::{Interaction, table_interactions};
use crate::chips::stream::Streams;
use crate::lookups::ByteCounts;

#[test]
fn layout() {
    assert_eq!(NUM_INPUT_COLS, 3);
}

fn streams() -> Streams {
    Streams {
        input: vec![9, 0xff, 0, 17, 200].into(),
        input_read: 1..4,
        output: vec![5].into(),
        output_start: 0,
        private_input: true,
    }
}

/// The table's bus messages, if its constraints hold and its byte lookups are true facts.
fn interactions(trace: &RowMajorMatrix<Val>) -> Option<Vec<Interaction<Val>>> {
    let interactions = table_interactions(0, &InputChip, trace, &[]).ok()?;
    let bytes_hold = interactions.iter().filter(|i| i.bus == BYTE).all(|i| {
        let [op, x, y, z] = [0, 1, 2, 3].map(|k| i.message[k].as_canonical_u32());
        crate::bus::ByteOp::holds(op, x, y, z)
    });
    bytes_hold.then_some(interactions)
}

#[test]
fn the_honest_table_provides_each_byte_read_once() {
    let trace = generate_trace::<Val>(&streams(), &mut ByteCounts::default());
    let provided: Vec<(u32, u32, i64)> = interactions(&trace)
        .expect("honest table holds")
        .iter()
        .filter(|i| i.bus == STREAM && i.count != Val::ZERO)
        .map(|i| {
            assert_eq!(i.message[0], Val::ZERO, "input messages");
            let count = if i.count == Val::NEG_ONE { -1 } else { i64::from(i.count.as_canonical_u32()) };
            (i.message[1].as_canonical_u32(), i.message[2].as_canonical_u32(), count)
        })
        .collect();
    assert_eq!(provided, vec![(1, 0xff, -1), (2, 0, -1), (3, 17, -1)]);
    let committed = Streams { private_input: false, ..streams() };
    assert_eq!(
        generate_trace::<Val>(&committed, &mut ByteCounts::default())
            .values
            .iter()
            .filter(|v| **v != Val::ZERO)
            .count(),
        0
    );
}

#[test]
fn a_non_byte_or_a_byte_provided_twice_is_refused() {
    let honest = generate_trace::<Val>(&streams(), &mut ByteCounts::default());
    let row = 1;
    for (column, value) in [
        (INPUT_COL_MAP.byte, Val::from_u32(256)),
        (INPUT_COL_MAP.byte, Val::NEG_ONE),
        (INPUT_COL_MAP.multiplicity, Val::from_u32(2)),
        (INPUT_COL_MAP.multiplicity, Val::NEG_ONE),
    ] {
        let mut tampered = honest.clone();
        tampered.values[row * NUM_INPUT_COLS + column] = value;
        assert!(interactions(&tampered).is_none(), "column {column} set to {value}");
    }
}
