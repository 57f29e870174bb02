//! Test support for chips: for ALU chips, random requests rich in edge values, a check of one
//! chip's trace against exactly those requests, and a one-cell tamper sweep; for any table, a
//! check of its constraints and byte lookups on its own.

use hearth_isa::Opcode;
use hearth_stark::Val;
use p3_field::{PrimeCharacteristicRing, PrimeField32};
use p3_matrix::dense::RowMajorMatrix;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::Chip;
use crate::bus::{ALU, BYTE, ByteOp};
use crate::check::{CheckFailure, Interaction, balance, table_interactions};
use crate::chips::cpu::AluEvent;
use crate::heights::TableHeights;
use crate::lookups::{ByteCounts, bytes};

/// Operands that exercise sign, overflow and zero cases.
const EDGES: [u64; 14] = [
    0,
    1,
    2,
    7,
    63,
    64,
    u64::MAX,
    u64::MAX - 1,
    i64::MIN as u64,
    i64::MAX as u64,
    0x7fff_ffff,
    0x8000_0000,
    0xffff_ffff,
    0xffff_ffff_8000_0000,
];

/// `n` requests per operation, half edge values, half random.
pub fn events(ops: &[Opcode], n: usize, seed: u64) -> Vec<AluEvent> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let operand = |rng: &mut ChaCha8Rng| match rng.random_range(0..4) {
        0 => EDGES[rng.random_range(0..EDGES.len())],
        1 => rng.random_range(0..256u64),
        2 => rng.random::<u32>() as i32 as i64 as u64,
        _ => rng.random(),
    };
    let mut out = Vec::new();
    for &op in ops {
        for a in EDGES {
            for b in EDGES {
                out.push(AluEvent { op, a, b });
            }
        }
        for _ in 0..n {
            let (a, b) = (operand(&mut rng), operand(&mut rng));
            out.push(AluEvent { op, a, b });
        }
    }
    out
}

/// Whether a byte-bus message is a row of the byte table.
fn byte_fact(message: &[Val]) -> bool {
    let [op, x, y, z] = [0, 1, 2, 3].map(|i| message[i].as_canonical_u32());
    ByteOp::holds(op, x, y, z)
}

/// Whether `trace` satisfies `chip`'s constraints and every byte lookup it makes is a true fact:
/// a table checked on its own, the byte table answering any true fact and no other table's
/// messages to balance.
pub fn holds_alone<A>(chip: &A, trace: &RowMajorMatrix<Val>) -> bool
where
    A: p3_air::BaseAir<Val> + for<'a> p3_air::Air<crate::check::RowChecker<'a, Val>>,
{
    let Ok(interactions) = table_interactions(0, chip, trace, &[]) else { return false };
    interactions.iter().filter(|i| i.bus == BYTE).all(|i| byte_fact(&i.message))
}

/// [`holds_alone`] on a trace of the one row `values` (twice: a trace has at least two rows).
pub fn row_holds_alone<A>(chip: &A, values: &[u32]) -> bool
where
    A: p3_air::BaseAir<Val> + for<'a> p3_air::Air<crate::check::RowChecker<'a, Val>>,
{
    let cells = values.iter().chain(values).map(|&v| Val::from_u32(v)).collect();
    holds_alone(chip, &RowMajorMatrix::new(cells, values.len()))
}

/// The ALU fact a message states, if it is a true one.
fn alu_fact(message: &[Val]) -> bool {
    let v: Vec<u32> = message.iter().map(|x| x.as_canonical_u32()).collect();
    let Some(&op) = Opcode::ALL.get(v[0] as usize) else { return false };
    if v[1..].iter().any(|&b| b > 255) {
        return false;
    }
    let word = |s: &[u32]| s.iter().rev().fold(0u64, |acc, &b| acc << 8 | b as u64);
    let (a, b, c) = (word(&v[1..9]), word(&v[9..17]), word(&v[17..25]));
    crate::chips::cpu::alu_supported(op) && AluEvent { op, a, b }.result() == c
}

