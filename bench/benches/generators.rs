//! Wall-clock side of the comparison (instruction counts: `bench/callgrind.sh`).
//! Every case runs in the same process, interleaved by criterion.
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const N: u64 = 10_000;

fn sync_generators(c: &mut Criterion) {
    let mut group = c.benchmark_group("sync_generators");
    group.throughput(Throughput::Elements(N));
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(1));
    for &(name, f) in cogen_bench::CASES {
        group.bench_function(name, |b| b.iter(|| f(std::hint::black_box(N))));
    }
    group.finish();
}

fn async_generators(c: &mut Criterion) {
    let mut group = c.benchmark_group("async_generators");
    group.throughput(Throughput::Elements(N));
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(1));
    for &(name, f) in cogen_bench::ASYNC_CASES {
        group.bench_function(name, |b| b.iter(|| f(std::hint::black_box(N))));
    }
    group.finish();
}

fn toolkit(c: &mut Criterion) {
    let mut group = c.benchmark_group("toolkit");
    group.throughput(Throughput::Elements(N));
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(1));
    for &(name, f) in cogen_bench::ASYNC_CASES
        .iter()
        .filter(|(name, _)| name.starts_with("tokio_mpsc"))
        .chain(cogen_bench::TOOLKIT_CASES)
    {
        group.bench_function(name, |b| b.iter(|| f(std::hint::black_box(N))));
    }
    group.finish();
}

criterion_group!(benches, sync_generators, async_generators, toolkit);
criterion_main!(benches);
