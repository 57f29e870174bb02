use hearth_stark::prover::StarkProof;
use hearth_stark::{ProofParams, Val};
use p3_field::PrimeCharacteristicRing;

use super::*;
use crate::RecursionChip;
use crate::circuit::testing::fixture;
use crate::circuit::{Circuit, CircuitError};

/// A program checking proofs shaped like `shape` (their openings only, or the whole proof
/// against `airs`), with the opening table or without; its inputs are the inner public values
/// and preprocessed commitment, then the proof.
fn verifier_program(
    shape: &InnerShape,
    airs: Option<&[RecursionChip]>,
    opening_table: bool,
) -> (Circuit, InnerOpenings) {
    let mut b = CircuitBuilder::new();
    if opening_table {
        b.use_opening_table();
    }
    let public_values: Vec<Vec<Felt>> =
        shape.batch.public_value_counts.iter().map(|&n| (0..n).map(|_| b.input()).collect()).collect();
    let preprocessed = shape.batch.has_preprocessed_commitment.then(|| core::array::from_fn(|_| b.input()));
    let cells = allocate_inner(&mut b, shape, public_values, preprocessed);
    let openings = match airs {
        Some(airs) => verify_inner(&mut b, shape, airs, &vec![Vec::new(); airs.len()], &cells).unwrap(),
        None => verify_inner_openings(&mut b, shape, &cells),
    };
    (b.build(), openings)
}

fn openings_program(shape: &InnerShape, opening_table: bool) -> (Circuit, InnerOpenings) {
    verifier_program(shape, None, opening_table)
}

/// Runs the program on `proof` in two passes (placeholder paths, then the restored ones).
fn check(
    program: &Circuit,
    openings: &InnerOpenings,
    shape: &InnerShape,
    prefix: &[Cell],
    proof: &StarkProof,
) -> Result<(), String> {
    let inputs = two_pass_inputs(
        program,
        &[InputPart::Cells(prefix), InputPart::Proof { shape, layout: &openings.layout, proof }],
    )
    .map_err(|e| e.to_string())?;
    match program.run(&inputs) {
        Ok(_) => Ok(()),
        Err(CircuitError::CheckFailed { instruction }) => {
            Err(format!("check at instruction {instruction} failed"))
        }
        Err(e) => Err(e.to_string()),
    }
}

fn prefix(proof_public: &[Vec<Val>], preprocessed: &hearth_stark::prover::Commitment) -> Vec<Cell> {
    proof_public
        .iter()
        .flatten()
        .map(|&v| base_cell(v))
        .chain(preprocessed.roots()[0].map(base_cell))
        .collect()
}

#[test]
fn the_openings_of_a_real_proof_check_and_forgeries_fail() {
    let wide = ProofParams {
        name: "test-arity-8".into(),
        log_blowup: 2,
        num_queries: 3,
        max_log_arity: 3,
        log_final_poly_len: 1,
        query_pow_bits: 2,
        commit_pow_bits: 1,
        batch_pow_bits: 1,
        ..ProofParams::insecure_test()
    };
    for (params, opening_table) in [
        (ProofParams::insecure_test(), false),
        (wide.clone(), false),
        (ProofParams::insecure_test(), true),
        (wide, true),
    ] {
        let f = fixture();
        let proven = f.circuit.prove(&params, &f.inputs).unwrap();
        let key = f.circuit.verifying_key(&params).unwrap();
        let public = f.circuit.table_public_values(&proven.public_values);
        let shape = InnerShape::of(f.circuit.chips(), &proven.proof).unwrap();
        let (program, openings) = openings_program(&shape, opening_table);
        assert_eq!(program.opening_rows() > 0, opening_table);
        let prefix = prefix(&public, &key);
        check(&program, &openings, &shape, &prefix, &proven.proof).unwrap_or_else(|e| {
            panic!("honest proof at {} (opening table: {opening_table}): {e}", params.name)
        });

        // Values the transcript does not absorb, changed: a queried row, a folding sibling.
        let bytes = copies(&proven.proof);
        let mut forged = bytes();
        forged.batch.opening_proof.input_openings[0].opened_values[0][1][3] += Val::ONE;
        assert!(
            check(&program, &openings, &shape, &prefix, &forged).is_err(),
            "changed queried row accepted"
        );
        let mut forged = bytes();
        forged.batch.opening_proof.commit_phase_openings[0].sibling_values[1][0] +=
            hearth_stark::Challenge::ONE;
        assert!(
            check(&program, &openings, &shape, &prefix, &forged).is_err(),
            "changed folding sibling accepted"
        );
        // Values it does absorb: an opened value, the final polynomial, a public value.
        let mut forged = bytes();
        forged.batch.opened_values.instances[1].base_opened_values.trace_local[2] +=
            hearth_stark::Challenge::ONE;
        assert!(
            check(&program, &openings, &shape, &prefix, &forged).is_err(),
            "changed opened value accepted"
        );
        let mut forged = bytes();
        forged.batch.opening_proof.final_poly[0] += hearth_stark::Challenge::ONE;
        assert!(
            check(&program, &openings, &shape, &prefix, &forged).is_err(),
            "changed final polynomial accepted"
        );
        let mut other_public = prefix.clone();
        other_public[0][0] += Val::ONE;
        assert!(
            check(&program, &openings, &shape, &other_public, &proven.proof).is_err(),
            "changed public value accepted"
        );
    }
}

