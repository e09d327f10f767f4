//! `cogen::io` against hostile files: FIFOs and terminals whose writers go
//! silent, lines without end, line ends of every kind. A reader closed
//! mid-read lets go at once, a line never costs more than its limit, and
//! lines split as Python splits them.

use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::task::{Context, Poll};
use std::time::Duration;

use cogen::io::{FileError, LineOptions};
use futures::StreamExt;
use tokio::io::{AsyncRead, BufReader, ReadBuf};

/// A fresh directory per test, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("cogen-io-hostile-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
    fn file(&self, name: &str, contents: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, contents).unwrap();
        path
    }
    fn fifo(&self, name: &str) -> PathBuf {
        let path = self.0.join(name);
        let status = Command::new("mkfifo")
            .arg(&path)
            .status()
            .expect("run mkfifo");
        assert!(status.success(), "mkfifo {}", path.display());
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Drops `rt` on another thread; whether that finished within `limit`.
fn dropped_within(rt: tokio::runtime::Runtime, limit: Duration) -> bool {
    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || {
        drop(rt);
        let _ = done.send(());
    });
    finished.recv_timeout(limit).is_ok()
}

/// Opens `fifo` for writing on a thread (that waits for a reader), writes
/// `first`, then writes each string sent on the returned channel and
/// reports how the write went; the writer closes when the channel does.
fn fifo_writer(
    fifo: &Path,
    first: &'static [u8],
) -> (
    mpsc::Sender<&'static [u8]>,
    mpsc::Receiver<std::io::Result<()>>,
) {
    let (say, said) = mpsc::channel::<&'static [u8]>();
    let (report, reports) = mpsc::channel();
    let fifo = fifo.to_path_buf();
    std::thread::spawn(move || {
        let mut w = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
        w.write_all(first).unwrap();
        for text in said {
            let _ = report.send(w.write_all(text));
        }
    });
    (say, reports)
}

#[test]
fn closing_a_fifo_reader_mid_read_lets_go_at_once_and_its_writer_learns() {
    let dir = TempDir::new("fifo-close");
    let fifo = dir.fifo("f");
    let (say, reports) = fifo_writer(&fifo, b"first\n");
    let rt = runtime();
    rt.block_on(async {
        let mut lines = cogen::io::lines(&fifo);
        let first = tokio::time::timeout(Duration::from_secs(10), lines.next()).await;
        assert_eq!(first.unwrap().unwrap().unwrap(), "first");
        let silent = tokio::time::timeout(Duration::from_millis(100), lines.next()).await;
        assert!(silent.is_err(), "the writer is silent: the read waits");
        let closed = tokio::time::timeout(Duration::from_secs(1), lines.aclose()).await;
        assert!(closed.expect("aclose returns at once").is_ok());
    });
    // No read is left in flight: the runtime goes without waiting for the
    // silent writer.
    let dropped = dropped_within(rt, Duration::from_secs(2));
    say.send(b"second\n").unwrap();
    let wrote = reports.recv_timeout(Duration::from_secs(10)).unwrap();
    drop(say);
    assert!(dropped, "dropping the runtime waited on a read of the fifo");
    assert_eq!(
        wrote.map_err(|e| e.kind()),
        Err(ErrorKind::BrokenPipe),
        "the line written after the close is refused, not read and dropped"
    );
}

#[test]
fn a_fifo_reader_waits_for_its_first_writer_and_closing_it_lets_go() {
    let dir = TempDir::new("fifo-no-writer");
    let fifo = dir.fifo("f");
    let rt = runtime();
    rt.block_on(async {
        let mut lines = cogen::io::lines(&fifo);
        let waiting = tokio::time::timeout(Duration::from_millis(100), lines.next()).await;
        assert!(waiting.is_err(), "no writer yet: not the end, a wait");
        let closed = tokio::time::timeout(Duration::from_secs(1), lines.aclose()).await;
        assert!(closed.expect("aclose returns at once").is_ok());
    });
    let dropped = dropped_within(rt, Duration::from_secs(2));
    // Whatever still waits to open it (nothing, if the reader let go) is
    // released by a writer that needs no reader.
    drop(
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&fifo),
    );
    assert!(dropped, "dropping the runtime waited on opening the fifo");
}

