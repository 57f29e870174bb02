//! End to end: programs are executed, proven and verified, and forged witnesses are rejected.

mod common;

use hearth_executor::{ExecutionOptions, Program, execute};
use hearth_machine::{
    ProgramSource, RunProof, ShardProof, VerifyError, prove_forged, prove_shard, prove_tampered, verify_run,
};
use hearth_stark::{CpuBackend, ProofParams, Val};
use p3_field::PrimeCharacteristicRing;
use p3_matrix::dense::RowMajorMatrix;

fn params() -> ProofParams {
    ProofParams::insecure_test()
}

fn exit_code_of(program: &Program) -> u32 {
    execute(program, &[], &ExecutionOptions::default()).expect("runs").exit_code
}

#[test]
fn mixed_program_proves_and_verifies() {
    let program = common::assemble(common::MIXED);
    let expected = exit_code_of(&program);
    let proof = prove_shard(&program, &[], &params()).expect("proves");
    let public = verify_run(&proof, ProgramSource::Elf(&program)).expect("verifies");
    assert_eq!(public.exit_code, expected);
    // Through bytes, and by the program hash alone.
    let decoded = RunProof::from_bytes(&proof.to_bytes()).expect("decodes");
    let by_hash = verify_run(&decoded, ProgramSource::Hash(public.program_hash)).expect("verifies by hash");
    assert_eq!(by_hash, public);
}

#[test]
fn default_parameters_prove_and_verify() {
    let program = common::assemble(&format!("li a0, 7\n{}", common::EXIT));
    let proof = prove_shard(&program, &[], &ProofParams::default_128()).expect("proves");
    assert_eq!(verify_run(&proof, ProgramSource::Elf(&program)).expect("verifies").exit_code, 7);
}

#[test]
fn proof_does_not_verify_for_another_program_or_exit_code() {
    let program = common::assemble(&format!("li a0, 3\n{}", common::EXIT));
    let other = common::assemble(&format!("li a0, 4\n{}", common::EXIT));
    let mut proof = prove_shard(&program, &[], &params()).expect("proves");
    assert!(matches!(verify_run(&proof, ProgramSource::Elf(&other)), Err(VerifyError::WrongProgram(_))));
    assert!(matches!(verify_run(&proof, ProgramSource::Hash([0; 32])), Err(VerifyError::WrongProgram(_))));
    proof.shards[0].exit_code = 4;
    assert!(verify_run(&proof, ProgramSource::Elf(&program)).is_err());
}

#[test]
fn shifts_multiplications_and_divisions_prove_and_verify() {
    let program = common::assemble(common::MULDIV);
    let expected = exit_code_of(&program);
    let proof = prove_shard(&program, &[], &params()).expect("proves");
    let public = verify_run(&proof, ProgramSource::Elf(&program)).expect("verifies");
    assert_eq!(public.exit_code, expected);
}

#[test]
fn input_length_and_profile_scopes_prove_and_verify() {
    let program = common::assemble(common::SYSCALLS);
    let proof = prove_shard(&program, b"hello", &params()).expect("proves");
    let public = verify_run(&proof, ProgramSource::Elf(&program)).expect("verifies");
    assert_eq!((public.exit_code, public.input_len), (5, 5));
    // The same proof claimed for another input length does not verify.
    let mut other = RunProof::from_bytes(&proof.to_bytes()).expect("decodes");
    other.input.push(b'!');
    other.shards[0].exit_code = 6;
    assert!(verify_run(&other, ProgramSource::Elf(&program)).is_err());
}

/// A point as the accelerators store it: `x` then `y`, 32 little-endian bytes each.
fn point_bytes(point: &k256::ProjectivePoint) -> Vec<u8> {
    use k256::elliptic_curve::point::AffineCoordinates;
    let affine = point.to_affine();
    affine.x().iter().rev().chain(affine.y().iter().rev()).copied().collect()
}

#[test]
fn secp256k1_accelerators_prove_and_verify() {
    use k256::ProjectivePoint;
    let program = common::assemble(common::SECP256K1);
    let proof = prove_shard(&program, &[], &params()).expect("proves");
    let public = verify_run(&proof, ProgramSource::Elf(&program)).expect("verifies");
    // 6G, then -G (G's x with odd y), then the point left as it was (x = 0 is no point's x).
    let g = ProjectivePoint::GENERATOR;
    let mut expected = point_bytes(&(g * k256::Scalar::from(6u32)));
    expected.extend(point_bytes(&-g));
    expected.extend([0; 32]);
    expected.extend([7, 0, 0, 0, 0, 0, 0, 0].repeat(4));
    assert_eq!(public.output, expected);
    assert_eq!(public.exit_code, 1, "the second decompression found no point");
}

#[test]
fn ecrecover_on_the_accelerators_proves_and_verifies() {
    use k256::ecdsa::{SigningKey, VerifyingKey};
    // A valid signature, and one whose r is no point's x (x = 5: 132 is not a square).
    let key = SigningKey::from_bytes(&[0x42; 32].into()).expect("key");
    let msg = [0x17u8; 32];
    let (sig, recid) = key.sign_prehash_recoverable(&msg);
    let mut input = msg.to_vec();
    input.extend_from_slice(&sig.to_bytes());
    input.push(recid.to_byte());
    input.extend_from_slice(&msg);
    input.extend_from_slice(&[0; 31]);
    input.push(5);
    input.extend_from_slice(&sig.s().to_bytes());
    input.push(0);
    let program = bundled("ecrecover");
    let proof = prove_shard(&program, &input, &params()).expect("proves");
    let public = verify_run(&proof, ProgramSource::Elf(&program)).expect("verifies");
    let mut expected = vec![1];
    expected.extend_from_slice(&VerifyingKey::from(&key).to_sec1_point(false).as_bytes()[1..]);
    expected.extend([0; 65]);
    assert_eq!(public.output, expected);
}

