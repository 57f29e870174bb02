//! The bundled guest programs (guest/programs), built with the guest toolchain, run in the
//! executor; outputs are checked against values computed on the host with reference crates.

use std::collections::HashMap;

use hearth_executor::{
    DebugOutput, ExecutionOptions, ExecutionSummary, Program, ShardRecord, checkpoints, execute, profile,
    replay_shard, trace,
};
use hearth_guest_builder::bundled;
use hearth_isa::Syscall;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sha2::Digest as _;
use sha3::Keccak256;

fn program(name: &str) -> Program {
    Program::from_elf(&bundled::elf(name)).expect("bundled program loads")
}

fn options() -> ExecutionOptions {
    ExecutionOptions { max_cycles: 1 << 32, debug: DebugOutput::Capture }
}

fn run(name: &str, input: &[u8]) -> ExecutionSummary {
    execute(&program(name), input, &options()).unwrap_or_else(|e| panic!("{name} faulted: {e}"))
}

fn keccak256(data: &[u8]) -> [u8; 32] {
    Keccak256::digest(data).into()
}

fn sha256(data: &[u8]) -> [u8; 32] {
    sha2::Sha256::digest(data).into()
}

/// Inputs around the Keccak rate (136) and SHA-256 block (64) boundaries, plus random ones.
fn hash_inputs() -> Vec<Vec<u8>> {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let mut inputs: Vec<Vec<u8>> = [0, 1, 55, 56, 63, 64, 65, 119, 120, 135, 136, 137, 271, 272, 273, 1000]
        .iter()
        .map(|&n| (0..n).map(|i| (i * 7 + 3) as u8).collect())
        .collect();
    inputs.extend((0..4).map(|_| {
        let len = rng.random_range(0..5000);
        (0..len).map(|_| rng.random()).collect()
    }));
    inputs
}

#[test]
fn fibonacci_matches_host() {
    for n in [0u64, 1, 2, 10, 90, 93, 94, 1000] {
        let summary = run("fibonacci", &n.to_le_bytes());
        let (mut a, mut b) = (0u64, 1u64);
        for _ in 0..n {
            (a, b) = (b, a.wrapping_add(b));
        }
        assert_eq!(summary.exit_code, 0);
        assert_eq!(summary.output, a.to_le_bytes(), "fib({n})");
        let debug = String::from_utf8_lossy(&summary.debug_output);
        assert!(debug.contains(&format!("fib({n}) mod 2^64 = {a}")), "debug output: {debug}");
    }
}

#[test]
fn sort_matches_host() {
    let mut rng = ChaCha8Rng::seed_from_u64(4);
    for len in [0usize, 1, 2, 17, 1000, 20_000] {
        let mut values: Vec<u32> = (0..len).map(|_| rng.random()).collect();
        let input: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        let summary = run("sort", &input);
        values.sort_unstable();
        let expected: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        assert_eq!(summary.output, expected, "sorting {len} values");
    }
}

#[test]
fn keccak_accelerator_matches_reference_and_software() {
    for input in hash_inputs() {
        let summary = run("keccak", &input);
        let expected = keccak256(&input);
        assert_eq!(summary.output[..32], expected, "accelerated keccak256 of {} bytes", input.len());
        assert_eq!(summary.output[32..], expected, "software keccak256 of {} bytes", input.len());
        let calls = summary.syscalls.iter().find(|(s, _)| *s == Syscall::KeccakF1600).map(|(_, n)| *n);
        assert_eq!(calls, Some(input.len() as u64 / 136 + 1), "one permutation per block");
    }
}

#[test]
fn sha256_accelerator_matches_reference_and_software() {
    for input in hash_inputs() {
        let summary = run("sha256", &input);
        let expected = sha256(&input);
        assert_eq!(summary.output[..32], expected, "accelerated sha256 of {} bytes", input.len());
        assert_eq!(summary.output[32..], expected, "software sha256 of {} bytes", input.len());
        let calls = summary.syscalls.iter().find(|(s, _)| *s == Syscall::Sha256Compress).map(|(_, n)| *n);
        assert_eq!(calls, Some((input.len() as u64 + 8) / 64 + 1), "one compression per padded block");
    }
}

#[test]
fn c_interface_matches_reference() {
    for input in hash_inputs().into_iter().step_by(3) {
        let summary = run("c_abi", &input);
        assert_eq!(summary.output[..32], keccak256(&input));
        assert_eq!(summary.output[32..], sha256(&input));
    }
}

