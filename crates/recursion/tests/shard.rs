//! Shard proofs of the machine (real RV64IM runs) verified inside a recursion program: the
//! program accepts a proof against the statement the machine's verifier checks and refuses
//! another statement; and one program, built for a shape, verifies runs on different inputs
//! (their data reach it as inputs, exposed as a digest, not as constants of the program).

use hearth_executor::Program;
use hearth_machine::{ProgramSource, RunProof, prove_shard, shard_statement};
use hearth_recursion::verifier::{InnerShape, ProofVerifierProgram, Statement};
use hearth_stark::{ProofParams, Val};
use p3_field::PrimeCharacteristicRing;

fn assemble(body: &str) -> Program {
    let dir = tempfile::tempdir().expect("temp dir");
    let source = format!(".text\n.global _start\n_start:\n{body}\n");
    let elf = hearth_guest_builder::assemble(dir.path(), &source, &[]).unwrap_or_else(|e| panic!("{e}"));
    Program::from_elf(&std::fs::read(elf).expect("read elf")).expect("valid ELF")
}

/// Reads one input byte (`read(0, sp, 1)`), exits with it.
const ECHO: &str =
    "li sp, 0x00ff0000\nli a0, 0\nmv a1, sp\nli a2, 1\nli a7, 63\necall\nlbu a0, 0(sp)\nli a7, 93\necall";

fn statement_of(run: &RunProof, program: &Program) -> Statement {
    let shard = &run.shards[0];
    let s = shard_statement(shard, &run.input, ProgramSource::Elf(program)).expect("statement");
    hearth_stark::verify(&s.chips, &shard.stark, &s.public_values, Some(s.commitment.clone()))
        .expect("the shard proof verifies natively");
    Statement::of(&s.chips, s.commitment, s.public_values)
}

#[test]
fn machine_shard_proofs_verify_inside_one_recursion_program() {
    let params = ProofParams::insecure_test();
    let program = assemble(ECHO);
    let first = prove_shard(&program, &[42], &params).expect("proves");
    let second = prove_shard(&program, &[7], &params).expect("proves");
    let (s1, s2) = (statement_of(&first, &program), statement_of(&second, &program));
    assert_ne!(s1.periodic_digest(), s2.periodic_digest(), "the inputs differ");

    let chips = shard_statement(&first.shards[0], &first.input, ProgramSource::Elf(&program)).unwrap().chips;
    let shape = InnerShape::of(&chips, &first.shards[0].stark).expect("shape");
    assert_eq!(shape.degree_bits, second.shards[0].stark.batch.degree_bits, "same shape");
    let step = ProofVerifierProgram::build(&chips, shape).expect("verifier program");
    let key = step.circuit.verifying_key(&params).unwrap();
    for (run, statement) in [(&first, &s1), (&second, &s2)] {
        let proof = step.prove(&params, &run.shards[0].stark, statement).expect("recursion");
        step.circuit.verify(&proof.proof, &proof.public_values, &key).expect("the recursion proof verifies");
        assert_eq!(proof.public_values, statement.exposed());
    }

    // The exit code is a public value of the CPU table: claiming another one fails; so does
    // claiming the other run's input for this proof.
    let mut other = s1.clone();
    let cpu = other.public_values.iter().position(|v| !v.is_empty()).unwrap();
    other.public_values[cpu][0] += Val::ONE;
    assert!(step.prove(&params, &first.shards[0].stark, &other).is_err());
    let swapped = Statement { periodic: s2.periodic.clone(), ..s1.clone() };
    assert!(step.prove(&params, &first.shards[0].stark, &swapped).is_err(), "another input's data accepted");
}
