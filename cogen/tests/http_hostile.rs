//! `cogen::http` against hostile servers and conditions: raw TCP on
//! 127.0.0.1 where hyper would be too polite, runtimes that shut down under
//! a live generator. Every URL still gets exactly one result, memory stays
//! bounded, and every error says why.

mod hostile;

use std::collections::BTreeMap;
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

use cogen::http::{FetchError, FetchErrorKind, Fetched, Fetcher, Redirects, StatusCode};
use cogen_testserver::{OfflineResolver, TestServer};
use futures::StreamExt;
use hostile::{Hostile, read_head, reset, send};

/// A client that never leaves the machine and leaves redirects to the
/// fetcher, as `Fetcher::with_client` asks.
fn offline_client() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .dns_resolver(Arc::new(OfflineResolver))
        .no_proxy()
}

fn offline() -> Fetcher {
    let client = offline_client()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    Fetcher::with_client(client).timeout(Duration::from_secs(10))
}

fn current_thread_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Every result by input index; panics if an index comes twice.
fn by_index(results: Vec<Fetched>) -> BTreeMap<usize, Fetched> {
    let mut map = BTreeMap::new();
    for f in results {
        let index = f.index;
        assert!(
            map.insert(index, f).is_none(),
            "index {index} yielded twice"
        );
    }
    map
}

#[test]
fn fetch_all_reports_requests_cancelled_by_their_runtime_shutting_down() {
    let server = TestServer::start();
    let urls: Vec<String> = ["/delay/30", "/delay/30", "/bytes/1", "/bytes/2", "/bytes/3"]
        .iter()
        .map(|p| server.url(p))
        .collect();
    let mut results = offline().concurrency(3).fetch_all(urls);

    // The first runtime sends three requests and sees the quick one finish;
    // then it shuts down with the two slow ones in flight.
    let first = current_thread_runtime().block_on(async {
        tokio::time::timeout(Duration::from_secs(10), results.next())
            .await
            .expect("the quick request finishes")
            .unwrap()
    });
    assert_eq!(first.index, 2);
    assert!(first.result.is_ok());

    // A sync wrapper that builds a runtime per call, as the rest is drained.
    let mut all = vec![first];
    loop {
        let next = current_thread_runtime().block_on(async {
            tokio::time::timeout(Duration::from_secs(10), results.next())
                .await
                .expect("a result or the end within 10 s")
        });
        match next {
            Some(fetched) => all.push(fetched),
            None => break,
        }
    }
    let all = by_index(all);
    assert_eq!(all.len(), 5, "every url gets exactly one result");
    for index in [0, 1] {
        let err = all[&index].result.as_ref().unwrap_err();
        assert_eq!(err.kind(), &FetchErrorKind::Cancelled, "{err}");
        assert_eq!(err.url(), server.url("/delay/30"));
        assert_eq!(
            err.to_string(),
            format!(
                "{}: request cancelled (its task was stopped before it finished: \
                 the runtime that ran it shut down)",
                server.url("/delay/30")
            )
        );
    }
    for index in [3, 4] {
        // Each started in a runtime that lived for one `next`: done, or
        // cancelled when that runtime went away; never lost.
        match &all[&index].result {
            Ok(page) => assert_eq!(page.len, index as u64 - 1),
            Err(e) => assert_eq!(e.kind(), &FetchErrorKind::Cancelled),
        }
    }
}

// ---- errors that say why ----------------------------------------------

/// A server that reads each request head and then does `misbehave`.
fn misbehaving(conns: usize, misbehave: fn(&mut TcpStream)) -> Hostile {
    Hostile::serve(conns, move |_, mut stream| {
        read_head(&mut stream);
        misbehave(&mut stream);
    })
}

fn reset_now(stream: &mut TcpStream) {
    reset(stream.try_clone().unwrap());
}

fn close_now(stream: &mut TcpStream) {
    let _ = stream.shutdown(std::net::Shutdown::Both);
}

fn reply_ssh_banner(stream: &mut TcpStream) {
    send(stream, b"SSH-2.0-OpenSSH_9.6\r\n");
    std::thread::sleep(Duration::from_millis(200));
}