#[test]
fn forged_secp256k1_results_are_rejected() {
    use hearth_machine::chips::secp256k1::{
        SECP256K1_ADD_COL_MAP as ADD, SECP256K1_DECOMPRESS_COL_MAP as DECOMPRESS,
        SECP256K1_DOUBLE_COL_MAP as DOUBLE,
    };
    let program = common::assemble(common::SECP256K1);
    let add = |table: usize, column: usize| {
        move |t: &mut [RowMajorMatrix<Val>]| {
            let v = get(t, table, 0, column);
            set(t, table, 0, column, v + Val::ONE);
        }
    };
    let flip = |table: usize, column: usize| {
        move |t: &mut [RowMajorMatrix<Val>]| {
            let v = get(t, table, 0, column);
            set(t, table, 0, column, Val::ONE - v);
        }
    };
    assert!(rejected(&program, add(index::SECP256K1_ADD, ADD.add.sum.x3.result[3])), "a sum byte");
    assert!(rejected(&program, add(index::SECP256K1_ADD, ADD.add.q.y[0])), "a byte of q as read");
    assert!(rejected(&program, add(index::SECP256K1_ADD, ADD.a1[0])), "q's address");
    assert!(
        rejected(&program, add(index::SECP256K1_DOUBLE, DOUBLE.double.sum.y3.result[31])),
        "a double byte"
    );
    assert!(rejected(&program, add(index::SECP256K1_DOUBLE, DOUBLE.call.a0[0])), "p's address");
    assert!(
        rejected(&program, flip(index::SECP256K1_DECOMPRESS, DECOMPRESS.decompress.found)),
        "no point claimed"
    );
    assert!(
        rejected(&program, flip(index::SECP256K1_DECOMPRESS, DECOMPRESS.decompress.parity)),
        "the other parity"
    );
    assert!(
        rejected(&program, add(index::SECP256K1_DECOMPRESS, DECOMPRESS.y_before[0])),
        "y before the call"
    );
    // The other root: -y has the other parity, so the parity columns must change with it.
    assert!(rejected(&program, |t| {
        let d = &DECOMPRESS.decompress;
        let row = |t: &[RowMajorMatrix<Val>], c: usize| get(t, index::SECP256K1_DECOMPRESS, 0, c);
        let parity = row(t, d.parity);
        set(t, index::SECP256K1_DECOMPRESS, 0, d.parity, Val::ONE - parity);
        let root0 = row(t, d.root[0]);
        set(t, index::SECP256K1_DECOMPRESS, 0, d.root[0], root0 + Val::ONE - parity - parity);
    }));
    // A call dropped: the CPU's hand-over is left unclaimed.
    assert!(rejected(&program, |t| set(t, index::SECP256K1_DOUBLE, 0, DOUBLE.call.is_real, Val::ZERO)));
}

#[test]
fn reads_and_writes_prove_and_verify() {
    let program = common::assemble(common::IO);
    let input = b"some input";
    let summary = execute(&program, input, &ExecutionOptions::default()).expect("runs");
    let proof = prove_shard(&program, input, &params()).expect("proves");
    let public = verify_run(&proof, ProgramSource::Elf(&program)).expect("verifies");
    assert_eq!(public.exit_code, 10);
    assert_eq!(public.output, b"some inputlo, w");
    assert_eq!(public.output, summary.output);
}

fn bundled(name: &str) -> Program {
    Program::from_elf(&hearth_guest_builder::bundled::elf(name)).expect("bundled program loads")
}

#[test]
fn rust_guests_prove_and_verify_with_their_input_and_output() {
    use sha2::Digest;
    // sort: the output checked against the host's sort of the same values.
    let values: Vec<u32> = (0..40u32).map(|i| i.wrapping_mul(2_654_435_761) >> 7).collect();
    let input: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    let mut sorted = values.clone();
    sorted.sort_unstable();
    let expected: Vec<u8> = sorted.iter().flat_map(|v| v.to_le_bytes()).collect();
    let program = bundled("sort");
    let proof = prove_shard(&program, &input, &params()).expect("proves");
    let public = verify_run(&proof, ProgramSource::Elf(&program)).expect("verifies");
    assert_eq!(public.output, expected);
    assert_eq!(public.exit_code, 0);
    assert_eq!(public.input_commitment, <[u8; 32]>::from(sha2::Sha256::digest(&input)));

    // fibonacci: reads 8 bytes, prints to the debug stream, writes 8 bytes of output.
    let program = bundled("fibonacci");
    let proof = prove_shard(&program, &90u64.to_le_bytes(), &params()).expect("proves");
    let public = verify_run(&proof, ProgramSource::Elf(&program)).expect("verifies");
    let (mut a, mut b) = (0u64, 1u64);
    for _ in 0..90 {
        (a, b) = (b, a.wrapping_add(b));
    }
    assert_eq!(public.output, a.to_le_bytes());
}

#[test]
fn proof_does_not_verify_for_another_input_or_output() {
    let program = bundled("fibonacci");
    let proof = prove_shard(&program, &20u64.to_le_bytes(), &params()).expect("proves");
    verify_run(&proof, ProgramSource::Elf(&program)).expect("verifies");
    let edited = |edit: &dyn Fn(&mut RunProof)| {
        let mut other = RunProof::from_bytes(&proof.to_bytes()).expect("decodes");
        edit(&mut other);
        verify_run(&other, ProgramSource::Elf(&program)).is_err()
    };
    assert!(edited(&|p| p.shards[0].output[0] ^= 1), "a wrong output byte");
    assert!(
        edited(&|p| {
            p.shards[0].output.pop();
        }),
        "a shorter output"
    );
    assert!(edited(&|p| p.shards[0].output.push(0)), "a longer output");
    assert!(edited(&|p| p.input[0] ^= 1), "another input of the same length");
    assert!(edited(&|p| p.input.push(0)), "a longer input");
}

#[test]
fn keccak_f_accelerator_proves_keccak256() {
    use sha3::Digest;
    // Inputs of 0, 1 and 3 blocks of 136 bytes and in between.
    let program = bundled("keccak");
    for len in [0usize, 135, 300] {
        let input: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
        let proof = prove_shard(&program, &input, &params()).expect("proves");
        let public = verify_run(&proof, ProgramSource::Elf(&program)).expect("verifies");
        let expected: [u8; 32] = sha3::Keccak256::digest(&input).into();
        // The accelerated digest, then the software one.
        assert_eq!(public.output[..32], expected);
        assert_eq!(public.output[32..], expected);
    }
}

/// A proof of `program` on `input` with its tables on the height menu.
fn prove_on_menu(program: &Program, input: &[u8], shard_cycles: u64) -> RunProof {
    let params = params();
    let prover = hearth_machine::RunProver::new(&CpuBackend, program, input, &params)
        .expect("prover")
        .with_table_heights(hearth_machine::heights::TableHeights::Menu);
    let options = hearth_machine::RunOptions { shard_cycles, ..Default::default() };
    prover.prove(&options, &()).expect("proves").0
}

