//! `cogen::http` against the in-process loopback server: every URL gets
//! exactly one outcome, and every failure path says what happened.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use cogen::http::{FetchError, FetchErrorKind, Fetched, Fetcher, StatusCode};
use cogen_testserver::{OfflineResolver, TestServer, refused_url};
use futures::StreamExt;

/// A fetcher whose client never leaves the machine: names other than
/// localhost are unknown hosts, at once.
fn offline() -> Fetcher {
    let client = reqwest::Client::builder()
        .dns_resolver(Arc::new(OfflineResolver))
        .no_proxy()
        .build()
        .unwrap();
    Fetcher::with_client(client)
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

fn kind(f: &Fetched) -> FetchErrorKind {
    f.result.as_ref().unwrap_err().kind().clone()
}

#[tokio::test]
async fn fetch_all_yields_one_result_per_url_in_completion_order() {
    let server = TestServer::start();
    let urls = ["/delay/0.6", "/delay/0.1", "/delay/0.3"].map(|p| server.url(p));
    let results: Vec<Fetched> = offline().fetch_all(urls.clone()).collect().await;
    let order: Vec<usize> = results.iter().map(|f| f.index).collect();
    assert_eq!(order, [1, 2, 0]);
    for f in &results {
        assert_eq!(f.url, urls[f.index]);
        let page = f.result.as_ref().unwrap();
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.len > 0);
    }
    assert_eq!(server.served(), 3);
}

#[tokio::test]
async fn every_failure_is_its_own_result_and_never_aborts_the_others() {
    let server = TestServer::start();
    let urls = vec![
        server.url("/bytes/10"),
        server.url("/status/500"),
        refused_url(),
        "not a url".to_string(),
        "http://invalid-url-test.com/".to_string(),
        server.url("/delay/5"),
        "ftp://localhost/file".to_string(),
        server.url("/bytes/20"),
    ];
    let fetcher = offline()
        .timeout(Duration::from_millis(400))
        .error_for_status(true);
    let results = by_index(fetcher.fetch_all(urls).collect().await);
    assert_eq!(results.len(), 8, "one result per url");
    assert_eq!(results[&0].result.as_ref().unwrap().len, 10);
    assert_eq!(
        kind(&results[&1]),
        FetchErrorKind::Status(StatusCode::INTERNAL_SERVER_ERROR)
    );
    assert_eq!(kind(&results[&2]), FetchErrorKind::Refused);
    assert_eq!(kind(&results[&3]), FetchErrorKind::InvalidUrl);
    assert_eq!(kind(&results[&4]), FetchErrorKind::UnknownHost);
    assert_eq!(kind(&results[&5]), FetchErrorKind::Timeout);
    assert_eq!(kind(&results[&6]), FetchErrorKind::InvalidUrl);
    assert_eq!(results[&7].result.as_ref().unwrap().len, 20);
}

#[tokio::test]
async fn status_outside_2xx_is_a_page_unless_error_for_status() {
    let server = TestServer::start();
    let urls = ["/status/404", "/status/503", "/status/204"].map(|p| server.url(p));
    let lenient = by_index(offline().fetch_all(urls.clone()).collect().await);
    let statuses: Vec<u16> = lenient
        .values()
        .map(|f| f.result.as_ref().unwrap().status.as_u16())
        .collect();
    assert_eq!(statuses, [404, 503, 204]);

    let strict = by_index(
        offline()
            .error_for_status(true)
            .fetch_all(urls)
            .collect()
            .await,
    );
    assert_eq!(
        kind(&strict[&0]),
        FetchErrorKind::Status(StatusCode::NOT_FOUND)
    );
    assert_eq!(
        kind(&strict[&1]),
        FetchErrorKind::Status(StatusCode::SERVICE_UNAVAILABLE)
    );
    assert_eq!(strict[&2].result.as_ref().unwrap().status.as_u16(), 204);
}

#[tokio::test]
async fn concurrency_limit_bounds_the_requests_in_flight() {
    let server = TestServer::start();
    let urls: Vec<String> = (0..9).map(|_| server.url("/delay/0.1")).collect();
    let results: Vec<Fetched> = offline().concurrency(3).fetch_all(urls).collect().await;
    assert_eq!(results.len(), 9);
    assert!(results.iter().all(|f| f.result.is_ok()));
    assert_eq!(server.served(), 9);
    assert_eq!(server.peak_in_flight(), 3);
}

#[tokio::test]
async fn requests_in_flight_start_together_up_to_the_limit() {
    let server = TestServer::start();
    let urls: Vec<String> = (0..10).map(|_| server.url("/delay/0.5")).collect();
    let results: Vec<Fetched> = offline().concurrency(10).fetch_all(urls).collect().await;
    assert_eq!(results.len(), 10);
    // All ten were at the server at once: none waited for another.
    assert_eq!(server.peak_in_flight(), 10);
}

