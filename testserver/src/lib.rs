//! An httpbin-like HTTP/1.1 server on loopback, started in-process, so
//! cogen's tests, tour and benchmarks never need the network.
//!
//! | route | response |
//! |---|---|
//! | `/` | 200, `ok` |
//! | `/delay/{secs}` | 200 after `secs` seconds (fractions allowed, at most 60), a JSON body |
//! | `/status/{code}` | that status, a short text body |
//! | `/bytes/{n}` | `n` bytes (at most 100 MB), one frame |
//! | `/stream/{n}` | `n` JSON lines, one frame each |
//! | `/drip?numbytes=N&duration=S&delay=D` | waits `D` s, then sends `N` bytes spread over `S` s |
//! | `/invalid-utf8` | text whose third line is not UTF-8 |
//! | `/redirect/{n}` | `302` to `/redirect/{n-1}`; `/redirect/0` is a 200 page |
//! | `/redirect-to?url=U` | `302` to `U` (percent-decoded), whatever it is |
//! | anything else | 404 |
//!
//! The server runs on its own thread and runtime, so it serves while a
//! client blocks, and a client's paused clock does not pause it. It stops
//! when the [`TestServer`] is dropped.
//!
//! # Examples
//!
//! ```
//! let server = cogen_testserver::TestServer::start();
//! let url = server.url("/delay/0.01");
//! assert!(url.starts_with("http://127.0.0.1:"));
//! ```

use std::convert::Infallible;
use std::net::{SocketAddr, TcpListener as StdListener};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, StreamBody, combinators::BoxBody};
use hyper::body::{Frame, Incoming};
use hyper::{Request, Response, StatusCode};
use tokio::sync::oneshot;

mod offline;

pub use offline::OfflineResolver;

type Body = BoxBody<Bytes, Infallible>;

/// Counters the server keeps, for tests that check what reached it.
#[derive(Debug, Default)]
struct Counters {
    served: AtomicUsize,
    in_flight: AtomicUsize,
    peak: AtomicUsize,
}

