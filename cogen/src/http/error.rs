use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;

/// Why a fetch failed. Its `Display` is the reason alone, for printing next
/// to the URL.
///
/// # Examples
///
/// ```
/// use cogen::http::FetchErrorKind;
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let err = cogen::http::Fetcher::new().fetch("not a url").await.unwrap_err();
/// assert_eq!(err.kind(), &FetchErrorKind::InvalidUrl);
/// assert_eq!(err.kind().to_string(), "invalid url");
/// # });
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FetchErrorKind {
    /// The URL given does not parse, or its scheme is not `http` or `https`.
    /// (A valid URL that redirects somewhere unusable is a
    /// [`Redirect`](FetchErrorKind::Redirect).)
    InvalidUrl,
    /// The host name did not resolve.
    UnknownHost,
    /// Nothing listens at the address: the connection was refused.
    Refused,
    /// Another failure to connect (unreachable network, TLS handshake, ...).
    Connect,
    /// The request took longer than the fetcher's timeout, body included.
    Timeout,
    /// A status outside 200-299, when the fetcher was asked to treat it as
    /// an error ([`Fetcher::error_for_status`](crate::http::Fetcher::error_for_status)).
    Status(StatusCode),
    /// A redirect could not be followed: more of them than the fetcher's
    /// [`Redirects`](crate::http::Redirects) policy allows, one to another
    /// host under [`Redirects::SameHost`](crate::http::Redirects::SameHost),
    /// a `Location` that is not a usable `http`/`https` URL (`ftp://...`), or
    /// one the client followed by its own policy that the fetcher's forbids.
    /// The message says which.
    Redirect,
    /// The server closed or reset the connection before the response was
    /// complete: before any response, or part-way through the body
    /// ([`FetchError::bytes_received`] says how far). An HTTP/2 `GOAWAY` or
    /// stream reset without an error code is one too.
    Closed,
    /// The server's reply broke the protocol: not HTTP at all, a response
    /// head too large to accept, malformed chunked framing, an HTTP/2
    /// `GOAWAY` or stream reset with an error code.
    Protocol,
    /// The request's task was stopped before it finished: the tokio runtime
    /// that ran it shut down while [`Fetcher::fetch_all`](crate::http::Fetcher::fetch_all)
    /// lived on.
    Cancelled,
    /// A line of a body read as text is not UTF-8 (1-based).
    InvalidUtf8 {
        /// The line that failed to decode.
        line: u64,
    },
    /// A line of a body read as text is longer than the fetcher's
    /// [`max_line_len`](crate::http::Fetcher::max_line_len).
    LineTooLong {
        /// The line that is too long (1-based).
        line: u64,
        /// The limit, in bytes (the line's terminator not counted).
        limit: usize,
    },
    /// The body is longer than the fetcher's
    /// [`max_body_len`](crate::http::Fetcher::max_body_len).
    BodyTooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// The body could not be read for a reason other than the server
    /// closing the connection or breaking the protocol: a
    /// `Content-Encoding` that does not decode, a local I/O error.
    Body,
    /// Anything else reqwest reported; the message carries the innermost
    /// cause (and [`std::error::Error::source`] the chain).
    Other,
}

/// One URL's failure: which URL, why, how long it took and how much of the
/// body arrived first. Fetching the others goes on.
///
/// Python raises `aiohttp.ClientConnectorError`, `asyncio.TimeoutError`,
/// `ClientResponseError` and so on; here one type carries a
/// [`FetchErrorKind`] and the [`reqwest::Error`] underneath as its
/// [`source`](std::error::Error::source).
///
/// # Examples
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let url = cogen_testserver::refused_url();
/// let err = cogen::http::Fetcher::new().fetch(&url).await.unwrap_err();
/// assert_eq!(err.url(), url);
/// assert_eq!(err.kind(), &cogen::http::FetchErrorKind::Refused);
/// assert!(err.to_string().ends_with("connection refused"));
/// # });
/// ```
#[derive(Debug)]
pub struct FetchError {
    url: String,
    kind: FetchErrorKind,
    elapsed: Duration,
    bytes_received: u64,
    source: Option<Box<dyn StdError + Send + Sync>>,
}