#[tokio::test]
async fn fetch_all_is_lazy_until_first_polled() {
    let server = TestServer::start();
    let results = offline().fetch_all([server.url("/bytes/1")]);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(server.served(), 0, "nothing is sent before the first poll");
    let all: Vec<Fetched> = results.collect().await;
    assert_eq!(all.len(), 1);
    assert_eq!(server.served(), 1);
}

#[tokio::test]
async fn urls_are_taken_from_the_iterator_as_slots_free_up() {
    let server = TestServer::start();
    let taken = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = Arc::clone(&taken);
    let url = server.url("/bytes/1");
    let urls = (0..).map(move |_| {
        counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        url.clone()
    });
    let mut results = offline().concurrency(2).fetch_all(urls);
    let first_three: Vec<Fetched> = results.by_ref().take(3).collect().await;
    assert_eq!(first_three.len(), 3);
    // Two at the start, one more per result yielded: an endless input is fine.
    assert_eq!(taken.load(std::sync::atomic::Ordering::SeqCst), 4);
}

#[tokio::test]
async fn a_slow_consumer_does_not_time_out_requests_in_flight() {
    let server = TestServer::start();
    let urls = ["/delay/0.1", "/delay/0.2"].map(|p| server.url(p));
    let mut results = offline()
        .timeout(Duration::from_millis(600))
        .fetch_all(urls);
    let first = results.next().await.unwrap();
    assert!(first.result.is_ok());
    // The consumer dawdles past the second request's timeout; the request
    // ran meanwhile as a task and finished in time.
    tokio::time::sleep(Duration::from_millis(900)).await;
    let second = results.next().await.unwrap();
    assert!(second.result.is_ok(), "{:?}", second.result);
    assert!(results.next().await.is_none());
}

#[test]
fn dropping_fetch_all_aborts_the_requests_in_flight() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let server = TestServer::start();
    runtime.block_on(async {
        let urls: Vec<String> = (0..3).map(|_| server.url("/delay/30")).collect();
        let mut results = offline().fetch_all(urls);
        let poll = tokio::time::timeout(Duration::from_millis(200), results.next()).await;
        assert!(poll.is_err(), "no request finishes in 200 ms");
        let metrics = tokio::runtime::Handle::current().metrics();
        assert!(
            metrics.num_alive_tasks() >= 3,
            "three requests run as tasks"
        );
        assert_eq!(server.in_flight(), 3);
        drop(results);
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(
            metrics.num_alive_tasks(),
            0,
            "dropping the generator aborted them"
        );
        assert_eq!(server.in_flight(), 0, "and closed their connections");
    });
}

#[tokio::test]
async fn aclose_of_fetch_all_aborts_the_requests_in_flight() {
    let server = TestServer::start();
    let urls: Vec<String> = (0..2).map(|_| server.url("/delay/30")).collect();
    let mut results = offline().fetch_all(urls);
    assert!(
        tokio::time::timeout(Duration::from_millis(100), results.next())
            .await
            .is_err()
    );
    let metrics = tokio::runtime::Handle::current().metrics();
    assert!(metrics.num_alive_tasks() >= 2);
    assert_eq!(server.in_flight(), 2);
    results.aclose().await.unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(metrics.num_alive_tasks(), 0);
    assert_eq!(server.in_flight(), 0);
    assert!(
        results.next().await.is_none(),
        "a closed generator is exhausted"
    );
}

#[tokio::test]
async fn timeout_covers_a_slow_body_and_counts_what_arrived() {
    let server = TestServer::start();
    let fetcher = offline().timeout(Duration::from_millis(500));
    // 10 bytes over 2 s: about 2 arrive before the timeout.
    let err = fetcher
        .fetch(&server.url("/drip?numbytes=10&duration=2"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), &FetchErrorKind::Timeout);
    assert!(
        (1..10).contains(&err.bytes_received()),
        "{}",
        err.bytes_received()
    );
    assert!(err.elapsed() >= Duration::from_millis(500));
    assert!(err.to_string().contains("timed out after"), "{err}");
}

#[tokio::test]
async fn keep_body_keeps_exactly_the_bytes_sent() {
    let server = TestServer::start();
    let page = offline()
        .keep_body(true)
        .fetch(&server.url("/bytes/40"))
        .await
        .unwrap();
    let body = page.body.unwrap();
    assert_eq!(body.len(), 40);
    assert_eq!(&body[..5], b"abcde");
}

