use core::future::Future;
use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::StatusCode;
use tokio::time::Instant;

use super::{FetchError, FetchErrorKind};

/// A [`reqwest::Client`] with the settings a fan-out needs: how many
/// requests at once, a timeout per request, whether a status outside
/// 200-299 is an error, which redirects to follow and the limits on what a
/// server can make it hold (aiohttp's `ClientSession` with a `TCPConnector`
/// limit, `ClientTimeout(total=...)`, `raise_for_status`, `max_redirects`
/// and its line limit).
///
/// Cloning is cheap: clones share the client and its connection pool.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// let fetcher = cogen::http::Fetcher::new()
///     .concurrency(4)
///     .timeout(Duration::from_secs(5))
///     .error_for_status(true);
/// # drop(fetcher);
/// ```
#[derive(Debug, Clone)]
#[must_use = "a Fetcher does nothing until asked to fetch"]
pub struct Fetcher {
    pub(super) client: reqwest::Client,
    pub(super) concurrency: usize,
    pub(super) timeout: Option<Duration>,
    pub(super) error_for_status: bool,
    pub(super) keep_body: bool,
    pub(super) redirects: Redirects,
    pub(super) max_line_len: usize,
    pub(super) keep_line_ends: bool,
    pub(super) max_body_len: Option<u64>,
}

/// Which redirects a [`Fetcher`] follows (aiohttp's `allow_redirects` and
/// `max_redirects`). The default is [`Redirects::Limit`]`(10)`: up to 10,
/// to any host, as aiohttp and reqwest do.
///
/// The fetcher follows `301`, `302`, `303`, `307` and `308` responses that
/// carry a `Location` itself, each hop a `GET` within the one timeout of the
/// request. A `Location` that is not an `http` or `https` URL, or a hop the
/// policy does not allow, is a [`FetchErrorKind::Redirect`] error naming
/// the target; under [`Redirects::None`] the `3xx` response is the page.
///
/// Headers the client adds to every request (`default_headers`) go with
/// every hop, to whichever host: reqwest strips `Authorization` and
/// `Cookie` on a cross-host redirect it follows itself, but a hop the
/// fetcher makes is a new request. Keep credentials out of a client's
/// default headers, or use [`Redirects::SameHost`].
///
/// # Examples
///
/// ```
/// use cogen::http::{FetchErrorKind, Fetcher, Redirects};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let server = cogen_testserver::TestServer::start();
/// let url = server.url("/redirect/3"); // three hops, then a page
///
/// let page = Fetcher::new().fetch(&url).await.unwrap();
/// assert_eq!(page.url.path(), "/redirect/0");
///
/// let page = Fetcher::new().redirects(Redirects::None).fetch(&url).await.unwrap();
/// assert_eq!(page.status.as_u16(), 302);
///
/// let err = Fetcher::new().redirects(Redirects::Limit(2)).fetch(&url).await.unwrap_err();
/// assert_eq!(err.kind(), &FetchErrorKind::Redirect);
/// assert!(err.to_string().ends_with("(too many redirects: more than 2)"));
/// # });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Redirects {
    /// Follow none: a `3xx` response is the page, its status says so (and
    /// with [`Fetcher::error_for_status`] it is a status error).
    None,
    /// Follow up to this many, to any host.
    Limit(usize),
    /// Follow up to this many, only to the host of the URL given (its
    /// name; the scheme and port may change, so `http` to `https` on the
    /// same host is followed). A redirect to another host is an error.
    SameHost(usize),
}

impl Default for Redirects {
    fn default() -> Self {
        Redirects::Limit(10)
    }
}

/// Why a redirect was not followed: the innermost cause of a
/// [`FetchErrorKind::Redirect`].
#[derive(Debug)]
struct RedirectError(String);

impl fmt::Display for RedirectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RedirectError {}

/// The default [`Fetcher::max_line_len`]: aiohttp's line limit.
pub(super) const DEFAULT_MAX_LINE_LEN: usize = 64 * 1024;

impl Default for Fetcher {
    fn default() -> Self {
        Fetcher::new()
    }
}