fn reply_endless_header(stream: &mut TcpStream) {
    send(stream, b"HTTP/1.1 200 OK\r\nX-Filler: ");
    send(stream, &vec![b'a'; 1 << 20]);
    std::thread::sleep(Duration::from_millis(200));
}

fn reset_after_ten_body_bytes(stream: &mut TcpStream) {
    send(
        stream,
        b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789",
    );
    std::thread::sleep(Duration::from_millis(100));
    reset_now(stream);
}

fn reply_broken_chunk(stream: &mut TcpStream) {
    send(
        stream,
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    );
    std::thread::sleep(Duration::from_millis(200));
}

/// A `302` back to the path that was asked for, on a fresh connection.
fn redirect_to_itself(conns: usize) -> Hostile {
    Hostile::serve(conns, |_, mut stream| {
        let head = read_head(&mut stream);
        let path = head.split(' ').nth(1).unwrap_or("/").to_owned();
        let reply = format!(
            "HTTP/1.1 302 Found\r\nLocation: {path}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
        send(&mut stream, reply.as_bytes());
    })
}

async fn fetch_err(fetcher: &Fetcher, url: &str) -> FetchError {
    fetcher.fetch(url).await.expect_err("the fetch fails")
}

#[tokio::test]
async fn a_connection_reset_or_closed_before_the_response_is_closed_and_says_how() {
    let server = misbehaving(1, reset_now);
    let err = fetch_err(&offline(), &server.url("/")).await;
    assert_eq!(err.kind(), &FetchErrorKind::Closed, "{err}");
    assert_eq!(
        err.to_string(),
        format!(
            "{}: connection closed by the server (Connection reset by peer (os error 104))",
            server.url("/")
        )
    );

    let server = misbehaving(1, close_now);
    let err = fetch_err(&offline(), &server.url("/")).await;
    assert_eq!(err.kind(), &FetchErrorKind::Closed, "{err}");
    assert!(
        err.to_string().ends_with(
            ": connection closed by the server (connection closed before message completed)"
        ),
        "{err}"
    );
}

#[tokio::test]
async fn a_reply_that_is_not_http_or_has_an_oversized_head_is_a_protocol_error() {
    let server = misbehaving(1, reply_ssh_banner);
    let err = fetch_err(&offline(), &server.url("/")).await;
    assert_eq!(err.kind(), &FetchErrorKind::Protocol, "{err}");
    assert!(
        err.to_string()
            .ends_with(": protocol error (invalid HTTP version parsed)"),
        "{err}"
    );

    let server = misbehaving(1, reply_endless_header);
    let err = fetch_err(&offline(), &server.url("/")).await;
    assert_eq!(err.kind(), &FetchErrorKind::Protocol, "{err}");
    assert!(
        err.to_string()
            .ends_with(": protocol error (message head is too large)"),
        "{err}"
    );
}

#[tokio::test]
async fn a_reset_mid_body_is_closed_and_counts_what_arrived() {
    let server = misbehaving(1, reset_after_ten_body_bytes);
    let err = fetch_err(&offline(), &server.url("/")).await;
    assert_eq!(err.kind(), &FetchErrorKind::Closed, "{err}");
    assert_eq!(err.bytes_received(), 10);
    assert!(
        err.to_string().contains("Connection reset by peer"),
        "{err}"
    );

    let server = misbehaving(1, reply_broken_chunk);
    let err = fetch_err(&offline(), &server.url("/")).await;
    assert_eq!(err.kind(), &FetchErrorKind::Protocol, "{err}");
    assert!(err.to_string().contains("Invalid chunk size line"), "{err}");
}

#[tokio::test]
async fn an_http2_goaway_with_an_error_code_is_a_protocol_error() {
    let server = Hostile::serve(1, |_, mut stream| {
        let mut preface = [0u8; 24];
        let _ = std::io::Read::read_exact(&mut stream, &mut preface);
        send(&mut stream, &[0, 0, 0, 4, 0, 0, 0, 0, 0]); // SETTINGS, empty
        // GOAWAY: last stream 0, PROTOCOL_ERROR.
        send(
            &mut stream,
            &[0, 0, 8, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
        );
        std::thread::sleep(Duration::from_millis(300));
    });
    let client = offline_client()
        .http2_prior_knowledge()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let err = fetch_err(&Fetcher::with_client(client), &server.url("/")).await;
    assert_eq!(err.kind(), &FetchErrorKind::Protocol, "{err}");
    assert!(
        err.to_string()
            .ends_with("(connection error received: unspecific protocol error detected)"),
        "{err}"
    );
}

#[tokio::test]
async fn a_redirect_loop_is_a_redirect_error_after_the_limit() {
    let server = redirect_to_itself(11);
    let err = fetch_err(&offline(), &server.url("/loop")).await;
    assert_eq!(err.kind(), &FetchErrorKind::Redirect, "{err}");
    assert_eq!(
        err.to_string(),
        format!(
            "{}: redirect not followed (too many redirects: more than 10)",
            server.url("/loop")
        )
    );
    assert_eq!(server.accepted(), 11, "the request and ten redirects");
}

#[tokio::test]
async fn a_redirect_to_an_unsupported_scheme_is_a_redirect_error_not_an_invalid_url() {
    let server = TestServer::start();
    let url = server.url("/redirect-to?url=ftp://files.invalid/x");
    let err = fetch_err(&offline(), &url).await;
    assert_eq!(err.kind(), &FetchErrorKind::Redirect, "{err}");
    assert!(
        err.to_string()
            .ends_with("(redirect to ftp://files.invalid/x: unsupported scheme ftp)"),
        "{err}"
    );
    // The same through a client that follows redirects itself.
    let following = Fetcher::with_client(offline_client().build().unwrap());
    let err = fetch_err(&following, &url).await;
    assert_eq!(err.kind(), &FetchErrorKind::Redirect, "{err}");
}

#[tokio::test]
async fn a_mixed_fault_fan_out_names_the_cause_of_every_failure() {
    let servers = [
        misbehaving(1, reset_now),
        misbehaving(1, close_now),
        misbehaving(1, reply_ssh_banner),
        misbehaving(1, reply_endless_header),
        misbehaving(1, reset_after_ten_body_bytes),
        misbehaving(1, reply_broken_chunk),
        redirect_to_itself(11),
    ];
    let urls: Vec<String> = servers.iter().map(|s| s.url("/")).collect();
    let results = by_index(offline().fetch_all(urls).collect().await);
    let kinds: Vec<FetchErrorKind> = results
        .values()
        .map(|f| f.result.as_ref().unwrap_err().kind().clone())
        .collect();
    use FetchErrorKind::*;
    assert_eq!(
        kinds,
        [
            Closed, Closed, Protocol, Protocol, Closed, Protocol, Redirect
        ]
    );
    for f in results.values() {
        let msg = f.result.as_ref().unwrap_err().to_string();
        assert!(
            msg.ends_with(')') && !msg.contains("request failed"),
            "{msg}"
        );
    }
}

// ---- the redirect policy ---------------------------------------------

#[tokio::test]
async fn by_default_up_to_ten_redirects_are_followed_to_any_host() {
    let server = TestServer::start();
    let page = offline().fetch(&server.url("/redirect/10")).await.unwrap();
    assert_eq!(
        (page.status, page.url.path()),
        (StatusCode::OK, "/redirect/0")
    );
    let err = fetch_err(&offline(), &server.url("/redirect/11")).await;
    assert_eq!(err.kind(), &FetchErrorKind::Redirect);

    // 127.0.0.1 to localhost: another host, followed.
    let target = format!("http://localhost:{}/bytes/3", server.addr().port());
    let page = offline()
        .fetch(&server.url(&format!("/redirect-to?url={target}")))
        .await
        .unwrap();
    assert_eq!((page.len, page.url.as_str()), (3, target.as_str()));
}

#[tokio::test]
async fn redirects_none_makes_the_redirect_the_page() {
    let server = TestServer::start();
    let fetcher = offline().redirects(Redirects::None);
    let page = fetcher.fetch(&server.url("/redirect/1")).await.unwrap();
    assert_eq!(page.status, StatusCode::FOUND);
    assert_eq!(page.url.path(), "/redirect/1");
    assert_eq!(server.served(), 1);
    let err = fetch_err(&fetcher.error_for_status(true), &server.url("/redirect/1")).await;
    assert_eq!(err.kind(), &FetchErrorKind::Status(StatusCode::FOUND));
}

#[tokio::test]
async fn redirects_limit_follows_exactly_that_many() {
    let server = TestServer::start();
    let fetcher = offline().redirects(Redirects::Limit(2));
    assert!(fetcher.fetch(&server.url("/redirect/2")).await.is_ok());
    let err = fetch_err(&fetcher, &server.url("/redirect/3")).await;
    assert_eq!(err.kind(), &FetchErrorKind::Redirect);
    assert!(
        err.to_string()
            .ends_with("(too many redirects: more than 2)"),
        "{err}"
    );
}

#[tokio::test]
async fn redirects_same_host_follows_only_the_given_host() {
    let server = TestServer::start();
    let fetcher = offline().redirects(Redirects::SameHost(5));
    let page = fetcher.fetch(&server.url("/redirect/3")).await.unwrap();
    assert_eq!(page.url.path(), "/redirect/0");

    let target = format!("http://localhost:{}/bytes/3", server.addr().port());
    let served = server.served();
    let err = fetch_err(&fetcher, &server.url(&format!("/redirect-to?url={target}"))).await;
    assert_eq!(err.kind(), &FetchErrorKind::Redirect);
    assert!(
        err.to_string().ends_with(&format!(
            "(redirect to {target}: another host, and the policy is same-host)"
        )),
        "{err}"
    );
    assert_eq!(
        server.served(),
        served + 1,
        "the other host was never asked"
    );
}

#[tokio::test]
async fn a_client_that_follows_redirects_itself_against_the_policy_fails_naming_the_mistake() {
    let server = TestServer::start();
    let following = Fetcher::with_client(offline_client().build().unwrap());
    let err = fetch_err(
        &following.clone().redirects(Redirects::None),
        &server.url("/redirect/1"),
    )
    .await;
    assert_eq!(err.kind(), &FetchErrorKind::Redirect);
    assert!(
        err.to_string()
            .contains("build the client with redirect(reqwest::redirect::Policy::none())"),
        "{err}"
    );
    // What the policy allows passes.
    assert!(following.fetch(&server.url("/redirect/1")).await.is_ok());
}

// ---- lines ---------------------------------------------------------------

/// python3's lines of `bytes` in text mode (universal newlines), each with
/// its end as Python gives it.
fn python_lines(bytes: &[u8]) -> Vec<String> {
    let script = "import io, json, sys\n\
                  data = sys.stdin.buffer.read()\n\
                  print(json.dumps(list(io.TextIOWrapper(io.BytesIO(data), newline=None))))";
    let mut child = std::process::Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs");
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), bytes).unwrap();
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let json = String::from_utf8(out.stdout).unwrap();
    let inner = json.trim().trim_start_matches('[').trim_end_matches(']');
    if inner.is_empty() {
        return Vec::new();
    }
    inner
        .split(", ")
        .map(|s| s.trim_matches('"').replace("\\n", "\n"))
        .collect()
}