/// A running server; dropping it stops it.
///
/// # Examples
///
/// ```
/// let server = cogen_testserver::TestServer::start();
/// assert_eq!(server.served(), 0);
/// ```
#[derive(Debug)]
pub struct TestServer {
    addr: SocketAddr,
    counters: Arc<Counters>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TestServer {
    /// Starts a server on `127.0.0.1` at a free port.
    ///
    /// # Panics
    ///
    /// If no loopback port can be bound.
    ///
    /// # Examples
    ///
    /// ```
    /// let server = cogen_testserver::TestServer::start();
    /// assert!(server.addr().ip().is_loopback());
    /// ```
    pub fn start() -> TestServer {
        TestServer::start_on(0)
    }

    /// Starts a server on `127.0.0.1` at `port` (0 for any free one).
    ///
    /// # Panics
    ///
    /// If the port cannot be bound.
    ///
    /// # Examples
    ///
    /// ```
    /// let server = cogen_testserver::TestServer::start_on(0);
    /// assert_ne!(server.addr().port(), 0);
    /// ```
    pub fn start_on(port: u16) -> TestServer {
        let listener = StdListener::bind(("127.0.0.1", port))
            .unwrap_or_else(|e| panic!("test server: cannot bind 127.0.0.1:{port}: {e}"));
        listener
            .set_nonblocking(true)
            .expect("test server: set_nonblocking");
        let addr = listener.local_addr().expect("test server: local_addr");
        let counters = Arc::new(Counters::default());
        let (stop, stopped) = oneshot::channel();
        let serve_counters = Arc::clone(&counters);
        let thread = std::thread::Builder::new()
            .name("cogen-testserver".into())
            .spawn(move || serve(listener, serve_counters, stopped))
            .expect("test server: spawn thread");
        TestServer {
            addr,
            counters,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// The address it listens on.
    ///
    /// # Examples
    ///
    /// ```
    /// let server = cogen_testserver::TestServer::start();
    /// assert_eq!(server.url("/"), format!("http://{}/", server.addr()));
    /// ```
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The URL of `path` (which starts with `/`) on this server.
    ///
    /// # Examples
    ///
    /// ```
    /// let server = cogen_testserver::TestServer::start();
    /// assert!(server.url("/bytes/10").ends_with("/bytes/10"));
    /// ```
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Requests answered so far (responses whose head was sent).
    ///
    /// # Examples
    ///
    /// ```
    /// let server = cogen_testserver::TestServer::start();
    /// assert_eq!(server.served(), 0);
    /// ```
    pub fn served(&self) -> usize {
        self.counters.served.load(Ordering::SeqCst)
    }

    /// Requests it is handling now (a request whose client went away counts
    /// until the server notices).
    ///
    /// # Examples
    ///
    /// ```
    /// let server = cogen_testserver::TestServer::start();
    /// assert_eq!(server.in_flight(), 0);
    /// ```
    pub fn in_flight(&self) -> usize {
        self.counters.in_flight.load(Ordering::SeqCst)
    }

    /// The most requests it was handling at once.
    ///
    /// # Examples
    ///
    /// ```
    /// let server = cogen_testserver::TestServer::start();
    /// assert_eq!(server.peak_in_flight(), 0);
    /// ```
    pub fn peak_in_flight(&self) -> usize {
        self.counters.peak.load(Ordering::SeqCst)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A URL on loopback where nothing listens: connecting to it is refused.
///
/// It binds a free port and releases it, so another process could take the
/// port in between; tests on one machine do not.
///
/// # Examples
///
/// ```
/// let url = cogen_testserver::refused_url();
/// assert!(std::net::TcpStream::connect(url.trim_start_matches("http://").trim_end_matches('/')).is_err());
/// ```
pub fn refused_url() -> String {
    let listener = StdListener::bind("127.0.0.1:0").expect("bind a free port");
    let addr = listener.local_addr().expect("local_addr");
    drop(listener);
    format!("http://{addr}/")
}

fn serve(listener: StdListener, counters: Arc<Counters>, mut stopped: oneshot::Receiver<()>) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("test server: runtime");
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener).expect("test server: listener");
        loop {
            let (stream, _) = tokio::select! {
                _ = &mut stopped => return,
                accepted = listener.accept() => match accepted {
                    Ok(conn) => conn,
                    Err(_) => continue,
                },
            };
            let _ = stream.set_nodelay(true);
            let counters = Arc::clone(&counters);
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |req| {
                    let counters = Arc::clone(&counters);
                    async move { Ok::<_, Infallible>(counted(&counters, req).await) }
                });
                let io = hyper_util::rt::TokioIo::new(stream);
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(io, service)
                    .await;
            });
        }
    });
    // Dropping the runtime cancels the connections still open.
}

async fn counted(counters: &Counters, req: Request<Incoming>) -> Response<Body> {
    /// Leaves the in-flight count when the request ends, answered or dropped.
    struct InFlight<'a>(&'a Counters);
    impl Drop for InFlight<'_> {
        fn drop(&mut self) {
            self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
        }
    }
    let now = counters.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    counters.peak.fetch_max(now, Ordering::SeqCst);
    let _in_flight = InFlight(counters);
    let response = route(req).await;
    counters.served.fetch_add(1, Ordering::SeqCst);
    response
}

fn full(status: StatusCode, body: impl Into<Bytes>) -> Response<Body> {
    let mut response = Response::new(Full::new(body.into()).boxed());
    *response.status_mut() = status;
    response
}

fn not_found() -> Response<Body> {
    full(StatusCode::NOT_FOUND, "not found\n")
}

fn bad_request(what: &str) -> Response<Body> {
    full(StatusCode::BAD_REQUEST, format!("bad request: {what}\n"))
}

/// The query parameter `name` of `query`, parsed.
fn param<T: std::str::FromStr>(query: &str, name: &str) -> Option<Result<T, ()>> {
    query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.parse().map_err(|_| ()))
}

fn seconds(s: &str) -> Option<Duration> {
    let secs: f64 = s.parse().ok()?;
    (0.0..=60.0)
        .contains(&secs)
        .then(|| Duration::from_secs_f64(secs))
}

/// `n` bytes of a repeating, printable pattern.
fn pattern(n: usize) -> Bytes {
    const ABC: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789\n";
    ABC.iter()
        .copied()
        .cycle()
        .take(n)
        .collect::<Vec<u8>>()
        .into()
}

