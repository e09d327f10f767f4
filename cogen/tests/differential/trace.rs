//! Traces in a vocabulary both sides are translated into, the comparison,
//! and the table of deliberate differences it allows (each one explicitly).
//!
//! A trace is one [`Step`] per operation, then a `drop` step. Results:
//! `yielded v`, `returned v` (`None` when the body ends without a value),
//! `raised E(c)`, `raised GeneratorExit` (a postponed close going on),
//! `finished` (the generator had already finished: `StopIteration` /
//! `Finished`), `not-started` (a value sent to a fresh generator), `closed`
//! (or `closed v` where close hands back a return value), `ignored-close v`
//! (the body, or a sub-generator, yielded `v` instead of closing); Python
//! only: `athrow-silent-none`, `quirk-agen-closed-flag` (see the rules).
//! Events: `got v`, `mark m`, `caught c`, `caught-close`, `cleanup l` (a
//! guard), `finally l` (cleanup code), `from-sub r`, in the order the bodies
//! recorded them; Python only: `unraisable ...` (what closing a collected
//! generator raised) and `finalizer awaited`. States: `CREATED`,
//! `SUSPENDED`, `RUNNING`, `CLOSED` (`inspect.getgeneratorstate` /
//! `cogen::protocol::Status`), `-` after the drop.

use std::fmt;

/// One operation and what it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// `next`, `send(v)`, `throw(c)`, `close`, or `drop`.
    pub op: String,
    /// What the operation returned or raised, in the shared vocabulary.
    pub result: String,
    /// What the bodies recorded during the operation, in order.
    pub events: Vec<String>,
    /// The generator's state afterwards.
    pub state: String,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:<10} -> {:<22} [{}] {}",
            self.op,
            self.result,
            self.events.join(", "),
            self.state
        )
    }
}

/// Formats a trace one step per line.
pub fn show_trace(trace: &[Step]) -> String {
    trace.iter().map(|s| format!("    {s}\n")).collect()
}

/// A behaviour where cogen differs from CPython on purpose (or where the
/// installed CPython has a quirk cogen does not copy), and how the tester
/// handles it. Nothing else may differ.
#[derive(Debug)]
pub struct Difference {
    /// Named in the run's summary when the rule was used.
    pub id: &'static str,
    /// What CPython does.
    pub python: &'static str,
    /// What cogen does.
    pub cogen: &'static str,
    /// Why, and how the comparison treats it.
    pub handling: &'static str,
}