#[test]
fn accelerator_tables_raised_to_the_height_menu_prove_and_verify() {
    use hearth_machine::heights::menu;
    let keccak = bundled("keccak");
    let input: Vec<u8> = (0..300).map(|i| (i * 7 + 3) as u8).collect();
    let secp256k1 = common::assemble(common::SECP256K1);
    for (program, input, tables) in [
        (&keccak, &input[..], &[index::KECCAK_F][..]),
        (
            &secp256k1,
            &[][..],
            &[index::SECP256K1_ADD, index::SECP256K1_DOUBLE, index::SECP256K1_DECOMPRESS][..],
        ),
    ] {
        let natural = prove_shard(program, input, &params()).expect("proves");
        let raised = prove_on_menu(program, input, hearth_machine::MAX_SHARD_CYCLES);
        assert_eq!(raised.shards.len(), 1);
        let public = verify_run(&raised, ProgramSource::Elf(program)).expect("verifies");
        assert_eq!(public, verify_run(&natural, ProgramSource::Elf(program)).expect("verifies"));
        let heights = raised.shards[0].table_log_heights().expect("a well-formed shape");
        let natural_heights = natural.shards[0].table_log_heights().expect("a well-formed shape");
        for &table in tables {
            assert_eq!(heights[table], Some(menu(table)[0]), "table {table}");
            assert!(natural_heights[table] < heights[table], "table {table} raised");
        }
    }
}

#[test]
fn forged_keccak_f_state_is_rejected() {
    use hearth_machine::chips::keccak_f::KECCAK_F_COL_MAP as KECCAK;
    let program = bundled("keccak");
    let input = b"forged keccak".to_vec();
    for (round, column) in [(23, KECCAK.lanes[3][5]), (0, KECCAK.lanes[0][0]), (23, KECCAK.lanes[24][7])] {
        assert!(
            rejected_with_input(&program, &input, move |t| {
                let v = get(t, index::KECCAK_F, round, column);
                set(t, index::KECCAK_F, round, column, v + Val::ONE);
            }),
            "lane byte changed on row {round}"
        );
    }
    // A different output limb in the last round, with the lanes that write it back agreeing.
    assert!(rejected_with_input(&program, &input, |t| {
        let limb = KECCAK.keccak.a_prime_prime[1][2][0];
        let v = get(t, index::KECCAK_F, 23, limb);
        set(t, index::KECCAK_F, 23, limb, v + Val::ONE);
        let lane = KECCAK.lanes[2 + 5][0];
        let b = get(t, index::KECCAK_F, 23, lane);
        set(t, index::KECCAK_F, 23, lane, b + Val::ONE);
    }));
}

#[test]
fn sha256_accelerator_proves_sha256() {
    use sha2::Digest;
    // Padding in one block (0, 55 bytes), spilling into a second (56, 64), and several blocks.
    let program = bundled("sha256");
    for len in [0usize, 55, 56, 64, 200] {
        let input: Vec<u8> = (0..len).map(|i| (i * 13 + 5) as u8).collect();
        let proof = prove_shard(&program, &input, &params()).expect("proves");
        let public = verify_run(&proof, ProgramSource::Elf(&program)).expect("verifies");
        let expected: [u8; 32] = sha2::Sha256::digest(&input).into();
        // The accelerated digest, then the software one.
        assert_eq!(public.output[..32], expected, "{len} bytes");
        assert_eq!(public.output[32..], expected, "{len} bytes");
    }
}

#[test]
fn forged_sha256_compression_is_rejected() {
    use hearth_machine::chips::sha256::SHA256_COL_MAP as SHA;
    let program = bundled("sha256");
    let input = b"forged sha-256".to_vec();
    let flip = |row: usize, column: usize| {
        move |t: &mut [RowMajorMatrix<Val>]| {
            let v = get(t, index::SHA256, row, column);
            set(t, index::SHA256, row, column, Val::ONE - v);
        }
    };
    let add = |row: usize, column: usize| {
        move |t: &mut [RowMajorMatrix<Val>]| {
            let v = get(t, index::SHA256, row, column);
            set(t, index::SHA256, row, column, v + Val::ONE);
        }
    };
    assert!(rejected_with_input(&program, &input, add(63, SHA.out[5])), "an output byte");
    assert!(rejected_with_input(&program, &input, add(0, SHA.state[9])), "an input state byte");
    assert!(rejected_with_input(&program, &input, flip(0, SHA.w[3][17])), "a block bit");
    assert!(rejected_with_input(&program, &input, flip(20, SHA.a[0][8])), "a round's new a");
    assert!(rejected_with_input(&program, &input, flip(40, SHA.w[16][0])), "a schedule word");
    assert!(rejected_with_input(&program, &input, add(30, SHA.a_carry[0][2])), "a non-boolean carry bit");
    // A different output word whose bytes and carry agree with each other: the last round's
    // `a'` changed to match, so only the round itself can catch it.
    assert!(rejected_with_input(&program, &input, |t| {
        let v = get(t, index::SHA256, 63, SHA.a[0][0]);
        set(t, index::SHA256, 63, SHA.a[0][0], Val::ONE - v);
        let out = get(t, index::SHA256, 63, SHA.out[0]);
        let delta = if v == Val::ZERO { Val::ONE } else { -Val::ONE };
        set(t, index::SHA256, 63, SHA.out[0], out + delta);
    }));
}

/// The stream table rows of the output, and the I/O word table's rows of `write`s.
fn output_rows(t: &[RowMajorMatrix<Val>]) -> (Vec<usize>, Vec<usize>) {
    let rows = |table: usize, col: usize| {
        (0..t[table].values.len() / t[table].width).filter(|&r| get(t, table, r, col) == Val::ONE).collect()
    };
    (rows(index::STREAM, STREAM.is_output), rows(index::IO_WORD, IO_WORD.is_write))
}