#[test]
fn panic_halts_with_code_101_and_message() {
    let summary = run("panic", b"12345");
    assert_eq!(summary.exit_code, hearth_isa::syscall::EXIT_PANIC);
    assert_eq!(summary.output, b"before the panic");
    let debug = String::from_utf8_lossy(&summary.debug_output);
    assert!(debug.contains("deliberate panic after reading 5 bytes"), "debug output: {debug}");
    assert!(debug.contains("panic.rs"), "location missing: {debug}");
}

#[test]
fn exit_codes_pass_through() {
    for code in [0u32, 1, 7, 255, 256, u32::MAX] {
        assert_eq!(run("exit_code", &(code as u64).to_le_bytes()).exit_code, code);
    }
}

#[test]
fn benchmark_guests_match_host() {
    let n = 1000u64;
    let summary = run("alu", &n.to_le_bytes());
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let (mut a, mut b) = (0u64, 1u64);
    for _ in 0..n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (a, b) = (b, a.wrapping_add(b) ^ x);
    }
    assert_eq!(summary.output, (b ^ a.rotate_left(17)).to_le_bytes());

    let buf: Vec<u8> = (0..1024).map(|i| (i as u8).wrapping_mul(31).wrapping_add(7)).collect();
    let mut h = keccak256(&buf);
    for _ in 0..20 {
        h = keccak256(&h);
    }
    // The same chain in software and on the accelerator.
    for name in ["keccak_sw", "keccak_chain"] {
        assert_eq!(run(name, &20u64.to_le_bytes()).output, h, "{name}");
    }
    // The SHA-256 chain on the accelerator, against the `sha2` crate.
    let mut h = sha256(&buf);
    for _ in 0..20 {
        h = sha256(&h);
    }
    assert_eq!(run("sha256_chain", &20u64.to_le_bytes()).output, h, "sha256_chain");
}

#[test]
fn profile_attributes_cycles_to_functions() {
    let program = program("keccak_sw");
    let (summary, profile) = profile(&program, &50u64.to_le_bytes(), &options()).expect("runs");
    assert_eq!(profile.total_cycles, summary.cycles);
    assert_eq!(profile.functions.iter().map(|f| f.cycles).sum::<u64>(), summary.cycles);
    let top = &profile.functions[0];
    assert!(top.name.contains("keccak"), "the permutation should dominate, got {top:?}");
    assert!(profile.functions.windows(2).all(|w| w[0].cycles >= w[1].cycles));
}

// ---- trace mode ----

/// Checks one run's shards against each other, the fast mode and the independent replays.
fn check_shards(name: &str, input: &[u8], shard_cycles: u64) -> Vec<ShardRecord> {
    let program = program(name);
    let fast = execute(&program, input, &options()).expect("fast run");
    let (shards, summary) = trace(&program, input, &options(), shard_cycles).expect("trace run");
    assert_eq!(summary.cycles, fast.cycles);
    assert_eq!(summary.output, fast.output);
    assert_eq!(summary.exit_code, fast.exit_code);
    assert_eq!(summary.unaligned_accesses, fast.unaligned_accesses);
    assert_eq!(shards.len() as u64, fast.cycles.div_ceil(shard_cycles));
    assert_eq!(shards.iter().map(|s| s.output.clone()).collect::<Vec<_>>().concat(), fast.output);
    assert_eq!(shards.iter().map(ShardRecord::cycles).sum::<u64>(), fast.cycles);
    assert_eq!(shards.last().and_then(|s| s.end.exit_code), Some(fast.exit_code));

    for (i, pair) in shards.windows(2).enumerate() {
        let (end, next) = (&pair[0].end, &pair[1].start);
        assert_eq!(pair[0].cycles(), shard_cycles, "only the last shard may be short");
        assert_eq!((end.clk, end.pc, end.registers), (next.clk, next.pc, next.registers), "hand-over {i}");
        assert_eq!(end.register_timestamps, next.register_timestamps);
        assert_eq!(end.input_position, next.input_position);
        assert_eq!(end.exit_code, None);
    }

    let (found, _) = checkpoints(&program, input, &options(), shard_cycles).expect("checkpoint run");
    assert_eq!(found, shards.iter().map(|s| s.start.clone()).collect::<Vec<_>>());
    for shard in &shards {
        let replayed = replay_shard(&program, input, &shard.start, shard_cycles).expect("replay");
        assert!(replayed == *shard, "shard {} of {name} re-executes differently", shard.start.shard);
    }
    shards
}