/// Every deliberate difference the tester knows. The first group are
/// translations of the API (both sides are mapped to one vocabulary before
/// comparing); the second group are rules the comparison applies, each
/// counted in the run's summary.
pub const DELIBERATE_DIFFERENCES: &[Difference] = &[
    Difference {
        id: "start-is-separate",
        python: "next(g) / g.send(None) on a fresh generator starts it",
        cogen: "start() / astart() starts it; send on a fresh generator is SendError::NotStarted",
        handling: "translation: with sends, `next` on a fresh (or finished) generator is start(), \
                   otherwise send(None); without sends it is resume()/anext() (DESIGN.md: \
                   send on a fresh generator is NotStarted, a run-time check like Python's)",
    },
    Difference {
        id: "not-started",
        python: "TypeError: can't send non-None value to a just-started generator",
        cogen: "SendError::NotStarted(v), the value handed back",
        handling: "translation: both are `not-started` (the tester also checks that cogen hands \
                   back the value it was given)",
    },
    Difference {
        id: "close-return-value",
        python: "close() returns None before 3.13; 3.13 returns the value a sync body returns \
                 while handling GeneratorExit; aclose() returns None (async generators cannot \
                 return values)",
        cogen: "close()/aclose() return Ok(Some(r)) when the body returned r while closing",
        handling: "translation: `closed`, with the value only for sync generators on Python \
                   3.13 or later",
    },
    Difference {
        id: "async-return-value",
        python: "`return v` is a SyntaxError in an async generator",
        cogen: "an async generator's body returns a value (anext -> Complete(v))",
        handling: "emulation: the Python body stores v in a cell and returns; the driver \
                   reports `returned <cell>` on StopAsyncIteration (a yield in `finally` \
                   clears the cell while it is suspended, so a return abandoned there leaves \
                   no value)",
    },
    Difference {
        id: "postponed-close",
        python: "a `yield` in `finally` while GeneratorExit propagates postpones the close; \
                 the next operation resumes it and GeneratorExit comes out of that operation",
        cogen: "there is no GeneratorExit outside close: the interpreter's body returns its \
                `Exited` marker (cogen reports Complete)",
        handling: "translation: both are `raised GeneratorExit` (an encoding of the \
                   interpreter, not a behaviour of cogen)",
    },
    Difference {
        id: "async-yield-from",
        python: "no `yield from` in async generators",
        cogen: "co.yield_from(async_sub) forwards asend/athrow/aclose and evaluates to the \
                return value",
        handling: "emulation: the Python body inlines PEP 380's expansion with asend/athrow/aclose",
    },
    Difference {
        id: "athrow-into-finished",
        python: "3.11: await g.athrow(e) on a finished async generator returns None silently",
        cogen: "hands the error back: Err(ThrowError::Raised(e)) (DESIGN.md: an error is never \
                swallowed)",
        handling: "rule: Python's `athrow-silent-none` matches cogen's `raised E(c)` for the \
                   thrown c only",
    },
    Difference {
        id: "agen-closed-flag",
        python: "3.11: after an aclose() the body ignored (RuntimeError), the generator stays \
                 suspended but is flagged closed: athrow() and aclose() then raise \
                 StopAsyncIteration without running the body",
        cogen: "the generator stays suspended and athrow/aclose are delivered as to any \
                suspended generator",
        handling: "rule: the comparison stops at Python's `quirk-agen-closed-flag` (from there \
                   the two generators are in different places); the steps before must match. \
                   Collected, such a generator skips the finalizer hook and gets the sync \
                   close, which reports a body returning while closing as an unraisable \
                   StopAsyncIteration: that event is left out",
    },
    Difference {
        id: "drop-raised",
        python: "a generator collected while suspended (the one driven, at the end; or a \
                 sub-generator let go of by the generator delegating to it) is closed; an error \
                 its body raises is printed as unraisable",
        cogen: "Drop closes it and discards the result (Drop cannot report)",
        handling: "rule: Python's `unraisable raised E(c)` event is left out",
    },
    Difference {
        id: "drop-ignored-close",
        python: "a collected generator that yields while being closed: RuntimeError (unraisable), \
                 then its frame is freed without running its remaining finally blocks",
        cogen: "Drop closes it, discards the ignored close, then drops the body: its locals' \
                destructors (the `finally` guards here) still run",
        handling: "rule: in such a step, cogen's events must be Python's (without the \
                   markers) in order, with extra `cleanup l` events (guards) allowed only after \
                   Python's first `unraisable ignored-close` marker",
    },
    Difference {
        id: "drop-awaiting-cleanup",
        python: "asyncio's finalizer hook awaits the aclose() of a collected async generator \
                 (the harness runs it at once)",
        cogen: "Drop cannot await: it polls the close once; cleanup that awaits is cut short \
                there and the body dropped, with a warning (aclose(), closing() or a runtime \
                finalizer await it; the tester drops outside any runtime)",
        handling: "rule: Python marks the first await of a finalizer's cleanup (and, on 3.11, \
                   of the plain close a flagged generator gets instead: `agen-closed-flag`) \
                   with `finalizer awaited`; the step's events are compared up to there only",
    },
    Difference {
        id: "sub-ignored-close",
        python: "when a sub-generator ignores the close forwarded to it, RuntimeError is raised \
                 in the delegating generator at its `yield from`: its `finally` blocks run as \
                 code (and may even yield)",
        cogen: "the delegating generator is finished without being resumed (Gen::close's \
                documentation: \"If a sub-generator ignored the close, this generator is \
                finished\"): the Drop of its locals runs, code after its catching yield_from \
                does not",
        handling: "rule: in a step where a sub-generator ignored a close (cogen: ignored-close \
                   and finished; or Python reports an ignored close of a collected generator), \
                   the events must match up to the first `finally l` event (cleanup written as \
                   code) that cogen does not have; from there the two differ by design and \
                   the comparison stops",
    },
];

/// Real cogen bugs the tester found that are not fixed yet: `(rule id,
/// description)`. Empty: none are tolerated.
pub const KNOWN_BUGS: &[(&str, &str)] = &[];