#[test]
fn wrong_output_byte_is_rejected() {
    let program = bundled("fibonacci");
    let input = 20u64.to_le_bytes();
    let honest = execute(&program, &input, &ExecutionOptions::default()).expect("runs").output;
    let forged = |claimed: Vec<u8>, tamper: fn(&mut [RowMajorMatrix<Val>])| {
        let (program, input) = (program.clone(), input);
        let proved = std::panic::catch_unwind(move || {
            prove_forged(&CpuBackend, &program, &input, Some(claimed), &params(), tamper)
        });
        match proved {
            Err(_) | Ok(Err(_)) => true,
            Ok(Ok(proof)) => verify_run(&proof, ProgramSource::Elf(&bundled("fibonacci"))).is_err(),
        }
    };
    // The honest claim through the same harness is accepted.
    assert!(!forged(honest.clone(), |_| ()));
    let mut claimed = honest.clone();
    claimed[0] ^= 1;
    // The stream table claims the forged byte; the write sends the true one.
    assert!(forged(claimed.clone(), |_| ()));
    // ... and with the write's word forged to match (memory no longer balances).
    assert!(forged(claimed, |t| {
        let (_, writes) = output_rows(t);
        let row = writes[0];
        let lo = (0..8).find(|&j| get(t, index::IO_WORD, row, IO_WORD.first[j]) == Val::ONE).expect("first");
        for col in [IO_WORD.prev[lo], IO_WORD.value[lo]] {
            let v = get(t, index::IO_WORD, row, col);
            set(t, index::IO_WORD, row, col, v + Val::ONE);
        }
    }));
    // Dropping the output's last byte from the claim.
    assert!(forged(honest[..honest.len() - 1].to_vec(), |_| ()));
}

#[test]
fn forged_input_byte_is_rejected() {
    let program = bundled("fibonacci");
    assert!(rejected_with_input(&program, &20u64.to_le_bytes(), |t| {
        // The first read row writes a different byte into memory.
        let row = (0..t[index::IO_WORD].values.len() / t[index::IO_WORD].width)
            .find(|&r| get(t, index::IO_WORD, r, IO_WORD.is_real) == Val::ONE)
            .expect("a read");
        let lo = (0..8).find(|&j| get(t, index::IO_WORD, row, IO_WORD.first[j]) == Val::ONE).expect("first");
        let v = get(t, index::IO_WORD, row, IO_WORD.value[lo]);
        set(t, index::IO_WORD, row, IO_WORD.value[lo], v + Val::ONE);
    }));
}

/// Proves with `tamper` applied to the traces; the forgery must not produce a verifying proof
/// (in debug builds the prover's own constraint checker may refuse first).
fn rejected(
    program: &Program,
    tamper: impl FnOnce(&mut [RowMajorMatrix<Val>]) + std::panic::UnwindSafe,
) -> bool {
    rejected_with_input(program, &[], tamper)
}

/// [`rejected`] for a run on `input`.
fn rejected_with_input(
    program: &Program,
    input: &[u8],
    tamper: impl FnOnce(&mut [RowMajorMatrix<Val>]) + std::panic::UnwindSafe,
) -> bool {
    let (program_for_prover, input) = (program.clone(), input.to_vec());
    let proved = std::panic::catch_unwind(move || {
        prove_tampered(&CpuBackend, &program_for_prover, &input, &params(), tamper)
    });
    match proved {
        Err(_) | Ok(Err(_)) => true,
        Ok(Ok(proof)) => verify_run(&proof, ProgramSource::Elf(program)).is_err(),
    }
}

fn set(traces: &mut [RowMajorMatrix<Val>], table: usize, row: usize, col: usize, value: Val) {
    let width = traces[table].width;
    traces[table].values[row * width + col] = value;
}

fn get(traces: &[RowMajorMatrix<Val>], table: usize, row: usize, col: usize) -> Val {
    traces[table].values[row * traces[table].width + col]
}

use hearth_machine::chips::cpu::CPU_COL_MAP as CPU;
use hearth_machine::chips::index;
use hearth_machine::chips::io_word::IO_WORD_COL_MAP as IO_WORD;
use hearth_machine::chips::stream::STREAM_COL_MAP as STREAM;

#[test]
fn honest_traces_are_accepted_by_the_same_harness() {
    let program = common::assemble(common::MIXED);
    assert!(!rejected(&program, |_| ()));
}

#[test]
fn forged_register_value_is_rejected() {
    let program = common::assemble(common::MIXED);
    // Row 5 reads some register: claim a different value for it.
    assert!(rejected(&program, |t| {
        let v = get(t, index::CPU, 5, CPU.rs1_val[0]);
        set(t, index::CPU, 5, CPU.rs1_val[0], v + Val::ONE);
    }));
}

#[test]
fn wrong_exit_code_in_the_trace_is_rejected() {
    let program = common::assemble(&format!("li a0, 9\n{}", common::EXIT));
    assert!(rejected(&program, |t| {
        let last = (0..t[index::CPU].values.len() / t[index::CPU].width)
            .rev()
            .find(|&r| get(t, index::CPU, r, CPU.is_real) == Val::ONE)
            .unwrap();
        set(t, index::CPU, last, CPU.rs2_val[0], Val::from_u8(10));
    }));
}

#[test]
fn non_boolean_selector_is_rejected() {
    let program = common::assemble(common::MIXED);
    assert!(rejected(&program, |t| set(t, index::CPU, 3, CPU.instr.is_alu, Val::TWO)));
}

#[test]
fn bus_multiplicity_off_by_one_is_rejected() {
    let program = common::assemble(common::MIXED);
    assert!(rejected(&program, |t| {
        let v = get(t, index::PROGRAM, 0, 0);
        set(t, index::PROGRAM, 0, 0, v + Val::ONE);
    }));
}

#[test]
fn forged_memory_read_is_rejected() {
    let program = common::assemble(common::MIXED);
    assert!(rejected(&program, |t| {
        let rows = t[index::CPU].values.len() / t[index::CPU].width;
        let load = (0..rows).find(|&r| get(t, index::CPU, r, CPU.instr.is_load) == Val::ONE).unwrap();
        let v = get(t, index::CPU, load, CPU.mem_prev[0]);
        set(t, index::CPU, load, CPU.mem_prev[0], v + Val::ONE);
        set(t, index::CPU, load, CPU.mem_new[0], v + Val::ONE);
    }));
}

