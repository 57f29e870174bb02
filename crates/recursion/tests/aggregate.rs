//! A multi-shard run of a real RV64IM program aggregated into one final proof: leaves verify
//! the shard proofs, nodes join them, the final step closes the memory argument; the final
//! statement is checked against the program and the output, and tampering at each layer is
//! refused.

use hearth_executor::Program;
use hearth_machine::ProgramSource;
use hearth_recursion::aggregate::{LastLayer, aggregate_run, check_key, check_run_statement};
use hearth_recursion::verifier::InnerShape;
use hearth_stark::ProofParams;
use hearth_verifier::{AggregationKey, FinalProof, VerifyError, verify_final};

fn assemble(body: &str) -> Program {
    let dir = tempfile::tempdir().expect("temp dir");
    let source = format!(".text\n.global _start\n_start:\n{body}\n");
    let elf = hearth_guest_builder::assemble(dir.path(), &source, &[]).unwrap_or_else(|e| panic!("{e}"));
    Program::from_elf(&std::fs::read(elf).expect("read elf")).expect("valid ELF")
}

/// Reads one input byte as the loop's bound, counts to it by a step read from the program's
/// data (a word of the image), storing the count each turn, writes the stored count (8 bytes)
/// to the output and exits with it.
const COUNT_AND_WRITE: &str = "li sp, 0x00ff0000\nli a0, 0\naddi a1, sp, 8\nli a2, 1\nli a7, 63\necall\n\
     lbu t1, 8(sp)\nla t2, step\nld t2, 0(t2)\nli t0, 0\nloop:\nadd t0, t0, t2\nsd t0, 0(sp)\nblt t0, t1, loop\n\
     li a0, 1\nmv a1, sp\nli a2, 8\nli a7, 64\necall\nld a0, 0(sp)\nli a7, 93\necall\n\
     .data\n.balign 8\nstep: .dword 1";

