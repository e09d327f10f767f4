//! The cogen side: an interpreter of the shapes as generator bodies, and
//! drivers that apply the operations through cogen's public API.
//!
//! Python's exceptions inside a body are control flow here ([`Flow`]): a
//! thrown error or a close arrives at a `.catching()` yield point (used
//! wherever an enclosing `try` could intercept it) and propagates through the
//! interpreter to the nearest handler; what no handler takes leaves the body
//! by `co.raise` (an error) or by returning (a close). Yield points with no
//! handler around them are plain, so cogen itself unwinds the body, as
//! Python does. A `finally` that only records is a guard whose `Drop`
//! records the cleanup; a `finally` that may yield is code run after its
//! block (whose yields then catch, so every way out is a flow).

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use cogen::catching::{Catching, async_coroutine, coroutine};
use cogen::error::{CloseError, ResumeError, SendError, StartError, ThrowError};
use cogen::protocol::Status;
use cogen::{GeneratorState, Interrupt};

/// Every interpreted body may catch (a Python `try` around a `yield`).
type Co<'co, Y, S, E> = cogen::Co<'co, Y, S, E, Catching>;
type Gen<Y, F, S, E> = cogen::Gen<Y, F, S, E, Catching>;
type AsyncGen<Y, F, S, E> = cogen::AsyncGen<Y, F, S, E, Catching>;

use super::shape::{After, Op, Scenario, Stmt};
use super::trace::Step;

/// The events the bodies record.
pub type Log = RefCell<Vec<String>>;

/// What every body of a scenario shares: the program and the log. Owned
/// (`Rc`), so the bodies are `'static` (as `async_coroutine` may require).
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The generator bodies.
    pub prog: Rc<Vec<Vec<Stmt>>>,
    /// Where they record events.
    pub log: Rc<Log>,
}

/// The error type thrown and raised: Python's `E(code)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct E(pub i64);

/// How a body ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyEnd {
    /// It returned (Python's `return v`, or fell off the end: `None`).
    Returned(Option<i64>),
    /// A close propagated out of it (Python's `GeneratorExit`).
    Exited,
}

/// Control flow inside a body: Python's normal completion, `return`, and
/// exceptions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Goes on with the next statement.
    Normal,
    /// `return v`.
    Return(i64),
    /// An `E(c)` propagates.
    Raise(i64),
    /// `GeneratorExit` propagates (a close).
    Exit,
}

/// Records `cleanup l` when dropped: a `finally` block.
struct Cleanup<'a> {
    log: &'a Log,
    label: i64,
}

impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        self.log
            .borrow_mut()
            .push(format!("cleanup {}", self.label));
    }
}

fn record(log: &Log, event: String) {
    log.borrow_mut().push(event);
}

/// What a generator receives: `()` (no sends; driven with `resume`/`anext`)
/// or `Option<i64>` (Python's `None` or a value; driven with
/// `start`/`send`).
pub trait Sent: Sized + 'static {
    /// The received value as Python prints it.
    fn show(&self) -> String;

    /// Python's `next(g)` (or `g.send(None)`) on a sync generator.
    fn sync_next<F: Future<Output = BodyEnd>>(g: &mut Gen<i64, F, Self, E>) -> String;

    /// `g.send(v)` on a sync generator.
    fn sync_send<F: Future<Output = BodyEnd>>(g: &mut Gen<i64, F, Self, E>, v: i64) -> String;

    /// `await anext(g)` (or `g.asend(None)`) on an async generator.
    fn async_next<F: Future<Output = BodyEnd>>(
        g: &mut AsyncGen<i64, F, Self, E>,
    ) -> impl Future<Output = String>;

    /// `await g.asend(v)` on an async generator.
    fn async_send<F: Future<Output = BodyEnd>>(
        g: &mut AsyncGen<i64, F, Self, E>,
        v: i64,
    ) -> impl Future<Output = String>;

    /// `yield from [..]`: `co.yield_from_iter` (only for `()`).
    fn yield_from_list<'a>(
        co: &'a mut Co<'_, i64, Self, E>,
        items: &'a [i64],
        catching: bool,
    ) -> Pin<Box<dyn Future<Output = Flow> + 'a>>;
}

