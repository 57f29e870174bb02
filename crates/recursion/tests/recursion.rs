//! Recursion closes: a proof is verified inside a recursion program and that program proven,
//! twice over, each level re-exposing the first proof's statement; changed statements and
//! proofs of another program are refused or exposed as what they are.

use hearth_recursion::circuit::{Cell, Circuit, CircuitBuilder, CircuitChallenger, base_cell};
use hearth_recursion::verifier::{InnerShape, ProofVerifierProgram, Statement};
use hearth_stark::{ProofParams, Val};
use p3_field::PrimeCharacteristicRing;

/// A small program: squares its input through a transcript and exposes a challenge, with a
/// constant `salt` making programs of the same shape differ.
fn inner_program(salt: u32) -> Circuit {
    let mut b = CircuitBuilder::new();
    let x = b.input();
    let square = b.mul(x, x);
    let salt = b.constant(Val::from_u32(salt));
    let salted = b.add(square, salt);
    let mut challenger = CircuitChallenger::new(&mut b);
    challenger.observe(&mut b, salted);
    let challenge = challenger.sample(&mut b);
    b.expose(x);
    b.expose(challenge);
    b.build()
}

fn inputs(x: u32) -> Vec<Cell> {
    vec![base_cell(Val::from_u32(x))]
}

#[test]
fn two_levels_of_recursion_carry_the_first_statement() {
    let params = ProofParams::insecure_test();
    let program = inner_program(5);
    let proven = program.prove(&params, &inputs(12)).unwrap();
    let key = program.verifying_key(&params).unwrap();
    let statement =
        Statement::of(program.chips(), key.clone(), program.table_public_values(&proven.public_values));

    // Level 1: a proof that the inner proof verifies.
    let shape = InnerShape::of(program.chips(), &proven.proof).unwrap();
    let level1 = ProofVerifierProgram::build(program.chips(), shape).unwrap();
    let proof1 = level1.prove(&params, &proven.proof, &statement).unwrap();
    let key1 = level1.circuit.verifying_key(&params).unwrap();
    level1.circuit.verify(&proof1.proof, &proof1.public_values, &key1).unwrap();
    assert_eq!(proof1.public_values, statement.exposed());

    // Level 2: a proof that the level-1 proof verifies, carrying the same inner statement.
    let shape1 = InnerShape::of(level1.circuit.chips(), &proof1.proof).unwrap();
    let level2 = ProofVerifierProgram::build(level1.circuit.chips(), shape1).unwrap();
    let statement1 = Statement::of(
        level1.circuit.chips(),
        key1.clone(),
        level1.circuit.table_public_values(&proof1.public_values),
    );
    let proof2 = level2.prove(&params, &proof1.proof, &statement1).unwrap();
    let key2 = level2.circuit.verifying_key(&params).unwrap();
    level2.circuit.verify(&proof2.proof, &proof2.public_values, &key2).unwrap();
    assert_eq!(proof2.public_values, statement1.exposed());
    assert_eq!(&proof2.public_values[9..], &proof1.public_values[..], "the first statement is carried up");

    // A changed statement at any level is refused.
    let mut changed = proof2.public_values.clone();
    let last = changed.len() - 1;
    changed[last] += Val::ONE;
    assert!(level2.circuit.verify(&proof2.proof, &changed, &key2).is_err());
    let mut changed_inner = statement.clone();
    changed_inner.public_values[5][0] += Val::ONE;
    assert!(level1.prove(&params, &proven.proof, &changed_inner).is_err(), "a false inner statement proved");

    // A proof of another program of the same shape verifies at level 1 but exposes its own
    // key, which a verifier expecting the first program's key refuses.
    let other = inner_program(6);
    let other_proven = other.prove(&params, &inputs(12)).unwrap();
    let other_key = other.verifying_key(&params).unwrap();
    assert_ne!(other_key, key);
    let other_statement = Statement::of(
        other.chips(),
        other_key.clone(),
        other.table_public_values(&other_proven.public_values),
    );
    let other1 = level1.prove(&params, &other_proven.proof, &other_statement).unwrap();
    assert_eq!(&other1.public_values[..9], &other_key.roots()[0][..]);
    assert_ne!(&other1.public_values[..9], &key.roots()[0][..]);
    // And claiming the first program's key for it fails.
    let claimed = Statement { key: key.clone(), ..other_statement };
    assert!(level1.prove(&params, &other_proven.proof, &claimed).is_err());
}

/// A proof with a Merkle cap (a last-layer option) verifies natively under the key made at the
/// same cap height only, and a recursion program refuses to verify it (it checks single roots).
#[test]
fn capped_proofs_verify_natively_and_stay_out_of_recursion() {
    let program = inner_program(3);
    let params = ProofParams { num_queries: 20, ..ProofParams::insecure_test() };
    let capped = ProofParams { cap_height: 3, ..params.clone() };
    let prove = |params: &ProofParams| {
        let proof = program.prove(params, &inputs(5)).expect("proves");
        let key = program.verifying_key(params).expect("key");
        program.verify(&proof.proof, &proof.public_values, &key).expect("verifies");
        proof
    };
    prove(&params);
    let capped_proof = prove(&capped);
    // A proof under the other height's key does not verify.
    let key = program.verifying_key(&params).expect("key");
    assert!(program.verify(&capped_proof.proof, &capped_proof.public_values, &key).is_err());
    assert!(InnerShape::of(program.chips(), &capped_proof.proof).is_err());
}
