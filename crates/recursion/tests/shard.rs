//! Shard proofs of the machine (real RV64IM runs) verified inside a recursion program: the
//! program accepts a proof against the statement the machine's verifier checks and refuses
//! another statement; and one program, built for a shape, verifies runs on different inputs
//! (their data reach it as inputs, exposed as a digest, not as constants of the program).

use hearth_executor::Program;
use hearth_machine::chips::cpu::CpuPublic;
use hearth_machine::chips::{Chip, index};
use hearth_machine::{ProgramSource, RunProof, ShardProof, prove_shard, shard_statement};
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

/// Shard `k`'s tables and the statement a recursion program verifies its proof against.
fn statement(run: &RunProof, k: usize, program: &Program) -> (Vec<Chip>, Statement) {
    let memory = hearth_machine::run_memory(run).expect("memory argument");
    let s = shard_statement(&run.shards[k], &run.input, ProgramSource::Elf(program), &memory.contexts[k])
        .expect("statement");
    let statement = Statement::of(&s.chips, s.commitment, s.public_values);
    (s.chips, statement)
}

/// The statement of a one-shard run's proof, checked natively first.
fn statement_of(run: &RunProof, program: &Program) -> (Vec<Chip>, Statement) {
    let shard = &run.shards[0];
    let (chips, statement) = statement(run, 0, program);
    hearth_stark::verify(&chips, &shard.stark, &statement.public_values, Some(statement.key.clone()))
        .expect("the shard proof verifies natively");
    (chips, statement)
}

#[test]
fn machine_shard_proofs_verify_inside_one_recursion_program() {
    let params = ProofParams::insecure_test();
    let program = assemble(ECHO);
    let first = prove_shard(&program, &[42], &params).expect("proves");
    let second = prove_shard(&program, &[7], &params).expect("proves");
    let ((chips, s1), (_, s2)) = (statement_of(&first, &program), statement_of(&second, &program));
    assert_ne!(s1.periodic_digest(), s2.periodic_digest(), "the inputs differ");

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
    let cpu = position(&first.shards[0], index::CPU);
    other.public_values[cpu][CpuPublic::EXIT_CODE.start] += Val::ONE;
    assert!(step.prove(&params, &first.shards[0].stark, &other).is_err());
    let swapped = Statement { periodic: s2.periodic.clone(), ..s1.clone() };
    assert!(step.prove(&params, &first.shards[0].stark, &swapped).is_err(), "another input's data accepted");
}

/// Counts to 120, storing the count each turn, and exits with it.
const COUNT: &str = "li sp, 0x00ff0000\nli t0, 0\nli t1, 120\nloop:\naddi t0, t0, 1\nsd t0, 0(sp)\n\
                     blt t0, t1, loop\nmv a0, t0\nli a7, 93\necall";

/// Where a machine table sits in a shard proof (the proof holds a subset of the tables).
fn position(shard: &ShardProof, table: usize) -> usize {
    shard.tables.iter().position(|&t| t as usize == table).expect("the proof holds the table")
}

/// A program verifying two consecutive shard proofs of one shape and checking that the first
/// hands over to the second: same program key, the first does not halt, the second starts at
/// the first's pc and registers. It exposes the key and the pair's entry and exit pc.
struct ShardPair {
    circuit: hearth_recursion::circuit::Circuit,
    left: hearth_recursion::verifier::VerifiedProof,
    right: hearth_recursion::verifier::VerifiedProof,
}

impl ShardPair {
    fn build(chips: &[Chip], shape: &InnerShape, cpu: usize, registers: usize) -> Self {
        use hearth_recursion::verifier::verify_proof;
        let mut b = hearth_recursion::circuit::CircuitBuilder::new();
        let left = verify_proof(&mut b, chips, shape.clone()).expect("left");
        let right = verify_proof(&mut b, chips, shape.clone()).expect("right");
        for (l, r) in left.key.iter().zip(&right.key) {
            b.assert_eq(*l, *r);
        }
        let zero = b.constant(Val::ZERO);
        b.assert_eq(left.public_values[cpu][CpuPublic::HALTED], zero);
        b.assert_eq(left.public_values[cpu][CpuPublic::PC_OUT], right.public_values[cpu][CpuPublic::PC_IN]);
        // The register table's periodic columns: each location's cells at entry, then at exit.
        let half = left.periodic[registers].len() / 2;
        for (out, into) in left.periodic[registers][half..].iter().zip(&right.periodic[registers][..half]) {
            for (a, c) in out.iter().zip(into) {
                b.assert_eq(*a, *c);
            }
        }
        let exposed: Vec<_> = left
            .key
            .iter()
            .chain([
                &left.public_values[cpu][CpuPublic::PC_IN],
                &right.public_values[cpu][CpuPublic::PC_OUT],
                &right.public_values[cpu][CpuPublic::HALTED],
            ])
            .copied()
            .collect();
        for cell in exposed {
            b.expose(cell);
        }
        Self { circuit: b.build(), left, right }
    }