impl FetchError {
    pub(crate) fn new(url: &str, kind: FetchErrorKind) -> Self {
        FetchError {
            url: url.to_owned(),
            kind,
            elapsed: Duration::ZERO,
            bytes_received: 0,
            source: None,
        }
    }

    /// Classifies a reqwest error.
    pub(crate) fn from_reqwest(url: &str, e: reqwest::Error) -> Self {
        let kind = classify(url, &e);
        FetchError {
            source: Some(Box::new(e)),
            ..FetchError::new(url, kind)
        }
    }

    pub(crate) fn with_source(mut self, e: impl StdError + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(e));
        self
    }

    pub(crate) fn at(mut self, elapsed: Duration, bytes_received: u64) -> Self {
        self.elapsed = elapsed;
        self.bytes_received = bytes_received;
        self
    }

    /// The URL, as given.
    ///
    /// # Examples
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let err = cogen::http::Fetcher::new().fetch("ftp://example.invalid/").await.unwrap_err();
    /// assert_eq!(err.url(), "ftp://example.invalid/");
    /// # });
    /// ```
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Why it failed.
    ///
    /// # Examples
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let err = cogen::http::Fetcher::new().fetch("ftp://example.invalid/").await.unwrap_err();
    /// assert_eq!(err.kind(), &cogen::http::FetchErrorKind::InvalidUrl);
    /// # });
    /// ```
    pub fn kind(&self) -> &FetchErrorKind {
        &self.kind
    }

    /// Time from the start of the request to the failure.
    ///
    /// # Examples
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let err = cogen::http::Fetcher::new().fetch("not a url").await.unwrap_err();
    /// assert!(err.elapsed() < std::time::Duration::from_secs(1));
    /// # });
    /// ```
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// Body bytes that arrived before the failure (whole lines only, for a
    /// body read as lines).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let server = cogen_testserver::TestServer::start();
    /// let fetcher = cogen::http::Fetcher::new().timeout(Duration::from_millis(300));
    /// // Ten bytes over two seconds: about one arrives before the timeout.
    /// let err = fetcher.fetch(&server.url("/drip?numbytes=10&duration=2")).await.unwrap_err();
    /// assert_eq!(err.kind(), &cogen::http::FetchErrorKind::Timeout);
    /// assert!(err.bytes_received() < 10);
    /// # });
    /// ```
    pub fn bytes_received(&self) -> u64 {
        self.bytes_received
    }
}

