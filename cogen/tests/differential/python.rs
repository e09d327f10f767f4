//! The CPython side: each scenario as Python source, one batched script that
//! runs them all and prints their traces, and the parsing of that output.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;

use super::shape::{After, Op, Scenario, Stmt, has_yield};
use super::trace::Step;

/// The Python source of one scenario: generators `g0`, `g1`, ... and the
/// operations `OPS`, run by the harness's `drive`.
pub fn scenario_source(s: &Scenario) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "ASYNC = {}", if s.is_async { "True" } else { "False" });
    let _ = writeln!(out, "SENDS = {}", if s.sends { "True" } else { "False" });
    let ops: Vec<String> = s
        .ops
        .iter()
        .map(|op| match op {
            Op::Next => "(\"next\", None)".to_string(),
            Op::Send(v) => format!("(\"send\", {v})"),
            Op::Throw(c) => format!("(\"throw\", {c})"),
            Op::Close => "(\"close\", None)".to_string(),
        })
        .collect();
    let _ = writeln!(out, "OPS = [{}]", ops.join(", "));
    let mut emitter = Emitter {
        out,
        is_async: s.is_async,
        site: 0,
    };
    for (k, body) in s.gens.iter().enumerate() {
        let def = if s.is_async { "async def" } else { "def" };
        emitter.line(0, &format!("{def} g{k}(cell):"));
        emitter.block(body, 1);
        if !has_yield(body) {
            emitter.line(1, "if False: yield None");
        }
    }
    emitter.out
}

/// Writes Python statements for the shapes.
struct Emitter {
    out: String,
    is_async: bool,
    /// Numbers the delegation sites, for the async expansion's variables.
    site: usize,
}