fn state_result(r: GeneratorState<i64, BodyEnd>) -> String {
    match r {
        GeneratorState::Yielded(v) => format!("yielded {v}"),
        GeneratorState::Complete(end) => completed(end),
    }
}

fn completed(end: BodyEnd) -> String {
    match end {
        BodyEnd::Returned(r) => format!("returned {}", show_opt(r)),
        // A close the body postponed (a yield in `finally`) goes on in a
        // later step; Python raises GeneratorExit from that step.
        BodyEnd::Exited => "raised GeneratorExit".into(),
    }
}

fn show_opt(v: Option<i64>) -> String {
    v.map_or_else(|| "None".into(), |v| v.to_string())
}

fn resume_result(r: Result<GeneratorState<i64, BodyEnd>, ResumeError<E>>) -> String {
    match r {
        Ok(s) => state_result(s),
        Err(ResumeError::Finished) => "finished".into(),
        Err(ResumeError::Raised(E(c))) => format!("raised E({c})"),
    }
}

fn start_result(r: Result<GeneratorState<i64, BodyEnd>, StartError<E>>) -> String {
    match r {
        Ok(s) => state_result(s),
        Err(StartError::Finished) => "finished".into(),
        Err(StartError::Raised(E(c))) => format!("raised E({c})"),
        Err(StartError::AlreadyStarted) => "BUG: start() said AlreadyStarted".into(),
    }
}

fn send_result(
    r: Result<GeneratorState<i64, BodyEnd>, SendError<Option<i64>, E>>,
    sent: Option<i64>,
) -> String {
    match r {
        Ok(s) => state_result(s),
        Err(SendError::NotStarted(v)) if v == sent => "not-started".into(),
        Err(SendError::Finished(v)) if v == sent => "finished".into(),
        Err(SendError::Raised(E(c))) => format!("raised E({c})"),
        Err(other) => format!("BUG: send({sent:?}) gave {other:?}"),
    }
}

fn throw_result(r: Result<GeneratorState<i64, BodyEnd>, E>) -> String {
    match r {
        Ok(s) => state_result(s),
        Err(E(c)) => format!("raised E({c})"),
    }
}

fn close_result(r: Result<Option<BodyEnd>, CloseError<i64, E>>, value_visible: bool) -> String {
    match r {
        Ok(Some(BodyEnd::Returned(Some(v)))) if value_visible => format!("closed {v}"),
        Ok(_) => "closed".into(),
        Err(CloseError::Ignored(v)) => format!("ignored-close {v}"),
        Err(CloseError::Raised(E(c))) => format!("raised E({c})"),
    }
}

fn state_name(s: Status) -> String {
    match s {
        Status::Created => "CREATED",
        Status::Suspended => "SUSPENDED",
        Status::Running => "RUNNING",
        Status::Finished => "CLOSED",
    }
    .into()
}

impl Sent for () {
    fn show(&self) -> String {
        "None".into()
    }

    fn sync_next<F: Future<Output = BodyEnd>>(g: &mut Gen<i64, F, (), E>) -> String {
        resume_result(g.resume())
    }

    fn sync_send<F: Future<Output = BodyEnd>>(_: &mut Gen<i64, F, (), E>, _: i64) -> String {
        "BUG: a scenario without sends sent a value".into()
    }

    async fn async_next<F: Future<Output = BodyEnd>>(g: &mut AsyncGen<i64, F, (), E>) -> String {
        resume_result(g.anext().await)
    }

    async fn async_send<F: Future<Output = BodyEnd>>(
        _: &mut AsyncGen<i64, F, (), E>,
        _: i64,
    ) -> String {
        "BUG: a scenario without sends sent a value".into()
    }

    fn yield_from_list<'a>(
        co: &'a mut Co<'_, i64, (), E>,
        items: &'a [i64],
        catching: bool,
    ) -> Pin<Box<dyn Future<Output = Flow> + 'a>> {
        Box::pin(async move {
            let items = items.iter().copied();
            if !catching {
                co.yield_from_iter(items).await;
                return Flow::Normal;
            }
            match co.yield_from_iter(items).catching().await {
                Ok(()) => Flow::Normal,
                Err(Interrupt::Throw(E(c))) => Flow::Raise(c),
                Err(Interrupt::Close) => Flow::Exit,
            }
        })
    }
}

