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
mod chapters;
mod generators;
mod progress;
mod real_world;

/// Counts heap bytes, so the memory comparisons print measured figures.
#[global_allocator]
pub(crate) static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// A chapter: a name to select it by, the seed (and sections) it mirrors,
/// and the code that runs it.
struct Chapter {
    name: &'static str,
    title: &'static str,
    run: fn(),
}

/// The seeds in their order; the fourth, long one in four chapters.
const CHAPTERS: &[Chapter] = &[
    Chapter {
        name: "differences",
        title: "Tutorial 1: Async IO and Generators: Key Differences in Python",
        run: chapters::differences,
    },
    Chapter {
        name: "seven_things",
        title: "Tutorial 2: 7 Python Async Generator Things I Wish I Knew Earlier",
        run: chapters::seven_things,
    },
    Chapter {
        name: "async_generators",
        title: "Tutorial 3: Asynchronous Generators in Python",
        run: chapters::async_generators,
    },
    Chapter {
        name: "generators",
        title: "Tutorial 4: Master Python Async, 1-3: generators, yield expressions, yield from",
        run: chapters::generators,
    },
    Chapter {
        name: "asyncio",
        title: "Tutorial 4: Master Python Async, 4-5: asyncio, native coroutines, async/await",
        run: chapters::asyncio,
    },
    Chapter {
        name: "real_world",
        title: "Tutorial 4: Master Python Async, 6-7: real-world cases, sync vs async",
        run: chapters::real_world,
    },
    Chapter {
        name: "errors",
        title: "Tutorial 4: Master Python Async, 8-9: errors, debugging, best practices, pitfalls",
        run: chapters::errors,
    },
    Chapter {
        name: "summary",
        title: "Tutorial 4: Master Python Async, 10: summary, the evolution roadmap",
        run: chapters::summary,
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
        println!("  --quick  divide the tutorials' delays by 100");
        return ExitCode::SUCCESS;
    }
    if let Some(i) = args.iter().position(|a| a == "--quick") {
        args.remove(i);
        QUICK.store(true, Ordering::Relaxed);
    }
    if args.iter().any(|a| a == "--list") {
        for c in CHAPTERS {
            println!("{:<17} {}", c.name, c.title);
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
    if args.is_empty() {
        println!(
            "cogen's tour: every example of four Python tutorials on generators and asyncio,\n\
             run in Rust with cogen, in the tutorials' order. Each section is headed by the\n\
             tutorial section it follows and prints what the Python prints; a line of\n\
             explanation follows where Rust differs. HTTP goes to a server on this machine.\n"
        );
    }
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
    say!("\n--- {title} ---");
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
