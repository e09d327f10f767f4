//! The differential tester against CPython (issue 11, point 9): random
//! generator shapes and operation sequences, run by `python3` and by cogen,
//! their traces compared.
//!
//! - `COGEN_DIFF_SCENARIOS=<n>`: scenarios per test (default
//!   [`DEFAULT_SCENARIOS`]).
//! - `COGEN_DIFF_SEED=<u64>` (decimal or `0x` hex): the run's seed (default
//!   [`DEFAULT_SEED`]).
//! - `COGEN_DIFF_ONLY=<index>`: run only that scenario of the seed's run.
//! - `COGEN_DIFF_PYTHON=<path>`: the interpreter (default `python3`).

pub mod interp;
pub mod python;
pub mod rng;
pub mod shape;
pub mod trace;

use std::collections::BTreeMap;

use rng::Rng;
use shape::Scenario;
use trace::{DELIBERATE_DIFFERENCES, compare, show_trace};

/// Scenarios per test in a normal run.
pub const DEFAULT_SCENARIOS: usize = 300;

/// The normal run's seed.
pub const DEFAULT_SEED: u64 = 0x000C_06E1_1009;

fn env_number(name: &str) -> Option<u64> {
    let raw = std::env::var(name).ok()?;
    let raw = raw.trim().replace('_', "");
    let parsed = match raw.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => raw.parse(),
    };
    Some(parsed.unwrap_or_else(|_| panic!("{name}={raw:?} is not a number")))
}

/// The run's settings, from the environment.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// The run's seed.
    pub seed: u64,
    /// How many scenarios.
    pub count: usize,
    /// Only this scenario, if set.
    pub only: Option<usize>,
}

impl Settings {
    /// Reads `COGEN_DIFF_SEED`, `COGEN_DIFF_SCENARIOS`, `COGEN_DIFF_ONLY`.
    pub fn from_env() -> Settings {
        Settings {
            seed: env_number("COGEN_DIFF_SEED").unwrap_or(DEFAULT_SEED),
            count: env_number("COGEN_DIFF_SCENARIOS").map_or(DEFAULT_SCENARIOS, |n| n as usize),
            only: env_number("COGEN_DIFF_ONLY").map(|n| n as usize),
        }
    }
}

/// The scenarios of a run: sync and async runs draw from different streams.
pub fn scenarios(settings: Settings, is_async: bool) -> Vec<Scenario> {
    let seed = settings.seed ^ if is_async { 0xA5A5_0000_0000 } else { 0 };
    let indices: Vec<usize> = match settings.only {
        Some(i) => vec![i],
        None => (0..settings.count).collect(),
    };
    indices
        .into_iter()
        .map(|i| Scenario::generate(&mut Rng::for_scenario(seed, i), i, is_async))
        .collect()
}

/// Runs a whole suite (sync or async) and panics with a full report on any
/// divergence.
pub fn run_suite(is_async: bool) {
    let settings = Settings::from_env();
    let kind = if is_async { "async" } else { "sync" };
    let started = std::time::Instant::now();
    let scenarios = scenarios(settings, is_async);
    let py = python::run_python(&scenarios, kind);
    let mut failures = Vec::new();
    let mut rules: BTreeMap<&str, usize> = BTreeMap::new();
    let mut results: BTreeMap<String, usize> = BTreeMap::new();
    let mut events: BTreeMap<String, usize> = BTreeMap::new();
    let mut steps = 0;
    for s in &scenarios {
        let cogen = interp::run_cogen(s, py.version);
        let empty = Vec::new();
        let python = py.traces.get(&s.index).unwrap_or(&empty);
        for step in python {
            let word = step
                .result
                .split(' ')
                .next()
                .unwrap_or_default()
                .to_string();
            *results.entry(word).or_default() += 1;
            for e in &step.events {
                let word = e.split(' ').next().unwrap_or_default().to_string();
                *events.entry(word).or_default() += 1;
            }
        }
        steps += python.len();
        match compare(python, &cogen) {
            Ok(used) => {
                for id in used {
                    *rules.entry(id).or_default() += 1;
                }
            }
            Err(d) => failures.push((s, python.clone(), cogen, d)),
        }
    }
    eprintln!(
        "differential ({kind}): {} scenarios, {steps} steps compared against Python {}.{} in {:.1?} \
         (seed {:#x}); deliberate differences used: {rules:?}; results: {results:?}; events: \
         {events:?}",
        scenarios.len(),
        py.version.0,
        py.version.1,
        started.elapsed(),
        settings.seed,
    );
    if !failures.is_empty() {
        let mut report = format!(
            "{} of {} {kind} scenarios diverge from CPython {}.{} (COGEN_DIFF_SEED={:#x}; \
             the whole script: {}).\n",
            failures.len(),
            scenarios.len(),
            py.version.0,
            py.version.1,
            settings.seed,
            py.script_path.display()
        );
        for (s, python, cogen, d) in failures.iter().take(3) {
            report.push_str(&format!(
                "\n=== scenario {} ({kind}; rerun alone with COGEN_DIFF_SEED={:#x} \
                 COGEN_DIFF_ONLY={}): step {}: {}\n--- Python source:\n{}--- CPython trace:\n{}\
                 --- cogen trace:\n{}",
                s.index,
                settings.seed,
                s.index,
                d.step,
                d.why,
                python::scenario_source(s),
                show_trace(python),
                show_trace(cogen),
            ));
        }
        report.push_str("\nDeliberate differences already allowed (differential/trace.rs):\n");
        for d in DELIBERATE_DIFFERENCES {
            report.push_str(&format!(
                "  {}: Python: {} / cogen: {} / {}\n",
                d.id, d.python, d.cogen, d.handling
            ));
        }
        panic!("{report}");
    }
    let _ = std::fs::remove_file(&py.script_path);
    if settings.only.is_none() && settings.count >= DEFAULT_SCENARIOS {
        // The generator must actually reach every outcome, or the comparison
        // says little.
        let mut wanted = vec![
            "yielded",
            "returned",
            "raised",
            "finished",
            "closed",
            "ignored-close",
        ];
        if scenarios.iter().any(|s| s.sends) {
            wanted.push("not-started");
        }
        for w in wanted {
            assert!(
                results.contains_key(w),
                "no scenario produced `{w}`: {results:?}"
            );
        }
        for w in [
            "got",
            "mark",
            "caught",
            "caught-close",
            "cleanup",
            "finally",
            "from-sub",
        ] {
            assert!(
                events.contains_key(w),
                "no scenario recorded `{w}`: {events:?}"
            );
        }
    }
}
