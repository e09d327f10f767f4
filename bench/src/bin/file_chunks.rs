//! A file read in chunks of n bytes: cogen's `io::chunks` beside a plain
//! tokio loop over a 64 KiB `BufReader` and CPython's `f.read(n)` loop
//! (`bench/py/file_chunks.py`), for n = 1, 16, 4096, 65536 by default.
//!
//! usage: file_chunks [--mib M] [--sizes n,n,...] [--rounds R]
//!                    [--small-mib M] [--unbuffered]
//!
//! The file (M MiB, default 16) is written once and read R times per case,
//! round-robin, so it is in the page cache. Chunks of 16 bytes or less read
//! the first `--small-mib` MiB only (default 4: a million 1-byte chunks take
//! a while in every language). `--unbuffered` adds cogen's `chunks_from`
//! over a bare `tokio::fs::File`: how `io::chunks` read before it buffered
//! (one blocking-pool round trip per chunk), on 1 MiB at most.
//! Prints MB/s at the best and median round, and ns per chunk at the median.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use futures::StreamExt;
use tokio::io::{AsyncReadExt, BufReader};

struct Args {
    mib: usize,
    small_mib: usize,
    sizes: Vec<usize>,
    rounds: usize,
    unbuffered: bool,
}

fn parse_args() -> Args {
    let mut args = Args {
        mib: 16,
        small_mib: 4,
        sizes: vec![1, 16, 4096, 65536],
        rounds: 5,
        unbuffered: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--mib" => args.mib = value().parse().expect("--mib M"),
            "--small-mib" => args.small_mib = value().parse().expect("--small-mib M"),
            "--sizes" => {
                args.sizes = value()
                    .split(',')
                    .map(|n| n.parse().expect("--sizes n,n"))
                    .collect()
            }
            "--rounds" => args.rounds = value().parse().expect("--rounds R"),
            "--unbuffered" => args.unbuffered = true,
            other => {
                eprintln!("file_chunks: unknown argument {other:?}");
                std::process::exit(2);
            }
        }
    }
    args
}

/// cogen: `io::chunks`, a `Vec` per chunk.
async fn cogen_chunks(path: &Path, n: usize) -> usize {
    let mut total = 0;
    let mut chunks = cogen::io::chunks(path, n);
    while let Some(chunk) = chunks.next().await {
        total += chunk.expect("read").len();
    }
    total
}

/// How `io::chunks` read before it buffered: a bare `tokio::fs::File`.
async fn cogen_unbuffered(path: &Path, n: usize) -> usize {
    let file = tokio::fs::File::open(path).await.expect("open");
    let mut total = 0;
    let mut chunks = cogen::io::chunks_from(file, n);
    while let Some(chunk) = chunks.next().await {
        total += chunk.expect("read").len();
    }
    total
}

/// A plain loop: a 64 KiB `BufReader`, one reused buffer filled to n.
async fn tokio_bufreader(path: &Path, n: usize) -> usize {
    let file = tokio::fs::File::open(path).await.expect("open");
    let mut reader = BufReader::with_capacity(64 * 1024, file);
    let mut buf = vec![0u8; n];
    let mut total = 0;
    loop {
        let mut filled = 0;
        while filled < n {
            match reader.read(&mut buf[filled..]).await.expect("read") {
                0 => break,
                k => filled += k,
            }
        }
        total += filled;
        std::hint::black_box(&buf[..filled]);
        if filled < n {
            return total;
        }
    }
}

/// CPython: `f.read(n)` until it is empty; the seconds it reports per round.
fn python(path: &Path, n: usize, rounds: usize) -> Option<Vec<Duration>> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/py/file_chunks.py");
    let out = std::process::Command::new("python3")
        .args([
            script,
            &path.display().to_string(),
            &n.to_string(),
            &rounds.to_string(),
        ])
        .output()
        .ok()?;
    if !out.status.success() {
        eprintln!("python3: {}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    Some(
        String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .map(|s| Duration::from_secs_f64(s.parse().expect("seconds")))
            .collect(),
    )
}

fn write_file(dir: &Path, name: &str, mib: usize) -> PathBuf {
    let path = dir.join(name);
    let data: Vec<u8> = (0..mib << 20).map(|i| (i % 251) as u8).collect();
    std::fs::write(&path, data).expect("write the file");
    path
}

fn report(case: &str, n: usize, bytes: usize, times: &mut [Duration]) {
    times.sort();
    let best = times[0];
    let median = times[times.len() / 2];
    let mbs = |t: Duration| bytes as f64 / t.as_secs_f64() / 1e6;
    let per_chunk = median.as_nanos() as f64 / bytes.div_ceil(n) as f64;
    println!(
        "{case:<18} {n:>6} {:>6} MiB {:>10.1} {:>10.1} {:>12.1}",
        bytes >> 20,
        mbs(best),
        mbs(median),
        per_chunk
    );
}

fn main() {
    let args = parse_args();
    let dir = std::env::temp_dir().join(format!("cogen-file-chunks-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let big = write_file(&dir, "big.bin", args.mib);
    let small = write_file(&dir, "small.bin", args.small_mib.min(args.mib));
    let one = write_file(&dir, "one.bin", 1);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    println!(
        "{:<18} {:>6} {:>10} {:>10} {:>10} {:>12}",
        "case", "n", "file", "MB/s best", "MB/s med", "ns/chunk med"
    );
    for &n in &args.sizes {
        let path = if n <= 16 { &small } else { &big };
        let bytes = std::fs::metadata(path).expect("metadata").len() as usize;
        let mut cases: Vec<(&str, Vec<Duration>)> =
            vec![("tokio_bufreader", vec![]), ("cogen_chunks", vec![])];
        for _ in 0..args.rounds {
            for (case, times) in cases.iter_mut() {
                let start = Instant::now();
                let total = runtime.block_on(async {
                    match *case {
                        "tokio_bufreader" => tokio_bufreader(path, n).await,
                        _ => cogen_chunks(path, n).await,
                    }
                });
                times.push(start.elapsed());
                assert_eq!(total, bytes, "{case} read every byte");
            }
        }
        for (case, times) in cases.iter_mut() {
            report(case, n, bytes, times);
        }
        if args.unbuffered {
            let path = if n <= 16 { &one } else { path };
            let bytes = std::fs::metadata(path).expect("metadata").len() as usize;
            let mut times: Vec<Duration> = (0..args.rounds.min(3))
                .map(|_| {
                    let start = Instant::now();
                    let total = runtime.block_on(cogen_unbuffered(path, n));
                    assert_eq!(total, bytes);
                    start.elapsed()
                })
                .collect();
            report("cogen_unbuffered", n, bytes, &mut times);
        }
        match python(path, n, args.rounds) {
            Some(mut times) => report("python_read", n, bytes, &mut times),
            None => println!("(python3 did not run: its row is left out)"),
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
