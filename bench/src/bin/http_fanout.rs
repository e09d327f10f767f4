//! HTTP fan-out: N GETs at concurrency C against the loopback test server,
//! with cogen's `fetch_all` beside a bare reqwest loop written directly and
//! (if aiohttp is installed) CPython's aiohttp.
//!
//! usage: http_fanout [--requests N] [--concurrency C,C,...] [--rounds R]
//!                    [--path /bytes/100] [--server URL] [--case NAME]
//!
//! Cases run round-robin, R rounds each; the table gives requests per second
//! at the minimum and median time, and the median's ratio to `bare_buffered`.
//! `--case NAME` runs one case once (for callgrind, with `--server` pointing
//! at a `cogen-testserver` in another process, so only the client counts).

use std::time::{Duration, Instant};

use cogen::http::Fetcher;
use futures::StreamExt;
use tokio::task::JoinSet;

/// A request's timeout, the same in every case.
const TIMEOUT: Duration = Duration::from_secs(10);

struct Args {
    requests: usize,
    concurrency: Vec<usize>,
    rounds: usize,
    path: String,
    server: Option<String>,
    case: Option<String>,
}

fn parse_args() -> Args {
    let mut args = Args {
        requests: 2000,
        concurrency: vec![16, 64],
        rounds: 7,
        path: "/bytes/100".into(),
        server: None,
        case: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--requests" => args.requests = value().parse().expect("--requests N"),
            "--concurrency" => {
                args.concurrency = value()
                    .split(',')
                    .map(|c| c.parse().expect("--concurrency C,C"))
                    .collect()
            }
            "--rounds" => args.rounds = value().parse().expect("--rounds R"),
            "--path" => args.path = value(),
            "--server" => args.server = Some(value()),
            "--case" => args.case = Some(value()),
            other => {
                eprintln!("http_fanout: unknown argument {other:?}");
                std::process::exit(2);
            }
        }
    }
    args
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        // cogen's Fetcher follows redirects itself, by its own policy.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a reqwest client")
}

/// The bare loop: `buffer_unordered` over reqwest futures.
async fn bare_buffered(client: &reqwest::Client, urls: Vec<String>, c: usize) -> usize {
    futures::stream::iter(urls)
        .map(|url| async move {
            let response = client.get(url).timeout(TIMEOUT).send().await?;
            let status = response.status();
            let body = response.bytes().await?;
            Ok::<_, reqwest::Error>((status, body.len()))
        })
        .buffer_unordered(c)
        .filter(|r| std::future::ready(r.as_ref().is_ok_and(|(s, _)| s.is_success())))
        .count()
        .await
}

/// The bare loop with each request a tokio task, as `fetch_all` runs them.
async fn bare_tasks(client: &reqwest::Client, urls: Vec<String>, c: usize) -> usize {
    let mut urls = urls.into_iter();
    let mut running = JoinSet::new();
    let mut ok = 0;
    loop {
        while running.len() < c {
            let Some(url) = urls.next() else { break };
            let client = client.clone();
            running.spawn(async move {
                let response = client.get(url).timeout(TIMEOUT).send().await?;
                let status = response.status();
                let body = response.bytes().await?;
                Ok::<_, reqwest::Error>((status, body.len()))
            });
        }
        match running.join_next().await {
            None => return ok,
            Some(r) => ok += usize::from(r.expect("no panic").is_ok_and(|(s, _)| s.is_success())),
        }
    }
}

/// cogen: `Fetcher::fetch_all`, one result per URL as each completes.
async fn cogen_fetch_all(client: &reqwest::Client, urls: Vec<String>, c: usize) -> usize {
    let fetcher = Fetcher::with_client(client.clone())
        .concurrency(c)
        .timeout(TIMEOUT);
    fetcher
        .fetch_all(urls)
        .filter(|f| std::future::ready(f.result.as_ref().is_ok_and(|p| p.status.is_success())))
        .count()
        .await
}

