//! `Fetcher::lines` against a server that sends one endless line: the heap
//! it costs stays near the line limit, whatever the server sends. Its own
//! binary, so that the allocation counter sees no other test.

mod hostile;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use cogen::http::{FetchErrorKind, Fetcher};
use futures::StreamExt;
use hostile::{Hostile, read_head, send};

/// The system allocator, counting the bytes live and the most there were.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed on to the system allocator unchanged; the
// counters only observe sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(now, Ordering::Relaxed);
        // SAFETY: the caller's contract for `alloc`, passed on.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's contract for `dealloc`, passed on.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            let now = LIVE.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size
                - layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        } else {
            LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        // SAFETY: the caller's contract for `realloc`, passed on.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const MIB: usize = 1 << 20;

#[test]
fn an_endless_body_line_costs_about_the_line_limit_not_what_the_server_sends() {
    // 16 MiB of one line, as fast as loopback goes.
    let server = Hostile::serve(1, |_, mut stream| {
        read_head(&mut stream);
        send(
            &mut stream,
            b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nok\n",
        );
        let filler = vec![b'x'; MIB];
        for _ in 0..16 {
            if std::io::Write::write_all(&mut stream, &filler).is_err() {
                return;
            }
        }
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = reqwest::Client::builder()
        .dns_resolver(Arc::new(cogen_testserver::OfflineResolver))
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let fetcher = Fetcher::with_client(client).timeout(Duration::from_secs(30));
    let items: Vec<_> = runtime.block_on(async {
        let before = LIVE.load(Ordering::Relaxed);
        PEAK.store(before, Ordering::Relaxed);
        let items: Vec<_> = fetcher.lines(server.url("/")).collect().await;
        let grew = PEAK.load(Ordering::Relaxed) - before;
        println!("peak heap growth while reading the line: {grew} bytes");
        assert!(
            grew < 2 * MIB,
            "the endless line cost {grew} bytes of heap at its peak"
        );
        items
    });
    let lens: Vec<_> = items.iter().map(|i| i.as_ref().map(String::len)).collect();
    assert_eq!(items.len(), 2, "{lens:?}");
    let err = items[1].as_ref().expect_err("the second line is too long");
    assert_eq!(
        err.kind(),
        &FetchErrorKind::LineTooLong {
            line: 2,
            limit: 64 * 1024
        },
        "the default limit is aiohttp's 64 KiB"
    );
}
