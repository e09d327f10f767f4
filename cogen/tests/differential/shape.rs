//! Generator body shapes, operation sequences, and their random generation.
//!
//! A scenario is a small program: generator 0 is the one the operations are
//! applied to; `Stmt::Delegate(k)` delegates to a fresh instance of
//! generator `k` (Python's `yield from`), which has the same shapes.

use super::rng::Rng;

/// One statement of a generator body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stmt {
    /// `yield v`, ignoring what is sent.
    Yield(i64),
    /// `x = yield v`, recording `got x`.
    YieldRecv(i64),
    /// Records `mark m` (shows how far the body ran).
    Mark(i64),
    /// `for _ in range(k):` the block.
    Loop(u8, Vec<Stmt>),
    /// `try:` the block `except E as e:` record `caught c`, then the action.
    TryExcept(Vec<Stmt>, After),
    /// `try:` the block `except GeneratorExit:` record `caught-close`, then
    /// the action.
    TryClose(Vec<Stmt>, After),
    /// `try:` the block `finally:` record `cleanup l` (in cogen: a guard
    /// whose `Drop` records).
    Finally(i64, Vec<Stmt>),
    /// `try:` the block `finally:` record `finally l`, then `yield v` if
    /// given (in cogen: code run after the block, whatever flow ended it,
    /// then that flow goes on).
    FinallyCode(i64, Vec<Stmt>, Option<i64>),
    /// `yield from [v1, v2, ..]` over a plain iterator (only when nothing is
    /// sent: cogen's `yield_from_iter` needs `()`).
    YieldFromList(Vec<i64>),
    /// Async only: awaits something that is pending once (Python: a bare
    /// `yield` in `__await__`; cogen: a future that wakes itself), so the
    /// operation's step is `Running` in between.
    Await,
    /// `raise E(c)`.
    Raise(i64),
    /// `return v`.
    Return(i64),
    /// `r = yield from g<k>()`, recording `from-sub r`.
    Delegate(usize),
}

/// What an exception handler does after recording that it caught.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum After {
    /// Falls through to the statement after the `try`.
    GoOn,
    /// `raise`: re-raises what it caught (the error, or `GeneratorExit`).
    Reraise,
    /// `raise E(c)`.
    Raise(i64),
    /// `return v`.
    Return(i64),
    /// `yield v`, then falls through (for a close: ignores it).
    YieldThenGoOn(i64),
}

/// One operation applied to generator 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `next(g)` / `await anext(g)` (with sends: `g.send(None)` /
    /// `await g.asend(None)`).
    Next,
    /// `g.send(v)` / `await g.asend(v)`.
    Send(i64),
    /// `g.throw(E(c))` / `await g.athrow(E(c))`.
    Throw(i64),
    /// `g.close()` / `await g.aclose()`.
    Close,
}

impl Op {
    /// The operation's name in a trace.
    pub fn name(self) -> String {
        match self {
            Op::Next => "next".into(),
            Op::Send(v) => format!("send({v})"),
            Op::Throw(c) => format!("throw({c})"),
            Op::Close => "close".into(),
        }
    }
}

/// A generated scenario: the bodies and the operations, then a drop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenario {
    /// Its index in the run (with the run's seed, enough to regenerate it).
    pub index: usize,
    /// Async generators (`async def`, `AsyncGen`) rather than sync ones.
    pub is_async: bool,
    /// Whether values are sent: the generators receive `Option<i64>` and
    /// `next` is `send(None)`; otherwise they receive `()`.
    pub sends: bool,
    /// The generator bodies; 0 is the one driven.
    pub gens: Vec<Vec<Stmt>>,
    /// The operations, in order; the generator is dropped after the last.
    pub ops: Vec<Op>,
}

/// Builds one random scenario, numbering values so a trace points at the
/// statement that produced each one.
struct Builder<'r> {
    rng: &'r mut Rng,
    sends: bool,
    is_async: bool,
    gens: Vec<Vec<Stmt>>,
    next_value: i64,
    next_code: i64,
    next_label: i64,
    next_return: i64,
    next_mark: i64,
}

/// Deepest nesting of compound statements in one body.
const MAX_DEPTH: u32 = 3;
/// Deepest chain of delegations (generator 0 delegates to 1, 1 to 2).
const MAX_SUB_DEPTH: u32 = 2;

