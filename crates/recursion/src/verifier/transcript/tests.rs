use hearth_stark::prover::Commitment;
use hearth_stark::{ProofParams, make_config, transcript_shape};
use p3_batch_stark::BatchVerifierTranscript;
use p3_field::BasedVectorSpace;
use p3_lookup::{LogUpGadget, Lookup};
use p3_uni_stark::StarkGenericConfig;

use super::*;
use crate::circuit::testing::fixture;
use crate::circuit::{Cell, CircuitError, base_cell};

fn digest(commitment: &Commitment) -> [Val; DIGEST_ELEMS] {
    commitment.roots()[0]
}

fn ext_cell(e: Challenge) -> Cell {
    e.as_basis_coefficients_slice().try_into().unwrap()
}

/// The recursion proof of the test program (seven tables, lookups, preprocessed tables,
/// public values) is the inner proof; Plonky3's own transcript driver replays it natively.
#[test]
fn the_program_draws_the_native_verifiers_challenges() {
    for params in [
        ProofParams::insecure_test(),
        ProofParams { lookup_pow_bits: 4, ood_pow_bits: 3, ..ProofParams::insecure_test() },
    ] {
        let f = fixture();
        let proof = f.circuit.prove(&params, &f.inputs).unwrap();
        let batch = &proof.proof.batch;
        let lookups =
            hearth_stark::table_lookups(&params, f.circuit.chips(), &f.circuit.log_heights()).unwrap();
        let shape = transcript_shape(&params, f.circuit.chips(), &lookups);
        let key = f.circuit.verifying_key(&params).unwrap();
        let public_values = f.circuit.table_public_values(&proof.public_values);

        let config = make_config(&params);
        let mut native = config.initialise_challenger();
        let mut transcript =
            BatchVerifierTranscript::<_, Val, Challenge, Commitment>::new(&mut native, shape.clone());
        transcript.instance_bindings(&batch.degree_bits);
        transcript.main_phase(batch.commitments.main.clone(), &public_values);
        transcript.preprocessed_phase(Some(key.clone()));
        let no_lookups: Vec<Vec<Lookup<Val>>> = vec![Vec::new(); shape.num_instances()];
        transcript.lookup_phase(&no_lookups, &LogUpGadget::new(), batch.lookup_pow_witness).unwrap();
        let terminals: Vec<Challenge> = batch.lookup_terminals.iter().flatten().map(|t| t.0).collect();
        let alpha = transcript.permutation_phase(batch.commitments.permutation.clone(), &terminals);
        transcript.quotient_phase(batch.commitments.quotient_chunks.clone(), None);
        let zeta = transcript.ood_phase(batch.ood_pow_witness).unwrap();
        transcript.abort();

        let mut b = CircuitBuilder::new();
        let mut inputs = Vec::new();
        let digest_input = |b: &mut CircuitBuilder, inputs: &mut Vec<Cell>, d: [Val; DIGEST_ELEMS]| {
            inputs.extend(d.map(base_cell));
            core::array::from_fn(|_| b.input())
        };
        let main_commitment = digest_input(&mut b, &mut inputs, digest(&batch.commitments.main));
        let preprocessed_commitment = digest_input(&mut b, &mut inputs, digest(&key));
        let permutation_commitment =
            digest_input(&mut b, &mut inputs, digest(batch.commitments.permutation.as_ref().unwrap()));
        let quotient_commitment =
            digest_input(&mut b, &mut inputs, digest(&batch.commitments.quotient_chunks));
        let public: Vec<Vec<Felt>> = public_values
            .iter()
            .map(|values| {
                values
                    .iter()
                    .map(|&v| {
                        inputs.push(base_cell(v));
                        b.input()
                    })
                    .collect()
            })
            .collect();
        let cells = BatchTranscriptCells {
            degree_bits: batch.degree_bits.clone(),
            main_commitment,
            public_values: public,
            preprocessed_commitment: Some(preprocessed_commitment),
            lookup_pow_witness: Some({
                inputs.push(base_cell(batch.lookup_pow_witness.unwrap()));
                b.input()
            }),
            permutation_commitment: Some(permutation_commitment),
            terminals: terminals
                .iter()
                .map(|&t| {
                    inputs.push(ext_cell(t));
                    b.input_ext()
                })
                .collect(),
            quotient_commitment,
            ood_pow_witness: {
                inputs.push(base_cell(batch.ood_pow_witness));
                b.input()
            },
        };
        let mut challenger = CircuitChallenger::new(&mut b);
        let challenges = replay_batch_transcript(&mut b, &mut challenger, &shape, &cells);
        for e in [challenges.constraint_alpha, challenges.zeta] {
            for c in b.unpack(e) {
                b.expose(c);
            }
        }
        let circuit = b.build();
        let run = circuit.run(&inputs).unwrap();
        let expected: Vec<Val> =
            [alpha, zeta].iter().flat_map(|e| e.as_basis_coefficients_slice().to_vec()).collect();
        assert_eq!(run.public_values, expected, "params {}", params.name);

        // A changed commitment gives other challenges, or fails the proof-of-work check.
        let mut changed = inputs.clone();
        changed[0][0] += Val::ONE;
        match circuit.run(&changed) {
            Ok(run) => assert_ne!(run.public_values, expected),
            Err(e) => assert!(params.ood_pow_bits > 0 && matches!(e, CircuitError::CheckFailed { .. })),
        }
    }
}
