//! Hostile servers on raw TCP (127.0.0.1 only) for the `http_*` tests: they
//! misbehave where hyper would be polite. Each accepts a fixed number of
//! connections within a deadline and then stops; every socket has timeouts.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a hostile server waits for its connections before it stops.
const ACCEPT_DEADLINE: Duration = Duration::from_secs(20);
/// Read and write timeout of every accepted socket.
const SOCKET_TIMEOUT: Duration = Duration::from_secs(20);

/// A raw TCP server on 127.0.0.1 that hands each accepted connection (with
/// its 0-based number) to `handler` on a thread of its own.
pub struct Hostile {
    addr: SocketAddr,
    accepted: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Hostile {
    /// Serves at most `conns` connections, each with `handler`.
    pub fn serve<F>(conns: usize, handler: F) -> Hostile
    where
        F: Fn(usize, TcpStream) + Send + Sync + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        listener.set_nonblocking(true).expect("set_nonblocking");
        let addr = listener.local_addr().expect("local_addr");
        let accepted = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (count, stopping) = (Arc::clone(&accepted), Arc::clone(&stop));
        let handler = Arc::new(handler);
        let thread = std::thread::spawn(move || {
            let deadline = Instant::now() + ACCEPT_DEADLINE;
            let mut handlers = Vec::new();
            while count.load(Ordering::SeqCst) < conns
                && Instant::now() < deadline
                && !stopping.load(Ordering::SeqCst)
            {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let n = count.fetch_add(1, Ordering::SeqCst);
                        stream.set_nonblocking(false).unwrap();
                        stream.set_read_timeout(Some(SOCKET_TIMEOUT)).unwrap();
                        stream.set_write_timeout(Some(SOCKET_TIMEOUT)).unwrap();
                        let handler = Arc::clone(&handler);
                        handlers.push(std::thread::spawn(move || handler(n, stream)));
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                    Err(e) => panic!("hostile server: accept: {e}"),
                }
            }
            drop(listener);
            for h in handlers {
                let _ = h.join();
            }
        });
        Hostile {
            addr,
            accepted,
            stop,
            thread: Some(thread),
        }
    }

    /// The URL of `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Connections accepted so far.
    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

impl Drop for Hostile {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Reads one request head (up to the blank line); empty if the peer closed.
pub fn read_head(stream: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(0) | Err(_) => break,
            Ok(_) => head.push(byte[0]),
        }
    }
    String::from_utf8_lossy(&head).into_owned()
}

/// Closes `stream` with a TCP reset instead of a FIN.
pub fn reset(stream: TcpStream) {
    socket2::SockRef::from(&stream)
        .set_linger(Some(Duration::ZERO))
        .expect("SO_LINGER");
    drop(stream);
}

/// Writes `bytes`, ignoring a peer that went away.
pub fn send(stream: &mut TcpStream, bytes: &[u8]) {
    let _ = stream.write_all(bytes);
    let _ = stream.flush();
}

/// A complete `200 OK` response with `body` and `Connection: close`.
pub fn ok_response(body: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    r.extend_from_slice(body);
    r
}
