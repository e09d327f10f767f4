//! The cogen tour: every example of the seed tutorials, in Rust, offline.
//!
//! `cargo run --release -p cogen-tour` runs every chapter in the seeds' order;
//! `--list` lists the chapters; naming chapters runs only those; `--quick`
//! divides the seeds' delays by 100.

use std::alloc::System;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};

mod async_generators;
mod asyncio;
mod generators;

/// Counts heap bytes, so the memory comparisons print measured figures.
#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// A chapter: a name to select it by, a title, and the code that runs it.
struct Chapter {
    name: &'static str,
    title: &'static str,
    run: fn(),
}

const CHAPTERS: &[Chapter] = &[
    Chapter {
        name: "generators",
        title: "Generators: yield, send, throw, close, yield from",
        run: generators::run,
    },
    Chapter {
        name: "async_generators",
        title: "Async generators: async for, anext, asend, athrow, aclose",
        run: async_generators::run,
    },
    Chapter {
        name: "asyncio",
        title: "asyncio on tokio: tasks, gather, Queue, errors, debug mode, to_thread",
        run: asyncio::run,
    },
];

static QUICK: AtomicBool = AtomicBool::new(false);

/// Whether `--quick` was given.
pub(crate) fn quick() -> bool {
    QUICK.load(Ordering::Relaxed)
}

/// A delay from the seeds, in seconds; a hundredth of it under `--quick`.
pub(crate) fn delay(seconds: f64) -> Duration {
    let scale = if quick() { 0.01 } else { 1.0 };
    Duration::from_secs_f64(seconds * scale)
}

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("usage: cogen-tour [--quick] [--list] [CHAPTER ...]");
        println!("  --quick  divide the seeds' delays by 100");
        return ExitCode::SUCCESS;
    }
    if let Some(i) = args.iter().position(|a| a == "--quick") {
        args.remove(i);
        QUICK.store(true, Ordering::Relaxed);
    }
    if args.iter().any(|a| a == "--list") {
        for c in CHAPTERS {
            println!("{:<18} {}", c.name, c.title);
        }
        return ExitCode::SUCCESS;
    }
    let selected: Vec<&Chapter> = if args.is_empty() {
        CHAPTERS.iter().collect()
    } else {
        let mut chosen = Vec::new();
        for name in &args {
            match CHAPTERS.iter().find(|c| c.name == name) {
                Some(c) => chosen.push(c),
                None => {
                    eprintln!("cogen-tour: no chapter named {name:?} (see --list)");
                    return ExitCode::from(2);
                }
            }
        }
        chosen
    };
    for (i, chapter) in selected.iter().enumerate() {
        if i > 0 {
            println!();
        }
        let rule = "=".repeat(chapter.title.len() + 4);
        println!("{rule}\n= {} =\n{rule}", chapter.title);
        (chapter.run)();
    }
    ExitCode::SUCCESS
}

/// Prints a section heading naming the seed section it mirrors.
pub(crate) fn section(title: &str) {
    println!("\n--- {title} ---");
}

/// Heap bytes still held at the end of `f`, and its result.
pub(crate) fn heap_bytes_held<T>(f: impl FnOnce() -> T) -> (T, isize) {
    let region = stats_alloc::Region::new(GLOBAL);
    let value = f();
    let change = region.change();
    (
        value,
        change.bytes_allocated as isize - change.bytes_deallocated as isize,
    )
}
