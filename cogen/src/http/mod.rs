//! HTTP fan-out on reqwest (feature `http`): Python's aiohttp examples, with
//! results and response bodies as async generators.
//!
//! | Python (aiohttp) | cogen::http | built on |
//! |---|---|---|
//! | `ClientSession` | [`Fetcher`] (a [`reqwest::Client`] and settings) | `reqwest::Client` |
//! | `gather(*(fetch_url(s, u) for u in urls))` | [`fetch_all`], [`Fetcher::fetch_all`] | `JoinSet` |
//! | `session.get(url, timeout=10)` and `len(await resp.text())` | [`Fetcher::fetch`] | `reqwest::Client::get` |
//! | `async for chunk in resp.content.iter_chunked(n)` | [`Fetcher::body`] | `reqwest::Response::chunk` |
//! | `async for line in resp.content` | [`Fetcher::lines`] | `reqwest::Response::chunk` |
//! | `allow_redirects=False`, `max_redirects=n` | [`Fetcher::redirects`] | `Location`, followed by the fetcher |
//!
//! Each URL's failure is a [`FetchError`] in its own result: an invalid URL,
//! an unknown host, a refused connection, a timeout, a redirect not
//! followed, a connection the server closed, a reply that breaks the
//! protocol or (when asked) a status outside 200-299 never stops the others,
//! and says why. Bodies sent `gzip` or `deflate` come decoded.
//!
//! Everything here needs a tokio runtime, as reqwest does.

mod body;
mod error;
mod fetch_all;
mod fetcher;
mod lines;
// One line-splitting rule for files and bodies: `io`'s, or (`io` being a
// feature of its own) the same file compiled here.
#[cfg(feature = "io")]
use crate::io::split;
#[cfg(not(feature = "io"))]
#[path = "../io/split.rs"]
mod split;

pub use bytes::Bytes;
pub use error::{FetchError, FetchErrorKind};
pub use fetcher::{Fetched, Fetcher, Page, Redirects};
pub use reqwest::{self, StatusCode};

use core::future::Future;

use crate::AsyncGen;

/// Fetches every URL with a default [`Fetcher`] (10 at a time, 10 s per
/// request) and yields one [`Fetched`] per URL as each completes.
///
/// See [`Fetcher::fetch_all`].
///
/// # Cancel safety
///
/// Its `next()` is cancel safe, as [`Fetcher::fetch_all`]'s.
///
/// # Examples
///
/// ```
/// use futures::StreamExt;
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let server = cogen_testserver::TestServer::start();
/// let urls = [server.url("/delay/0.2"), server.url("/bytes/5"), "not a url".to_string()];
///
/// let mut done = Vec::new();
/// let mut results = cogen::http::fetch_all(urls);
/// while let Some(fetched) = results.next().await {
///     done.push(fetched.index);
/// }
/// // The invalid URL fails at once, then /bytes/5; the delay comes last.
/// assert_eq!(done, [2, 1, 0]);
/// # });
/// ```
#[track_caller]
pub fn fetch_all<I>(urls: I) -> AsyncGen<Fetched, impl Future<Output = ()>>
where
    I: IntoIterator<Item: Into<String>>,
{
    Fetcher::new().fetch_all(urls)
}