#[test]
fn a_writer_that_stops_mid_line_leaves_the_one_line_without_a_newline() {
    let dir = TempDir::new("fifo-cut");
    let fifo = dir.fifo("f");
    let (say, _reports) = fifo_writer(&fifo, b"complete\r\ncut sh");
    drop(say); // the writer closes after its first write
    let lines: Vec<String> = runtime().block_on(async {
        let reader = LineOptions::new().keep_ends(true).lines(&fifo);
        tokio::time::timeout(
            Duration::from_secs(10),
            reader.map(Result::unwrap).collect(),
        )
        .await
        .expect("the fifo ends when its writer closes")
    });
    assert_eq!(lines, ["complete\n", "cut sh"]);
}

/// A pseudo-terminal held by a python3 helper: the path of its terminal
/// side, and the helper's stdin, whose lines it types into the terminal.
struct Pty {
    path: PathBuf,
    helper: std::process::Child,
}

impl Pty {
    fn open() -> Pty {
        let script = "import os, pty, sys\n\
                      m, s = pty.openpty()\n\
                      print(os.ttyname(s), flush=True)\n\
                      for line in sys.stdin:\n    os.write(m, line.encode())\n";
        let mut helper = Command::new("python3")
            .args(["-c", script])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs the pty helper");
        let mut name = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(helper.stdout.as_mut().unwrap()),
            &mut name,
        )
        .unwrap();
        Pty {
            path: PathBuf::from(name.trim()),
            helper,
        }
    }
    fn type_line(&mut self, line: &str) {
        let stdin = self.helper.stdin.as_mut().unwrap();
        writeln!(stdin, "{line}").unwrap();
        stdin.flush().unwrap();
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        drop(self.helper.stdin.take());
        let _ = self.helper.wait();
    }
}

#[test]
fn closing_a_terminal_reader_mid_read_lets_go_at_once() {
    let mut pty = Pty::open();
    assert!(
        std::os::unix::fs::FileTypeExt::is_char_device(
            &std::fs::metadata(&pty.path).unwrap().file_type()
        ),
        "{} is a character device",
        pty.path.display()
    );
    let rt = runtime();
    rt.block_on(async {
        let mut lines = cogen::io::lines(pty.path.clone());
        // Open it before anything is typed, so the line is not lost to a
        // terminal nobody has open.
        let waiting = tokio::time::timeout(Duration::from_millis(100), lines.next()).await;
        assert!(waiting.is_err(), "nothing typed yet");
        pty.type_line("hello");
        let hello = tokio::time::timeout(Duration::from_secs(10), lines.next()).await;
        assert_eq!(hello.unwrap().unwrap().unwrap(), "hello");
        let silent = tokio::time::timeout(Duration::from_millis(100), lines.next()).await;
        assert!(silent.is_err());
        let closed = tokio::time::timeout(Duration::from_secs(1), lines.aclose()).await;
        assert!(closed.expect("aclose returns at once").is_ok());

        // A device the OS cannot wait on is read as a file.
        let null: Vec<_> = cogen::io::lines("/dev/null").collect().await;
        assert!(null.is_empty());
        let zero: Vec<_> = cogen::io::chunks("/dev/zero", 4).take(2).collect().await;
        assert_eq!(zero.len(), 2);
    });
    let dropped = dropped_within(rt, Duration::from_secs(2));
    pty.type_line("release a read still waiting");
    assert!(
        dropped,
        "dropping the runtime waited on a read of the terminal"
    );
}

/// python3's lines of `path` in text mode (universal newlines), each with
/// its end as Python gives it.
fn python_lines(path: &Path) -> Vec<String> {
    let out = Command::new("python3")
        .args([
            "-c",
            "import json, sys; print(json.dumps(list(open(sys.argv[1], newline=None))))",
        ])
        .arg(path)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json = String::from_utf8(out.stdout).unwrap();
    // A JSON list of strings without escapes but \n (and \r, never present).
    let inner = json.trim().trim_start_matches('[').trim_end_matches(']');
    if inner.is_empty() {
        return Vec::new();
    }
    inner
        .split(", ")
        .map(|s| s.trim_matches('"').replace("\\n", "\n"))
        .collect()
}

/// Line ends cogen and Python could disagree on.
const LINE_ENDS: [&[u8]; 10] = [
    b"a\rb",
    b"a\r\r\nb",
    b"a\n\rb",
    b"a\rb\r",
    b"a\r\nb\n",
    b"\r",
    b"x\r\r",
    b"one\ntwo",
    b"\n\n",
    b"",
];

