use core::future::Future;

use std::collections::HashMap;

use tokio::task::{self, JoinSet};
use tokio::time::Instant;

use super::{FetchError, FetchErrorKind, Fetched, Fetcher};
use crate::AsyncGen;
use crate::async_gen::async_generator;

impl Fetcher {
    /// Fetches every URL, at most [`concurrency`](Fetcher::concurrency) at a
    /// time, and yields one [`Fetched`] per URL as each completes (the
    /// seed's `gather` of `fetch_url`s, as results arrive).
    ///
    /// Every URL gets exactly one result: an invalid URL, an unknown host, a
    /// refused connection, a timeout or (with
    /// [`error_for_status`](Fetcher::error_for_status)) a bad status is an
    /// `Err` in its own [`Fetched`], and fetching the others goes on.
    /// [`Fetched::index`] says which input it was. A request whose task was
    /// stopped before it finished, because the runtime that ran it shut down
    /// while the generator lived on (a runtime built per call, a dropped
    /// `Runtime`), is a [`FetchErrorKind::Cancelled`] result of its own; the
    /// generator carries on in the runtime that polls it next.
    ///
    /// Lazy: nothing is sent before the first poll. Requests run as tokio
    /// tasks, so a slow consumer neither stalls them nor eats into their
    /// timeouts; a new one starts when a finished one has been yielded, so
    /// at most `concurrency` results wait for the consumer. URLs are taken
    /// from `urls` as slots free up, so it may be long or endless. Closing or
    /// dropping the generator aborts the requests in flight.
    ///
    /// Relative: `futures::StreamExt::buffer_unordered` over
    /// [`Fetcher::fetch`], which runs requests only while polled.
    ///
    /// # Panics
    ///
    /// When polled outside a tokio runtime. A panic in a request (a bug in
    /// a dependency) resumes in the consumer.
    ///
    /// # Cancel safety
    ///
    /// Its `next()` is cancel safe, as for any [`AsyncGen`]: a result is
    /// yielded in the poll that collects it (tokio's `JoinSet`), and a
    /// `next()` dropped before that leaves the generator where it is; the
    /// requests go on as tasks meanwhile, and the next `next()` delivers
    /// their results. No result is lost.
    ///
    /// # Examples
    ///
    /// ```
    /// use futures::StreamExt;
    /// use std::time::Duration;
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let server = cogen_testserver::TestServer::start();
    /// let urls: Vec<String> = (0..6).map(|_| server.url("/delay/0.1")).collect();
    ///
    /// let fetcher = cogen::http::Fetcher::new().concurrency(3).timeout(Duration::from_secs(5));
    /// let results: Vec<_> = fetcher.fetch_all(urls).collect().await;
    /// assert_eq!(results.len(), 6);
    /// assert!(results.iter().all(|f| f.result.is_ok()));
    /// assert_eq!(server.peak_in_flight(), 3);
    /// # });
    /// ```
    #[track_caller]
    pub fn fetch_all<I>(&self, urls: I) -> AsyncGen<Fetched, impl Future<Output = ()> + use<I>>
    where
        I: IntoIterator<Item: Into<String>>,
    {
        let fetcher = self.clone();
        let urls = urls.into_iter();
        async_generator(async move |mut co| {
            let mut urls = urls.enumerate();
            let mut running = JoinSet::new();
            // What each task is fetching, so that a task that never reports
            // (cancelled) still gets its URL's one result.
            let mut started: HashMap<task::Id, (usize, String, Instant)> = HashMap::new();
            loop {
                while running.len() < fetcher.concurrency {
                    let Some((index, url)) = urls.next() else {
                        break;
                    };
                    let url: String = url.into();
                    let task_fetcher = fetcher.clone();
                    let task_url = url.clone();
                    let handle = running.spawn(async move {
                        let result = task_fetcher.fetch(&task_url).await;
                        Fetched {
                            index,
                            url: task_url,
                            result,
                        }
                    });
                    started.insert(handle.id(), (index, url, Instant::now()));
                }
                let fetched = match running.join_next_with_id().await {
                    None => return,
                    Some(Ok((id, fetched))) => {
                        started.remove(&id);
                        fetched
                    }
                    // Only the JoinSet's drop aborts these tasks, so a
                    // cancelled one was stopped by its runtime shutting
                    // down (a runtime per call, a dropped `Runtime`).
                    Some(Err(e)) if e.is_cancelled() => {
                        let (index, url, start) = started
                            .remove(&e.id())
                            .expect("cogen bug: a fetch task that was never started");
                        let err = FetchError::new(&url, FetchErrorKind::Cancelled)
                            .with_source(e)
                            .at(start.elapsed(), 0);
                        Fetched {
                            index,
                            url,
                            result: Err(err),
                        }
                    }
                    Some(Err(e)) => std::panic::resume_unwind(e.into_panic()),
                };
                co.yield_(fetched).await;
            }
        })
    }
}
