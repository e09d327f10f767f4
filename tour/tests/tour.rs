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
fn list_flag_names_every_chapter_and_unknown_chapter_fails() {
    let (ok, out) = tour(&["--list"]);
    assert!(ok);
    assert!(out.contains("generators"));
    let (ok, _) = tour(&["no-such-chapter"]);
    assert!(!ok);
}

#[test]
fn async_generators_chapter_prints_the_seed_outputs() {
    let (ok, out) = tour(&["--quick", "async_generators"]);
    assert!(ok, "{out}");
    for line in [
        "fetching!\ndone!\nmore work done while fetching",
        "Count: 1\nCount: 2\nCount: 3\nCount: 4\nCount: 5\n",
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
        "[0, 1, 4, 9, 16]",
        "20 + 22 -> Ok(Yielded(42))",
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
fn asyncio_chapter_prints_the_seed_outputs_and_catches_the_blocking_call() {
    let (ok, out) = tour(&["--quick", "asyncio"]);
    assert!(ok, "{out}");
    for line in [
        "Hello\nWorld\nEnd\nResults: Done: Hello, Done: World",
        "World\nHello\nEnd\nAll results: [\"Done: Hello\", \"Done: World\"]",
        "example() returned (7, \"set later\", 7)",
        "consumed 15 of 15 items",
        "Final results: [",
        "gather_all: 4 succeeded, 6 failed",
        "DEBUG cogen_tour::asyncio: Coroutine start",
        "DEBUG cogen_tour::asyncio: Second step done",
        "debug_coroutine() returned \"Finished\"",
        "WARN cogen::debug: one poll of task \"bad_example\" took",
        "17984 primes below 200000",
        "9 jobs of 0.5 s, at most 3 at a time: 9 jobs",
        "TimeoutError, the call was cancelled",
    ] {
        assert!(out.contains(line), "missing {line:?} in:\n{out}");
    }
    // Every product of the seed's producers is produced; the seed's single
    // sentinel may stop the consumers early, and the tour says how many.
    assert_eq!(out.matches("Producer ").count(), 15);
    assert!(!out.contains("good_example\" took"), "{out}");
    // Ten tasks, three in ten failing (seeded): six failures with this seed.
    assert_eq!(out.matches("Task failed: Random failure").count(), 6);
}
