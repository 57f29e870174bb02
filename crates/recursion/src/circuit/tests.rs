use hearth_stark::config::{POSEIDON2_WIDTH, SPONGE_RATE};
use hearth_stark::{Challenge, ProofParams, Val};
use p3_challenger::{CanObserve, CanSample, CanSampleBits, DuplexChallenger, FieldChallenger};
use p3_field::{BasedVectorSpace, PrimeCharacteristicRing, PrimeField32};
use p3_koala_bear::{Poseidon2KoalaBear, default_koalabear_poseidon2_24};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::testing::{fixture, random_ext};
use super::*;

type Native = DuplexChallenger<Val, Poseidon2KoalaBear<POSEIDON2_WIDTH>, POSEIDON2_WIDTH, SPONGE_RATE>;

fn ext_cell(e: Challenge) -> Cell {
    e.as_basis_coefficients_slice().try_into().unwrap()
}

#[test]
fn the_program_challenger_draws_what_plonky3s_draws() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let mut native = Native::new(default_koalabear_poseidon2_24());
    let mut b = CircuitBuilder::new();
    let mut challenger = CircuitChallenger::new(&mut b);
    let (mut inputs, mut expected) = (Vec::new(), Vec::new());
    for _ in 0..60 {
        match rng.random_range(0..5) {
            0 => {
                // Runs of observations across rate boundaries.
                for _ in 0..rng.random_range(1..20) {
                    let v = Val::from_u32(rng.random_range(0..0x7f00_0001));
                    native.observe(v);
                    let x = b.input();
                    inputs.push(base_cell(v));
                    challenger.observe(&mut b, x);
                }
            }
            1 => {
                let e = random_ext(&mut rng);
                native.observe_algebra_element(e);
                let x = b.input_ext();
                inputs.push(ext_cell(e));
                challenger.observe_ext(&mut b, x);
            }
            2 => {
                let v: Val = native.sample();
                expected.push(v);
                let s = challenger.sample(&mut b);
                b.expose(s);
            }
            3 => {
                let e: Challenge = native.sample();
                expected.extend_from_slice(e.as_basis_coefficients_slice());
                let s = challenger.sample_ext(&mut b);
                for c in b.unpack(s) {
                    b.expose(c);
                }
            }
            _ => {
                let bits = rng.random_range(1..25);
                let v = native.sample_bits(bits);
                expected.extend((0..bits).map(|i| Val::from_bool(v >> i & 1 == 1)));
                for bit in challenger.sample_bits(&mut b, bits) {
                    b.expose(bit);
                }
            }
        }
    }
    let circuit = b.build();
    let run = circuit.run(&inputs).unwrap();
    assert_eq!(run.public_values, expected);
    let traces = circuit.traces(&run);
    hearth_machine::check::check_tables(
        circuit.chips(),
        &traces,
        &circuit.table_public_values(&expected),
        &[],
    )
    .unwrap();
}

#[test]
fn a_proof_of_work_check_accepts_plonky3s_witness_and_refuses_another() {
    use p3_challenger::GrindingChallenger;
    let mut native = Native::new(default_koalabear_poseidon2_24());
    native.observe(Val::from_u32(99));
    let witness = native.grind(8);

    let mut b = CircuitBuilder::new();
    let mut challenger = CircuitChallenger::new(&mut b);
    let seed = b.constant(Val::from_u32(99));
    challenger.observe(&mut b, seed);
    let w = b.input();
    challenger.check_witness(&mut b, 8, w);
    let circuit = b.build();
    assert!(circuit.run(&[base_cell(witness)]).is_ok());
    // Some small value that is not a valid witness.
    let wrong = (0..1000u32)
        .map(Val::from_u32)
        .find(|&v| {
            let mut c = Native::new(default_koalabear_poseidon2_24());
            c.observe(Val::from_u32(99));
            !c.check_witness(8, v)
        })
        .unwrap();
    assert!(matches!(circuit.run(&[base_cell(wrong)]), Err(CircuitError::CheckFailed { .. })));
}

#[test]
fn arithmetic_matches_the_challenge_field() {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let (x, y) = (random_ext(&mut rng), random_ext(&mut rng));
    let mut b = CircuitBuilder::new();
    let (xv, yv) = (b.input_ext(), b.input_ext());
    let results = [b.ext_add(xv, yv), b.ext_sub(xv, yv), b.ext_mul(xv, yv)];
    let c = b.constant_ext(x);
    let square = b.ext_mul(c, xv);
    for e in results.into_iter().chain([square]) {
        for coord in b.unpack(e) {
            b.expose(coord);
        }
    }
    let circuit = b.build();
    let run = circuit.run(&[ext_cell(x), ext_cell(y)]).unwrap();
    let expected: Vec<Val> =
        [x + y, x - y, x * y, x * x].iter().flat_map(|e| e.as_basis_coefficients_slice().to_vec()).collect();
    assert_eq!(run.public_values, expected);
}

#[test]
fn the_fixture_satisfies_every_table() {
    let f = fixture();
    f.check(&f.traces).unwrap();
    let rows = f.circuit.table_rows();
    assert!(rows.iter().all(|&n| n > 0), "every table used: {rows:?}");
}