#[test]
fn forged_read_of_the_second_word_of_a_crossing_load_is_rejected() {
    let program = common::assemble(common::MIXED);
    assert!(rejected(&program, |t| {
        let rows = t[index::CPU].values.len() / t[index::CPU].width;
        let load = (0..rows)
            .find(|&r| {
                get(t, index::CPU, r, CPU.instr.is_load) == Val::ONE
                    && get(t, index::CPU, r, CPU.mem_cross) == Val::ONE
            })
            .expect("a crossing load");
        for col in [CPU.mem2_prev[0], CPU.mem2_new[0]] {
            let v = get(t, index::CPU, load, col);
            set(t, index::CPU, load, col, v + Val::ONE);
        }
    }));
}

#[test]
fn carry_out_of_range_is_rejected() {
    use hearth_machine::chips::add_sub::ADD_SUB_COL_MAP as ADD;
    let program = common::assemble(common::MIXED);
    // Replace c0 + 256 * carry0 by (c0 + 256) + 256 * (carry0 - 1): same sum, non-boolean carry.
    assert!(rejected(&program, |t| {
        let c0 = get(t, 3, 0, ADD.c[0]);
        let k = get(t, 3, 0, ADD.carry[0]);
        set(t, 3, 0, ADD.c[0], c0 + Val::from_u16(256));
        set(t, 3, 0, ADD.carry[0], k - Val::ONE);
    }));
}

#[test]
fn every_table_has_constraints_of_degree_at_most_three() {
    // The fast parameter set's blowup of 2 proves constraints up to degree 3.
    let heights = vec![Some(16); hearth_machine::chips::CHIP_NAMES.len()];
    let shapes = hearth_machine::machine_shapes(&params(), &heights).expect("shapes");
    for shape in &shapes {
        println!(
            "{:16} {:4} main, {:3} preprocessed, {:4} constraints, degree {}, {} lookup columns",
            shape.name,
            shape.main_width,
            shape.preprocessed_width,
            shape.num_constraints,
            shape.max_degree,
            shape.num_lookups
        );
    }
    for shape in shapes {
        assert!(shape.max_degree <= 3, "{}: degree {}", shape.name, shape.max_degree);
    }
}

#[test]
fn honest_witness_satisfies_every_constraint_and_bus() {
    // All tables, the byte and program tables with their computed multiplicities included.
    let programs = [common::MIXED, common::MULDIV, common::SYSCALLS, common::IO].map(common::assemble);
    let secp256k1 = common::assemble(common::SECP256K1);
    for program in programs.iter().chain([&bundled("sort"), &bundled("keccak"), &secp256k1]) {
        for w in [
            hearth_machine::shard_witness(program, b"some input").expect("witness"),
            hearth_machine::shard_witness_with_private_input(program, b"some input").expect("witness"),
        ] {
            hearth_machine::check::check_tables(&w.chips, &w.traces, &w.public_values, &[])
                .unwrap_or_else(|e| panic!("{e}"));
        }
    }
}

#[test]
fn a_proof_holds_only_the_accelerator_tables_its_run_calls() {
    let program = common::assemble(common::MIXED);
    let proof = prove_shard(&program, &[], &params()).expect("proves");
    let expected: Vec<u8> = (0..hearth_machine::chips::CHIP_NAMES.len())
        .filter(|t| !hearth_machine::OPTIONAL_TABLES.contains(t))
        .map(|t| t as u8)
        .collect();
    assert_eq!(proof.shards[0].tables, expected);
    verify_run(&proof, ProgramSource::Elf(&program)).expect("verifies");
    // The secp256k1 program calls the three secp256k1 tables and no other accelerator.
    let secp256k1 = common::assemble(common::SECP256K1);
    let proof = prove_shard(&secp256k1, &[], &params()).expect("proves");
    let calls = [index::SECP256K1_ADD, index::SECP256K1_DOUBLE, index::SECP256K1_DECOMPRESS];
    for t in hearth_machine::OPTIONAL_TABLES {
        assert_eq!(proof.shards[0].tables.contains(&(t as u8)), calls.contains(&t), "table {t}");
    }
}

#[test]
fn a_table_list_without_a_required_table_or_out_of_order_is_malformed() {
    let program = common::assemble(common::MIXED);
    let proof = prove_shard(&program, &[], &params()).expect("proves");
    let bytes = proof.to_bytes();
    let edited = |edit: fn(&mut Vec<u8>)| {
        let mut proof = RunProof::from_bytes(&bytes).expect("decodes");
        edit(&mut proof.shards[0].tables);
        verify_run(&proof, ProgramSource::Elf(&program))
    };
    // The CPU table's index swapped for an accelerator's: as many tables, no CPU.
    let no_cpu = edited(|t| {
        t.retain(|&i| i != index::CPU as u8);
        t.push(index::KECCAK_F as u8);
        t.sort_unstable();
    });
    assert!(matches!(no_cpu, Err(VerifyError::Malformed(_))), "{no_cpu:?}");
    let reordered = edited(|t| t.swap(0, 1));
    assert!(matches!(reordered, Err(VerifyError::Malformed(_))), "{reordered:?}");
    let repeated = edited(|t| t[1] = t[0]);
    assert!(matches!(repeated, Err(VerifyError::Malformed(_))), "{repeated:?}");
}

#[test]
fn leaving_out_a_table_the_run_calls_is_rejected() {
    let program = common::assemble(common::SECP256K1);
    for table in [index::SECP256K1_ADD, index::SECP256K1_DECOMPRESS] {
        let (p, ours) = (program.clone(), params());
        let proved = std::panic::catch_unwind(move || {
            hearth_machine::prove_leaving_out(&CpuBackend, &p, &[], None, &ours, |_| (), &[table])
        });
        let accepted = match proved {
            Err(_) | Ok(Err(_)) => false,
            Ok(Ok(proof)) => verify_run(&proof, ProgramSource::Elf(&program)).is_ok(),
        };
        assert!(!accepted, "table {table} left out");
    }
    // The same harness without leaving anything out is accepted.
    let honest = hearth_machine::prove_leaving_out(&CpuBackend, &program, &[], None, &params(), |_| (), &[]);
    verify_run(&honest.expect("proves"), ProgramSource::Elf(&program)).expect("verifies");
}

