//! Wall-clock side of the comparison (instruction counts: `bench/callgrind.sh`).
//! Every case runs in the same process, interleaved by criterion.
use std::time::{Duration, Instant};

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

/// Per-spawn cost beside 5k and 50k tasks still running (issue 11): the
/// running tasks are set up untimed, then the spawns alone are timed (each
/// short task run to its end, a chunk at a time), `SPAWNS` per iteration so
/// that a sample is not a handful of cold spawns. A group holds every
/// outcome until it is joined, so a fresh set-up is made every
/// `ROUND` iterations: every case then times the same spawns into groups
/// of the same sizes, whatever number of iterations criterion picks.
fn spawn_scaling(c: &mut Criterion) {
    const SPAWNS: u64 = 1000;
    const ROUND: u64 = 50;
    let mut group = c.benchmark_group("spawn_scaling");
    group.throughput(Throughput::Elements(SPAWNS));
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(2));
    for &(name, set_up) in cogen_bench::SPAWN_SCALING {
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let mut took = Duration::ZERO;
                let mut left = iters;
                while left > 0 {
                    let round = left.min(ROUND);
                    let mut running = set_up();
                    let t0 = Instant::now();
                    std::hint::black_box(running.spawn(round * SPAWNS));
                    took += t0.elapsed();
                    drop(running);
                    left -= round;
                }
                took
            });
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    sync_generators,
    async_generators,
    toolkit,
    spawn_scaling
);
criterion_main!(benches);