/// Checks one ALU chip's trace: its constraints hold, it answers exactly `events` (each with
/// the result [`AluEvent::result`] gives), and every byte lookup and every request it sends to
/// other ALU tables states a true fact. The byte table's multiplicities and the other tables'
/// rows are whatever balances (a prover chooses them freely), so a tampered cell is caught only
/// if it breaks a constraint, a fact or the answers.
pub fn check_alu(chip: &Chip, trace: &RowMajorMatrix<Val>, events: &[AluEvent]) -> Result<(), CheckFailure> {
    let claims: Vec<_> = events.iter().map(|e| (*e, e.result())).collect();
    check_alu_claims(chip, trace, &claims)
}

/// [`check_alu`] for requests whose results the requester claims (perhaps wrongly).
pub fn check_alu_claims(
    chip: &Chip,
    trace: &RowMajorMatrix<Val>,
    claims: &[(AluEvent, u64)],
) -> Result<(), CheckFailure> {
    let mut all = table_interactions(0, chip, trace, &[])?;
    let provided: Vec<_> = all
        .iter()
        .filter(|i| {
            let sent = i.count.as_canonical_u32() < Val::ORDER_U32 / 2;
            (i.bus == BYTE && byte_fact(&i.message)) || (i.bus == ALU && sent && alu_fact(&i.message))
        })
        .map(|i| Interaction { bus: i.bus, message: i.message.clone(), count: -i.count, row: 0 })
        .collect();
    all.extend(provided);
    for (event, result) in claims {
        let mut message = vec![Val::from_u32(crate::bus::op_id(event.op))];
        for v in [event.a, event.b, *result] {
            message.extend(bytes(v).map(Val::from_u8));
        }
        all.push(Interaction { bus: ALU, message, count: Val::ONE, row: 0 });
    }
    balance(&all)
}

/// Adds one to each cell of the first `rows` rows in turn; returns the cells whose change
/// [`check_alu`] accepts.
pub fn uncaught_tampers(
    chip: &Chip,
    trace: &RowMajorMatrix<Val>,
    events: &[AluEvent],
    rows: usize,
) -> Vec<(usize, usize)> {
    let width = trace.width;
    let mut missed = Vec::new();
    for row in 0..rows {
        for col in 0..width {
            let mut tampered = trace.clone();
            tampered.values[row * width + col] += Val::ONE;
            if check_alu(chip, &tampered, events).is_ok() {
                missed.push((row, col));
            }
        }
    }
    missed
}

/// Generates a chip's trace for `events` with the chip's own trace generator.
pub fn trace_of(
    generate: impl Fn(&[AluEvent], TableHeights, &mut ByteCounts) -> RowMajorMatrix<Val>,
    events: &[AluEvent],
) -> RowMajorMatrix<Val> {
    generate(events, TableHeights::Natural, &mut ByteCounts::default())
}

/// Honest traces for [`events`] of `ops` (random operands and every pair of edge values) pass
/// [`check_alu`], at their natural heights and raised to the height menu's.
pub fn assert_honest_traces_accepted(
    chip: &Chip,
    generate: impl Fn(&[AluEvent], TableHeights, &mut ByteCounts) -> RowMajorMatrix<Val>,
    ops: &[Opcode],
) {
    let events = events(ops, 300, 1);
    let natural = generate(&events, TableHeights::Natural, &mut ByteCounts::default());
    check_alu(chip, &natural, &events).expect("honest trace");
    let raised = generate(&events, TableHeights::Menu, &mut ByteCounts::default());
    check_alu(chip, &raised, &events).expect("honest trace at the menu's height");
}

/// With one row per operation of `ops` and operand pair of `operands`, every one-cell change of
/// every row is caught.
pub fn assert_every_tamper_caught(
    chip: &Chip,
    generate: impl Fn(&[AluEvent], TableHeights, &mut ByteCounts) -> RowMajorMatrix<Val>,
    ops: &[Opcode],
    operands: &[(u64, u64)],
) {
    let events: Vec<_> =
        ops.iter().flat_map(|&op| operands.iter().map(move |&(a, b)| AluEvent { op, a, b })).collect();
    let trace = trace_of(generate, &events);
    let missed = uncaught_tampers(chip, &trace, &events, events.len());
    assert!(missed.is_empty(), "cells (row, column) whose change went unnoticed: {missed:?}");
}
