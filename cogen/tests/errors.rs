//! The protocol's error types as Rust users use them: messages that name the
//! inner error, and `?` into `Box<dyn Error>` and anyhow even when the thrown
//! type is a plain `&str` or `String`.
use cogen::catching::{self, Catching};
use cogen::error::{CloseError, ResumeError, SendError, StartError, ThrowError};
use cogen::{Co, GeneratorState, Interrupt, async_coroutine, coroutine};

/// A coroutine that raises `"rate limited"` when sent `0`, before or after
/// its first yield.
fn limited() -> cogen::Gen<u32, impl Future<Output = ()>, u32, &'static str> {
    coroutine(async |mut co: Co<'_, u32, u32, &'static str>| {
        loop {
            if co.yield_(1).await == 0 {
                co.raise::<()>("rate limited").await;
            }
        }
    })
}

#[test]
fn raised_errors_are_named_in_every_message() {
    let e: StartError<&str> = StartError::Raised("rate limited");
    assert_eq!(e.to_string(), "generator raised: rate limited");
    let e: SendError<u8, String> = SendError::Raised("rate limited".into());
    assert_eq!(e.to_string(), "generator raised: rate limited");
    let e: ResumeError<&str> = ResumeError::Raised("rate limited");
    assert_eq!(e.to_string(), "generator raised: rate limited");
    let e: CloseError<u8, &str> = CloseError::Raised("disk full");
    assert_eq!(e.to_string(), "generator raised while closing: disk full");
    let e: ThrowError<&str> = ThrowError::Raised("rate limited");
    assert_eq!(e.to_string(), "generator raised: rate limited");
}

#[test]
fn messages_without_an_inner_error_stay_lowercase_and_short() {
    assert_eq!(
        StartError::<&str>::AlreadyStarted.to_string(),
        "generator already started"
    );
    assert_eq!(
        SendError::<u8, &str>::Running(1).to_string(),
        "generator is already running"
    );
    assert_eq!(
        ResumeError::<&str>::Finished.to_string(),
        "generator already finished"
    );
    assert_eq!(
        CloseError::<u8, &str>::Ignored(1).to_string(),
        "generator ignored close"
    );
    assert_eq!(
        ThrowError::Running("x").to_string(),
        "generator is already running"
    );
}

#[test]
fn a_str_error_goes_into_box_dyn_error_with_question_mark() {
    fn step() -> Result<u32, Box<dyn std::error::Error>> {
        let mut g = limited();
        g.start()?;
        match g.send(0)? {
            GeneratorState::Yielded(v) => Ok(v),
            GeneratorState::Complete(()) => Ok(0),
        }
    }
    assert_eq!(
        step().unwrap_err().to_string(),
        "generator raised: rate limited"
    );
}

#[test]
fn a_string_error_goes_into_anyhow_with_question_mark() {
    fn close_it() -> anyhow::Result<()> {
        let mut g = catching::coroutine(async |mut co: Co<'_, u8, (), String, Catching>| {
            if let Err(Interrupt::Close) = co.yield_(1).catching().await {
                co.raise::<()>("disk full".to_string()).await;
            }
        });
        g.start()?;
        g.close()?;
        Ok(())
    }
    let e = close_it().unwrap_err();
    assert_eq!(e.to_string(), "generator raised while closing: disk full");
}

#[test]
fn async_throw_errors_go_into_anyhow_with_question_mark() {
    async fn throw_it() -> anyhow::Result<()> {
        let mut g = async_coroutine(async |mut co: Co<'_, u8, (), &'static str>| {
            co.yield_(1).await;
        });
        g.astart().await?;
        g.athrow("stop").await?;
        Ok(())
    }
    let e = futures::executor::block_on(throw_it()).unwrap_err();
    assert_eq!(e.to_string(), "generator raised: stop");
}

#[test]
fn resume_errors_go_into_box_dyn_error_with_question_mark() {
    fn drain() -> Result<u32, Box<dyn std::error::Error + Send + Sync>> {
        let mut g = coroutine(async |mut co: Co<'_, u32, (), String>| {
            co.yield_(1).await;
            co.raise::<()>("page 2 failed".into()).await;
        });
        let mut total = 0;
        while let GeneratorState::Yielded(v) = g.resume()? {
            total += v;
        }
        Ok(total)
    }
    assert_eq!(
        drain().unwrap_err().to_string(),
        "generator raised: page 2 failed"
    );
}