impl Sent for Option<i64> {
    fn show(&self) -> String {
        show_opt(*self)
    }

    fn sync_next<F: Future<Output = BodyEnd>>(g: &mut Gen<i64, F, Self, E>) -> String {
        match g.status() {
            Status::Created | Status::Finished => start_result(g.start()),
            _ => send_result(g.send(None), None),
        }
    }

    fn sync_send<F: Future<Output = BodyEnd>>(g: &mut Gen<i64, F, Self, E>, v: i64) -> String {
        send_result(g.send(Some(v)), Some(v))
    }

    async fn async_next<F: Future<Output = BodyEnd>>(g: &mut AsyncGen<i64, F, Self, E>) -> String {
        match g.status() {
            Status::Created | Status::Finished => start_result(g.astart().await),
            _ => send_result(g.asend(None).await, None),
        }
    }

    async fn async_send<F: Future<Output = BodyEnd>>(
        g: &mut AsyncGen<i64, F, Self, E>,
        v: i64,
    ) -> String {
        send_result(g.asend(Some(v)).await, Some(v))
    }

    fn yield_from_list<'a>(
        _: &'a mut Co<'_, i64, Self, E>,
        _: &'a [i64],
        _: bool,
    ) -> Pin<Box<dyn Future<Output = Flow> + 'a>> {
        unreachable!("scenarios with sends have no yield from a list")
    }
}

/// The boxed future of a delegation: the sub-generator's return value, or
/// what it did not handle.
type DelegateFuture<'a> = Pin<Box<dyn Future<Output = Result<BodyEnd, Interrupt<E>>> + 'a>>;

/// Sync or async: which kind of generator a delegation makes.
pub trait Kind: Sized + 'static {
    /// Delegates to a fresh generator `sub` of the program, with
    /// `.catching()` when a handler around the delegation could take what
    /// the sub-generator lets out.
    fn delegate<'a, S: Sent>(
        co: &'a mut Co<'_, i64, S, E>,
        ctx: &'a Ctx,
        sub: usize,
        catching: bool,
    ) -> DelegateFuture<'a>;
}

/// Sync bodies delegate to [`Gen`]s.
#[derive(Debug)]
pub struct SyncKind;

/// Async bodies delegate to [`AsyncGen`]s.
#[derive(Debug)]
pub struct AsyncKind;

impl Kind for SyncKind {
    fn delegate<'a, S: Sent>(
        co: &'a mut Co<'_, i64, S, E>,
        ctx: &'a Ctx,
        sub: usize,
        catching: bool,
    ) -> DelegateFuture<'a> {
        Box::pin(async move {
            let ctx = ctx.clone();
            let g = coroutine(async move |mut co: Co<'_, i64, S, E>| {
                run_body::<SyncKind, S>(&mut co, &ctx, sub).await
            });
            if catching {
                co.yield_from(g).catching().await
            } else {
                Ok(co.yield_from(g).await)
            }
        })
    }
}

impl Kind for AsyncKind {
    fn delegate<'a, S: Sent>(
        co: &'a mut Co<'_, i64, S, E>,
        ctx: &'a Ctx,
        sub: usize,
        catching: bool,
    ) -> DelegateFuture<'a> {
        Box::pin(async move {
            let ctx = ctx.clone();
            let g = async_coroutine(async move |mut co: Co<'_, i64, S, E>| {
                run_body::<AsyncKind, S>(&mut co, &ctx, sub).await
            });
            if catching {
                co.yield_from(g).catching().await
            } else {
                Ok(co.yield_from(g).await)
            }
        })
    }
}

/// Runs generator `which` of the program as a body.
pub async fn run_body<K: Kind, S: Sent>(
    co: &mut Co<'_, i64, S, E>,
    ctx: &Ctx,
    which: usize,
) -> BodyEnd {
    match exec::<K, S>(co, ctx, &ctx.prog[which], false).await {
        Flow::Normal => BodyEnd::Returned(None),
        Flow::Return(v) => BodyEnd::Returned(Some(v)),
        Flow::Exit => BodyEnd::Exited,
        Flow::Raise(c) => co.raise(E(c)).await,
    }
}

