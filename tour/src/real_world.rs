//! Seed 003, sections 6.1, 6.2 and 7.1: HTTP requests, file operations, and
//! synchronous against asynchronous fetching, made real and offline.
//!
//! httpbin.org is replaced by `cogen-testserver`, an httpbin-like server on
//! loopback started in-process; the client's resolver knows only localhost,
//! so the seed's `invalid-url-test.com` fails as an unknown host without a
//! DNS query. Nothing leaves the machine.

use std::sync::Arc;
use std::time::{Duration, Instant};

use cogen::http::Fetcher;
use cogen::rt;
use cogen_testserver::{OfflineResolver, TestServer};
use futures::StreamExt;

use crate::progress::Progress;
use crate::{delay, say, section};

fn secs(d: Duration) -> String {
    format!("{:.2}s", d.as_secs_f64())
}

/// A reqwest client that never leaves the machine.
pub(crate) fn offline_client() -> reqwest::Client {
    reqwest::Client::builder()
        .dns_resolver(Arc::new(OfflineResolver))
        .no_proxy()
        // cogen's Fetcher follows redirects itself, by its own policy.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a reqwest client")
}

/// `/delay/{secs}` on `server`, with the seed's delay scaled by `--quick`.
fn delay_url(server: &TestServer, seconds: f64) -> String {
    server.url(&format!("/delay/{}", delay(seconds).as_secs_f64()))
}

/// Seed 6.1: `fetch_url` for four URLs, one invalid, with `gather`.
pub(crate) fn async_http_requests() {
    section("6.1 Asynchronous HTTP requests (aiohttp -> cogen::http::fetch_all)");
    let server = TestServer::start();
    let urls = vec![
        delay_url(&server, 1.0),
        delay_url(&server, 2.0),
        delay_url(&server, 3.0),
        "https://invalid-url-test.com".to_string(),
    ];
    rt::run(async move {
        let start = Instant::now();
        // async with aiohttp.ClientSession() as session: ... timeout=10
        let fetcher = Fetcher::with_client(offline_client()).timeout(Duration::from_secs(10));
        let progress = Progress::counted("fetching 4 urls", urls.len() as u64, delay(3.0));
        let mut results = fetcher.fetch_all(urls.clone());
        let mut in_order = vec![String::new(); urls.len()];
        // One result per URL as each completes; the failure is one of them.
        while let Some(fetched) = results.next().await {
            progress.inc();
            let line = match &fetched.result {
                Ok(page) => format!("{}: {} bytes", fetched.url, page.len),
                Err(e) => format!("{}: error - {}", fetched.url, e.kind()),
            };
            say!("[{}] {line}", secs(start.elapsed()));
            in_order[fetched.index] = line;
        }
        drop(progress);
        say!("gather's order (the tutorial prints this):");
        for line in in_order {
            say!("{line}");
        }
        say!(
            "all four in {}: the three delays overlapped",
            secs(start.elapsed())
        );
    });
}

/// Seed 6.2: write, read whole, iterate lines (aiofiles -> cogen::io).
pub(crate) fn async_file_operations() {
    section("6.2 Asynchronous file operations (aiofiles -> cogen::io)");
    let dir = std::env::temp_dir().join(format!("cogen-tour-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let path = dir.join("test.txt");
    rt::run(async {
        // async with aiofiles.open('test.txt', 'w') as f: two writes
        cogen::io::write(&path, "Hello, async world!\n")
            .await
            .expect("write");
        cogen::io::append(&path, "This is async file IO.\n")
            .await
            .expect("append");

        let content = cogen::io::read_to_string(&path).await.expect("read");
        say!("File content:");
        say!("{content}");

        // async for line in f:
        let mut lines = cogen::io::lines(&path);
        while let Some(line) = lines.next().await {
            say!("Line: {}", line.expect("a line").trim());
        }

        // Errors say which file, which line and how far the reader got.
        let missing = cogen::io::read_to_string(dir.join("missing.txt")).await;
        say!("reading a missing file: {}", missing.unwrap_err());
        let bad = dir.join("bad.txt");
        cogen::io::write(&bad, b"fine\nalso fine\nnot \xff fine\n")
            .await
            .expect("write");
        let mut lines = cogen::io::lines(&bad);
        while let Some(line) = lines.next().await {
            match line {
                Ok(line) => say!("Line: {line}"),
                Err(e) => say!("error: {e}"),
            }
        }
        let sizes: Vec<usize> = cogen::io::chunks(&path, 16)
            .map(|c| c.expect("a chunk").len())
            .collect()
            .await;
        say!("the same file in 16-byte chunks: {sizes:?}");
    });
    let _ = std::fs::remove_dir_all(&dir);
}

/// Seed 7.1: ten 1-second requests, one after another with a blocking client
/// (the seed's `requests`), then all at once (the seed's aiohttp).
pub(crate) fn sync_against_async() {
    section("7.1 I/O-intensive tasks: synchronous vs asynchronous fetching of 10 URLs");
    let server = TestServer::start();
    let urls: Vec<String> = (0..10).map(|_| delay_url(&server, 1.0)).collect();

    say!("Synchronous version:");
    let start = Instant::now();
    let client = reqwest::blocking::Client::builder()
        .no_proxy()
        .build()
        .expect("a blocking client");
    let progress = Progress::counted("one at a time", urls.len() as u64, delay(10.0));
    let mut results = Vec::new();
    for url in &urls {
        let r = client
            .get(url)
            .send()
            .and_then(|r| r.text())
            .expect("the local server answers");
        results.push(format!("{url}: {} bytes", r.len()));
        progress.inc();
    }
    drop(progress);
    let sync_time = start.elapsed();
    say!(
        "Sync time: {:.2} seconds ({} results)",
        sync_time.as_secs_f64(),
        results.len()
    );

    say!();
    say!("Asynchronous version:");
    let start = Instant::now();
    let results: Vec<String> = rt::run(async {
        let fetcher = Fetcher::with_client(offline_client()).concurrency(10);
        fetcher
            .fetch_all(urls.clone())
            .map(|f| {
                let page = f.result.expect("the local server answers");
                format!("{}: {} bytes", f.url, page.len)
            })
            .collect()
            .await
    });
    let async_time = start.elapsed();
    say!(
        "Async time: {:.2} seconds ({} results)",
        async_time.as_secs_f64(),
        results.len()
    );
    // The seed divides the async time by itself (always 1.0x); this is the
    // ratio it meant.
    say!(
        "Speedup: {:.1}x",
        sync_time.as_secs_f64() / async_time.as_secs_f64()
    );
}