/// Copies of a proof, through its serialized form.
fn copies(proof: &StarkProof) -> impl Fn() -> StarkProof {
    let bytes = postcard::to_allocvec(proof).unwrap();
    move || postcard::from_bytes(&bytes).unwrap()
}

/// A proof of a program that has the opening table, its program's tables and inputs.
fn opening_table_proof(
    params: &ProofParams,
) -> (Circuit, hearth_stark::prover::Commitment, crate::circuit::CircuitProof) {
    let mut b = CircuitBuilder::new();
    b.use_opening_table();
    let factor = b.constant_ext(hearth_stark::Challenge::from(Val::from_u32(7)));
    let rows: Vec<Vec<_>> = [4, 19].iter().map(|&w| (0..w).map(|_| b.opened_input()).collect()).collect();
    let (digest, _) = b.hash_opened(&rows, factor);
    for cell in digest {
        b.expose(cell);
    }
    let circuit = b.build();
    let inputs: Vec<Cell> = (0..23).map(|i| base_cell(Val::from_u32(i * i + 1))).collect();
    let proven = circuit.prove(params, &inputs).unwrap();
    let key = circuit.verifying_key(params).unwrap();
    (circuit, key, proven)
}

#[test]
fn a_whole_recursion_proof_verifies_in_a_program() {
    let params = ProofParams::insecure_test();
    // A proof of a program with the opening table, verified with it.
    let (inner, inner_key, inner_proof) = opening_table_proof(&params);
    let inner_public = inner.table_public_values(&inner_proof.public_values);
    let inner_shape = InnerShape::of(inner.chips(), &inner_proof.proof).unwrap();
    let (program, openings) = verifier_program(&inner_shape, Some(inner.chips()), true);
    check(&program, &openings, &inner_shape, &prefix(&inner_public, &inner_key), &inner_proof.proof).unwrap();

    let f = fixture();
    let proven = f.circuit.prove(&params, &f.inputs).unwrap();
    let key = f.circuit.verifying_key(&params).unwrap();
    let public = f.circuit.table_public_values(&proven.public_values);
    let shape = InnerShape::of(f.circuit.chips(), &proven.proof).unwrap();
    let (program, openings) = verifier_program(&shape, Some(f.circuit.chips()), false);
    let prefix = prefix(&public, &key);
    check(&program, &openings, &shape, &prefix, &proven.proof).unwrap();

    // The constraint check alone sees wrong public values: the transcript absorbs the true
    // ones, the tables' constraints are evaluated with others.
    let mut b = CircuitBuilder::new();
    let public_values: Vec<Vec<Felt>> =
        shape.batch.public_value_counts.iter().map(|&n| (0..n).map(|_| b.input()).collect()).collect();
    let preprocessed = Some(core::array::from_fn(|_| b.input()));
    let mut cells = allocate_inner(&mut b, &shape, public_values, preprocessed);
    let openings = verify_inner_openings(&mut b, &shape, &cells);
    let table = cells.transcript.public_values.iter().position(|p| !p.is_empty()).unwrap();
    let one = b.constant(Val::ONE);
    cells.transcript.public_values[table][0] = b.add(cells.transcript.public_values[table][0], one);
    super::super::constraints::check_constraints(
        &mut b,
        &shape,
        f.circuit.chips(),
        &vec![Vec::new(); shape.degree_bits.len()],
        &cells,
        &openings.challenges,
    )
    .unwrap();
    let skewed = b.build();
    assert!(
        check(&skewed, &openings, &shape, &prefix, &proven.proof).is_err(),
        "constraints held on wrong values"
    );
}