/// A reader that hands out one byte per read.
struct Trickle(Vec<u8>, usize);

impl AsyncRead for Trickle {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        if let Some(&b) = self.0.get(self.1) {
            buf.put_slice(&[b]);
            self.1 += 1;
        }
        Poll::Ready(Ok(()))
    }
}

#[tokio::test]
async fn lines_end_where_python_ends_them_whole_or_byte_by_byte() {
    let dir = TempDir::new("line-ends");
    for (i, input) in LINE_ENDS.iter().enumerate() {
        let path = dir.file(&format!("{i}.txt"), input);
        let python = python_lines(&path);
        let kept = LineOptions::new().keep_ends(true);
        let whole: Vec<String> = kept.lines(&path).map(Result::unwrap).collect().await;
        assert_eq!(whole, python, "{input:?}");
        let trickled = BufReader::with_capacity(1, Trickle(input.to_vec(), 0));
        let by_byte: Vec<String> = kept
            .lines_from(trickled)
            .map(Result::unwrap)
            .collect()
            .await;
        assert_eq!(by_byte, python, "{input:?} a byte at a time");
        let stripped: Vec<String> = cogen::io::lines(&path).map(Result::unwrap).collect().await;
        let python_stripped: Vec<&str> = python
            .iter()
            .map(|l| l.strip_suffix('\n').unwrap_or(l))
            .collect();
        assert_eq!(stripped, python_stripped, "{input:?} stripped");
    }
}

#[tokio::test]
async fn a_line_past_max_len_is_an_error_naming_it_after_the_lines_before() {
    let dir = TempDir::new("long-line");
    let mut text = b"short\r\n".to_vec();
    text.extend(std::iter::repeat_n(b'x', 1 << 20)); // 1 MiB, no end
    let path = dir.file("long.txt", &text);
    let items: Vec<Result<String, FileError>> = LineOptions::new()
        .max_len(1000)
        .lines(&path)
        .collect()
        .await;
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(items[0].as_ref().unwrap(), "short");
    let err = items[1].as_ref().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidData);
    assert_eq!((err.line(), err.line_limit()), (Some(2), Some(1000)));
    assert_eq!((err.lines_read(), err.bytes_read()), (1, 7));
    assert_eq!(
        err.to_string(),
        format!(
            "cannot read {}: line 2 longer than 1000 bytes (after 1 line, 7 bytes)",
            path.display()
        )
    );
    // Without a limit, as in Python, the whole line comes.
    let all: Vec<String> = cogen::io::lines(&path).map(Result::unwrap).collect().await;
    assert_eq!(all[1].len(), 1 << 20);
}

#[test]
fn one_byte_chunks_cost_a_blocking_read_per_buffer_not_per_chunk() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let dir = TempDir::new("small-chunks");
    let data: Vec<u8> = (0..256 * 1024u32).map(|i| (i % 251) as u8).collect();
    let path = dir.file("data.bin", &data);
    // Each read on tokio's blocking pool leaves this runtime's one thread
    // idle until it returns: count the parks.
    let parks = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&parks);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .on_thread_park(move || {
            counter.fetch_add(1, Ordering::Relaxed);
        })
        .build()
        .unwrap();
    let joined = rt.block_on(async {
        let mut joined = Vec::with_capacity(data.len());
        let mut chunks = cogen::io::chunks(&path, 1);
        while let Some(chunk) = chunks.next().await {
            joined.extend_from_slice(&chunk.unwrap());
        }
        joined
    });
    assert_eq!(joined, data);
    let parks = parks.load(Ordering::Relaxed);
    // 256 KiB through a 64 KiB buffer: a handful of reads (was one each).
    assert!(
        parks < 100,
        "{parks} waits on the blocking pool for 262144 one-byte chunks"
    );
}

#[tokio::test]
async fn read_to_string_names_the_same_invalid_line_as_lines_whatever_its_ends() {
    let dir = TempDir::new("utf8-ends");
    let path = dir.file("bad.txt", b"one\rtwo\r\nthr\xffee\n");
    let whole = cogen::io::read_to_string(&path).await.unwrap_err();
    let items: Vec<_> = cogen::io::lines(&path).collect().await;
    let by_line = items.last().unwrap().as_ref().unwrap_err();
    for err in [&whole, by_line] {
        assert_eq!(err.line(), Some(3), "{err}");
        assert_eq!((err.lines_read(), err.bytes_read()), (2, 9), "{err}");
    }
}