impl Builder<'_> {
    fn value(&mut self) -> i64 {
        self.next_value += 1;
        self.next_value
    }

    fn code(&mut self) -> i64 {
        self.next_code += 1;
        self.next_code
    }

    fn block(&mut self, depth: u32, sub_depth: u32) -> Vec<Stmt> {
        let (least, most) = if depth == 0 { (2, 5) } else { (1, 3) };
        let n = self.rng.range(least, most);
        (0..n).map(|_| self.stmt(depth, sub_depth)).collect()
    }

    fn after(&mut self) -> After {
        match self.rng.weighted(&[35, 15, 15, 15, 20]) {
            0 => After::GoOn,
            1 => After::Reraise,
            2 => After::Raise(self.code()),
            3 => {
                self.next_return += 1;
                After::Return(self.next_return)
            }
            _ => After::YieldThenGoOn(self.value()),
        }
    }

    fn stmt(&mut self, depth: u32, sub_depth: u32) -> Stmt {
        let nest = u64::from(depth < MAX_DEPTH);
        let delegate = u64::from(depth < MAX_DEPTH && sub_depth < MAX_SUB_DEPTH);
        let list = u64::from(!self.sends);
        let wait = u64::from(self.is_async);
        let weights = [
            22,
            10,
            3,
            8 * nest,
            16 * nest,
            10 * nest,
            10 * nest,
            2,
            2,
            8 * delegate,
            6 * nest,
            4 * list,
            5 * wait,
        ];
        match self.rng.weighted(&weights) {
            0 => Stmt::Yield(self.value()),
            1 => Stmt::YieldRecv(self.value()),
            2 => {
                self.next_mark += 1;
                Stmt::Mark(self.next_mark)
            }
            3 => {
                let k = self.rng.range(1, 3) as u8;
                Stmt::Loop(k, self.block(depth + 1, sub_depth))
            }
            4 => {
                let body = self.block(depth + 1, sub_depth);
                Stmt::TryExcept(body, self.after())
            }
            5 => {
                let body = self.block(depth + 1, sub_depth);
                Stmt::TryClose(body, self.after())
            }
            6 => {
                self.next_label += 1;
                let label = self.next_label;
                Stmt::Finally(label, self.block(depth + 1, sub_depth))
            }
            7 => Stmt::Raise(self.code()),
            8 => {
                self.next_return += 1;
                Stmt::Return(self.next_return)
            }
            10 => {
                self.next_label += 1;
                let label = self.next_label;
                let body = self.block(depth + 1, sub_depth);
                let then_yield = self.rng.chance(40).then(|| self.value());
                Stmt::FinallyCode(label, body, then_yield)
            }
            11 => {
                let n = self.rng.range(1, 3);
                Stmt::YieldFromList((0..n).map(|_| self.value()).collect())
            }
            12 => Stmt::Await,
            _ => {
                let k = self.gens.len();
                self.gens.push(Vec::new());
                let body = self.block(0, sub_depth + 1);
                self.gens[k] = body;
                Stmt::Delegate(k)
            }
        }
    }
}

impl Scenario {
    /// The scenario drawn from `rng`.
    pub fn generate(rng: &mut Rng, index: usize, is_async: bool) -> Scenario {
        let sends = rng.chance(50);
        let mut b = Builder {
            rng,
            sends,
            is_async,
            gens: vec![Vec::new()],
            next_value: 0,
            next_code: 100,
            next_label: 0,
            next_return: 1000,
            next_mark: 0,
        };
        let body = b.block(0, 0);
        b.gens[0] = body;
        let gens = b.gens;
        let count = rng.range(2, 10);
        let mut throw_code = 10;
        let mut send_value = 50;
        let mut ops: Vec<Op> = (0..count)
            .map(
                |_| match rng.weighted(&[60, 15 * u64::from(sends), 20, 5]) {
                    0 => Op::Next,
                    1 => {
                        send_value += 1;
                        Op::Send(send_value)
                    }
                    2 => {
                        throw_code += 1;
                        Op::Throw(throw_code)
                    }
                    _ => Op::Close,
                },
            )
            .collect();
        if rng.chance(50) {
            // Most closes come last: what runs after a close is mostly
            // `finished`, which the closes above cover.
            ops.push(Op::Close);
        }
        Scenario {
            index,
            is_async,
            sends,
            gens,
            ops,
        }
    }
}

/// Whether a body contains a yield point syntactically (Python needs one
/// for the function to be a generator at all).
pub fn has_yield(stmts: &[Stmt]) -> bool {
    stmts.iter().any(|s| match s {
        Stmt::Yield(_) | Stmt::YieldRecv(_) | Stmt::Delegate(_) => true,
        Stmt::YieldFromList(items) => !items.is_empty(),
        Stmt::FinallyCode(_, b, y) => y.is_some() || has_yield(b),
        Stmt::Loop(_, b) | Stmt::Finally(_, b) => has_yield(b),
        Stmt::TryExcept(b, a) | Stmt::TryClose(b, a) => {
            has_yield(b) || matches!(a, After::YieldThenGoOn(_))
        }
        Stmt::Mark(_) | Stmt::Raise(_) | Stmt::Return(_) | Stmt::Await => false,
    })
}
