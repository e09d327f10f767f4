//! Wall-clock side of the comparison (instruction counts: `bench/callgrind.sh`).
//! Every case runs in the same process, interleaved by criterion.
use std::time::Duration;

use cogen_bench::Case;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const N: u64 = 10_000;

/// One criterion group over `cases`, each summing `0..N`.
fn group<'a>(c: &mut Criterion, name: &str, cases: impl IntoIterator<Item = &'a Case>) {
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Elements(N));
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(1));
    for &(name, f) in cases {
        group.bench_function(name, |b| b.iter(|| f(std::hint::black_box(N))));
    }
    group.finish();
}

fn sync_generators(c: &mut Criterion) {
    group(c, "sync_generators", cogen_bench::CASES);
}

fn async_generators(c: &mut Criterion) {
    group(c, "async_generators", cogen_bench::ASYNC_CASES);
}

/// The queue and operator cases, next to the tokio mpsc anchors.
fn toolkit(c: &mut Criterion) {
    let mpsc = cogen_bench::ASYNC_CASES
        .iter()
        .filter(|(name, _)| name.starts_with("tokio_mpsc"));
    group(c, "toolkit", mpsc.chain(cogen_bench::TOOLKIT_CASES));
}

criterion_group!(benches, sync_generators, async_generators, toolkit);
criterion_main!(benches);