impl Emitter {
    fn line(&mut self, indent: usize, text: &str) {
        for _ in 0..indent {
            self.out.push_str("    ");
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn block(&mut self, stmts: &[Stmt], indent: usize) {
        if stmts.is_empty() {
            self.line(indent, "pass");
        }
        for stmt in stmts {
            self.stmt(stmt, indent);
        }
    }

    fn ret(&mut self, v: i64, indent: usize) {
        if self.is_async {
            // `return v` is a SyntaxError in an async generator: the value
            // goes to the cell the driver reads on StopAsyncIteration.
            self.line(indent, &format!("cell[0] = {v}"));
            self.line(indent, "return");
        } else {
            self.line(indent, &format!("return {v}"));
        }
    }

    fn after(&mut self, after: After, indent: usize) {
        match after {
            After::GoOn => {}
            After::Reraise => self.line(indent, "raise"),
            After::Raise(c) => self.line(indent, &format!("raise E({c})")),
            After::Return(v) => self.ret(v, indent),
            After::YieldThenGoOn(v) => self.line(indent, &format!("yield Y({v})")),
        }
    }

    fn stmt(&mut self, stmt: &Stmt, i: usize) {
        match stmt {
            Stmt::Yield(v) => self.line(i, &format!("yield Y({v})")),
            Stmt::YieldRecv(v) => {
                self.line(i, &format!("x = yield Y({v})"));
                self.line(i, "log(\"got \" + show(x))");
            }
            Stmt::Mark(m) => self.line(i, &format!("log(\"mark {m}\")")),
            Stmt::Loop(k, body) => {
                self.line(i, &format!("for _ in range({k}):"));
                self.block(body, i + 1);
            }
            Stmt::TryExcept(body, after) => {
                self.line(i, "try:");
                self.block(body, i + 1);
                self.line(i, "except E as e:");
                self.line(i + 1, "log(\"caught \" + str(e.c))");
                self.after(*after, i + 1);
            }
            Stmt::TryClose(body, after) => {
                self.line(i, "try:");
                self.block(body, i + 1);
                self.line(i, "except GeneratorExit:");
                self.line(i + 1, "log(\"caught-close\")");
                self.after(*after, i + 1);
            }
            Stmt::Finally(label, body) => {
                self.line(i, "try:");
                self.block(body, i + 1);
                self.line(i, "finally:");
                self.line(i + 1, &format!("log(\"cleanup {label}\")"));
            }
            Stmt::FinallyCode(label, body, then_yield) => {
                self.line(i, "try:");
                self.block(body, i + 1);
                self.line(i, "finally:");
                self.line(i + 1, &format!("log(\"finally {label}\")"));
                match then_yield {
                    Some(v) if self.is_async => {
                        // A return pending here is abandoned if this yield
                        // is interrupted: so is its value in the cell.
                        self.line(i + 1, "_ret = cell[0]");
                        self.line(i + 1, "cell[0] = None");
                        self.line(i + 1, &format!("yield Y({v})"));
                        self.line(i + 1, "cell[0] = _ret");
                    }
                    Some(v) => self.line(i + 1, &format!("yield Y({v})")),
                    None => {}
                }
            }
            Stmt::YieldFromList(items) => {
                // What `yield from [..]` does (a list iterator forwards
                // nothing), written so that async generators can too.
                let items: Vec<String> = items.iter().map(i64::to_string).collect();
                self.line(i, &format!("for _v in [{}]:", items.join(", ")));
                self.line(i + 1, "yield Y(_v)");
            }
            Stmt::Await => self.line(i, "await Tick()"),
            Stmt::Raise(c) => self.line(i, &format!("raise E({c})")),
            Stmt::Return(v) => self.ret(*v, i),
            Stmt::Delegate(k) if !self.is_async => {
                self.line(i, &format!("r = yield from g{k}([None])"));
                self.line(i, "log(\"from-sub \" + show(r))");
            }
            Stmt::Delegate(k) => self.async_delegate(*k, i),
        }
    }

    /// Python has no `yield from` in async generators: PEP 380's expansion,
    /// with `asend`/`athrow`/`aclose` and the return value read from the
    /// sub-generator's cell.
    fn async_delegate(&mut self, k: usize, i: usize) {
        self.site += 1;
        let n = self.site;
        // The sub-generator is let go of as soon as the delegation ends
        // (`finally`), as `yield from` pops it off the stack: not when a
        // traceback that holds this frame dies. Its close, if any, is a
        // finalization (`FINALIZING`): it cannot await, as in cogen's Drop.
        let lines = [
            (0, format!("_c{n} = [None]")),
            (0, format!("_i{n} = g{k}(_c{n})")),
            (0, "try:".into()),
            (1, "try:".into()),
            (2, format!("_y{n} = await _i{n}.asend(None)")),
            (1, "except StopAsyncIteration:".into()),
            (2, format!("r = _c{n}[0]")),
            (1, "else:".into()),
            (2, "while True:".into()),
            (3, "try:".into()),
            (4, format!("_s{n} = yield _y{n}")),
            (3, "except GeneratorExit:".into()),
            (4, format!("await _i{n}.aclose()")),
            (4, "raise".into()),
            (3, format!("except BaseException as _e{n}:")),
            (4, "try:".into()),
            (5, format!("_y{n} = await _i{n}.athrow(_e{n})")),
            (4, "except StopAsyncIteration:".into()),
            (5, format!("r = _c{n}[0]")),
            (5, "break".into()),
            (3, "else:".into()),
            (4, "try:".into()),
            (5, format!("_y{n} = await _i{n}.asend(_s{n})")),
            (4, "except StopAsyncIteration:".into()),
            (5, format!("r = _c{n}[0]")),
            (5, "break".into()),
            (0, "finally:".into()),
            (1, "FINALIZING[0] += 1".into()),
            (1, format!("_i{n} = None")),
            (1, "released()".into()),
            (0, "log(\"from-sub \" + show(r))".into()),
        ];
        for (extra, text) in lines {
            self.line(i + extra, &text);
        }
    }
}

/// The harness: helpers the scenarios use, and the driver that applies the
/// operations and prints one line per step (`index`, operation, result,
/// `|`-separated events, state after).
const PRELUDE: &str = r#"
import gc, inspect, sys, weakref

class E(Exception):
    def __init__(self, c):
        super().__init__(c)
        self.c = c

LOG = []
LASTY = [None]
YS = []
OUT = []

def log(s):
    LOG.append(s)

def Y(v):
    # The values yielded during an operation: the first one yielded while
    # closing is the one that ignored the close (later ones may come from
    # sub-generators closed again as they are let go of).
    LASTY[0] = v
    YS.append(v)
    return v

def show(x):
    return "None" if x is None else str(x)

def unraisable(u):
    # A generator collected while suspended is closed by the interpreter;
    # what that close raises is "unraisable".
    ex = u.exc_value
    if isinstance(ex, RuntimeError) and "ignored GeneratorExit" in str(ex):
        LOG.append("unraisable ignored-close")
    elif isinstance(ex, E):
        LOG.append(f"unraisable raised E({ex.c})")
    else:
        LOG.append(f"unraisable {type(ex).__name__}: {ex}")

sys.unraisablehook = unraisable

# Inside a finalization (how deep), and whether its first await is marked.
FINALIZING = [0, False]

def released():
    FINALIZING[0] -= 1
    if not FINALIZING[0]:
        FINALIZING[1] = False

def finalize(g):
    # asyncio's async-generator finalizer hook schedules aclose(); here it
    # runs at once. What it raises is reported, not raised.
    FINALIZING[0] += 1
    try:
        run(g.aclose())
    except RuntimeError as err:
        if "ignored GeneratorExit" in str(err):
            LOG.append("unraisable ignored-close")
        else:
            LOG.append(f"unraisable RuntimeError: {err}")
    except E as err:
        LOG.append(f"unraisable raised E({err.c})")
    except BaseException as err:
        LOG.append(f"unraisable {type(err).__name__}: {err}")
    finally:
        released()

sys.set_asyncgen_hooks(firstiter=None, finalizer=finalize)

class Tick:
    # Pending once: what a body awaits between its yields.
    def __await__(self):
        if FINALIZING[0] and not FINALIZING[1]:
            # cogen's Drop polls a close once: cleanup that awaits stops here.
            FINALIZING[1] = True
            LOG.append("finalizer awaited")
        yield "tick"

def run(aw):
    # An event loop for bodies that await only Tick and each other.
    while True:
        try:
            got = aw.send(None)
        except StopIteration as stop:
            return stop.value
        if got != "tick":
            aw.close()
            raise AssertionError(f"an async generator operation awaited {got!r}")

SSTATE = {"GEN_CREATED": "CREATED", "GEN_SUSPENDED": "SUSPENDED",
          "GEN_RUNNING": "RUNNING", "GEN_CLOSED": "CLOSED"}
ASTATE = {"AGEN_CREATED": "CREATED", "AGEN_SUSPENDED": "SUSPENDED",
          "AGEN_RUNNING": "RUNNING", "AGEN_CLOSED": "CLOSED"}

def astate(g):
    if hasattr(inspect, "getasyncgenstate"):
        return ASTATE[inspect.getasyncgenstate(g)]
    # 3.11 has no getasyncgenstate and no ag_suspended.
    if g.ag_running:
        return "RUNNING"
    if g.ag_frame is None:
        return "CLOSED"
    return "CREATED" if g.ag_frame.f_lasti <= 0 else "SUSPENDED"

def state(g, asy):
    return astate(g) if asy else SSTATE[inspect.getgeneratorstate(g)]

def out(i, name, res, st):
    OUT.append(f"{i}\t{name}\t{res}\t{'|'.join(LOG)}\t{st}")

def step(i, g, op, arg, asy, sends, cell):
    before = state(g, asy)
    del LOG[:]
    del YS[:]
    name = op if arg is None else f"{op}({arg})"
    try:
        if op == "next":
            if asy:
                r = run(g.asend(None) if sends else g.__anext__())
            else:
                r = g.send(None) if sends else next(g)
            res = "yielded " + show(r)
        elif op == "send":
            r = run(g.asend(arg)) if asy else g.send(arg)
            res = "yielded " + show(r)
        elif op == "throw":
            r = run(g.athrow(E(arg))) if asy else g.throw(E(arg))
            # The bodies never yield None: None is athrow's silent answer.
            res = "athrow-silent-none" if asy and r is None else "yielded " + show(r)
        else:
            r = run(g.aclose()) if asy else g.close()
            res = "closed" if r is None else "closed " + show(r)
    except StopIteration as stop:
        res = "finished" if before == "CLOSED" else "returned " + show(stop.value)
    except StopAsyncIteration:
        if before == "CLOSED":
            res = "finished"
        elif op in ("throw", "close") and before == "SUSPENDED" and astate(g) == "SUSPENDED":
            res = "quirk-agen-closed-flag"
        else:
            res = "returned " + show(cell[0])
    except E as err:
        res = f"raised E({err.c})"
    except GeneratorExit:
        # A close postponed by a yield in `finally`, going on after it.
        res = "raised GeneratorExit"
    except RuntimeError as err:
        if "ignored GeneratorExit" in str(err):
            res = "ignored-close " + show(YS[0] if YS else LASTY[0])
        else:
            res = f"raised RuntimeError: {err}"
    except TypeError as err:
        res = "not-started" if "just-started" in str(err) else f"raised TypeError: {err}"
    except Exception as err:
        res = f"raised {type(err).__name__}: {err}"
    out(i, name, res, state(g, asy))

def drive(i, ns):
    asy, sends = ns["ASYNC"], ns["SENDS"]
    cell = [None]
    g = ns["g0"](cell)
    for op, arg in ns["OPS"]:
        step(i, g, op, arg, asy, sends, cell)
    del LOG[:]
    # A finalization: its finalizer hook, or (3.11, after an ignored aclose:
    # `agen-closed-flag`) the plain close, cannot await in cogen's Drop.
    FINALIZING[0] += 1
    alive = weakref.ref(g)
    del g
    if alive() is not None:
        # Held by a reference cycle (a frame and a traceback): collect it now.
        gc.collect()
    released()
    out(i, "drop", "dropped", "-")

BASE = {"E": E, "log": log, "Y": Y, "show": show, "Tick": Tick, "FINALIZING": FINALIZING,
        "released": released, "__builtins__": __builtins__}

def main(scenarios):
    print("VERSION", sys.version_info[0], sys.version_info[1])
    for i, src in scenarios:
        ns = dict(BASE)
        try:
            exec(compile(src, f"<scenario {i}>", "exec"), ns)
            drive(i, ns)
        except BaseException as exc:
            OUT.append(f"{i}\tharness-error\t{type(exc).__name__}: {exc}\t\t-")
        del LOG[:]
    sys.stdout.write("\n".join(OUT))
    sys.stdout.write("\nDONE\n")
"#;

/// The whole script: the harness, then every scenario's source as a string
/// (compiled separately, so one bad scenario cannot hide the others).
pub fn script(scenarios: &[Scenario]) -> String {
    let mut s = String::from(PRELUDE);
    s.push_str("\nmain([\n");
    for sc in scenarios {
        let src = scenario_source(sc);
        assert!(
            !src.contains("'''") && !src.contains('\\'),
            "a scenario's source must fit in a raw triple-quoted string"
        );
        let _ = writeln!(s, "({}, r'''{}'''),", sc.index, src);
    }
    s.push_str("])\n");
    s
}

/// What the Python run produced.
#[derive(Debug)]
pub struct PythonRun {
    /// `(major, minor)`.
    pub version: (u32, u32),
    /// Each scenario's trace, by index.
    pub traces: BTreeMap<usize, Vec<Step>>,
    /// Where the script was written (kept, to rerun by hand).
    pub script_path: PathBuf,
}

/// The interpreter to run: `COGEN_DIFF_PYTHON` if set, else `python3`.
pub fn python_command() -> String {
    std::env::var("COGEN_DIFF_PYTHON").unwrap_or_else(|_| "python3".to_string())
}

/// Checks that `program` runs and is a Python 3.8 or later (the
/// `sys.unraisablehook` the harness uses); returns its `--version` line.
///
/// # Errors
///
/// A message saying what is missing: the tester fails with it rather than
/// passing without having compared anything.
pub fn locate_python(program: &str) -> Result<String, String> {
    let required = "python3 (3.8 or later) is required by the differential tester against \
                    CPython; install it, or point COGEN_DIFF_PYTHON at one";
    let output = Command::new(program)
        .arg("--version")
        .output()
        .map_err(|e| format!("{required}: `{program}` could not be run ({e})"))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let version = text.trim().to_string();
    let numbers: Vec<u32> = version
        .strip_prefix("Python ")
        .unwrap_or("")
        .split('.')
        .take(2)
        .filter_map(|n| n.parse().ok())
        .collect();
    match numbers[..] {
        [3, minor] if minor >= 8 && output.status.success() => Ok(version),
        _ => Err(format!(
            "{required}: `{program} --version` exited with {} and said {version:?}",
            output.status
        )),
    }
}

/// Runs every scenario in one `python3` process and parses the traces.
///
/// # Panics
///
/// If python3 is missing or the script fails as a whole (not per scenario:
/// those become `harness-error` steps that the comparison reports).
pub fn run_python(scenarios: &[Scenario], tag: &str) -> PythonRun {
    run_python_with(&python_command(), scenarios, tag)
}

/// [`run_python`] with the interpreter `program`.
///
/// # Panics
///
/// As [`run_python`].
pub fn run_python_with(program: &str, scenarios: &[Scenario], tag: &str) -> PythonRun {
    if let Err(why) = locate_python(program) {
        panic!("{why}");
    }
    let script_path = std::env::temp_dir().join(format!(
        "cogen-differential-{tag}-{}.py",
        std::process::id()
    ));
    std::fs::write(&script_path, script(scenarios)).expect("write the Python script");
    let output = Command::new(program)
        .arg("-I")
        .arg(&script_path)
        .output()
        .unwrap_or_else(|e| panic!("running `{program}` failed: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.trim_end().ends_with("DONE"),
        "the Python script {} failed ({}):\n{}\n{}",
        script_path.display(),
        output.status,
        String::from_utf8_lossy(&output.stderr),
        stdout.chars().take(4000).collect::<String>()
    );
    let (version, traces) = parse_output(&stdout);
    PythonRun {
        version,
        traces,
        script_path,
    }
}

/// Parses the script's output: the version line, then one line per step.
///
/// # Panics
///
/// On a line that is not in the harness's format.
pub fn parse_output(stdout: &str) -> ((u32, u32), BTreeMap<usize, Vec<Step>>) {
    let mut lines = stdout.lines();
    let header = lines.next().unwrap_or_default();
    let v: Vec<u32> = header
        .strip_prefix("VERSION ")
        .unwrap_or_else(|| panic!("no VERSION line in the Python output: {header:?}"))
        .split(' ')
        .map(|n| n.parse().expect("version number"))
        .collect();
    let mut traces: BTreeMap<usize, Vec<Step>> = BTreeMap::new();
    for line in lines {
        if line == "DONE" || line.is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        assert_eq!(fields.len(), 5, "malformed harness line {line:?}");
        let index: usize = fields[0].parse().expect("scenario index");
        let events = if fields[3].is_empty() {
            Vec::new()
        } else {
            fields[3].split('|').map(str::to_string).collect()
        };
        traces.entry(index).or_default().push(Step {
            op: fields[1].to_string(),
            result: fields[2].to_string(),
            events,
            state: fields[4].to_string(),
        });
    }
    ((v[0], v[1]), traces)
}
