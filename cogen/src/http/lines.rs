use core::future::Future;

use futures_util::StreamExt;
use tokio::time::Instant;

use super::split::{Split, Splitter};
use super::{FetchError, FetchErrorKind, Fetcher};
use crate::{AsyncGen, async_generator};

impl Fetcher {
    /// An async generator of the lines of `url`'s body as they arrive
    /// (aiohttp's `async for line in resp.content`).
    ///
    /// Lines end as in Python's text mode (universal newlines): at `\n`,
    /// `\r\n` or a lone `\r`, the same rule as [`crate::io::lines`]. Each
    /// comes without its end, or with it as `\n` under
    /// [`keep_line_ends`](Fetcher::keep_line_ends), which shows a last line
    /// cut short: it is the one line without `\n`. (aiohttp splits at `\n`
    /// only and keeps the bytes as they came.)
    ///
    /// Lines are decoded one at a time, so a line split across chunks is
    /// whole, and a line that is not UTF-8 is a
    /// [`FetchErrorKind::InvalidUtf8`] naming it. A line longer than
    /// [`max_line_len`](Fetcher::max_line_len) (64 KiB by default) is a
    /// [`FetchErrorKind::LineTooLong`] naming it, found before more than the
    /// limit is held; a line's bytes are handed over as its `String`
    /// without another copy. A failure is the last item; every line before
    /// it was yielded, and [`FetchError::bytes_received`] counts the bytes of
    /// those lines. A last line without a newline is yielded too. A body the
    /// client did not decode (`Content-Encoding: br`, see
    /// [`body`](Fetcher::body)) is not text: one [`FetchErrorKind::Body`]
    /// error saying so. Otherwise as [`body`](Fetcher::body).
    ///
    /// # Cancel safety
    ///
    /// Its `next()` is cancel safe, as [`body`](Fetcher::body)'s: no line is
    /// lost, and the timeout keeps running meanwhile.
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
        let mut body = self.body_of(url.clone(), true);
        let (limit, keep_ends) = (self.max_line_len, self.keep_line_ends);
        async_generator(async move |mut co| {
            let start = Instant::now();
            let mut splitter = Splitter::new(Some(limit), keep_ends);
            let mut line_no = 0u64;
            // The failure, with the bytes of the lines yielded before it.
            let failure = 'read: loop {
                let chunk = match body.next().await {
                    Some(Ok(chunk)) => chunk,
                    Some(Err(e)) => {
                        let (elapsed, received) = (e.elapsed(), splitter.line_start());
                        break 'read Some(e.at(elapsed, received));
                    }
                    None => break 'read None,
                };
                let mut rest = &chunk[..];
                while !rest.is_empty() {
                    let (found, took) = splitter.split(rest);
                    rest = &rest[took..];
                    match found {
                        Split::More => {}
                        Split::Line(line, line_start) => {
                            line_no += 1;
                            match String::from_utf8(line) {
                                Ok(line) => co.yield_(Ok(line)).await,
                                Err(e) => {
                                    let err = invalid_utf8(&url, line_no, e.utf8_error());
                                    break 'read Some(err.at(start.elapsed(), line_start));
                                }
                            }
                        }
                        Split::TooLong => {
                            let kind = FetchErrorKind::LineTooLong {
                                line: line_no + 1,
                                limit,
                            };
                            let err = FetchError::new(&url, kind);
                            break 'read Some(err.at(start.elapsed(), splitter.line_start()));
                        }
                    }
                }
            };
            match failure {
                Some(err) => co.yield_(Err(err)).await,
                None => {
                    if let Some((line, line_start)) = splitter.finish() {
                        let item = String::from_utf8(line).map_err(|e| {
                            invalid_utf8(&url, line_no + 1, e.utf8_error())
                                .at(start.elapsed(), line_start)
                        });
                        co.yield_(item).await;
                    }
                }
            }
        })
    }
}

fn invalid_utf8(url: &str, line: u64, e: std::str::Utf8Error) -> FetchError {
    FetchError::new(url, FetchErrorKind::InvalidUtf8 { line }).with_source(e)
}
