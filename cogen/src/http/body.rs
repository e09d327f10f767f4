use core::future::Future;

use bytes::Bytes;
use tokio::time::Instant;

use super::fetcher::{next_chunk, undecoded, within};
use super::{FetchError, FetchErrorKind, Fetcher};
use crate::{AsyncGen, async_generator};

impl Fetcher {
    /// An async generator of the chunks of `url`'s body as they arrive
    /// (aiohttp's `resp.content.iter_any()`), for bodies too large or too
    /// slow to hold whole.
    ///
    /// Lazy: the request is sent at the first poll. A failure (no response,
    /// a bad status with [`error_for_status`](Fetcher::error_for_status),
    /// the body breaking off, the timeout) is the last item; the chunks
    /// before it were yielded and [`FetchError::bytes_received`] counts them.
    /// The fetcher's timeout covers the whole exchange, as aiohttp's
    /// `ClientTimeout(total=...)` does, so a consumer that takes long between
    /// chunks spends it too. Pull-based: a consumer that does not ask for a
    /// chunk leaves the rest unread, in the socket. Closing or dropping the
    /// generator drops the connection.
    ///
    /// A body sent with `Content-Encoding: gzip` or `deflate` comes decoded
    /// (the client asks for them, as aiohttp does), and
    /// [`FetchError::bytes_received`] counts decoded bytes. Any other
    /// encoding (`br`, `zstd`), or any at all from a client built with
    /// `.gzip(false)`, comes as the server sent it: [`fetch`](Fetcher::fetch)
    /// names it in [`Page::encoding`](super::Page::encoding), and
    /// [`lines`](Fetcher::lines) refuses it.
    ///
    /// Relative: `reqwest::Response::bytes_stream`, with the request and its
    /// errors inside.
    ///
    /// # Panics
    ///
    /// When polled outside a tokio runtime (as reqwest does).
    ///
    /// # Cancel safety
    ///
    /// Its `next()` is cancel safe, as for any [`AsyncGen`]: dropped before
    /// it completes, it leaves the read where it is, and the next `next()`
    /// continues it and delivers the chunk; no byte is lost. The timeout
    /// keeps running meanwhile.
    ///
    /// # Examples
    ///
    /// ```
    /// use futures::StreamExt;
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let server = cogen_testserver::TestServer::start();
    /// let fetcher = cogen::http::Fetcher::new();
    /// let mut body = fetcher.body(server.url("/drip?numbytes=3&duration=0.3"));
    /// let mut total = 0;
    /// while let Some(chunk) = body.next().await {
    ///     total += chunk.unwrap().len();
    /// }
    /// assert_eq!(total, 3);
    /// # });
    /// ```
    #[track_caller]
    pub fn body<U: Into<String>>(
        &self,
        url: U,
    ) -> AsyncGen<Result<Bytes, FetchError>, impl Future<Output = ()> + use<U>> {
        self.body_of(url.into(), false)
    }

    /// [`body`](Fetcher::body); `as_text` refuses a body still encoded.
    #[track_caller]
    pub(super) fn body_of(
        &self,
        url: String,
        as_text: bool,
    ) -> AsyncGen<Result<Bytes, FetchError>, impl Future<Output = ()> + use<>> {
        let fetcher = self.clone();
        async_generator(async move |mut co| {
            let start = Instant::now();
            let deadline = fetcher.deadline(start);
            let head = within(deadline, &url, fetcher.send(&url)).await;
            let head = head.and_then(|response| match (as_text, undecoded(&response)) {
                (true, Some(encoding)) => {
                    Err(FetchError::new(&url, FetchErrorKind::Body).with_source(NotText(encoding)))
                }
                _ => Ok(response),
            });
            let mut response = match head {
                Ok(response) => response,
                Err(e) => {
                    co.yield_(Err(e.at(start.elapsed(), 0))).await;
                    return;
                }
            };
            let mut received = 0u64;
            loop {
                match within(deadline, &url, next_chunk(&url, &mut response)).await {
                    Ok(Some(chunk)) => {
                        received += chunk.len() as u64;
                        co.yield_(Ok(chunk)).await;
                    }
                    Ok(None) => return,
                    Err(e) => {
                        co.yield_(Err(e.at(start.elapsed(), received))).await;
                        return;
                    }
                }
            }
        })
    }
}

/// Why a body read as text was refused: it is still encoded.
#[derive(Debug)]
struct NotText(String);

impl std::fmt::Display for NotText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the body is {}-encoded, which the client does not decode: not text",
            self.0
        )
    }
}

impl std::error::Error for NotText {}