async fn route(req: Request<Incoming>) -> Response<Body> {
    let path = req.uri().path().to_owned();
    let query = req.uri().query().unwrap_or("").to_owned();
    let mut parts = path.trim_start_matches('/').splitn(2, '/');
    match (parts.next().unwrap_or(""), parts.next()) {
        ("", None) => full(StatusCode::OK, "ok\n"),
        ("delay", Some(secs)) => match seconds(secs) {
            Some(d) => {
                tokio::time::sleep(d).await;
                full(
                    StatusCode::OK,
                    format!("{{\"delay\": {secs}, \"url\": \"{path}\"}}\n"),
                )
            }
            None => bad_request("delay must be 0 to 60 seconds"),
        },
        ("status", Some(code)) => match code
            .parse::<u16>()
            .ok()
            .and_then(|c| StatusCode::from_u16(c).ok())
        {
            Some(status) => full(status, format!("status {}\n", status.as_u16())),
            None => bad_request("status must be 100 to 999"),
        },
        ("bytes", Some(n)) => match n.parse::<usize>() {
            Ok(n) if n <= 100 << 20 => full(StatusCode::OK, pattern(n)),
            _ => bad_request("bytes must be 0 to 104857600"),
        },
        ("stream", Some(n)) => match n.parse::<usize>() {
            Ok(n) if n <= 100_000 => {
                let lines = futures_util::stream::iter((0..n).map(move |i| {
                    Ok(Frame::data(Bytes::from(format!(
                        "{{\"id\": {i}, \"url\": \"{path}\"}}\n"
                    ))))
                }));
                Response::new(StreamBody::new(lines).boxed())
            }
            _ => bad_request("stream must be 0 to 100000 lines"),
        },
        ("drip", None) => drip(&query),
        ("invalid-utf8", None) => full(StatusCode::OK, &b"one\ntwo\nthr\xffee\nfour\n"[..]),
        ("redirect", Some(n)) => match n.parse::<u32>() {
            Ok(0) => full(StatusCode::OK, "redirected\n"),
            Ok(n) => redirect(&format!("/redirect/{}", n - 1)),
            Err(_) => bad_request("redirect takes a number of hops"),
        },
        ("redirect-to", None) => match query.strip_prefix("url=") {
            Some(url) => redirect(&percent_decode(url)),
            None => bad_request("redirect-to needs ?url="),
        },
        _ => not_found(),
    }
}

/// A `302 Found` to `location`.
fn redirect(location: &str) -> Response<Body> {
    let mut response = full(StatusCode::FOUND, "");
    match hyper::header::HeaderValue::from_str(location) {
        Ok(value) => {
            response
                .headers_mut()
                .insert(hyper::header::LOCATION, value);
            response
        }
        Err(_) => bad_request("the location is not a valid header value"),
    }
}

/// `%XX` escapes decoded (invalid ones kept as they are).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// httpbin's `/drip`: after `delay` seconds, `numbytes` bytes (default 10),
/// one at a time, spread over `duration` seconds (default 2).
fn drip(query: &str) -> Response<Body> {
    let numbytes = match param::<usize>(query, "numbytes") {
        None => 10,
        Some(Ok(n)) if n <= 10_000 => n,
        Some(_) => return bad_request("numbytes must be 0 to 10000"),
    };
    let secs = |name, default: &str| match param::<String>(query, name) {
        None => seconds(default),
        Some(Ok(v)) => seconds(&v),
        Some(Err(())) => None,
    };
    let (Some(duration), Some(delay)) = (secs("duration", "2"), secs("delay", "0")) else {
        return bad_request("duration and delay must be 0 to 60 seconds");
    };
    let gap = duration
        .checked_div(numbytes.max(1) as u32)
        .unwrap_or_default();
    let body = futures_util::stream::unfold(0usize, move |sent| async move {
        if sent == numbytes {
            return None;
        }
        tokio::time::sleep(if sent == 0 { delay + gap } else { gap }).await;
        Some((Ok(Frame::data(Bytes::from_static(b"*"))), sent + 1))
    });
    Response::new(StreamBody::new(body).boxed())
}
