//! A multi-shard run of a real RV64IM program aggregated into one final proof: leaves verify
//! the shard proofs, nodes join them, the final step closes the memory argument; the final
//! statement is checked against the program and the output, and tampering at each layer is
//! refused.

use hearth_executor::Program;
use hearth_machine::ProgramSource;
use hearth_recursion::aggregate::{aggregate_run, check_run_statement};
use hearth_stark::ProofParams;

fn assemble(body: &str) -> Program {
    let dir = tempfile::tempdir().expect("temp dir");
    let source = format!(".text\n.global _start\n_start:\n{body}\n");
    let elf = hearth_guest_builder::assemble(dir.path(), &source, &[]).unwrap_or_else(|e| panic!("{e}"));
    Program::from_elf(&std::fs::read(elf).expect("read elf")).expect("valid ELF")
}

/// Reads one input byte as the loop's bound, counts to it storing the count each turn,
/// writes the stored count (8 bytes) to the output and exits with it.
const COUNT_AND_WRITE: &str = "li sp, 0x00ff0000\nli a0, 0\naddi a1, sp, 8\nli a2, 1\nli a7, 63\necall\n\
     lbu t1, 8(sp)\nli t0, 0\nloop:\naddi t0, t0, 1\nsd t0, 0(sp)\nblt t0, t1, loop\n\
     li a0, 1\nmv a1, sp\nli a2, 8\nli a7, 64\necall\nld a0, 0(sp)\nli a7, 93\necall";

#[test]
fn a_multi_shard_run_aggregates_into_one_final_proof() {
    let params = ProofParams::insecure_test();
    let program = assemble(COUNT_AND_WRITE);
    let input = [60u8];
    let run =
        hearth_machine::prove_run(&hearth_stark::CpuBackend, &program, &input, &params, 64).expect("proves");
    hearth_machine::verify_run(&run, ProgramSource::Elf(&program)).expect("the run verifies natively");
    assert!(run.shards.len() >= 4, "{} shards", run.shards.len());
    let output = run.output();
    assert_eq!(output, 60u64.to_le_bytes());

    let aggregated = aggregate_run(&run, ProgramSource::Elf(&program), &params).expect("aggregates");
    let descriptor = &run.shards[0].descriptor;
    let keys_root = aggregated.keys.root();
    aggregated.verify(&keys_root, descriptor, input.len(), &output).expect("the final proof verifies");
    eprintln!("{:?}", aggregated.report);
    assert_eq!(aggregated.report.nodes, run.shards.len() - 1);

    // The final statement names this program, this output and these keys only.
    let s = &aggregated.statement;
    assert!(check_run_statement(s, &keys_root, descriptor, input.len(), &59u64.to_le_bytes()).is_err());
    assert!(check_run_statement(s, &keys_root, descriptor, 2, &output).is_err());
    let mut other_keys = keys_root;
    other_keys[0] += hearth_stark::Val::new(1);
    assert!(check_run_statement(s, &other_keys, descriptor, input.len(), &output).is_err());
    let mut other_program = descriptor.clone();
    other_program.entry += 4;
    assert!(check_run_statement(s, &keys_root, &other_program, input.len(), &output).is_err());
    // A changed public value of the final proof fails its verification.
    let mut tampered = aggregated.proof.public_values.clone();
    tampered[hearth_stark::config::DIGEST_ELEMS * 2] += hearth_stark::Val::new(1);
    assert!(
        aggregated
            .final_program
            .circuit
            .verify(&aggregated.proof.proof, &tampered, &aggregated.final_key)
            .is_err()
    );

    // Shards out of order, or one left out, cannot be aggregated: the leaves' memory stamps,
    // the nodes' hand-over or the final step's checks fail.
    let copy = || hearth_machine::RunProof::from_bytes(&run.to_bytes()).expect("round trip");
    let mut swapped = copy();
    swapped.shards.swap(1, 2);
    assert!(aggregate_run(&swapped, ProgramSource::Elf(&program), &params).is_err(), "swapped shards");
    let mut gap = copy();
    gap.shards.remove(1);
    assert!(aggregate_run(&gap, ProgramSource::Elf(&program), &params).is_err(), "a missing shard");
}