/// Serves `body` once, a byte at a time, so that every line end can fall
/// across a chunk boundary.
fn trickle(body: &'static [u8]) -> Hostile {
    Hostile::serve(1, move |_, mut stream| {
        read_head(&mut stream);
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        send(&mut stream, head.as_bytes());
        for b in body {
            send(&mut stream, &[*b]);
            std::thread::sleep(Duration::from_millis(2));
        }
    })
}

#[tokio::test]
async fn body_lines_end_where_python_ends_them() {
    let inputs: [&'static [u8]; 8] = [
        b"a\rb",
        b"a\r\r\nb",
        b"a\n\rb",
        b"a\rb\r",
        b"a\r\nb\n",
        b"\r",
        b"x\r\r",
        b"one\ntwo",
    ];
    for input in inputs {
        let python = python_lines(input);
        let server = trickle(input);
        let kept = offline().keep_line_ends(true);
        let lines: Vec<String> = kept
            .lines(server.url("/"))
            .map(Result::unwrap)
            .collect()
            .await;
        assert_eq!(lines, python, "{input:?}");
        let server = trickle(input);
        let stripped: Vec<String> = offline()
            .lines(server.url("/"))
            .map(Result::unwrap)
            .collect()
            .await;
        let python_stripped: Vec<&str> = python
            .iter()
            .map(|l| l.strip_suffix('\n').unwrap_or(l))
            .collect();
        assert_eq!(stripped, python_stripped, "{input:?} stripped");
    }
}