/// Whether `e` or an error it wraps satisfies `pred`.
fn any_source(
    e: &(dyn StdError + 'static),
    pred: impl Fn(&(dyn StdError + 'static)) -> bool,
) -> bool {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if pred(err) {
            return true;
        }
        cur = err.source();
    }
    false
}

fn classify(url: &str, e: &reqwest::Error) -> FetchErrorKind {
    if e.is_timeout() {
        return FetchErrorKind::Timeout;
    }
    if e.is_redirect() {
        return FetchErrorKind::Redirect;
    }
    if e.is_builder() {
        // reqwest reports a redirect to an unusable URL (`ftp://...`) as a
        // builder error for the redirect's target, not the URL given.
        return match e.url() {
            Some(target) if reqwest::Url::parse(url).ok().as_ref() != Some(target) => {
                FetchErrorKind::Redirect
            }
            _ => FetchErrorKind::InvalidUrl,
        };
    }
    if e.is_connect() {
        let refused = any_source(e, |s| {
            s.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::ConnectionRefused)
        });
        if refused {
            return FetchErrorKind::Refused;
        }
        // hyper-util names a failed resolution "dns error"; reqwest wraps the
        // resolver's own error under it.
        if any_source(e, |s| s.to_string() == "dns error") {
            return FetchErrorKind::UnknownHost;
        }
        return FetchErrorKind::Connect;
    }
    if let Some(kind) = classify_cause(e) {
        return kind;
    }
    if e.is_body() || e.is_decode() {
        return FetchErrorKind::Body;
    }
    FetchErrorKind::Other
}

/// What the server did, from the chain under a reqwest error: hyper's
/// parse and closed-connection errors, h2's `GOAWAY` and stream resets, and
/// the socket's own reset or end of file.
fn classify_cause(e: &(dyn StdError + 'static)) -> Option<FetchErrorKind> {
    let mut under_hyper = false;
    let mut cur = Some(e);
    while let Some(err) = cur {
        if let Some(h) = err.downcast_ref::<hyper::Error>() {
            if h.is_parse() {
                return Some(FetchErrorKind::Protocol);
            }
            if h.is_incomplete_message() || h.is_closed() || h.is_canceled() {
                return Some(FetchErrorKind::Closed);
            }
            under_hyper = true;
        } else if let Some(h2) = err.downcast_ref::<h2::Error>() {
            if let Some(reason) = h2.reason() {
                let graceful = [h2::Reason::NO_ERROR, h2::Reason::REFUSED_STREAM];
                return Some(if graceful.contains(&reason) {
                    FetchErrorKind::Closed
                } else {
                    FetchErrorKind::Protocol
                });
            }
        } else if let Some(io) = err.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind as K;
            match io.kind() {
                K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe | K::UnexpectedEof => {
                    return Some(FetchErrorKind::Closed);
                }
                // hyper reports broken chunked framing as an I/O error of
                // these kinds; a decoder's error (gzip) is not under hyper.
                K::InvalidInput | K::InvalidData if under_hyper => {
                    return Some(FetchErrorKind::Protocol);
                }
                _ => {}
            }
        }
        cur = err.source();
    }
    None
}

/// The last error in `e`'s chain: the one that says what actually happened.
fn innermost<'a>(e: &'a (dyn StdError + 'static)) -> &'a (dyn StdError + 'static) {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur
}

impl fmt::Display for FetchErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchErrorKind::InvalidUrl => f.write_str("invalid url"),
            FetchErrorKind::UnknownHost => f.write_str("unknown host"),
            FetchErrorKind::Refused => f.write_str("connection refused"),
            FetchErrorKind::Connect => f.write_str("cannot connect"),
            FetchErrorKind::Timeout => f.write_str("timed out"),
            FetchErrorKind::Status(s) => write!(f, "status {s}"),
            FetchErrorKind::Redirect => f.write_str("redirect not followed"),
            FetchErrorKind::Closed => f.write_str("connection closed by the server"),
            FetchErrorKind::Protocol => f.write_str("protocol error"),
            FetchErrorKind::Cancelled => f.write_str("request cancelled"),
            FetchErrorKind::InvalidUtf8 { line } => write!(f, "invalid utf-8 in line {line}"),
            FetchErrorKind::LineTooLong { line, limit } => {
                write!(f, "line {line} longer than {limit} bytes")
            }
            FetchErrorKind::BodyTooLarge { limit } => write!(f, "body longer than {limit} bytes"),
            FetchErrorKind::Body => f.write_str("cannot read body"),
            FetchErrorKind::Other => f.write_str("request failed"),
        }
    }
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.url, self.kind)?;
        let source = self
            .source
            .as_deref()
            .map(|s| s as &(dyn StdError + 'static));
        match (&self.kind, source) {
            (FetchErrorKind::InvalidUrl, Some(s)) => write!(f, " ({s})")?,
            (FetchErrorKind::Timeout, _) => write!(f, " after {:.2?}", self.elapsed)?,
            (FetchErrorKind::Cancelled, _) => f.write_str(
                " (its task was stopped before it finished: the runtime that ran it shut down)",
            )?,
            (
                FetchErrorKind::Redirect
                | FetchErrorKind::Closed
                | FetchErrorKind::Protocol
                | FetchErrorKind::Connect
                | FetchErrorKind::Body
                | FetchErrorKind::Other,
                Some(s),
            ) => write!(f, " ({})", innermost(s))?,
            _ => {}
        }
        if self.bytes_received > 0 {
            write!(f, " ({} bytes received)", self.bytes_received)?;
        }
        Ok(())
    }
}

impl StdError for FetchError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|s| s as &(dyn StdError + 'static))
    }
}
