use core::future::Future;

use futures_util::StreamExt;
use tokio::time::Instant;

use super::{FetchError, FetchErrorKind, Fetcher};
use crate::{AsyncGen, async_generator};

impl Fetcher {
    /// An async generator of the lines of `url`'s body as they arrive
    /// (aiohttp's `async for line in resp.content`), each without its `\n`
    /// or `\r\n`.
    ///
    /// Lines are decoded one at a time, so a line split across chunks is
    /// whole, and a line that is not UTF-8 is a
    /// [`FetchErrorKind::InvalidUtf8`] naming it. A failure is the last
    /// item; every line before it was yielded, and
    /// [`FetchError::bytes_received`] counts the bytes of those lines. A last
    /// line without a newline is yielded too. Otherwise as
    /// [`body`](Fetcher::body).
    ///
    /// # Examples
    ///
    /// ```
    /// use futures::StreamExt;
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let server = cogen_testserver::TestServer::start();
    /// let fetcher = cogen::http::Fetcher::new();
    /// let lines: Vec<String> = fetcher.lines(server.url("/stream/3")).map(Result::unwrap).collect().await;
    /// assert_eq!(lines.len(), 3);
    /// assert!(lines[2].starts_with("{\"id\": 2"));
    /// # });
    /// ```
    #[track_caller]
    pub fn lines<U: Into<String>>(
        &self,
        url: U,
    ) -> AsyncGen<Result<String, FetchError>, impl Future<Output = ()> + use<U>> {
        let url: String = url.into();
        let mut body = self.body(url.clone());
        async_generator(async move |mut co| {
            let start = Instant::now();
            let (mut pending, mut delivered, mut line_no) = (Vec::<u8>::new(), 0u64, 0u64);
            let mut outcome: Option<FetchError> = None;
            'read: loop {
                let chunk = match body.next().await {
                    Some(Ok(chunk)) => chunk,
                    Some(Err(e)) => {
                        outcome = Some(e);
                        break;
                    }
                    None => break,
                };
                let scanned = pending.len();
                pending.extend_from_slice(&chunk);
                let mut begin = 0;
                let mut from = scanned;
                while let Some(i) = pending[from..].iter().position(|&b| b == b'\n') {
                    let end = from + i;
                    line_no += 1;
                    match decode(&pending[begin..end]) {
                        Ok(line) => {
                            delivered += (end + 1 - begin) as u64;
                            co.yield_(Ok(line)).await;
                        }
                        Err(e) => {
                            outcome = Some(invalid_utf8(&url, line_no, e).at(start.elapsed(), 0));
                            break 'read;
                        }
                    }
                    begin = end + 1;
                    from = begin;
                }
                pending.drain(..begin);
            }
            match outcome {
                Some(e) => {
                    let elapsed = e.elapsed();
                    co.yield_(Err(e.at(elapsed, delivered))).await;
                }
                None if !pending.is_empty() => match decode(&pending) {
                    Ok(line) => co.yield_(Ok(line)).await,
                    Err(e) => {
                        co.yield_(Err(
                            invalid_utf8(&url, line_no + 1, e).at(start.elapsed(), delivered)
                        ))
                        .await
                    }
                },
                None => {}
            }
        })
    }
}

fn decode(line: &[u8]) -> Result<String, std::str::Utf8Error> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    std::str::from_utf8(line).map(str::to_owned)
}

fn invalid_utf8(url: &str, line: u64, e: std::str::Utf8Error) -> FetchError {
    FetchError::new(url, FetchErrorKind::InvalidUtf8 { line }).with_source(e)
}