/// Walks every access of every shard in order and checks that each one's previous value and
/// timestamp are those of the last access to the same location, and that timestamps increase.
fn check_access_chains(program: &Program, shards: &[ShardRecord]) {
    let mut image: HashMap<u64, u64> = HashMap::new();
    for segment in program.segments() {
        for (i, byte) in segment.data.iter().enumerate() {
            let addr = segment.vaddr + i as u64;
            *image.entry(addr & !7).or_default() |= (*byte as u64) << (8 * (addr % 8));
        }
    }
    let mut memory: HashMap<u64, (u64, u64)> = HashMap::new();
    let mut registers = [(0u64, 0u64); 32];
    let mut clk = 0;
    for shard in shards {
        for word in &shard.start.memory {
            let expected =
                memory.get(&word.addr).copied().unwrap_or((image.get(&word.addr).copied().unwrap_or(0), 0));
            assert_eq!((word.value, word.timestamp), expected, "checkpoint word {:#x}", word.addr);
        }
        for event in &shard.instructions {
            assert_eq!(event.clk, clk);
            clk += 1;
            for access in shard.registers_of(event) {
                let r = access.reg as usize;
                assert!(r > 0, "x0 is never recorded");
                assert_eq!(
                    (access.prev_value, access.prev_timestamp),
                    registers[r],
                    "x{r} at clk {}",
                    event.clk
                );
                assert!(access.timestamp > access.prev_timestamp);
                assert_eq!(access.timestamp / 4, event.clk + 1);
                registers[r] = (access.value, access.timestamp);
            }
            for access in shard.memory_of(event) {
                let prev = memory
                    .get(&access.addr)
                    .copied()
                    .unwrap_or((image.get(&access.addr).copied().unwrap_or(0), 0));
                assert_eq!((access.prev_value, access.prev_timestamp), prev, "word {:#x}", access.addr);
                assert!(access.timestamp > access.prev_timestamp);
                memory.insert(access.addr, (access.value, access.timestamp));
            }
        }
        for pair in shard.instructions.windows(2) {
            assert_eq!(pair[0].next_pc, pair[1].pc);
        }
        for word in &shard.final_memory {
            assert_eq!(memory.get(&word.addr).copied(), Some((word.value, word.timestamp)));
        }
    }
}

#[test]
fn trace_shards_replay_and_hand_over() {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let values: Vec<u8> = (0..4000).map(|_| rng.random()).collect();
    for (name, input, shard) in [
        ("sort", values.clone(), 1000),
        ("sort", values, 1 << 20),
        ("keccak", vec![7u8; 600], 700),
        ("sha256", vec![9u8; 300], 333),
        ("fibonacci", 50u64.to_le_bytes().to_vec(), 1),
        ("panic", vec![], 100),
    ] {
        let shards = check_shards(name, &input, shard);
        check_access_chains(&program(name), &shards);
    }
}

#[test]
fn trace_records_accelerator_events() {
    let input = vec![1u8; 500];
    let (shards, _) = trace(&program("keccak"), &input, &options(), 1 << 20).expect("trace");
    let events: Vec<_> = shards.iter().flat_map(|s| s.precompiles.keccak_f1600.iter()).collect();
    assert_eq!(events.len(), 500 / 136 + 1);
    assert!(shards.iter().all(|s| s.precompiles.sha256_compress.is_empty()));
    for event in events {
        let mut state = event.input;
        tiny_keccak::keccakf(&mut state);
        assert_eq!(state, event.output, "Keccak-f output differs from tiny-keccak's");
    }
    let (shards, _) = trace(&program("sha256"), &input, &options(), 1 << 20).expect("trace");
    let events: Vec<_> = shards.iter().flat_map(|s| s.precompiles.sha256_compress.iter()).collect();
    assert_eq!(events.len(), (500 + 8) / 64 + 1);
    for event in events {
        let mut state = event.input;
        sha2::block_api::compress256(&mut state, &[event.block]);
        assert_eq!(state, event.output);
    }
}