#[test]
fn a_multi_shard_run_aggregates_into_one_final_proof() {
    let params = ProofParams::insecure_test();
    let program = assemble(COUNT_AND_WRITE);
    let input = [60u8];
    // Shards proven for aggregation: the input byte is the prover's witness (the input table),
    // so the native verifier does not take them as a run's proof.
    let prover = hearth_machine::RunProver::new(&hearth_stark::CpuBackend, &program, &input, &params)
        .expect("prover")
        .with_private_input();
    let options = hearth_machine::RunOptions { shard_cycles: 64, ..Default::default() };
    let (run, _) = prover.prove(&options, &()).expect("proves");
    assert!(run.shards[0].tables.contains(&(hearth_machine::chips::index::INPUT as u8)));
    assert!(hearth_machine::verify_run(&run, ProgramSource::Elf(&program)).is_err());
    assert!(run.shards.len() >= 4, "{} shards", run.shards.len());
    let output = run.output();
    assert_eq!(output, 60u64.to_le_bytes());

    // A leaf program's view of a shard proof, derived from its tables and heights alone, is
    // the one read from the proof: what rebuilding a key from its recipe relies on.
    let memory = hearth_machine::run_memory(&run).expect("memory");
    for (shard, context) in run.shards.iter().zip(&memory.contexts) {
        let statement = hearth_machine::shard_statement(shard, &input, ProgramSource::Elf(&program), context)
            .expect("statement");
        let from_proof = InnerShape::of(&statement.chips, &shard.stark).expect("shape");
        let heights = shard.stark.log_heights();
        let chips = hearth_machine::chips_for_shape(&shard.tables, &heights).expect("chips");
        let derived = InnerShape::for_heights(&params, &chips, heights).expect("shape");
        assert_eq!(format!("{derived:?}"), format!("{from_proof:?}"));
    }

    // The final step at the tree's parameters, then one wrap around it.
    let wrapped = [LastLayer::Given(params.clone()), LastLayer::Given(params.clone())];
    let aggregated =
        aggregate_run(&run, ProgramSource::Elf(&program), &params, &wrapped).expect("aggregates");
    let descriptor = &run.shards[0].descriptor;
    let hash = descriptor.hash();
    let rebuilt = hearth_machine::program_descriptor(&program, &params).expect("descriptor");
    assert_eq!(&rebuilt, descriptor, "the descriptor rebuilt from the ELF is the proof's");
    let verified = aggregated.verify(&hash).expect("the final proof verifies");
    eprintln!("{:?}", aggregated.report);
    assert_eq!(aggregated.report.nodes, run.shards.len() - 1);
    assert_eq!(verified.shards, run.shards.len() as u64);
    assert_eq!(verified.program_hash, hash);
    assert_eq!(verified.exit_code, 60);
    assert_eq!(verified.input_len, 1);
    let layers: Vec<&str> = verified.security.iter().map(|l| l.layer.as_str()).collect();
    assert_eq!(layers, ["shards", "aggregation", "final step", "final"]);
    assert!(aggregated.key.digested_statement);
    assert_eq!(aggregated.report.wrap_seconds.len(), 1);
    assert_eq!(Some(verified.min_bits), verified.security.iter().map(|l| l.bits).min());

    // The final statement names this program, this output and these keys only.
    let keys_root = aggregated.keys.root();
    let s = &aggregated.statement;
    check_run_statement(s, &keys_root, descriptor, input.len(), &output).expect("the statement");
    assert!(check_run_statement(s, &keys_root, descriptor, input.len(), &59u64.to_le_bytes()).is_err());
    assert!(check_run_statement(s, &keys_root, descriptor, 2, &output).is_err());
    let mut other_keys = keys_root;
    other_keys[0] += hearth_stark::Val::new(1);
    assert!(check_run_statement(s, &other_keys, descriptor, input.len(), &output).is_err());
    let mut other_program = descriptor.clone();
    other_program.entry += 4;
    assert!(check_run_statement(s, &keys_root, &other_program, input.len(), &output).is_err());

    // The standalone verifier, from the files' bytes: the proof verifies against the key and
    // the program, and nothing else does.
    let bytes = aggregated.final_proof.to_bytes().expect("encodes");
    let key_bytes = aggregated.key.to_bytes().expect("encodes");
    let key = AggregationKey::from_bytes(&key_bytes).expect("key file");
    let read = || FinalProof::from_bytes(&bytes).expect("proof file");
    verify_final(&read(), &key, &hash).expect("read back, it verifies");
    let refused = |proof: &FinalProof, key: &AggregationKey, hash: &[u8; 32]| {
        verify_final(proof, key, hash).expect_err("must be refused")
    };
    let mut other_hash = hash;
    other_hash[0] ^= 1;
    assert!(matches!(refused(&read(), &key, &other_hash), VerifyError::WrongProgram(_)));
    // A descriptor changed to another program's (its hash given as the one expected): the
    // statement names the program that ran.
    let mut proof = read();
    proof.descriptor.image_hi += 8;
    let claimed = proof.descriptor.hash();
    assert!(matches!(refused(&proof, &key, &claimed), VerifyError::Statement(_)), "another image");
    let mut proof = read();
    proof.descriptor.entry += 4;
    let claimed = proof.descriptor.hash();
    assert!(matches!(refused(&proof, &key, &claimed), VerifyError::Statement(_)), "another entry");
    let mut proof = read();
    proof.output[0] ^= 1;
    assert!(matches!(refused(&proof, &key, &hash), VerifyError::Statement(_)), "another output");
    let mut proof = read();
    proof.public_values[hearth_stark::config::DIGEST_ELEMS * 2] += hearth_stark::Val::new(1);
    assert!(matches!(refused(&proof, &key, &hash), VerifyError::Rejected(_)), "a changed public value");
    let mut proof = read();
    proof.public_values.push(hearth_stark::Val::new(1));
    assert!(matches!(refused(&proof, &key, &hash), VerifyError::Shape(_)), "a longer statement");
    let mut proof = read();
    proof.security[2].bits += 1;
    assert!(
        matches!(refused(&proof, &key, &hash), VerifyError::Security { .. }),
        "the wrapped layer's record"
    );
    let mut undigested = AggregationKey::from_bytes(&key_bytes).expect("key file");
    undigested.digested_statement = false;
    assert!(
        matches!(refused(&read(), &undigested, &hash), VerifyError::Rejected(_) | VerifyError::Shape(_)),
        "the statement undigested"
    );
    let mut proof = read();
    proof.security[0].bits += 1;
    assert!(matches!(refused(&proof, &key, &hash), VerifyError::Security { .. }), "a security record");
    let mut proof = read();
    proof.proof.params.num_queries += 1;
    assert!(matches!(refused(&proof, &key, &hash), VerifyError::Shape(_)), "other parameters");
    let mut other_key = AggregationKey::from_bytes(&key_bytes).expect("key file");
    other_key.keys_root[0] += hearth_stark::Val::new(1);
    assert!(matches!(refused(&read(), &other_key, &hash), VerifyError::Statement(_)), "other allowed keys");
    assert!(matches!(FinalProof::from_bytes(&key_bytes), Err(VerifyError::NotAFinalProof)));
    assert!(matches!(AggregationKey::from_bytes(&bytes), Err(VerifyError::NotAKey)));
    let mut old_version = key_bytes.clone();
    old_version[8] = 2;
    assert!(matches!(AggregationKey::from_bytes(&old_version), Err(VerifyError::Version { got: 2, .. })));

    // The key is the one its recipe gives, rebuilt with no proof; a key whose programs, final
    // parameters or security record differ from its recipe's is refused.
    let started = std::time::Instant::now();
    check_key(&key).expect("the key is its recipe's");
    eprintln!("key rebuilt from its recipe in {:?}", started.elapsed());
    let mut recipe = key.recipe.clone();
    recipe.leaf_shapes.swap(0, 1);
    assert_ne!(recipe, key.recipe, "at least two leaf shapes");
    let refused_key = |edit: &dyn Fn(&mut AggregationKey)| {
        let mut other = AggregationKey::from_bytes(&key_bytes).expect("key file");
        edit(&mut other);
        check_key(&other).expect_err("a key its recipe does not give")
    };
    refused_key(&|k| k.recipe = recipe.clone());
    refused_key(&|k| k.layers[0].bits += 1);
    refused_key(&|k| {
        k.recipe.last_layers.pop();
    });

    // Corrupted files: every flipped bit is refused, or leaves a file that means the same
    // proof; none makes the verifier panic.
    let step = (bytes.len() / 300).max(1);
    let mut rejected = 0;
    let started = std::time::Instant::now();
    for (n, at) in (8..bytes.len()).step_by(step).enumerate() {
        let mut corrupted = bytes.clone();
        corrupted[at] ^= 1 << (n % 8);
        let outcome = std::panic::catch_unwind(|| {
            FinalProof::from_bytes(&corrupted).and_then(|p| verify_final(&p, &key, &hash).map(|_| p))
        });
        match outcome {
            Err(_) => panic!("the verifier panicked on a proof with byte {at} changed"),
            Ok(Err(_)) => rejected += 1,
            Ok(Ok(p)) => assert_eq!(p.to_bytes().expect("encodes"), bytes, "byte {at} changed the proof"),
        }
    }
    assert!(rejected > 0);
    eprintln!("{} bytes, corruption checks {:?}", bytes.len(), started.elapsed());

    // Shards out of order, or one left out, cannot be aggregated: the leaves' memory stamps,
    // the nodes' hand-over or the final step's checks fail.
    let copy = || hearth_machine::RunProof::from_bytes(&run.to_bytes()).expect("round trip");
    let mut swapped = copy();
    swapped.shards.swap(1, 2);
    assert!(aggregate_run(&swapped, ProgramSource::Elf(&program), &params, &[]).is_err(), "swapped shards");
    let mut gap = copy();
    gap.shards.remove(1);
    assert!(aggregate_run(&gap, ProgramSource::Elf(&program), &params, &[]).is_err(), "a missing shard");
}