/// One yield point: `.catching()` when a handler around it could intercept.
async fn yield_point<S: Sent>(
    co: &mut Co<'_, i64, S, E>,
    value: i64,
    catching: bool,
    record_sent: bool,
    log: &Log,
) -> Flow {
    let sent = if catching {
        match co.yield_(value).catching().await {
            Ok(s) => s,
            Err(Interrupt::Throw(E(c))) => return Flow::Raise(c),
            Err(Interrupt::Close) => return Flow::Exit,
        }
    } else {
        co.yield_(value).await
    };
    if record_sent {
        record(log, format!("got {}", sent.show()));
    }
    Flow::Normal
}

/// A handler's action after it recorded what it caught; `reraise` is the
/// flow it caught.
async fn after<S: Sent>(
    co: &mut Co<'_, i64, S, E>,
    after: After,
    reraise: Flow,
    catching: bool,
    log: &Log,
) -> Flow {
    match after {
        After::GoOn => Flow::Normal,
        After::Reraise => reraise,
        After::Raise(c) => Flow::Raise(c),
        After::Return(v) => Flow::Return(v),
        After::YieldThenGoOn(v) => yield_point(co, v, catching, false, log).await,
    }
}

/// Runs a block of statements; `catching` when a handler of this body
/// encloses it.
fn exec<'a, K: Kind, S: Sent>(
    co: &'a mut Co<'_, i64, S, E>,
    ctx: &'a Ctx,
    stmts: &'a [Stmt],
    catching: bool,
) -> Pin<Box<dyn Future<Output = Flow> + 'a>> {
    Box::pin(async move {
        let log = &*ctx.log;
        for stmt in stmts {
            let flow = match stmt {
                Stmt::Yield(v) => yield_point(co, *v, catching, false, log).await,
                Stmt::YieldRecv(v) => yield_point(co, *v, catching, true, log).await,
                Stmt::Mark(m) => {
                    record(log, format!("mark {m}"));
                    Flow::Normal
                }
                Stmt::Loop(k, body) => {
                    let mut flow = Flow::Normal;
                    for _ in 0..*k {
                        flow = exec::<K, S>(co, ctx, body, catching).await;
                        if flow != Flow::Normal {
                            break;
                        }
                    }
                    flow
                }
                Stmt::TryExcept(body, a) => match exec::<K, S>(co, ctx, body, true).await {
                    Flow::Raise(c) => {
                        record(log, format!("caught {c}"));
                        after(co, *a, Flow::Raise(c), catching, log).await
                    }
                    flow => flow,
                },
                Stmt::TryClose(body, a) => match exec::<K, S>(co, ctx, body, true).await {
                    Flow::Exit => {
                        record(log, "caught-close".into());
                        after(co, *a, Flow::Exit, catching, log).await
                    }
                    flow => flow,
                },
                Stmt::Finally(label, body) => {
                    let _cleanup = Cleanup { log, label: *label };
                    exec::<K, S>(co, ctx, body, catching).await
                }
                Stmt::FinallyCode(label, body, then_yield) => {
                    // Whatever ends the block (an interrupt arrives as a
                    // flow: its yields catch), the cleanup runs, then the
                    // flow goes on, unless the cleanup's own yield was
                    // interrupted: that replaces it, as in Python.
                    let flow = exec::<K, S>(co, ctx, body, true).await;
                    record(log, format!("finally {label}"));
                    let cleanup = match then_yield {
                        Some(v) => yield_point(co, *v, catching, false, log).await,
                        None => Flow::Normal,
                    };
                    if cleanup == Flow::Normal {
                        flow
                    } else {
                        cleanup
                    }
                }
                Stmt::YieldFromList(items) => S::yield_from_list(co, items, catching).await,
                Stmt::Await => {
                    Tick(false).await;
                    Flow::Normal
                }
                Stmt::Raise(c) => Flow::Raise(*c),
                Stmt::Return(v) => Flow::Return(*v),
                Stmt::Delegate(k) => match K::delegate(co, ctx, *k, catching).await {
                    Ok(BodyEnd::Returned(r)) => {
                        record(log, format!("from-sub {}", show_opt(r)));
                        Flow::Normal
                    }
                    Ok(BodyEnd::Exited) => {
                        record(log, "BUG: a sub-generator exited outside a close".into());
                        Flow::Exit
                    }
                    Err(Interrupt::Throw(E(c))) => Flow::Raise(c),
                    Err(Interrupt::Close) => Flow::Exit,
                },
            };
            if flow != Flow::Normal {
                return flow;
            }
        }
        Flow::Normal
    })
}