#[test]
fn accelerated_ecrecover_matches_k256() {
    use k256::ecdsa::{RecoveryId, Signature, SigningKey, VerifyingKey};
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let mut records = Vec::new();
    let mut expected = Vec::new();
    for i in 0..40 {
        let msg: [u8; 32] = rng.random();
        let (sig, recid) = if i % 4 == 3 {
            // Random r, s and recovery id: mostly invalid, sometimes a valid key.
            let sig: [u8; 64] = core::array::from_fn(|_| rng.random());
            (sig, rng.random_range(0..4u8))
        } else {
            let key = SigningKey::from_bytes(&rng.random::<[u8; 32]>().into()).expect("key");
            let (sig, recid) = key.sign_prehash_recoverable(&msg);
            (sig.to_bytes().into(), recid.to_byte())
        };
        records.extend_from_slice(&msg);
        records.extend_from_slice(&sig);
        records.push(recid);
        let recovered = Signature::from_slice(&sig)
            .ok()
            .zip(RecoveryId::from_byte(recid))
            .and_then(|(s, r)| VerifyingKey::recover_from_prehash(&msg, &s, r).ok());
        match recovered {
            Some(key) => {
                expected.push(1);
                expected.extend_from_slice(&key.to_sec1_point(false).as_bytes()[1..]);
            }
            None => expected.extend_from_slice(&[0; 65]),
        }
    }
    let summary = run("ecrecover", &records);
    assert_eq!(summary.exit_code, 0);
    assert!(expected.iter().step_by(65).filter(|b| **b == 1).count() >= 30);
    for (i, (got, want)) in summary.output.chunks(65).zip(expected.chunks(65)).enumerate() {
        assert_eq!(got, want, "record {i}");
    }
    let adds = summary.syscalls.iter().find(|(s, _)| *s == Syscall::Secp256k1Add).map_or(0, |(_, n)| *n);
    assert!(adds > 0, "recovery should use the accelerators");
    eprintln!("{} cycles for 40 recoveries", summary.cycles);
}

/// The same operations as `guest/programs/src/bin/memops.rs`, with the host's own memory
/// functions.
fn memops_on_host(seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    const LEN: usize = 4096;
    let mut buf: Vec<u8> = (0..LEN).map(|i| i as u8).collect();
    let mut compares = Vec::new();
    for _ in 0..2000 {
        let n = (next() % 300) as usize;
        let a = (next() as usize) % (LEN - n);
        let b = (next() as usize) % (LEN - n);
        match next() % 4 {
            0 => buf.copy_within(a..a + n, b),
            1 if a + n <= b || b + n <= a => buf.copy_within(a..a + n, b),
            2 => {
                let v = next() as u8;
                buf[a..a + n].fill(v);
            }
            _ => compares.push(buf[a..a + n].cmp(&buf[b..b + n]) as i8 as u8 & 3),
        }
    }
    buf.extend(compares);
    buf
}

#[test]
fn guest_memory_functions_match_the_host() {
    for seed in [1u64, 2, 0xdead_beef] {
        assert_eq!(run("memops", &seed.to_le_bytes()).output, memops_on_host(seed), "seed {seed}");
    }
}

#[test]
fn rebased_shards_have_local_timestamps_chained_from_zero() {
    let values: Vec<u8> = (0..3000u32).map(|i| (i * 37 % 251) as u8).collect();
    let (shards, _) = trace(&program("sort"), &values, &options(), 5000).expect("trace run");
    assert!(shards.len() > 3);
    for mut shard in shards {
        let honest = shard.clone();
        shard.rebase_to_shard_start();
        assert_eq!(shard.cycles(), honest.cycles());
        // Within the shard every location's accesses chain from timestamp 0 (its initial state).
        let mut registers = [0u64; 32];
        let mut memory: HashMap<u64, u64> = HashMap::new();
        for (i, event) in shard.instructions.iter().enumerate() {
            assert_eq!(event.clk, i as u64);
            for access in shard.registers_of(event) {
                assert_eq!(access.timestamp / 4, event.clk + 1);
                assert_eq!(access.prev_timestamp, registers[access.reg as usize], "x{}", access.reg);
                registers[access.reg as usize] = access.timestamp;
            }
            for access in shard.memory_of(event) {
                assert_eq!(access.timestamp / 4, event.clk + 1);
                assert_eq!(access.prev_timestamp, memory.get(&access.addr).copied().unwrap_or(0));
                memory.insert(access.addr, access.timestamp);
            }
        }
        for word in &shard.final_memory {
            assert_eq!(memory.get(&word.addr).copied().unwrap_or(0), word.timestamp, "word {:#x}", word.addr);
        }
        for (r, &ts) in shard.end.register_timestamps.iter().enumerate().skip(1) {
            assert_eq!(ts, registers[r], "x{r}");
        }
    }
}