/// A completed response: its status, the size of its body and how long it
/// took; the body itself if the fetcher keeps bodies.
///
/// # Examples
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let server = cogen_testserver::TestServer::start();
/// let page = cogen::http::Fetcher::new().fetch(&server.url("/bytes/100")).await.unwrap();
/// assert_eq!(page.status, cogen::http::StatusCode::OK);
/// assert_eq!(page.len, 100);
/// assert!(page.body.is_none());
/// # });
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Page {
    /// The response status.
    pub status: StatusCode,
    /// The URL the response came from: the one given, or where its
    /// redirects led ([`Redirects`]).
    pub url: reqwest::Url,
    /// Body bytes received.
    pub len: u64,
    /// Time from the start of the request to the end of the body.
    pub elapsed: Duration,
    /// The body, if [`Fetcher::keep_body`] is on.
    pub body: Option<Bytes>,
    /// The `Content-Encoding` of a body the client did not decode (`br`,
    /// `zstd`; any, from a client built with `.gzip(false)`): then
    /// [`len`](Page::len) and [`body`](Page::body) are of the encoded bytes.
    /// `None` for a body that was not encoded or was decoded (`gzip`,
    /// `deflate`, as aiohttp decodes them).
    pub encoding: Option<String>,
}

/// One URL's outcome from [`Fetcher::fetch_all`]: its position in the input,
/// the URL, and the page or the error.
///
/// # Examples
///
/// ```
/// use futures::StreamExt;
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let fetched = cogen::http::fetch_all(["not a url"]).next().await.unwrap();
/// assert_eq!((fetched.index, fetched.url.as_str()), (0, "not a url"));
/// assert!(fetched.result.is_err());
/// # });
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub struct Fetched {
    /// Where the URL was in the input.
    pub index: usize,
    /// The URL, as given.
    pub url: String,
    /// The page, or why there is none.
    pub result: Result<Page, FetchError>,
}