#[test]
fn a_changed_shard_boundary_is_rejected() {
    let program = common::assemble(common::MIXED);
    let proof = prove_shard(&program, &[], &params()).expect("proves");
    verify_run(&proof, ProgramSource::Elf(&program)).expect("verifies");
    let bytes = proof.to_bytes();
    let edited = |edit: &dyn Fn(&mut hearth_machine::boundary::ShardBoundary)| {
        let mut proof = RunProof::from_bytes(&bytes).expect("decodes");
        edit(&mut proof.shards[0].boundary);
        verify_run(&proof, ProgramSource::Elf(&program)).is_err()
    };
    assert!(edited(&|b| b.registers_out[10] += 1), "a final register value");
    assert!(edited(&|b| b.registers_out[2] ^= 1 << 40), "a final register's high byte");
    assert!(edited(&|b| b.registers_in[5] = 1), "a register at entry");
    assert!(edited(&|b| b.pc_in += 4), "the first pc");
    assert!(edited(&|b| b.pc_out += 4), "the pc after the shard");
    assert!(edited(&|b| b.halted = false), "a shard that does not halt");
    assert!(edited(&|b| b.registers_out.truncate(33)), "a boundary of the wrong shape");
}

#[test]
fn a_changed_memory_list_is_rejected() {
    // The IO program touches stack words below the image and data words inside it.
    let program = common::assemble(common::IO);
    let proof = prove_shard(&program, b"some input", &params()).expect("proves");
    verify_run(&proof, ProgramSource::Elf(&program)).expect("verifies");
    let words = proof.shards[0].boundary.memory.to_vec();
    assert!(words.iter().any(|w| w.from_image) && words.iter().any(|w| !w.from_image));
    let bytes = proof.to_bytes();
    let edited = |edit: &dyn Fn(&mut Vec<hearth_machine::boundary::BoundaryWord>)| {
        let mut proof = RunProof::from_bytes(&bytes).expect("decodes");
        let mut words = proof.shards[0].boundary.memory.to_vec();
        edit(&mut words);
        proof.shards[0].boundary.memory = words.into();
        verify_run(&proof, ProgramSource::Elf(&program)).is_err()
    };
    let fresh = words.iter().position(|w| !w.from_image).expect("a word outside the image");
    let imaged = words.iter().position(|w| w.from_image).expect("a word of the image");
    assert!(edited(&|w| w[fresh].after ^= 1), "a final value");
    assert!(edited(&|w| w[imaged].after ^= 1 << 63), "a final value of an image word");
    assert!(edited(&|w| w[fresh].before = 5), "a word outside the image not starting at zero");
    assert!(edited(&|w| w[imaged].from_image = false), "an image word claimed to start at zero");
    assert!(edited(&|w| w[fresh].from_image = true), "a word outside the image taken from it");
    assert!(edited(&|w| w.swap(0, 1)), "out of order");
    assert!(edited(&|w| w[0].addr += 4), "an unaligned word");
    assert!(
        edited(&|w| {
            w.remove(fresh);
        }),
        "a touched word left out"
    );
    assert!(
        edited(&|w| w.push(hearth_machine::boundary::BoundaryWord {
            addr: 0x7000_0000,
            before: 0,
            after: 0,
            from_image: false
        })),
        "an untouched word added"
    );
}

#[test]
fn a_memory_list_longer_than_its_table_is_refused_before_the_stark() {
    let program = common::assemble(common::IO);
    let proof = prove_shard(&program, b"some input", &params()).expect("proves");
    let rows = proof.shards[0].boundary_height().expect("a well-formed proof");
    let mut words = proof.shards[0].boundary.memory.to_vec();
    // Untouched words, in order among the touched ones: a list well-formed but too long.
    let untouched = (0..).map(|i: u32| 0x4000_0000 + 8 * i).filter(|a| words.iter().all(|w| w.addr != *a));
    let added: Vec<u32> = untouched.take(rows).collect();
    words.extend(added.into_iter().map(|addr| hearth_machine::boundary::BoundaryWord {
        addr,
        before: 0,
        after: 0,
        from_image: false,
    }));
    words.sort_by_key(|w| w.addr);
    let mut long = proof;
    long.shards[0].boundary.memory = words.into();
    let error = verify_run(&long, ProgramSource::Elf(&program)).expect_err("a list the table cannot hold");
    assert!(error.to_string().contains("too short for its list"), "{error}");
}

#[test]
fn a_run_proven_on_the_height_menu_verifies_with_its_moving_tables_raised() {
    use hearth_machine::heights::menu;
    let (program, input, natural) = sort_run(300, 7, 1 << 14);
    assert!(natural.shards.len() >= 2, "{} shards", natural.shards.len());
    let raised = prove_on_menu(&program, &input, 1 << 14);
    let public = verify_run(&raised, ProgramSource::Elf(&program)).expect("verifies");
    assert_eq!(public, verify_run(&natural, ProgramSource::Elf(&program)).expect("verifies"));
    assert_eq!(raised.shards.len(), natural.shards.len());
    let mut raised_tables = 0;
    for (menu_shard, natural_shard) in raised.shards.iter().zip(&natural.shards) {
        assert_eq!(menu_shard.tables, natural_shard.tables);
        let heights = menu_shard.table_log_heights().expect("a well-formed shape");
        let natural_heights = natural_shard.table_log_heights().expect("a well-formed shape");
        for (table, (height, natural_height)) in heights.iter().zip(&natural_heights).enumerate() {
            let (Some(height), Some(natural_height)) = (*height, *natural_height) else { continue };
            let entries = menu(table);
            match entries.iter().find(|&&entry| entry >= natural_height) {
                Some(&entry) => assert_eq!(height, entry, "table {table}"),
                None => assert_eq!(height, natural_height, "table {table}"),
            }
            raised_tables += usize::from(height > natural_height);
        }
    }
    assert!(raised_tables >= 2 * raised.shards.len(), "{raised_tables} tables raised");
}

/// A run of the bundled `sort` guest on `values` numbers, cut into shards of `cycles`.
fn sort_run(values: u32, seed: u32, cycles: u64) -> (Program, Vec<u8>, RunProof) {
    let program = bundled("sort");
    let input: Vec<u8> =
        (0..values).flat_map(|i| (i.wrapping_mul(0x9e37_79b9) ^ seed).to_le_bytes()).collect();
    let proof = hearth_machine::prove_run(&CpuBackend, &program, &input, &params(), cycles).expect("proves");
    (program, input, proof)
}

/// A copy of a shard proof.
fn copy(shard: &ShardProof) -> ShardProof {
    postcard::from_bytes(&postcard::to_allocvec(shard).expect("encodes")).expect("decodes")
}

