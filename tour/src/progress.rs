//! Progress bars (indicatif) for the steps that take longer than a second,
//! and `say!`, which prints above a bar that is showing.
//!
//! Bars draw on stderr and only on a terminal; under `--quick`, or when the
//! step is short, there is none.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::quick;

/// The bar showing now, if any: `say!` prints above it.
static ACTIVE: Mutex<Option<ProgressBar>> = Mutex::new(None);

/// Prints a line, above the progress bar if one is showing.
pub(crate) fn say(line: String) {
    let active = ACTIVE.lock().unwrap_or_else(|e| e.into_inner());
    match active.as_ref() {
        Some(bar) => bar.suspend(|| println!("{line}")),
        None => println!("{line}"),
    }
}

/// `println!` that keeps a progress bar intact.
#[macro_export]
macro_rules! say {
    () => {
        $crate::progress::say(String::new())
    };
    ($($arg:tt)*) => {
        $crate::progress::say(format!($($arg)*))
    };
}

/// A progress bar for one step; cleared when dropped.
#[derive(Debug)]
pub(crate) struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A bar that fills as `expected` elapses, for steps that wait.
    pub(crate) fn timed(message: &str, expected: Duration) -> Progress {
        let template = "{msg} [{bar:30}] {elapsed_precise}";
        let ms = expected.as_millis() as u64;
        let Some(bar) = Progress::bar(message, expected, ms, template) else {
            return Progress { bar: None };
        };
        let ticker = bar.clone();
        let start = Instant::now();
        std::thread::spawn(move || {
            while !ticker.is_finished() {
                ticker.set_position((start.elapsed().as_millis() as u64).min(ms));
                std::thread::sleep(Duration::from_millis(50));
            }
        });
        Progress { bar: Some(bar) }
    }

    /// A bar of `len` steps, advanced by [`inc`](Progress::inc), for a step
    /// expected to take `expected`.
    pub(crate) fn counted(message: &str, len: u64, expected: Duration) -> Progress {
        let template = "{msg} [{bar:30}] {pos}/{len} {elapsed_precise}";
        let bar = Progress::bar(message, expected, len, template);
        if let Some(bar) = &bar {
            bar.enable_steady_tick(Duration::from_millis(100));
        }
        Progress { bar }
    }

    /// A bar styled before it first draws, or none.
    fn bar(message: &str, expected: Duration, len: u64, template: &str) -> Option<ProgressBar> {
        let target = ProgressDrawTarget::stderr();
        if quick() || expected <= Duration::from_secs(1) || target.is_hidden() {
            return None;
        }
        let style = ProgressStyle::with_template(template)
            .expect("a valid template")
            .progress_chars("=> ");
        let bar = ProgressBar::hidden()
            .with_style(style)
            .with_message(message.to_owned());
        bar.set_length(len);
        bar.set_draw_target(target);
        *ACTIVE.lock().unwrap_or_else(|e| e.into_inner()) = Some(bar.clone());
        Some(bar)
    }

    /// One more step done.
    pub(crate) fn inc(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = self.bar.take() {
            ACTIVE.lock().unwrap_or_else(|e| e.into_inner()).take();
            bar.finish_and_clear();
        }
    }
}
