//! The tour runs offline and prints what the seeds print.
use std::process::Command;

fn tour(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cogen-tour"))
        .args(args)
        .output()
        .unwrap();
    (out.status.success(), String::from_utf8(out.stdout).unwrap())
}

#[test]
fn generators_chapter_prints_the_seed_outputs() {
    let (ok, out) = tour(&["generators"]);
    assert!(ok);
    for line in [
        "Start execution\n1\nSecond call:\nContinue execution\n2",
        "Generator started\nPlease send data\nReceived: hello\nSend more data\nReceived: world\nDone",
        "Processing value: 10\nProcessing value: 20\nException occurred: test exception",
        "Coroutine closed",
        "1 2 3 4 5 6 7 8 9 10 Done",
    ] {
        assert!(out.contains(line), "missing {line:?} in:\n{out}");
    }
}

#[test]
fn memory_comparison_prints_measured_sizes_list_much_larger_than_generator() {
    let (_, out) = tour(&["generators"]);
    let bytes = |prefix: &str| -> usize {
        let line = out.lines().find(|l| l.starts_with(prefix)).unwrap();
        line[prefix.len()..]
            .split_whitespace()
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    let list = bytes("List memory usage: ");
    let gen_ = bytes("Generator memory usage: ");
    assert!(list >= 8_000_000, "{list}");
    assert!(gen_ < 1024, "{gen_}");
}

#[test]
fn list_flag_names_every_chapter_in_the_seeds_order_and_unknown_chapter_fails() {
    let (ok, out) = tour(&["--list"]);
    assert!(ok);
    let names: Vec<&str> = out
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(
        names,
        [
            "differences",
            "seven_things",
            "async_generators",
            "generators",
            "asyncio",
            "real_world",
            "errors",
            "summary"
        ]
    );
    assert!(out.contains("Tutorial 1: Async IO and Generators: Key Differences in Python"));
    let (ok, _) = tour(&["no-such-chapter"]);
    assert!(!ok);
}

#[test]
fn whole_tour_runs_every_seed_section_in_the_seeds_order() {
    let (ok, out) = tour(&["--quick"]);
    assert!(ok, "{out}");
    let headings: Vec<&str> = out.lines().filter(|l| l.starts_with("--- ")).collect();
    // The seeds' sections, in order: each must head a section, after the one
    // before it.
    let expected = [
        "Generators produce data on demand",
        "Async IO enables concurrent work",
        "When to use each",
        "1-2. Regular vs async generators",
        "3. Regular generators block",
        "4. Consumer vs producer",
        "5. Async generators do not help CPU-bound work",
        "6. Built-in backpressure",
        "7. aclose()",
        "7. athrow()",
        "Basic example of an asynchronous generator",
        "When to use async generators: processing a large file",
        "When to use async generators: streaming data",
        "Best practices: error handling",
        "Keep it modular",
        "Best practices: testing",
        "1. Generator basics",
        "Memory efficiency comparison",
        "Generator expressions",
        "2. Two-way communication",
        "Generators as simple coroutines",
        "3. yield from",
        "4.1 Basic concepts",
        "4.2 Concurrent execution",
        "5.1 Declaring async functions",
        "5.2 await expressions",
        "6.1 Asynchronous HTTP requests",
        "6.2 Asynchronous file operations",
        "6.3 Producer-consumer",
        "7.1 I/O-intensive tasks",
        "8.1 Asynchronous exception handling",
        "8.2 Debugging",
        "9.1 Best practices",
        "9.2 Pitfall: a blocking call",
        "9.2 Pitfall: forgetting to await",
        "10. Summary",
    ];
    let mut at = 0;
    for want in expected {
        let found = headings[at..].iter().position(|h| h.contains(want));
        let Some(i) = found else {
            panic!(
                "no section {want:?} after {:?} in:\n{}",
                headings.get(at.saturating_sub(1)),
                headings.join("\n")
            );
        };
        at += i + 1;
    }
}

#[test]
fn differences_chapter_prints_the_seed_outputs() {
    let (ok, out) = tour(&["--quick", "differences"]);
    assert!(ok, "{out}");
    for line in [
        "--- Generators produce data on demand (my_generator) ---\n1\n2\n",
        "fetching!\ndone!\nmore work done while fetching",
        "-> top.name=cogen\n",
        "\"[tour]\"           -> (no record)\n",
        "-> tour.quick=false\n",
        "-> tour.chapters=8\n",
    ] {
        assert!(out.contains(line), "missing {line:?} in:\n{out}");
    }
}

#[test]
fn async_generators_chapter_streams_files_and_http_and_handles_errors() {
    let (ok, out) = tour(&["--quick", "async_generators"]);
    assert!(ok, "{out}");
    for line in [
        "Count: 1\nCount: 2\nCount: 3\nCount: 4\nCount: 5\n",
        "20000 lines (",
        "2858 errors",
        "  line: {\"id\": 2, \"url\": \"/stream/3\"}",
        "  a.txt: alpha\n  b.txt: skipped (entity not found)\n  c.txt: gamma",
        "[0, 1, 4, 9, 16]",
        "20 + 22 -> Ok(Yielded(42))",
        "[1, 2, 3, 4, 5]): passed, ",
    ] {
        assert!(out.contains(line), "missing {line:?} in:\n{out}");
    }
    assert_eq!(out.matches(" 1 byte(s) arrived: \"*\"").count(), 5, "{out}");
}

#[test]
fn real_world_chapter_fetches_reads_files_and_compares_sync_with_async() {
    let (ok, out) = tour(&["--quick", "real_world"]);
    assert!(ok, "{out}");
    for line in [
        "https://invalid-url-test.com: error - unknown host",
        "File content:\nHello, async world!\nThis is async file IO.\n",
        "Line: Hello, async world!\nLine: This is async file IO.\n",
        "missing.txt: no such file or directory",
        "Line: fine\nLine: also fine\nerror: cannot read ",
        "invalid utf-8 in line 3 (after 2 lines, 15 bytes)",
        "the same file in 16-byte chunks: [16, 16, 11]",
        "consumed 15 of 15 items",
        "Synchronous version:\nSync time: ",
        "Asynchronous version:\nAsync time: ",
        "Speedup: ",
    ] {
        assert!(out.contains(line), "missing {line:?} in:\n{out}");
    }
    // 6.1: three pages and the failure, as completed and in gather's order.
    let pages = out
        .lines()
        .filter(|l| l.contains("/delay/") && l.ends_with(" bytes"))
        .count();
    assert_eq!(pages, 6, "{out}");
    assert_eq!(out.matches("(10 results)").count(), 2, "{out}");
    assert_eq!(out.matches("Producer ").count(), 15);
}

#[test]
fn seven_things_chapter_prints_the_seed_outputs() {
    let (ok, out) = tour(&["--quick", "seven_things"]);
    assert!(ok, "{out}");
    for line in [
        "anext -> Err(Finished)  (StopAsyncIteration)",
        "other task ran 0 times",
        "consumer requests next item from producer\n  producer does its stuff, and yields \"a\"\nconsumer got \"a\"",
        "asend(20) -> Ok(Yielded(35))",
        "athrow(\"timeout\")         -> Ok(Yielded(\"recovered from timeout\"))",
        "unhandled athrow(\"fatal\") -> Err(Raised(\"fatal\")); state now Finished",
        "  cleanup: flushing...\n  cleanup: sent goodbye after 1 lines\naclose -> Ok(Some(()))",
        "after aclose, next -> None",
        "  closing: async cleanup done\nclosing(..) -> Ok(Some(0))",
        "  finalizer: async cleanup done\nfinalizer.shutdown_asyncgens() waited for it",
    ] {
        assert!(out.contains(line), "missing {line:?} in:\n{out}");
    }
    assert!(!out.contains("never printed"));
    // Backpressure: produce and consume strictly alternate.
    let order: Vec<&str> = out
        .lines()
        .filter_map(|l| l.split("] ").nth(1))
        .filter(|l| l.starts_with("produce") || l.starts_with("consume"))
        .collect();
    assert_eq!(
        order,
        [
            "produce 0",
            "consume 0",
            "produce 1",
            "consume 1",
            "produce 2",
            "consume 2",
            "produce 3",
            "consume 3"
        ]
    );
}

#[test]
fn asyncio_chapter_prints_the_seed_outputs() {
    let (ok, out) = tour(&["--quick", "asyncio"]);
    assert!(ok, "{out}");
    for line in [
        "Hello\nWorld\nEnd\nResults: Done: Hello, Done: World",
        "World\nHello\nEnd\nAll results: [\"Done: Hello\", \"Done: World\"]",
        "send(\"sent in\") -> Ok(Complete(\"sent in\"))",
        "modern_coroutine() -> 42",
        "example() returned (7, \"set later\", 7)",
    ] {
        assert!(out.contains(line), "missing {line:?} in:\n{out}");
    }
}

#[test]
fn errors_chapter_handles_failures_and_catches_the_blocking_call() {
    let (ok, out) = tour(&["--quick", "errors"]);
    assert!(ok, "{out}");
    for line in [
        "Final results: [",
        "gather_all: 4 succeeded, 6 failed",
        "DEBUG cogen_tour::asyncio: Coroutine start",
        "DEBUG cogen_tour::asyncio: Second step done",
        "debug_coroutine() returned \"Finished\"",
        "WARN cogen::debug: one poll of task \"bad_example\" took",
        "17984 primes below 200000",
        "9 jobs of 0.5 s, at most 3 at a time: 9 jobs",
        "TimeoutError, the call was cancelled",
        "without .await ran nothing\nprinted: awaited\n",
    ] {
        assert!(out.contains(line), "missing {line:?} in:\n{out}");
    }
    assert!(!out.contains("good_example\" took"), "{out}");
    // Ten tasks, three in ten failing (seeded): six failures with this seed.
    assert_eq!(out.matches("Task failed: Random failure").count(), 6);
}

#[test]
fn summary_chapter_maps_the_roadmap_to_cogen() {
    let (ok, out) = tour(&["summary"]);
    assert!(ok, "{out}");
    assert!(out.contains("Python 3.3  yield from"), "{out}");
    assert!(out.contains("cogen::rt::run"), "{out}");
}