#[test]
fn a_run_of_several_shards_proves_and_verifies_and_tampered_runs_do_not() {
    let (program, input, proof) = sort_run(300, 1, 1 << 13);
    assert!(proof.shards.len() >= 4, "{} shards", proof.shards.len());
    let summary = execute(&program, &input, &ExecutionOptions::default()).expect("runs");
    let public = verify_run(&proof, ProgramSource::Elf(&program)).expect("verifies");
    assert_eq!((public.output.clone(), public.exit_code, public.cycles), (summary.output, 0, summary.cycles));
    let decoded = RunProof::from_bytes(&proof.to_bytes()).expect("decodes");
    let by_hash = verify_run(&decoded, ProgramSource::Hash(public.program_hash)).expect("verifies by hash");
    assert_eq!(by_hash, public);

    let rejected = |shards: Vec<&ShardProof>| {
        let run = RunProof { input: input.clone(), shards: shards.into_iter().map(copy).collect() };
        verify_run(&run, ProgramSource::Elf(&program)).is_err()
    };
    let all: Vec<_> = proof.shards.iter().collect();
    assert!(!rejected(all.clone()), "the harness accepts the honest run");
    let mut dropped = all.clone();
    dropped.remove(1);
    assert!(rejected(dropped), "a shard dropped");
    let mut swapped = all.clone();
    swapped.swap(1, 2);
    assert!(rejected(swapped), "two shards swapped");
    let mut replayed = all.clone();
    replayed.insert(2, all[1]);
    assert!(rejected(replayed), "a shard replayed");
    assert!(rejected(all[..all.len() - 1].to_vec()), "the last shard dropped");
    let (_, other_input, other) = sort_run(300, 2, 1 << 13);
    let mut spliced = all.clone();
    spliced[1] = &other.shards[1];
    assert!(rejected(spliced), "a shard of a run on another input");
    let mut moved = RunProof::from_bytes(&other.to_bytes()).expect("decodes");
    assert!(verify_run(&moved, ProgramSource::Elf(&program)).is_ok(), "the other run verifies");
    moved.input = input.clone();
    assert!(
        verify_run(&moved, ProgramSource::Elf(&program)).is_err(),
        "a whole run claimed for another input"
    );
    assert_ne!(other_input, input);

    // A hand-over changed in both shards' claims: the chain holds, a STARK does not.
    let edited = |edit: &dyn Fn(&mut [ShardProof])| {
        let mut run = RunProof::from_bytes(&proof.to_bytes()).expect("decodes");
        edit(&mut run.shards);
        verify_run(&run, ProgramSource::Elf(&program)).is_err()
    };
    assert!(
        edited(&|p| {
            p[0].boundary.registers_out[9] ^= 1;
            p[1].boundary.registers_in[9] ^= 1;
        }),
        "a hand-over register"
    );
    // A word carried from one shard to a later one, its value changed on both sides.
    let shards = &proof.shards;
    let (k, addr) = (1..shards.len())
        .find_map(|k| {
            let carried = shards[k].boundary.memory.iter().find(|w| !w.from_image && w.before != 0)?;
            Some((k, carried.addr))
        })
        .expect("a word carried over");
    let j =
        (0..k).rev().find(|&j| shards[j].boundary.memory.iter().any(|w| w.addr == addr)).expect("its writer");
    let flip = |proof: &mut ShardProof, after: bool| {
        let mut words = proof.boundary.memory.to_vec();
        for w in words.iter_mut().filter(|w| w.addr == addr) {
            if after { w.after ^= 1 } else { w.before ^= 1 }
        }
        proof.boundary.memory = words.into();
    };
    assert!(!edited(&|_| ()), "the same harness accepts the honest run");
    assert!(
        edited(&|p| {
            flip(&mut p[j], true);
            flip(&mut p[k], false);
        }),
        "a hand-over memory value"
    );
    assert!(edited(&|p| p[1].output.push(0)), "an output byte added to a shard");
}

#[test]
fn a_runs_statements_at_once_are_each_shards_statement() {
    let (program, _, proof) = sort_run(300, 3, 1 << 13);
    let contexts = hearth_machine::run_memory(&proof).expect("a run's memory").contexts;
    let all = hearth_machine::shard_statements(&proof, ProgramSource::Elf(&program), &contexts)
        .expect("statements");
    assert_eq!(all.len(), proof.shards.len());
    for ((shard, context), at_once) in proof.shards.iter().zip(&contexts).zip(&all) {
        let alone =
            hearth_machine::shard_statement(shard, &proof.input, ProgramSource::Elf(&program), context)
                .expect("a statement");
        assert_eq!(alone.public_values, at_once.public_values);
        assert_eq!(
            postcard::to_allocvec(&alone.commitment).unwrap(),
            postcard::to_allocvec(&at_once.commitment).unwrap()
        );
    }
    let fewer = &contexts[1..];
    assert!(hearth_machine::shard_statements(&proof, ProgramSource::Elf(&program), fewer).is_err());
}

#[test]
fn a_shard_proven_for_another_memory_history_or_challenges_is_rejected() {
    let program = bundled("sort");
    let input: Vec<u8> = (0..300u32).flat_map(|i| i.wrapping_mul(0x9e37_79b9).to_le_bytes()).collect();
    let params = params();
    let prover = hearth_machine::RunProver::new(&CpuBackend, &program, &input, &params).expect("prover");
    let plan = prover.plan(1 << 13, 1 << 24).expect("plans");
    assert!(plan.tasks.len() >= 3, "{} shards", plan.tasks.len());
    let shards: Vec<ShardProof> =
        plan.tasks.iter().map(|t| prover.prove_task(t).expect("proves").0).collect();
    let run = RunProof { input: input.clone(), shards };
    verify_run(&run, ProgramSource::Elf(&program)).expect("the honest run verifies");
    // The contexts the prover planned are the ones the verifier derives.
    let memory = hearth_machine::run_memory(&run).expect("memory");
    assert!(plan.tasks.iter().zip(&memory.contexts).all(|(t, c)| &t.memory == c));

    let (k, word) = plan
        .tasks
        .iter()
        .enumerate()
        .find_map(|(k, t)| Some((k, t.memory.prev.iter().position(|&p| p > 0)?)))
        .expect("a word written by an earlier shard");
    let forged = |edit: &dyn Fn(&mut hearth_machine::memory_argument::MemoryContext)| {
        let mut task = plan.tasks[k].clone();
        edit(&mut task.memory);
        let Ok((shard, _)) = prover.prove_task(&task) else { return true };
        let mut run = RunProof::from_bytes(&run.to_bytes()).expect("decodes");
        run.shards[k] = shard;
        verify_run(&run, ProgramSource::Elf(&program)).is_err()
    };
    let with_prev = |prev: u32| {
        move |m: &mut hearth_machine::memory_argument::MemoryContext| {
            let mut all = m.prev.to_vec();
            all[word] = prev;
            m.prev = all.into();
        }
    };
    assert!(!forged(&|_| ()), "the harness accepts the honest shard");
    let stamp = plan.tasks[k].memory.stamp;
    assert!(forged(&with_prev(plan.tasks[k].memory.prev[word] - 1)), "an earlier previous writer");
    assert!(forged(&with_prev(stamp)), "a previous writer from the future");
    assert!(forged(&|m| m.stamp += 1), "another stamp");
    assert!(forged(&|m| m.challenges.alpha[3] += Val::ONE), "another challenge");
}