#[tokio::test]
async fn body_streams_chunks_as_they_arrive() {
    let server = TestServer::start();
    let fetcher = offline();
    let mut body = fetcher.body(server.url("/drip?numbytes=4&duration=0.4"));
    let mut chunks = 0;
    let mut total = 0;
    while let Some(chunk) = body.next().await {
        chunks += 1;
        total += chunk.unwrap().len();
    }
    assert_eq!(total, 4);
    assert!(
        chunks >= 2,
        "a dripped body arrives in pieces ({chunks} chunks)"
    );
}

#[tokio::test]
async fn body_that_times_out_yields_its_chunks_then_the_timeout() {
    let server = TestServer::start();
    let fetcher = offline().timeout(Duration::from_millis(450));
    let items: Vec<Result<_, FetchError>> = fetcher
        .body(server.url("/drip?numbytes=10&duration=2"))
        .collect()
        .await;
    let (last, chunks) = items.split_last().unwrap();
    let received: usize = chunks.iter().map(|c| c.as_ref().unwrap().len()).sum();
    let err = last.as_ref().unwrap_err();
    assert_eq!(err.kind(), &FetchErrorKind::Timeout);
    assert_eq!(
        err.bytes_received(),
        received as u64,
        "the error counts the chunks yielded"
    );
    assert!((1..10).contains(&received));
}

#[tokio::test]
async fn body_of_a_refused_connection_is_one_error() {
    let fetcher = offline();
    let items: Vec<_> = fetcher.body(refused_url()).collect().await;
    assert_eq!(items.len(), 1);
    assert_eq!(
        items[0].as_ref().unwrap_err().kind(),
        &FetchErrorKind::Refused
    );
}

#[tokio::test]
async fn body_with_error_for_status_is_one_status_error() {
    let server = TestServer::start();
    let fetcher = offline().error_for_status(true);
    let items: Vec<_> = fetcher.body(server.url("/status/404")).collect().await;
    assert_eq!(items.len(), 1);
    assert_eq!(
        items[0].as_ref().unwrap_err().kind(),
        &FetchErrorKind::Status(StatusCode::NOT_FOUND)
    );
}

#[tokio::test]
async fn lines_yields_every_streamed_line() {
    let server = TestServer::start();
    let fetcher = offline();
    let lines: Vec<String> = fetcher
        .lines(server.url("/stream/100"))
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(lines.len(), 100);
    for (i, line) in lines.iter().enumerate() {
        assert!(line.starts_with(&format!("{{\"id\": {i},")), "{line}");
    }
}

#[tokio::test]
async fn lines_stops_at_the_invalid_line_and_names_it() {
    let server = TestServer::start();
    let fetcher = offline();
    let items: Vec<Result<String, FetchError>> =
        fetcher.lines(server.url("/invalid-utf8")).collect().await;
    assert_eq!(items.len(), 3, "two lines, then the error: {items:?}");
    assert_eq!(items[0].as_ref().unwrap(), "one");
    assert_eq!(items[1].as_ref().unwrap(), "two");
    let err = items[2].as_ref().unwrap_err();
    assert_eq!(err.kind(), &FetchErrorKind::InvalidUtf8 { line: 3 });
    assert_eq!(err.bytes_received(), 8);
    assert!(err.to_string().contains("invalid utf-8 in line 3"), "{err}");
}

#[tokio::test]
async fn lines_joins_a_line_split_across_chunks() {
    let server = TestServer::start();
    let fetcher = offline();
    // Each byte of "*****" arrives on its own; the single line is whole.
    let lines: Vec<String> = fetcher
        .lines(server.url("/drip?numbytes=5&duration=0.25"))
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(lines, ["*****"]);
}

#[test]
#[should_panic(expected = "concurrency limit must be at least 1")]
fn zero_concurrency_panics_with_a_clear_message() {
    let _ = Fetcher::new().concurrency(0);
}

#[tokio::test]
async fn error_messages_name_the_url_and_the_cause() {
    let fetcher = offline();
    let refused = refused_url();
    let msg = |e: FetchError| e.to_string();
    assert_eq!(
        msg(fetcher.fetch(&refused).await.unwrap_err()),
        format!("{refused}: connection refused")
    );
    assert_eq!(
        msg(fetcher
            .fetch("http://invalid-url-test.com/")
            .await
            .unwrap_err()),
        "http://invalid-url-test.com/: unknown host"
    );
    assert!(
        msg(fetcher.fetch("not a url").await.unwrap_err()).starts_with("not a url: invalid url (")
    );
}

#[test]
#[should_panic(expected = "Tokio")]
fn fetch_all_polled_outside_a_tokio_runtime_panics_naming_tokio() {
    let mut results = Fetcher::new().fetch_all(["http://localhost/"]);
    futures::executor::block_on(results.next());
}