    fn prove(
        &self,
        params: &ProofParams,
        shards: [(&ShardProof, &Statement); 2],
    ) -> Result<hearth_recursion::circuit::CircuitProof, hearth_recursion::circuit::CircuitError> {
        let cells: Vec<_> = shards.iter().map(|(_, s)| s.input_cells()).collect();
        let parts: Vec<_> = [&self.left, &self.right]
            .into_iter()
            .zip(&cells)
            .zip(shards)
            .flat_map(|((verified, cells), (shard, _))| verified.input_parts(cells, &shard.stark))
            .collect();
        let inputs = hearth_recursion::verifier::stark::two_pass_inputs(&self.circuit, &parts)?;
        self.circuit.prove(params, &inputs)
    }
}

#[test]
fn two_consecutive_shards_are_verified_and_chained_in_one_program() {
    let params = ProofParams::insecure_test();
    let program = assemble(COUNT);
    let run =
        hearth_machine::prove_run(&hearth_stark::CpuBackend, &program, &[], &params, 64).expect("proves");
    hearth_machine::verify_run(&run, ProgramSource::Elf(&program)).expect("the run verifies natively");
    assert!(run.shards.len() >= 5, "{} shards", run.shards.len());
    let (chips, statements): (Vec<_>, Vec<_>) =
        (0..run.shards.len()).map(|k| statement(&run, k, &program)).unzip();
    // Two middle shards of the loop have the same shape.
    let (a, b) = (2, 3);
    let [left, right] = [&run.shards[a], &run.shards[b]];
    assert_eq!(left.stark.log_heights(), right.stark.log_heights(), "same shape");
    assert_eq!(left.tables, right.tables);
    let chips = &chips[a];
    let shape = InnerShape::of(chips, &left.stark).expect("shape");
    let cpu = position(left, index::CPU);
    let registers = position(left, index::REGISTERS);
    let pair = ShardPair::build(chips, &shape, cpu, registers);

    let proof = pair.prove(&params, [(left, &statements[a]), (right, &statements[b])]).expect("recursion");
    let key = pair.circuit.verifying_key(&params).unwrap();
    pair.circuit.verify(&proof.proof, &proof.public_values, &key).expect("the pair's proof verifies");
    let key_len = hearth_stark::config::DIGEST_ELEMS;
    assert_eq!(proof.public_values[..key_len], statements[a].key.roots()[0], "the program's key");
    assert_eq!(
        proof.public_values[key_len],
        Val::from_u32(left.boundary.pc_in),
        "the pair starts where the first shard does"
    );
    assert_eq!(
        proof.public_values[key_len + 1],
        Val::from_u32(right.boundary.pc_out),
        "and ends where the second does"
    );

    // Out of order, or with a shard of another place in the run, the hand-over fails.
    assert!(pair.prove(&params, [(right, &statements[b]), (left, &statements[a])]).is_err(), "swapped");
    let far = &run.shards[b + 1];
    assert_eq!(
        (&far.stark.log_heights(), &far.tables),
        (&left.stark.log_heights(), &left.tables),
        "same shape"
    );
    assert!(pair.prove(&params, [(left, &statements[a]), (far, &statements[b + 1])]).is_err(), "a gap");
    // A shard claiming to halt cannot hand over.
    let mut halting = statements[a].clone();
    halting.public_values[cpu][CpuPublic::HALTED] = Val::ONE;
    assert!(
        pair.prove(&params, [(left, &halting), (right, &statements[b])]).is_err(),
        "a halted first shard"
    );
}
