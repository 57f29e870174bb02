//! Criterion benchmarks of the executor on the bundled guests: fast mode, trace mode, and trace
//! generation of each accelerator. Side-by-side numbers against QEMU come from `hearth-bench`.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use hearth_executor::{DebugOutput, ExecutionOptions, Program, execute, trace};
use hearth_guest_builder::bundled;

fn options() -> ExecutionOptions {
    ExecutionOptions { max_cycles: u64::MAX, debug: DebugOutput::Discard }
}

fn program(name: &str) -> Program {
    Program::from_elf(&bundled::elf(name)).expect("bundled program loads")
}

fn fast_mode(c: &mut Criterion) {
    let mut group = c.benchmark_group("fast");
    for (name, n) in [("alu", 200_000u64), ("keccak_sw", 2_000)] {
        let program = program(name);
        let input = n.to_le_bytes();
        let cycles = execute(&program, &input, &options()).expect("runs").cycles;
        group.throughput(Throughput::Elements(cycles));
        group.bench_function(BenchmarkId::new(name, cycles), |b| {
            b.iter(|| execute(&program, &input, &options()).expect("runs"))
        });
    }
    group.finish();
}

fn trace_mode(c: &mut Criterion) {
    let mut group = c.benchmark_group("trace");
    group.sample_size(10);
    let program = program("keccak_sw");
    let input = 200u64.to_le_bytes();
    let cycles = execute(&program, &input, &options()).expect("runs").cycles;
    group.throughput(Throughput::Elements(cycles));
    group.bench_function(BenchmarkId::new("keccak_sw", cycles), |b| {
        b.iter(|| trace(&program, &input, &options(), 1 << 20).expect("runs"))
    });
    group.finish();
}

/// Trace generation of each accelerator: a guest that is mostly accelerator calls.
fn accelerators(c: &mut Criterion) {
    let mut group = c.benchmark_group("accelerator_trace");
    group.sample_size(10);
    for (name, calls_per_kib) in [("keccak", 1024 / 136), ("sha256", 1024 / 64)] {
        let program = program(name);
        let input = vec![0x5a; 64 * 1024];
        group.throughput(Throughput::Elements(64 * calls_per_kib as u64));
        group
            .bench_function(name, |b| b.iter(|| trace(&program, &input, &options(), 1 << 22).expect("runs")));
    }
    group.finish();
}

criterion_group!(benches, fast_mode, trace_mode, accelerators);
criterion_main!(benches);
