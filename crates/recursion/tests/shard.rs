//! A shard proof of the machine (a real RV64IM run) verified inside a recursion program: the
//! program accepts the proof against the statement the machine's verifier checks, and refuses
//! it against another statement.

use hearth_executor::Program;
use hearth_machine::{ProgramSource, prove_shard, shard_statement};
use hearth_recursion::verifier::{InnerShape, ProofVerifierProgram};
use hearth_stark::{ProofParams, Val};
use p3_field::PrimeCharacteristicRing;

fn assemble(body: &str) -> Program {
    let dir = tempfile::tempdir().expect("temp dir");
    let source = format!(".text\n.global _start\n_start:\n{body}\n");
    let elf = hearth_guest_builder::assemble(dir.path(), &source, &[]).unwrap_or_else(|e| panic!("{e}"));
    Program::from_elf(&std::fs::read(elf).expect("read elf")).expect("valid ELF")
}

#[test]
fn a_machine_shard_proof_verifies_inside_a_recursion_program() {
    let params = ProofParams::insecure_test();
    let program = assemble("li t0, 5\nli t1, 7\nmul a0, t0, t1\naddi a0, a0, 1\nli a7, 93\necall");
    let run = prove_shard(&program, &[], &params).expect("proves");
    let shard = &run.shards[0];
    let statement = shard_statement(shard, &run.input, ProgramSource::Elf(&program)).expect("statement");
    hearth_stark::verify(
        &statement.chips,
        &shard.stark,
        &statement.public_values,
        Some(statement.commitment.clone()),
    )
    .expect("the shard proof verifies natively");

    let shape = InnerShape::of(&statement.chips, &shard.stark).expect("shape");
    let step = ProofVerifierProgram::build(&statement.chips, shape).expect("verifier program");
    let proof = step
        .prove(&params, &shard.stark, &statement.commitment, &statement.public_values)
        .expect("recursion");
    let key = step.circuit.verifying_key(&params).unwrap();
    step.circuit.verify(&proof.proof, &proof.public_values, &key).expect("the recursion proof verifies");

    // The exit code is a public value of the CPU table: claiming another one fails.
    let mut other = statement.public_values.clone();
    let cpu = other.iter().position(|v| !v.is_empty()).unwrap();
    other[cpu][0] += Val::ONE;
    assert!(step.prove(&params, &shard.stark, &statement.commitment, &other).is_err());
}