/// Where and why two traces differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Divergence {
    /// The first step that differs.
    pub step: usize,
    /// What differs.
    pub why: String,
}

/// Compares CPython's trace with cogen's; on a match, returns the ids of the
/// deliberate differences that were needed.
///
/// # Errors
///
/// The first divergence that no rule in [`DELIBERATE_DIFFERENCES`] allows.
pub fn compare(python: &[Step], cogen: &[Step]) -> Result<Vec<&'static str>, Divergence> {
    let mut used = Vec::new();
    for (i, (py, co)) in python.iter().zip(cogen).enumerate() {
        let diverge = |why: String| Err(Divergence { step: i, why });
        if py.op != co.op {
            return diverge(format!("operation {:?} vs {:?}", py.op, co.op));
        }
        if py.result == "quirk-agen-closed-flag" {
            used.push("agen-closed-flag");
            return Ok(used);
        }
        // A sub-generator ignored a close: cogen finished the generator
        // delegating to it without resuming it; Python unwound it with a
        // RuntimeError, running its `finally` code.
        let sub_ignored = (co.result.starts_with("ignored-close") && co.state == "CLOSED")
            || py.events.iter().any(|e| e == "unraisable ignored-close");
        // Any step may drop a generator: the driven one at the end, or a
        // sub-generator its delegating generator lets go of.
        match compare_events(&py.events, &co.events, sub_ignored, &mut used) {
            Ok(Events::Same) => {}
            Ok(Events::StopHere) => return Ok(used),
            Err(why) => return diverge(why),
        }
        if py.result != co.result {
            let thrown = py
                .op
                .strip_prefix("throw(")
                .and_then(|rest| rest.strip_suffix(')'));
            match thrown {
                Some(c)
                    if py.result == "athrow-silent-none"
                        && co.result == format!("raised E({c})") =>
                {
                    used.push("athrow-into-finished");
                }
                _ => return diverge(format!("result {:?} vs {:?}", py.result, co.result)),
            }
        }
        if py.state != co.state {
            return diverge(format!("state {:?} vs {:?}", py.state, co.state));
        }
    }
    if python.len() != cogen.len() {
        return Err(Divergence {
            step: python.len().min(cogen.len()),
            why: format!("{} steps vs {}", python.len(), cogen.len()),
        });
    }
    Ok(used)
}

/// How a step's events compare when they are allowed to.
#[derive(Debug, PartialEq, Eq)]
enum Events {
    /// The same (up to the rules): compare the result and state.
    Same,
    /// Python ran cleanup code cogen does not run by design
    /// (`sub-ignored-close`): the two differ from here on.
    StopHere,
}

/// A step's events, in order, with the rules for generators dropped in it
/// (`drop-raised`, `drop-ignored-close`, `agen-closed-flag`) and for a
/// sub-generator that ignored a close (`sub-ignored-close`).
fn compare_events(
    python: &[String],
    cogen: &[String],
    sub_ignored: bool,
    used: &mut Vec<&'static str>,
) -> Result<Events, String> {
    let (mut i, mut j) = (0, 0);
    // Past Python's first report of a collected generator that ignored its
    // close: cogen may run that generator's guard cleanup, Python does not.
    let mut given_up = false;
    loop {
        while let Some(e) = python.get(i) {
            if e.starts_with("unraisable raised E(") {
                used.push("drop-raised");
            } else if e == "unraisable StopAsyncIteration: " {
                used.push("agen-closed-flag");
            } else if e == "unraisable ignored-close" {
                used.push("drop-ignored-close");
                given_up = true;
            } else if e == "finalizer awaited" {
                used.push("drop-awaiting-cleanup");
                return Ok(Events::Same);
            } else {
                break;
            }
            i += 1;
        }
        match (python.get(i), cogen.get(j)) {
            (None, None) => return Ok(Events::Same),
            (Some(p), Some(c)) if p == c => {
                i += 1;
                j += 1;
            }
            (Some(p), _) if sub_ignored && p.starts_with("finally ") => {
                used.push("sub-ignored-close");
                return Ok(Events::StopHere);
            }
            (_, Some(c)) if given_up && c.starts_with("cleanup ") => j += 1,
            _ => {
                return Err(format!(
                    "events {python:?} vs {cogen:?} (from {:?} vs {:?})",
                    python.get(i),
                    cogen.get(j)
                ));
            }
        }
    }
}