/// A proof and its public values, copied through their encoding.
fn copy(proof: &hearth_recursion::CircuitProof) -> hearth_recursion::CircuitProof {
    hearth_recursion::CircuitProof {
        proof: postcard::from_bytes(&postcard::to_allocvec(&proof.proof).expect("ser")).expect("de"),
        public_values: proof.public_values.clone(),
    }
}

/// Tampering with each layer's inputs: a shard's memory history or challenges, a node's
/// children, the final list, a proof claimed for another program.
#[test]
fn tampering_at_every_layer_is_refused() {
    use hearth_recursion::aggregate::{AggregationSetup, AggregationTask, RangeProof, WrapProgram};
    use hearth_recursion::verifier::InnerShape;
    use hearth_stark::config::DIGEST_ELEMS;
    use p3_field::PrimeCharacteristicRing;
    let params = ProofParams::insecure_test();
    let program = assemble(COUNT_AND_WRITE);
    let run =
        hearth_machine::prove_run(&hearth_stark::CpuBackend, &program, &[40], &params, 64).expect("proves");
    let setup = AggregationSetup::new(&run, ProgramSource::Elf(&program), &params).expect("setup");
    let leaves: Vec<RangeProof> =
        (0..run.shards.len()).map(|k| setup.prove_leaf(&run, k).expect("leaf")).collect();
    let n = leaves.len();
    assert_eq!(n, 3, "{n} shards");

    // The honest tree verifies to the end. With three shards the chain ((0, 1), 2) built here
    // is the tree the challenges were drawn for (pairs level by level, an odd one carried up).
    let mut top = setup.prove_node(&leaves[0], &leaves[1]).expect("node");
    for leaf in &leaves[2..] {
        top = setup.prove_node(&top, leaf).expect("node");
    }
    let final_proof = setup.prove_final(&top).expect("final");

    // The same steps as tasks sent to a worker and proofs sent back, as bytes: the worker's
    // node proof is the one proven here; cut bytes are refused, not misread.
    let sent =
        |task: AggregationTask| AggregationTask::from_bytes(&task.to_bytes()).expect("task round trip");
    let returned = |proof: RangeProof| RangeProof::from_bytes(&proof.to_bytes()).expect("proof round trip");
    let worker_leaf =
        returned(setup.prove_task(&run, &sent(AggregationTask::Leaf { shard: 1 })).expect("leaf"));
    assert_eq!(worker_leaf.proof.public_values, leaves[1].proof.public_values, "the leaf's statement");
    let node_task = AggregationTask::Node {
        left: Box::new(RangeProof::from_bytes(&leaves[0].to_bytes()).expect("copy")),
        right: Box::new(worker_leaf),
    };
    let bytes = node_task.to_bytes();
    let worker_node = returned(setup.prove_task(&run, &sent(node_task)).expect("node"));
    let local_node = setup.prove_node(&leaves[0], &leaves[1]).expect("node");
    assert_eq!(worker_node.to_bytes(), local_node.to_bytes(), "the same node proof");
    for cut in [0, 1, bytes.len() / 2, bytes.len() - 1] {
        assert!(AggregationTask::from_bytes(&bytes[..cut]).is_err(), "a task cut at {cut} bytes");
    }
    assert!(setup.prove_task(&run, &AggregationTask::Leaf { shard: n as u32 }).is_err(), "no such shard");

    // A wrap: it proves only an honest proof of the program whose key it holds, with the
    // statement that proof was made for.
    let final_circuit = &setup.final_program().circuit;
    let final_key = final_circuit.verifying_key(setup.final_params()).expect("key");
    let shape = InnerShape::of(final_circuit.chips(), &final_proof.proof).expect("shape");
    let root = final_key.roots()[0];
    let wrap = WrapProgram::build(final_circuit.chips(), shape.clone(), &root, true).expect("wrap");
    let wrapped = wrap.prove(&params, &final_proof, &final_key).expect("the honest wrap proves");
    let statement_digest = hearth_verifier::statement_digest(&final_proof.public_values);
    assert_eq!(wrapped.public_values, statement_digest, "it exposes the statement's digest");
    let mut other_root = root;
    other_root[0] += hearth_stark::Val::new(1);
    let elsewhere = WrapProgram::build(final_circuit.chips(), shape, &other_root, true).expect("wrap");
    assert!(elsewhere.prove(&params, &final_proof, &final_key).is_err(), "a proof of another program");
    let mut changed = copy(&final_proof);
    changed.public_values[DIGEST_ELEMS * 2] += hearth_stark::Val::new(1);
    assert!(wrap.prove(&params, &changed, &final_key).is_err(), "a changed statement");
    let mut forged = copy(&final_proof);
    let opened = &mut forged.proof.batch.opened_values.instances[0].base_opened_values.trace_local[0];
    *opened += hearth_stark::Challenge::ONE;
    assert!(wrap.prove(&params, &forged, &final_key).is_err(), "a forged opening");
    let mut other_shards = copy(&final_proof);
    other_shards.proof.batch.commitments.main = top.proof.proof.batch.commitments.main.clone();
    assert!(wrap.prove(&params, &other_shards, &final_key).is_err(), "another main commitment");

    // Nodes: children out of order, or not adjacent.
    assert!(setup.prove_node(&leaves[1], &leaves[0]).is_err(), "swapped children");
    assert!(setup.prove_node(&leaves[0], &leaves[2]).is_err(), "a gap");
    // A proof presented as another program's: its key does not verify it.
    let other = RangeProof {
        proof: hearth_recursion::CircuitProof {
            proof: postcard::from_bytes(&postcard::to_allocvec(&leaves[1].proof.proof).expect("ser"))
                .expect("de"),
            public_values: leaves[1].proof.public_values.clone(),
        },
        program: setup.leaf_programs(),
    };
    assert!(setup.prove_node(&leaves[0], &other).is_err(), "a leaf proof under the node's key");

    // Shards proven for another memory history (their own proofs valid): a word's previous
    // writer named as an earlier shard proves through leaf and nodes, but the run's memory
    // argument no longer closes; other challenges in one shard, and the node refuses to join
    // it; a previous writer from the future, and the shard's own table refuses it.
    let k = n - 1;
    let prover =
        hearth_machine::RunProver::new(&hearth_stark::CpuBackend, &program, &[40], &params).expect("prover");
    let task = prover.plan(64, 1 << 20).expect("plan").tasks.swap_remove(k);
    let word = task.memory.prev.iter().position(|&p| p > 0).expect("a word written before");
    let forge = |edit: &dyn Fn(&mut hearth_machine::memory_argument::MemoryContext)| {
        let mut forged = task.clone();
        edit(&mut forged.memory);
        let mut run = hearth_machine::RunProof::from_bytes(&run.to_bytes()).expect("round trip");
        let (proof, _) = prover.prove_task(&forged)?;
        run.shards[k] = proof;
        let mut memory = hearth_machine::run_memory(&run).expect("memory");
        memory.contexts[k] = forged.memory.clone();
        let setup = AggregationSetup::with_memory(&run, ProgramSource::Elf(&program), &params, memory)
            .map_err(|e| hearth_machine::ProveError::Unsupported { pc: 0, what: e.to_string() })?;
        Ok::<_, hearth_machine::ProveError>((run, setup))
    };
    let prove_tree = |run: &hearth_machine::RunProof, setup: &AggregationSetup| {
        let leaves: Vec<RangeProof> = (0..n).map(|k| setup.prove_leaf(run, k)).collect::<Result<_, _>>()?;
        let mut top = setup.prove_node(&leaves[0], &leaves[1])?;
        for leaf in &leaves[2..] {
            top = setup.prove_node(&top, leaf)?;
        }
        Ok::<_, hearth_recursion::aggregate::AggregationError>(top)
    };
    let (forged_run, forged) = forge(&|m| {
        let mut prev = m.prev.to_vec();
        prev[word] -= 1;
        m.prev = prev.into();
    })
    .expect("the shard proves for its claimed history");
    let forged_top = prove_tree(&forged_run, &forged).expect("leaves and nodes cannot tell");
    assert!(forged.prove_final(&forged_top).is_err(), "another memory history");
    let (odd_run, odd) = forge(&|m| m.challenges.gamma[0] += hearth_stark::Val::new(1))
        .expect("the shard proves for its claimed challenges");
    assert!(prove_tree(&odd_run, &odd).is_err(), "different challenges");
    let late = forge(&|m| {
        let mut prev = m.prev.to_vec();
        prev[word] = k as u32 + 1;
        m.prev = prev.into();
    });
    assert!(
        late.is_err() || late.is_ok_and(|(run, setup)| setup.prove_leaf(&run, k).is_err()),
        "a stamp from the future"
    );

    // The final list's proof: of a changed final value, a word left out or an image word
    // claimed outside the image (each proven under the run's challenges), or the honest proof
    // with another sum or digest claimed.
    let list_of = |words: &[hearth_machine::memory_argument::FinalWord]| {
        hearth_machine::final_list::prove_final_list(
            &hearth_stark::CpuBackend,
            &params,
            words,
            setup.image(),
            setup.challenges(),
        )
    };
    let refused = |list: Result<hearth_machine::final_list::FinalListProof, _>| {
        list.is_err() || list.is_ok_and(|list| setup.prove_final_with(&top, &list).is_err())
    };
    let mut words = setup.final_words().to_vec();
    words[0].value ^= 1;
    assert!(refused(list_of(&words)), "a changed final value");
    let mut words = setup.final_words().to_vec();
    words.remove(words.len() / 2);
    assert!(refused(list_of(&words)), "a word left out");
    let mut words = setup.final_words().to_vec();
    let inside = words.iter().position(|w| w.in_image).expect("a word of the image");
    words[inside].in_image = false;
    assert!(refused(list_of(&words)), "an image word claimed outside it");
    assert!(!refused(list_of(setup.final_words())), "the harness accepts the honest list");
    use hearth_machine::chips::final_list::public as list_public;
    for at in
        [list_public::SUM.start, list_public::DIGEST.start, list_public::GAMMA.start, list_public::IMAGE_HI]
    {
        let mut list = list_of(setup.final_words()).expect("proves");
        list.public_values[at] += hearth_stark::Val::new(1);
        assert!(setup.prove_final_with(&top, &list).is_err(), "final list public value {at} changed");
    }
}