const CASES: &[&str] = &["bare_buffered", "bare_tasks", "cogen_fetch_all"];

async fn run_case(name: &str, client: &reqwest::Client, urls: Vec<String>, c: usize) -> usize {
    match name {
        "bare_buffered" => bare_buffered(client, urls, c).await,
        "bare_tasks" => bare_tasks(client, urls, c).await,
        "cogen_fetch_all" => cogen_fetch_all(client, urls, c).await,
        other => panic!("unknown case {other:?}; cases: {CASES:?}"),
    }
}

/// The real interpreter (`python3` may be a pyenv shim) if aiohttp imports.
fn python_with_aiohttp() -> Option<String> {
    let out = std::process::Command::new("python3")
        .args(["-c", "import sys, aiohttp; print(sys.executable)"])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// One aiohttp run: its own time for the fan-out, in seconds.
fn aiohttp_run(python: &str, base: &str, args: &Args, c: usize) -> Duration {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/py/http_fanout.py");
    let out = std::process::Command::new(python)
        .args([
            script,
            base,
            &args.path,
            &args.requests.to_string(),
            &c.to_string(),
        ])
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "aiohttp run failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let secs: f64 = String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("the script prints seconds");
    Duration::from_secs_f64(secs)
}

fn main() {
    let args = parse_args();
    let server = args
        .server
        .is_none()
        .then(cogen_testserver::TestServer::start);
    let base = match (&args.server, &server) {
        (Some(url), _) => url.trim_end_matches('/').to_string(),
        (None, Some(s)) => s.url(""),
        (None, None) => unreachable!(),
    };
    let url = format!("{base}{}", args.path);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let client = client();

    if let Some(case) = &args.case {
        let c = args.concurrency[0];
        let ok = runtime.block_on(run_case(case, &client, vec![url; args.requests], c));
        assert_eq!(ok, args.requests, "every request succeeds");
        println!("{ok}");
        return;
    }

    let python = python_with_aiohttp();
    println!(
        "{} GETs of {} per run, {} rounds, client on one thread, server on another",
        args.requests, args.path, args.rounds
    );
    if python.is_none() {
        println!("(aiohttp is not installed for python3: its row is left out)");
    }
    println!(
        "{:<18} {:>4} {:>12} {:>12} {:>10}",
        "case", "C", "req/s (best)", "req/s (med)", "vs bare"
    );
    for &c in &args.concurrency {
        // Warm the pool and the server.
        runtime.block_on(run_case(
            "bare_buffered",
            &client,
            vec![url.clone(); c * 4],
            c,
        ));
        let mut names: Vec<&str> = CASES.to_vec();
        if python.is_some() {
            names.push("python_aiohttp");
        }
        let mut times: Vec<Vec<Duration>> = vec![Vec::new(); names.len()];
        for _ in 0..args.rounds {
            for (i, name) in names.iter().enumerate() {
                let elapsed = if *name == "python_aiohttp" {
                    aiohttp_run(python.as_deref().unwrap(), &base, &args, c)
                } else {
                    let urls = vec![url.clone(); args.requests];
                    let start = Instant::now();
                    let ok = runtime.block_on(run_case(name, &client, urls, c));
                    assert_eq!(ok, args.requests, "{name}: every request succeeds");
                    start.elapsed()
                };
                times[i].push(elapsed);
            }
        }
        let rate = |d: Duration| args.requests as f64 / d.as_secs_f64();
        let median = |t: &mut Vec<Duration>| {
            t.sort();
            t[t.len() / 2]
        };
        let base_median = median(&mut times[0].clone());
        for (name, t) in names.iter().zip(&mut times) {
            let med = median(t);
            println!(
                "{:<18} {:>4} {:>12.0} {:>12.0} {:>9.2}x",
                name,
                c,
                rate(t[0]),
                rate(med),
                rate(med) / rate(base_median)
            );
        }
    }
}