/// Pending once (waking itself), then ready: something an async body awaits
/// between its yields.
struct Tick(bool);

impl Future for Tick {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<()> {
        if std::mem::replace(&mut self.0, true) {
            return std::task::Poll::Ready(());
        }
        cx.waker().wake_by_ref();
        std::task::Poll::Pending
    }
}

/// Moves the recorded events out of the log.
fn take(log: &Log) -> Vec<String> {
    std::mem::take(&mut *log.borrow_mut())
}

/// Runs a sync scenario through `Gen`; `close_value_visible` when the
/// Python compared against hands back a sync close's return value (3.13+).
pub fn run_sync<S: Sent>(s: &Scenario, close_value_visible: bool) -> Vec<Step> {
    let ctx = Ctx {
        prog: Rc::new(s.gens.clone()),
        log: Rc::default(),
    };
    let log = &*ctx.log;
    let mut trace = Vec::new();
    let body_ctx = ctx.clone();
    let mut g = coroutine(async move |mut co: Co<'_, i64, S, E>| {
        run_body::<SyncKind, S>(&mut co, &body_ctx, 0).await
    });
    for &op in &s.ops {
        take(log);
        let result = match op {
            Op::Next => S::sync_next(&mut g),
            Op::Send(v) => S::sync_send(&mut g, v),
            Op::Throw(c) => throw_result(g.throw(E(c))),
            Op::Close => close_result(g.close(), close_value_visible),
        };
        trace.push(Step {
            op: op.name(),
            result,
            events: take(log),
            state: state_name(g.status()),
        });
    }
    take(log);
    drop(g);
    trace.push(Step {
        op: "drop".into(),
        result: "dropped".into(),
        events: take(log),
        state: "-".into(),
    });
    trace
}

/// Runs an async scenario through `AsyncGen`, on `futures`' executor (the
/// bodies await nothing but their own handles and sub-generators).
pub fn run_async<S: Sent>(s: &Scenario) -> Vec<Step> {
    let ctx = Ctx {
        prog: Rc::new(s.gens.clone()),
        log: Rc::default(),
    };
    let log = &*ctx.log;
    futures::executor::block_on(async {
        let mut trace = Vec::new();
        let body_ctx = ctx.clone();
        let mut g = async_coroutine(async move |mut co: Co<'_, i64, S, E>| {
            run_body::<AsyncKind, S>(&mut co, &body_ctx, 0).await
        });
        for &op in &s.ops {
            take(log);
            let result = match op {
                Op::Next => S::async_next(&mut g).await,
                Op::Send(v) => S::async_send(&mut g, v).await,
                Op::Throw(c) => match g.athrow(E(c)).await {
                    Ok(s) => state_result(s),
                    Err(ThrowError::Raised(E(c))) => format!("raised E({c})"),
                    Err(ThrowError::Running(e)) => format!("BUG: athrow said Running({e:?})"),
                },
                Op::Close => close_result(g.aclose().await, false),
            };
            trace.push(Step {
                op: op.name(),
                result,
                events: take(log),
                state: state_name(g.status()),
            });
        }
        take(log);
        drop(g);
        trace.push(Step {
            op: "drop".into(),
            result: "dropped".into(),
            events: take(log),
            state: "-".into(),
        });
        trace
    })
}

/// Runs a scenario with the right types: `Option<i64>` sends or `()`.
pub fn run_cogen(s: &Scenario, python_version: (u32, u32)) -> Vec<Step> {
    let close_value_visible = !s.is_async && python_version >= (3, 13);
    match (s.is_async, s.sends) {
        (false, false) => run_sync::<()>(s, close_value_visible),
        (false, true) => run_sync::<Option<i64>>(s, close_value_visible),
        (true, false) => run_async::<()>(s),
        (true, true) => run_async::<Option<i64>>(s),
    }
}