impl Fetcher {
    /// A fetcher with a default [`reqwest::Client`] that leaves redirects to
    /// the fetcher ([`Redirects`]), 10 requests at once and a 10 s timeout
    /// per request (the seed's `timeout=10`).
    ///
    /// # Panics
    ///
    /// If reqwest cannot initialize its TLS backend (as
    /// [`reqwest::Client::new`] does).
    ///
    /// # Examples
    ///
    /// ```
    /// let fetcher = cogen::http::Fetcher::new();
    /// # drop(fetcher);
    /// ```
    pub fn new() -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("reqwest cannot initialize its TLS backend");
        Fetcher::with_client(client)
    }

    /// A fetcher using `client` (its proxy, TLS, resolver and pool
    /// settings), 10 requests at once and a 10 s timeout per request.
    ///
    /// The fetcher follows redirects itself, by its [`redirects`](Fetcher::redirects)
    /// policy, so build `client` with
    /// `.redirect(reqwest::redirect::Policy::none())`. A client that follows
    /// redirects itself (reqwest's default: up to 10, to any host) does so
    /// before the fetcher sees a response: the fetcher can then only check
    /// where it ended, and fails a fetch whose final URL its policy
    /// forbids ([`FetchErrorKind::Redirect`], naming the mistake).
    ///
    /// # Examples
    ///
    /// ```
    /// let client = reqwest::Client::builder()
    ///     .user_agent("cogen-doc")
    ///     .redirect(reqwest::redirect::Policy::none())
    ///     .build()
    ///     .unwrap();
    /// let fetcher = cogen::http::Fetcher::with_client(client);
    /// # drop(fetcher);
    /// ```
    pub fn with_client(client: reqwest::Client) -> Self {
        Fetcher {
            client,
            concurrency: 10,
            timeout: Some(Duration::from_secs(10)),
            error_for_status: false,
            keep_body: false,
            redirects: Redirects::default(),
            max_line_len: DEFAULT_MAX_LINE_LEN,
            keep_line_ends: false,
            max_body_len: None,
        }
    }

    /// Which redirects to follow: none, up to `n` to any host (the default,
    /// `n` = 10), or up to `n` on the same host. See [`Redirects`].
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::http::{Fetcher, Redirects};
    ///
    /// let fetcher = Fetcher::new().redirects(Redirects::SameHost(5));
    /// # drop(fetcher);
    /// ```
    pub fn redirects(mut self, policy: Redirects) -> Self {
        self.redirects = policy;
        self
    }

    /// The longest line [`lines`](Fetcher::lines) accepts, in bytes without
    /// its terminator (default 64 KiB, aiohttp's limit). A longer line is a
    /// [`FetchErrorKind::LineTooLong`] error naming it, after every line
    /// before it; at most about `limit` bytes of it are ever held. A server
    /// that sends a line without end can then cost no more than that.
    ///
    /// # Panics
    ///
    /// If `limit` is 0.
    ///
    /// # Examples
    ///
    /// ```
    /// let fetcher = cogen::http::Fetcher::new().max_line_len(1 << 20);
    /// # drop(fetcher);
    /// ```
    pub fn max_line_len(mut self, limit: usize) -> Self {
        assert!(limit > 0, "line length limit must be at least 1");
        self.max_line_len = limit;
        self
    }

    /// Whether [`lines`](Fetcher::lines) keeps each line's end as `\n`
    /// (Python's text-mode lines: `\r\n` and `\r` read as `\n`). Off by
    /// default (stripped). With it on, a last line without a newline is the
    /// only one not ending in `\n`: a body that stopped mid-line shows.
    ///
    /// # Examples
    ///
    /// ```
    /// use futures::StreamExt;
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let server = cogen_testserver::TestServer::start();
    /// let fetcher = cogen::http::Fetcher::new().keep_line_ends(true);
    /// let lines: Vec<String> = fetcher.lines(server.url("/stream/2")).map(Result::unwrap).collect().await;
    /// assert!(lines.iter().all(|l| l.ends_with('\n')));
    /// # });
    /// ```
    pub fn keep_line_ends(mut self, yes: bool) -> Self {
        self.keep_line_ends = yes;
        self
    }

    /// The longest body [`fetch`](Fetcher::fetch) and
    /// [`fetch_all`](Fetcher::fetch_all) read, in bytes (after decoding);
    /// a longer one fails with [`FetchErrorKind::BodyTooLarge`] as soon as
    /// it passes the limit. No limit by default, as in aiohttp: with
    /// [`keep_body`](Fetcher::keep_body) on, a server can make a fetch hold
    /// as much as it sends before the timeout, so set one.
    ///
    /// # Examples
    ///
    /// ```
    /// use cogen::http::FetchErrorKind;
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let server = cogen_testserver::TestServer::start();
    /// let fetcher = cogen::http::Fetcher::new().keep_body(true).max_body_len(1000);
    /// let err = fetcher.fetch(&server.url("/bytes/5000")).await.unwrap_err();
    /// assert_eq!(err.kind(), &FetchErrorKind::BodyTooLarge { limit: 1000 });
    /// # });
    /// ```
    pub fn max_body_len(mut self, limit: u64) -> Self {
        self.max_body_len = Some(limit);
        self
    }

    /// How many requests [`fetch_all`](Fetcher::fetch_all) runs at once.
    ///
    /// # Panics
    ///
    /// If `limit` is 0: nothing would ever be fetched.
    ///
    /// # Examples
    ///
    /// ```
    /// let fetcher = cogen::http::Fetcher::new().concurrency(100);
    /// # drop(fetcher);
    /// ```
    pub fn concurrency(mut self, limit: usize) -> Self {
        assert!(limit > 0, "concurrency limit must be at least 1");
        self.concurrency = limit;
        self
    }

    /// The most time one request may take, from connecting to the end of
    /// its body; later, it fails with [`FetchErrorKind::Timeout`].
    ///
    /// # Examples
    ///
    /// ```
    /// let fetcher = cogen::http::Fetcher::new().timeout(std::time::Duration::from_millis(500));
    /// # drop(fetcher);
    /// ```
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// No timeout per request (the client's own settings still apply).
    ///
    /// # Examples
    ///
    /// ```
    /// let fetcher = cogen::http::Fetcher::new().no_timeout();
    /// # drop(fetcher);
    /// ```
    pub fn no_timeout(mut self) -> Self {
        self.timeout = None;
        self
    }

    /// Whether a status outside 200-299 fails with
    /// [`FetchErrorKind::Status`] (off by default, as in aiohttp and
    /// reqwest: a 500 is then an `Ok` page with that status).
    ///
    /// # Examples
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let server = cogen_testserver::TestServer::start();
    /// let url = server.url("/status/500");
    /// let page = cogen::http::Fetcher::new().fetch(&url).await.unwrap();
    /// assert_eq!(page.status.as_u16(), 500);
    ///
    /// let strict = cogen::http::Fetcher::new().error_for_status(true);
    /// let err = strict.fetch(&url).await.unwrap_err();
    /// assert_eq!(err.kind(), &cogen::http::FetchErrorKind::Status(cogen::http::StatusCode::INTERNAL_SERVER_ERROR));
    /// # });
    /// ```
    pub fn error_for_status(mut self, yes: bool) -> Self {
        self.error_for_status = yes;
        self
    }

    /// Whether [`Page::body`] keeps the body (off by default: only its
    /// length is counted, as the seed's examples print). The body is held
    /// whole, so bound it with [`max_body_len`](Fetcher::max_body_len).
    /// A `gzip` or `deflate` body is kept (and counted) decoded; one in
    /// another encoding is kept as sent, and [`Page::encoding`] names it.
    ///
    /// # Examples
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let server = cogen_testserver::TestServer::start();
    /// let fetcher = cogen::http::Fetcher::new().keep_body(true);
    /// let page = fetcher.fetch(&server.url("/bytes/3")).await.unwrap();
    /// assert_eq!(page.body.as_deref(), Some(&b"abc"[..]));
    /// # });
    /// ```
    pub fn keep_body(mut self, yes: bool) -> Self {
        self.keep_body = yes;
        self
    }

    /// The client it sends with.
    ///
    /// # Examples
    ///
    /// ```
    /// let fetcher = cogen::http::Fetcher::new();
    /// let _request = fetcher.client().get("http://localhost/");
    /// ```
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// Fetches one URL, following its redirects by the fetcher's
    /// [`Redirects`] policy, and reads its body to the end.
    ///
    /// # Cancel safety
    ///
    /// Not cancel safe in that nothing resumes it: dropping the future drops
    /// the request and its connection. No part of the page had been handed
    /// over, so only the work is lost; a later `fetch` starts over.
    ///
    /// # Examples
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let server = cogen_testserver::TestServer::start();
    /// let page = cogen::http::Fetcher::new().fetch(&server.url("/stream/3")).await.unwrap();
    /// assert_eq!(page.status.as_u16(), 200);
    /// assert!(page.len > 0);
    /// # });
    /// ```
    pub async fn fetch(&self, url: &str) -> Result<Page, FetchError> {
        let start = Instant::now();
        let deadline = self.deadline(start);
        let mut len = 0u64;
        let mut body = self.keep_body.then(Vec::new);
        let exchange = async {
            let mut response = self.send(url).await?;
            while let Some(chunk) = next_chunk(url, &mut response).await? {
                len += chunk.len() as u64;
                if let Some(limit) = self.max_body_len.filter(|&limit| len > limit) {
                    return Err(FetchError::new(url, FetchErrorKind::BodyTooLarge { limit }));
                }
                if let Some(body) = &mut body {
                    body.extend_from_slice(&chunk);
                }
            }
            Ok((
                response.status(),
                response.url().clone(),
                undecoded(&response),
            ))
        };
        let result = within(deadline, url, exchange).await;
        let elapsed = start.elapsed();
        match result {
            Ok((status, final_url, encoding)) => Ok(Page {
                status,
                url: final_url,
                encoding,
                len,
                elapsed,
                body: body.map(Bytes::from),
            }),
            Err(e) => Err(e.at(elapsed, len)),
        }
    }

    /// When a request started at `start` times out.
    pub(super) fn deadline(&self, start: Instant) -> Option<Instant> {
        self.timeout.and_then(|t| start.checked_add(t))
    }

    /// Sends a GET for `url` and follows its redirects by the fetcher's
    /// policy; the response head, or why there is none.
    pub(super) async fn send(&self, url: &str) -> Result<reqwest::Response, FetchError> {
        let given = reqwest::Url::parse(url)
            .map_err(|e| FetchError::new(url, FetchErrorKind::InvalidUrl).with_source(e))?;
        let redirect_error = |why: String| {
            FetchError::new(url, FetchErrorKind::Redirect).with_source(RedirectError(why))
        };
        let mut current = given.clone();
        let mut hops = 0usize;
        let response = loop {
            let response = self
                .client
                .get(current.clone())
                .send()
                .await
                .map_err(|e| FetchError::from_reqwest(url, e))?;
            if !same_resource(response.url(), &current) {
                self.check_followed_by_client(&given, response.url())
                    .map_err(redirect_error)?;
            }
            let max = match self.redirects {
                Redirects::None => break response,
                Redirects::Limit(max) | Redirects::SameHost(max) => max,
            };
            let status = response.status().as_u16();
            let location = response.headers().get(reqwest::header::LOCATION);
            let (true, Some(location)) = (matches!(status, 301 | 302 | 303 | 307 | 308), location)
            else {
                break response;
            };
            let next = location
                .to_str()
                .ok()
                .and_then(|l| current.join(l).ok())
                .ok_or_else(|| {
                    redirect_error(format!("redirect to an invalid location {location:?}"))
                })?;
            if !matches!(next.scheme(), "http" | "https") {
                return Err(redirect_error(format!(
                    "redirect to {next}: unsupported scheme {}",
                    next.scheme()
                )));
            }
            if hops == max {
                return Err(redirect_error(format!(
                    "too many redirects: more than {max}"
                )));
            }
            if matches!(self.redirects, Redirects::SameHost(_))
                && next.host_str() != given.host_str()
            {
                return Err(redirect_error(format!(
                    "redirect to {next}: another host, and the policy is same-host"
                )));
            }
            hops += 1;
            current = next;
        };
        let status = response.status();
        if self.error_for_status && !status.is_success() {
            return Err(FetchError::new(url, FetchErrorKind::Status(status)));
        }
        Ok(response)
    }

    /// Whether the fetcher's policy allows where the client's own redirects
    /// led (all that can be checked of them).
    fn check_followed_by_client(
        &self,
        given: &reqwest::Url,
        landed: &reqwest::Url,
    ) -> Result<(), String> {
        let forbidden = match self.redirects {
            Redirects::None => "none",
            Redirects::SameHost(_) if landed.host_str() != given.host_str() => "same-host",
            _ => return Ok(()),
        };
        Err(format!(
            "the client followed redirects itself, to {landed}, which the fetcher's \
             {forbidden} policy forbids: build the client with \
             redirect(reqwest::redirect::Policy::none())"
        ))
    }
}