#[test]
fn runs_with_wrong_inputs_fail_clearly() {
    let f = fixture();
    assert!(matches!(f.circuit.run(&f.inputs[..3]), Err(CircuitError::InputCount { expected: 4, got: 3 })));
    let mut not_base = f.inputs.clone();
    not_base[3][2] = Val::ONE;
    assert!(matches!(f.circuit.run(&not_base), Err(CircuitError::NotBase { slot: 3 })));
    let mut wrong_product = f.inputs.clone();
    wrong_product[2][0] += Val::ONE;
    assert!(matches!(f.circuit.run(&wrong_product), Err(CircuitError::CheckFailed { .. })));
}

#[test]
fn a_false_product_cannot_be_forced_into_the_tables() {
    // The prover skips the run's check and writes a wrong claimed product into the var table.
    let f = fixture();
    let mut traces = f.traces.clone();
    let claimed_row = 2;
    let width = traces[testing::VAR].width;
    traces[testing::VAR].values[claimed_row * width] += Val::ONE;
    assert!(f.check(&traces).is_err());
}

#[test]
fn proofs_verify_only_with_their_program_and_public_values() {
    let params = ProofParams::insecure_test();
    let f = fixture();
    let proof = f.circuit.prove(&params, &f.inputs).unwrap();
    assert_eq!(proof.public_values, f.public_values);
    let key = f.circuit.verifying_key(&params).unwrap();
    f.circuit.verify(&proof.proof, &proof.public_values, &key).unwrap();

    let mut changed = proof.public_values.clone();
    changed[0] += Val::ONE;
    assert!(f.circuit.verify(&proof.proof, &changed, &key).is_err(), "changed public value accepted");
    assert!(matches!(
        f.circuit.verify(&proof.proof, &changed[1..], &key),
        Err(CircuitError::PublicCount { .. })
    ));

    // Another program with the same shape: one operand differs.
    let other = testing::fixture_circuit(true);
    assert_eq!(other.log_heights(), f.circuit.log_heights());
    let other_key = other.verifying_key(&params).unwrap();
    assert_ne!(other_key, key);
    assert!(
        other.verify(&proof.proof, &proof.public_values, &other_key).is_err(),
        "proof of another program accepted"
    );
    let other_proof = other.prove(&params, &f.inputs).unwrap();
    assert!(f.circuit.verify(&other_proof.proof, &other_proof.public_values, &key).is_err());
    other.verify(&other_proof.proof, &other_proof.public_values, &other_key).unwrap();
    // Public values really are the run's: the fixture exposes 3a.
    assert_eq!(f.public_values[8], f.inputs[3][0] * Val::from_u32(3));
    assert!(f.public_values[9..].iter().all(|b| b.as_canonical_u32() <= 1));
}

/// A cheating prover's consistent run: one cell written by an instruction of each kind is
/// given another value and every table (readers included) regenerated from that memory, so
/// every bus balances and only the writing table's own constraints can catch it.
#[test]
fn a_consistent_run_with_one_false_result_is_caught() {
    let f = fixture();
    let mut forged_kinds = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for instr in f.circuit.instructions() {
        let (kind, addr) = match instr {
            Instr::Var(i) if matches!(i.kind, VarKind::Const(_)) => ("constant", i.out),
            Instr::Alu(i) if i.op == AluOp::Add => ("add", i.out),
            Instr::Alu(i) if i.op == AluOp::Sub => ("sub", i.out),
            Instr::Alu(i) if i.op == AluOp::Mul => ("mul", i.out),
            Instr::Alu(i) if i.op == AluOp::MulAdd => ("mul-add", i.out),
            Instr::Pack(i) if i.direction == PackDirection::Pack => ("pack", i.ext),
            Instr::Pack(i) => ("unpack", i.felts[3]),
            Instr::Poseidon2(i) => ("poseidon2", i.output[2]),
            Instr::Bits(i) => ("bits", i.blocks[0]),
            _ => continue,
        };
        if !seen.insert(kind) {
            continue;
        }
        let mut run = f.circuit.run(&f.inputs).unwrap();
        let mut value = run.memory.get(addr);
        value[0] += Val::ONE;
        run.memory.forge(addr, value);
        let traces = f.circuit.traces(&run);
        assert!(f.check(&traces).is_err(), "a false {kind} result passed the tables");
        forged_kinds.push(kind);
    }
    assert_eq!(forged_kinds.len(), 9, "kinds covered: {forged_kinds:?}");
}

#[test]
fn a_run_past_a_failed_equality_is_caught() {
    let f = fixture();
    let mut wrong_product = f.inputs.clone();
    wrong_product[2][5] += Val::ONE;
    let run = f.circuit.execute(&wrong_product, false).unwrap();
    let traces = f.circuit.traces(&run);
    let public = f.circuit.table_public_values(&run.public_values);
    assert!(hearth_machine::check::check_tables(f.circuit.chips(), &traces, &public, &[]).is_err());
}
