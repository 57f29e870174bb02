//! The named parameter sets reach their stated provable security on machine-sized batches.

use hearth_stark::security::{FieldSpec, LookupSpec, SecurityInputs, proven_bits, security_levels};
use hearth_stark::{KOALA_BEAR_MODULUS, ProofParams};

fn batch(params: &ProofParams, log_rows: u32, extension_degree: u32) -> SecurityInputs {
    SecurityInputs {
        field: FieldSpec { base_modulus: KOALA_BEAR_MODULUS, extension_degree },
        log_blowup: params.log_blowup as u32,
        log_trace_length: log_rows,
        batch_size: 4000,
        num_queries: params.num_queries as u32,
        folding_factors: params.folding_factors(log_rows),
        num_constraints: 5000,
        max_constraint_degree: 3,
        opening_points: 2,
        grinding_batching: params.batch_pow_bits as u32,
        grinding_commit: params.commit_pow_bits as u32,
        grinding_query: params.query_pow_bits as u32,
        grinding_deep: params.ood_pow_bits as u32,
        lookups: vec![LookupSpec {
            name: "logup".into(),
            rows_looking: 1 << (log_rows + 4),
            rows_table: 1 << (log_rows + 4),
            columns: 24,
            lookups: 200,
            grinding_bits: 0,
        }],
    }
}

#[test]
fn default_set_is_128_bits_johnson_up_to_2_pow_24_rows() {
    for log_rows in [16, 20, 22, 24] {
        let bits = proven_bits(&batch(&ProofParams::default_128(), log_rows, 8)).unwrap();
        assert!(bits >= 128, "2^{log_rows} rows: {bits} bits");
    }
}

#[test]
fn fast_set_is_100_bits_johnson() {
    for log_rows in [16, 22, 24] {
        let bits = proven_bits(&batch(&ProofParams::fast_100(), log_rows, 8)).unwrap();
        assert!(bits >= 100, "2^{log_rows} rows: {bits} bits");
    }
}

/// The reason for the degree-8 extension: with the quintic one the batching step alone stays
/// under 128 bits at these sizes, whatever the query count.
#[test]
fn quintic_extension_would_fall_short_in_batching() {
    let [_, jbr] = security_levels(&batch(&ProofParams::default_128(), 22, 5)).unwrap();
    assert!(jbr.bits_of("batching").unwrap() < 128);
    assert!(jbr.bits_of("query phase").unwrap() >= 128);
}

#[test]
fn one_query_less_drops_below_128() {
    let mut params = ProofParams::default_128();
    params.num_queries -= 1;
    assert!(proven_bits(&batch(&params, 22, 8)).unwrap() < 128);
}