/// Leaves proven at their own heights and lifted to the tree's shape (what a block's tallest
/// shards go through) aggregate into a final proof that verifies; a lift refuses a leaf proof
/// with a changed statement, a forged opening, or presented as another leaf program's, and
/// refuses to lift a proof that is already in the tree's shape.
#[test]
fn lifted_leaves_aggregate_and_a_lift_refuses_tampered_leaves() {
    use hearth_recursion::aggregate::{AggregationSetup, RangeProof, aggregate_with_setup};
    use p3_field::PrimeCharacteristicRing;
    let params = ProofParams::insecure_test();
    let program = assemble(COUNT_AND_WRITE);
    let run =
        hearth_machine::prove_run(&hearth_stark::CpuBackend, &program, &[40], &params, 64).expect("proves");
    let setup =
        AggregationSetup::lifting_every_leaf(&run, ProgramSource::Elf(&program), &params).expect("setup");
    assert_eq!(setup.lifted_leaf_programs(), setup.leaf_programs());
    assert!(setup.leaf_programs() >= 2, "{} leaf programs", setup.leaf_programs());

    let leaf = setup.prove_unlifted_leaf_with(&run, 0, &setup.leaf_inputs()).expect("leaf");
    let lifted = setup.prove_lift(&leaf).expect("the honest lift proves");
    assert_eq!(lifted.proof.public_values, leaf.proof.public_values, "the lift restates the leaf's range");
    assert_ne!(lifted.program, leaf.program);
    assert!(setup.prove_lift(&lifted).is_err(), "a proof already in the tree's shape");

    let tampered = |edit: &dyn Fn(&mut hearth_recursion::CircuitProof)| {
        let mut proof = copy(&leaf.proof);
        edit(&mut proof);
        RangeProof { proof, program: leaf.program }
    };
    let last = leaf.proof.public_values.len() - 1;
    for (what, at) in [("the keys' root", 0), ("the first stamp", 16), ("the last public value", last)] {
        let changed = tampered(&|p| p.public_values[at] += hearth_stark::Val::ONE);
        assert!(setup.prove_lift(&changed).is_err(), "a changed statement: {what}");
    }
    let forged = tampered(&|p| {
        p.proof.batch.opened_values.instances[1].base_opened_values.trace_local[0] +=
            hearth_stark::Challenge::ONE
    });
    assert!(setup.prove_lift(&forged).is_err(), "a forged opening");
    let mut elsewhere = tampered(&|_| {});
    elsewhere.program =
        (0..setup.leaf_programs()).find(|&p| p != leaf.program).expect("another leaf program");
    assert!(setup.prove_lift(&elsewhere).is_err(), "a proof presented as another leaf program's");

    let hash = run.shards[0].descriptor.hash();
    let aggregated = aggregate_with_setup(&run, setup, &[], &()).expect("aggregates");
    assert_eq!(aggregated.report.lifted_leaf_programs, aggregated.report.leaf_programs);
    assert!(aggregated.key.recipe.lift_every_leaf);
    check_key(&aggregated.key).expect("a key with lifted leaves is its recipe's");
    let verified = aggregated.verify(&hash).expect("the final proof verifies");
    assert_eq!(verified.shards, run.shards.len() as u64);
    assert_eq!(verified.exit_code, 40);
}
