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