#[test]
fn shards_with_a_private_input_hold_it_in_the_input_table_and_are_not_a_run_proof() {
    let program = bundled("sort");
    let input: Vec<u8> = (0..300u32).flat_map(|i| i.wrapping_mul(0x9e37_79b9).to_le_bytes()).collect();
    let params = params();
    let prover = hearth_machine::RunProver::new(&CpuBackend, &program, &input, &params)
        .expect("prover")
        .with_private_input();
    let plan = prover.plan(1 << 13, 1 << 24).expect("plans");
    assert!(plan.tasks.len() >= 2, "{} shards", plan.tasks.len());
    let shards: Vec<ShardProof> =
        plan.tasks.iter().map(|t| prover.prove_task(t).expect("proves").0).collect();
    // The first shard reads the whole input (the sort reads it before anything else); the
    // others read nothing, and hold no input table.
    let reads: Vec<bool> =
        shards.iter().map(|s| s.boundary.registers_out[32] > s.boundary.registers_in[32]).collect();
    assert!(reads[0], "the first shard reads the input");
    for (shard, reads) in shards.iter().zip(reads) {
        assert_eq!(shard.tables.contains(&(index::INPUT as u8)), reads);
    }
    let run = RunProof { input: input.clone(), shards };
    // The verifier derives the memory contexts the prover planned (the stream digests leave the
    // input out), but does not take such shards as a run's proof: they do not state the input.
    let memory = hearth_machine::run_memory(&run).expect("memory");
    assert!(plan.tasks.iter().zip(&memory.contexts).all(|(t, c)| &t.memory == c));
    let refused = verify_run(&run, ProgramSource::Elf(&program)).expect_err("refused");
    assert!(refused.to_string().contains("private"), "{refused}");
}

/// Keeps shard proofs in memory, and gives back those of the shards it is told to.
#[derive(Default)]
struct MemoryStore {
    kept: std::sync::Mutex<std::collections::BTreeMap<u32, Vec<u8>>>,
    give_back: Vec<u32>,
    saved: std::sync::atomic::AtomicUsize,
}

impl hearth_machine::ShardStore for MemoryStore {
    fn load(&self, task: &hearth_machine::ShardTask) -> Option<(ShardProof, hearth_machine::ShardReport)> {
        if !self.give_back.contains(&task.index) {
            return None;
        }
        let kept = self.kept.lock().expect("lock");
        postcard::from_bytes(kept.get(&task.index)?).ok()
    }

    fn save(&self, proof: &ShardProof, report: &hearth_machine::ShardReport) {
        self.saved.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let bytes = postcard::to_allocvec(&(proof, report)).expect("serializes");
        self.kept.lock().expect("lock").insert(report.index, bytes);
    }
}

/// Counts the shards proven and the shards resumed.
#[derive(Default)]
struct Counts {
    proven: std::sync::Mutex<Vec<u32>>,
    resumed: std::sync::Mutex<Vec<u32>>,
}

impl hearth_machine::RunObserver for Counts {
    fn shard_proven(&self, report: &hearth_machine::ShardReport) {
        self.proven.lock().expect("lock").push(report.index);
    }

    fn shard_resumed(&self, report: &hearth_machine::ShardReport) {
        self.resumed.lock().expect("lock").push(report.index);
    }
}

#[test]
fn a_run_resumes_from_the_shards_an_earlier_attempt_kept() {
    let program = bundled("sort");
    let input: Vec<u8> = (0..300u32).flat_map(|i| i.wrapping_mul(0x9e37_79b9).to_le_bytes()).collect();
    let params = params();
    let prover = hearth_machine::RunProver::new(&CpuBackend, &program, &input, &params).expect("prover");
    // Two shards proven at once, so that kept shards pass their turn while others wait for one.
    let options = hearth_machine::RunOptions { shard_cycles: 1 << 13, jobs: 2, ..Default::default() };
    let first = MemoryStore::default();
    let (fresh, _) = prover.prove_resuming(&options, &(), &first).expect("proves");
    let shards = fresh.shards.len();
    assert!(shards >= 4, "{shards} shards");
    assert_eq!(first.saved.load(std::sync::atomic::Ordering::Relaxed), shards, "every shard is kept");

    // The second attempt is given back the first, third and last shards: it proves the others
    // only, and the run it assembles verifies.
    let give_back = vec![0, 2, shards as u32 - 1];
    let second = MemoryStore {
        kept: std::sync::Mutex::new(first.kept.into_inner().expect("lock")),
        give_back: give_back.clone(),
        ..Default::default()
    };
    let counts = Counts::default();
    let (resumed, report) = prover.prove_resuming(&options, &counts, &second).expect("resumes");
    let mut kept = counts.resumed.into_inner().expect("lock");
    kept.sort();
    assert_eq!(kept, give_back);
    let mut proven = counts.proven.into_inner().expect("lock");
    proven.sort();
    let expected: Vec<u32> = (0..shards as u32).filter(|k| !give_back.contains(k)).collect();
    assert_eq!(proven, expected);
    assert_eq!(report.shards.len(), shards);
    assert_eq!(resumed.cycles(), fresh.cycles());
    verify_run(&resumed, ProgramSource::Elf(&program)).expect("the resumed run verifies");
}