/// Whether `a` and `b` name the same resource: equal but for a fragment,
/// which is never sent (a `#` is escaped anywhere else in a URL).
fn same_resource(a: &reqwest::Url, b: &reqwest::Url) -> bool {
    fn resource(u: &reqwest::Url) -> &str {
        u.as_str().split('#').next().unwrap_or_default()
    }
    resource(a) == resource(b)
}

/// The `Content-Encoding` left on `response`: one its client did not decode
/// (a decoded body has the header removed).
pub(super) fn undecoded(response: &reqwest::Response) -> Option<String> {
    let encoding = response.headers().get(reqwest::header::CONTENT_ENCODING)?;
    let encoding = String::from_utf8_lossy(encoding.as_bytes())
        .trim()
        .to_owned();
    (!encoding.is_empty() && !encoding.eq_ignore_ascii_case("identity")).then_some(encoding)
}

/// The next chunk of `response`'s body.
pub(super) async fn next_chunk(
    url: &str,
    response: &mut reqwest::Response,
) -> Result<Option<Bytes>, FetchError> {
    response
        .chunk()
        .await
        .map_err(|e| FetchError::from_reqwest(url, e))
}

/// `work`, failing with [`FetchErrorKind::Timeout`] at `deadline`.
pub(super) async fn within<T>(
    deadline: Option<Instant>,
    url: &str,
    work: impl Future<Output = Result<T, FetchError>>,
) -> Result<T, FetchError> {
    match deadline {
        None => work.await,
        Some(deadline) => match tokio::time::timeout_at(deadline, work).await {
            Ok(result) => result,
            Err(_) => Err(FetchError::new(url, FetchErrorKind::Timeout)),
        },
    }
}