#[tokio::test]
async fn a_body_that_stops_mid_line_leaves_the_one_line_without_a_newline() {
    // No length: the body ends when the server closes, here mid-line.
    let server = Hostile::serve(1, |_, mut stream| {
        read_head(&mut stream);
        send(
            &mut stream,
            b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nfirst\r\nsecond\ncut sh",
        );
    });
    let fetcher = offline().keep_line_ends(true);
    let lines: Vec<String> = fetcher
        .lines(server.url("/"))
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(lines, ["first\n", "second\n", "cut sh"]);
}

#[tokio::test]
async fn a_body_line_past_the_limit_is_an_error_naming_it_and_the_connection_is_dropped() {
    // A line without end, sent for as long as the client reads.
    let gave_up = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let seen = Arc::clone(&gave_up);
    let server = Hostile::serve(1, move |_, mut stream| {
        read_head(&mut stream);
        send(
            &mut stream,
            b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nok\n",
        );
        let filler = vec![b'x'; 64 * 1024];
        for _ in 0..1024 {
            if std::io::Write::write_all(&mut stream, &filler).is_err() {
                seen.store(true, std::sync::atomic::Ordering::SeqCst);
                return;
            }
        }
    });
    let fetcher = offline().max_line_len(100_000);
    let items: Vec<_> = fetcher.lines(server.url("/")).collect().await;
    let lens: Vec<_> = items.iter().map(|i| i.as_ref().map(String::len)).collect();
    assert_eq!(items.len(), 2, "{lens:?}");
    assert_eq!(items[0].as_ref().unwrap(), "ok");
    let err = items[1].as_ref().expect_err("the second line is too long");
    assert_eq!(
        err.kind(),
        &FetchErrorKind::LineTooLong {
            line: 2,
            limit: 100_000
        }
    );
    assert_eq!(err.bytes_received(), 3);
    assert_eq!(
        err.to_string(),
        format!(
            "{}: line 2 longer than 100000 bytes (3 bytes received)",
            server.url("/")
        )
    );
    for _ in 0..500 {
        if gave_up.load(std::sync::atomic::Ordering::SeqCst) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the server was still sending the line 5 s after the error");
}

#[tokio::test]
async fn a_kept_body_past_max_body_len_is_an_error_and_the_connection_is_dropped() {
    let gave_up = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let seen = Arc::clone(&gave_up);
    // A body without end, sent for as long as the client reads.
    let server = Hostile::serve(1, move |_, mut stream| {
        read_head(&mut stream);
        send(&mut stream, b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
        let filler = vec![b'x'; 64 * 1024];
        for _ in 0..1024 {
            if std::io::Write::write_all(&mut stream, &filler).is_err() {
                seen.store(true, std::sync::atomic::Ordering::SeqCst);
                return;
            }
        }
    });
    let fetcher = offline().keep_body(true).max_body_len(1 << 20);
    let err = fetch_err(&fetcher, &server.url("/")).await;
    assert_eq!(err.kind(), &FetchErrorKind::BodyTooLarge { limit: 1 << 20 });
    assert!(err.bytes_received() > 1 << 20, "{}", err.bytes_received());
    assert!(
        err.to_string().contains(": body longer than 1048576 bytes"),
        "{err}"
    );
    for _ in 0..500 {
        if gave_up.load(std::sync::atomic::Ordering::SeqCst) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the server was still sending the body 5 s after the error");
}

// ---- content encodings -------------------------------------------------

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// Serves `body` `conns` times with `Content-Encoding: encoding`; each
/// request head goes to `heads`.
fn encoded(
    conns: usize,
    encoding: &'static str,
    body: Vec<u8>,
) -> (Hostile, std::sync::mpsc::Receiver<String>) {
    let (tx, heads) = std::sync::mpsc::channel();
    let tx = std::sync::Mutex::new(tx);
    let server = Hostile::serve(conns, move |_, mut stream| {
        let head = read_head(&mut stream);
        let _ = tx.lock().unwrap().send(head);
        let reply = format!(
            "HTTP/1.1 200 OK\r\nContent-Encoding: {encoding}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        send(&mut stream, reply.as_bytes());
        send(&mut stream, &body);
    });
    (server, heads)
}

#[tokio::test]
async fn a_gzip_body_comes_decoded_as_aiohttp_gives_it() {
    let text = b"first line\nsecond line\n".repeat(100);
    let (server, heads) = encoded(2, "gzip", gzip(&text));
    let fetcher = offline().keep_body(true);
    let page = fetcher.fetch(&server.url("/")).await.unwrap();
    assert_eq!(page.body.as_deref(), Some(&text[..]));
    assert_eq!((page.len, page.encoding), (text.len() as u64, None));
    let head = heads.recv().unwrap().to_ascii_lowercase();
    assert!(head.contains("accept-encoding: gzip"), "{head}");
    let lines: Vec<String> = fetcher
        .lines(server.url("/"))
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(lines.len(), 200);
    assert_eq!(lines[1], "second line");
}

#[tokio::test]
async fn a_gzip_bomb_read_as_lines_stops_at_the_line_limit() {
    // 64 MiB of one line, about 64 KiB on the wire.
    let bomb = gzip(&vec![b'x'; 64 << 20]);
    assert!(bomb.len() < 1 << 20);
    let (server, _heads) = encoded(1, "gzip", bomb);
    let items: Vec<_> = offline().lines(server.url("/")).collect().await;
    assert_eq!(items.len(), 1);
    let err = items[0].as_ref().expect_err("the line is too long");
    assert_eq!(
        err.kind(),
        &FetchErrorKind::LineTooLong {
            line: 1,
            limit: 64 * 1024
        }
    );
}

#[tokio::test]
async fn a_body_in_an_encoding_the_client_does_not_decode_is_named_not_passed_off_as_plain() {
    let (server, _heads) = encoded(2, "br", b"\x1b\x03\x00\xf8\xa5\x40\x02".to_vec());
    let page = offline().fetch(&server.url("/")).await.unwrap();
    assert_eq!(page.encoding.as_deref(), Some("br"));
    assert_eq!(page.len, 7, "the bytes as sent");
    let items: Vec<_> = offline().lines(server.url("/")).collect().await;
    assert_eq!(items.len(), 1);
    let err = items[0].as_ref().unwrap_err();
    assert_eq!(err.kind(), &FetchErrorKind::Body);
    assert!(
        err.to_string()
            .ends_with("(the body is br-encoded, which the client does not decode: not text)"),
        "{err}"
    );
}

#[tokio::test]
async fn a_corrupt_gzip_body_is_a_body_error_naming_the_cause() {
    let (server, _heads) = encoded(1, "gzip", b"this is not gzip at all".to_vec());
    let err = fetch_err(&offline(), &server.url("/")).await;
    assert_eq!(err.kind(), &FetchErrorKind::Body, "{err}");
    println!("{err}");
    assert!(err.to_string().contains(": cannot read body ("), "{err}");
}

#[tokio::test]
async fn a_url_with_a_fragment_is_not_mistaken_for_a_redirect() {
    let server = TestServer::start();
    let url = server.url("/bytes/3#section");
    let page = offline()
        .redirects(Redirects::None)
        .fetch(&url)
        .await
        .unwrap();
    assert_eq!((page.status, page.len), (StatusCode::OK, 3));
    // Nor through a client that follows redirects itself.
    let following = Fetcher::with_client(offline_client().build().unwrap());
    let strict = following.redirects(Redirects::None);
    assert_eq!(strict.fetch(&url).await.unwrap().len, 3);
}
