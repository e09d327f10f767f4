use core::future::Future;
use std::time::Duration;

use bytes::Bytes;
use reqwest::StatusCode;
use tokio::time::Instant;

use super::{FetchError, FetchErrorKind};

/// A [`reqwest::Client`] with the settings a fan-out needs: how many
/// requests at once, a timeout per request, and whether a status outside
/// 200-299 is an error (aiohttp's `ClientSession` with a `TCPConnector`
/// limit, `ClientTimeout(total=...)` and `raise_for_status`).
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
}

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
    /// Body bytes received.
    pub len: u64,
    /// Time from the start of the request to the end of the body.
    pub elapsed: Duration,
    /// The body, if [`Fetcher::keep_body`] is on.
    pub body: Option<Bytes>,
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
    /// A fetcher with a default [`reqwest::Client`], 10 requests at once and
    /// a 10 s timeout per request (the seed's `timeout=10`).
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
        Fetcher::with_client(reqwest::Client::new())
    }

    /// A fetcher using `client` (its proxy, TLS, resolver and pool
    /// settings), 10 requests at once and a 10 s timeout per request.
    ///
    /// # Examples
    ///
    /// ```
    /// let client = reqwest::Client::builder().user_agent("cogen-doc").build().unwrap();
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
        }
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
    /// length is counted, as the seed's examples print).
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

    /// Fetches one URL and reads its body to the end.
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
                if let Some(body) = &mut body {
                    body.extend_from_slice(&chunk);
                }
            }
            Ok(response.status())
        };
        let result = within(deadline, url, exchange).await;
        let elapsed = start.elapsed();
        match result {
            Ok(status) => Ok(Page {
                status,
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

    /// Sends a GET for `url`; the response head, or why there is none.
    pub(super) async fn send(&self, url: &str) -> Result<reqwest::Response, FetchError> {
        let parsed = reqwest::Url::parse(url)
            .map_err(|e| FetchError::new(url, FetchErrorKind::InvalidUrl).with_source(e))?;
        let response = self
            .client
            .get(parsed)
            .send()
            .await
            .map_err(|e| FetchError::from_reqwest(url, e))?;
        let status = response.status();
        if self.error_for_status && !status.is_success() {
            return Err(FetchError::new(url, FetchErrorKind::Status(status)));
        }
        Ok(response)
    }
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
