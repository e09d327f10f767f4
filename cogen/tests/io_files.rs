//! `cogen::io`: every line's and every byte's outcome is accounted for, and
//! every failure names the file, the operation and how far it got.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::task::{Context, Poll};

use cogen::io::{FileError, FileOp};
use futures::StreamExt;
use tokio::io::{AsyncRead, BufReader, ReadBuf};

/// A fresh directory per test, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("cogen-io-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
    fn file(&self, name: &str, contents: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, contents).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A reader that hands out `data` a few bytes at a time, then fails.
struct FailsAfter {
    data: Vec<u8>,
    pos: usize,
}

impl AsyncRead for FailsAfter {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        if self.pos == self.data.len() {
            return Poll::Ready(Err(std::io::Error::new(
                ErrorKind::ConnectionReset,
                "link down",
            )));
        }
        let n = (self.data.len() - self.pos).min(3).min(buf.remaining());
        let pos = self.pos;
        buf.put_slice(&self.data[pos..pos + n]);
        self.pos += n;
        Poll::Ready(Ok(()))
    }
}

/// A path this process may not open: a mode-000 file, or for a privileged
/// user (who may open any file) a kernel file that refuses even root.
fn denied_path(dir: &TempDir) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let locked = dir.file("locked.txt", b"secret\n");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    for candidate in [locked, PathBuf::from("/proc/1/environ")] {
        if std::fs::File::open(&candidate).err().map(|e| e.kind())
            == Some(ErrorKind::PermissionDenied)
        {
            return candidate;
        }
    }
    panic!("no path here is denied to this process; cannot test a permission error");
}

async fn lines_of(path: &Path) -> Vec<Result<String, FileError>> {
    cogen::io::lines(path).collect().await
}

#[tokio::test]
async fn write_then_read_back_the_same_bytes_and_text() {
    let dir = TempDir::new("roundtrip");
    let path = dir.0.join("test.txt");
    cogen::io::write(&path, "Hello, async world!\n")
        .await
        .unwrap();
    cogen::io::append(&path, "This is async file IO.\n")
        .await
        .unwrap();
    assert_eq!(
        cogen::io::read_to_string(&path).await.unwrap(),
        "Hello, async world!\nThis is async file IO.\n"
    );
    cogen::io::write(&path, [1u8, 2, 3]).await.unwrap();
    assert_eq!(
        cogen::io::read(&path).await.unwrap(),
        [1, 2, 3],
        "write truncates"
    );
}

#[tokio::test]
async fn lines_yields_each_line_without_its_newline() {
    let dir = TempDir::new("lines");
    let path = dir.file("t.txt", b"one\r\ntwo\n\nlast without newline");
    let lines: Vec<String> = lines_of(&path)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(lines, ["one", "two", "", "last without newline"]);
}

#[tokio::test]
async fn lines_of_an_empty_file_yields_nothing() {
    let dir = TempDir::new("empty");
    let path = dir.file("empty.txt", b"");
    assert!(lines_of(&path).await.is_empty());
}

#[tokio::test]
async fn lines_is_lazy_and_opens_the_file_at_first_poll() {
    let dir = TempDir::new("lazy");
    let path = dir.0.join("later.txt");
    let mut lines = cogen::io::lines(&path);
    std::fs::write(&path, "made after the generator\n").unwrap();
    assert_eq!(
        lines.next().await.unwrap().unwrap(),
        "made after the generator"
    );
}

#[tokio::test]
async fn missing_file_is_one_not_found_error_from_every_reader() {
    let dir = TempDir::new("missing");
    let path = dir.0.join("nope.txt");
    let check = |e: &FileError| {
        assert_eq!(e.kind(), ErrorKind::NotFound);
        assert_eq!(e.op(), FileOp::Open);
        assert_eq!(e.path(), Some(path.as_path()));
        assert_eq!((e.bytes_read(), e.lines_read(), e.line()), (0, 0, None));
        assert_eq!(
            e.to_string(),
            format!("cannot open {}: no such file or directory", path.display())
        );
    };
    check(&cogen::io::read(&path).await.unwrap_err());
    check(&cogen::io::read_to_string(&path).await.unwrap_err());
    let lines = lines_of(&path).await;
    assert_eq!(lines.len(), 1);
    check(lines[0].as_ref().unwrap_err());
    let chunks: Vec<_> = cogen::io::chunks(&path, 4).collect().await;
    assert_eq!(chunks.len(), 1);
    check(chunks[0].as_ref().unwrap_err());
}

#[tokio::test]
async fn permission_denied_is_reported_as_such() {
    let dir = TempDir::new("denied");
    let path = denied_path(&dir);
    let err = cogen::io::read(&path).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::PermissionDenied);
    assert_eq!(err.op(), FileOp::Open);
    assert!(err.to_string().ends_with(": permission denied"), "{err}");
    let lines = lines_of(&path).await;
    assert_eq!(lines.len(), 1);
    assert_eq!(
        lines[0].as_ref().unwrap_err().kind(),
        ErrorKind::PermissionDenied
    );
}

#[tokio::test]
async fn writing_into_a_missing_directory_fails_at_open() {
    let dir = TempDir::new("nodir");
    let err = cogen::io::write(dir.0.join("no/such/dir/f.txt"), "x")
        .await
        .unwrap_err();
    assert_eq!((err.op(), err.kind()), (FileOp::Open, ErrorKind::NotFound));
}

#[tokio::test]
async fn invalid_utf8_ends_lines_with_an_error_naming_the_line() {
    let dir = TempDir::new("utf8");
    let path = dir.file("bad.txt", b"one\ntwo\nthr\xffee\nfour\n");
    let items = lines_of(&path).await;
    assert_eq!(items.len(), 3, "two lines, then the error: {items:?}");
    assert_eq!(items[0].as_ref().unwrap(), "one");
    assert_eq!(items[1].as_ref().unwrap(), "two");
    let err = items[2].as_ref().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidData);
    assert_eq!(err.op(), FileOp::Read);
    assert_eq!(err.line(), Some(3));
    assert_eq!((err.lines_read(), err.bytes_read()), (2, 8));
    assert_eq!(
        err.to_string(),
        format!(
            "cannot read {}: invalid utf-8 in line 3 (after 2 lines, 8 bytes)",
            path.display()
        )
    );
}

#[tokio::test]
async fn read_to_string_names_the_invalid_line_too() {
    let dir = TempDir::new("utf8-whole");
    let path = dir.file("bad.txt", b"\xc3\xa9t\xc3\xa9\n\xff");
    let err = cogen::io::read_to_string(&path).await.unwrap_err();
    assert_eq!(err.line(), Some(2));
    assert_eq!((err.lines_read(), err.bytes_read()), (1, 6));
}

#[tokio::test]
async fn reading_a_directory_fails_at_read_not_open() {
    let dir = TempDir::new("isdir");
    let items = lines_of(&dir.0).await;
    assert_eq!(items.len(), 1);
    let err = items[0].as_ref().unwrap_err();
    assert_eq!(err.op(), FileOp::Read);
    assert_eq!(err.kind(), ErrorKind::IsADirectory);
}

#[tokio::test]
async fn a_reader_failing_part_way_yields_every_whole_line_then_says_how_far_it_got() {
    let reader = FailsAfter {
        data: b"alpha\nbeta\ngam".to_vec(),
        pos: 0,
    };
    let items: Vec<_> = cogen::io::lines_from(BufReader::new(reader))
        .collect()
        .await;
    assert_eq!(items.len(), 3);
    assert_eq!(items[0].as_ref().unwrap(), "alpha");
    assert_eq!(items[1].as_ref().unwrap(), "beta");
    let err = items[2].as_ref().unwrap_err();
    assert_eq!(
        (err.op(), err.kind()),
        (FileOp::Read, ErrorKind::ConnectionReset)
    );
    assert_eq!(
        (err.lines_read(), err.bytes_read(), err.line()),
        (2, 11, None)
    );
    assert_eq!(err.path(), None);
    assert_eq!(
        err.to_string(),
        "cannot read: link down (after 2 lines, 11 bytes)"
    );
}

#[tokio::test]
async fn chunks_are_full_but_the_last() {
    let dir = TempDir::new("chunks");
    let path = dir.file("b.bin", &[9u8; 10]);
    let sizes: Vec<usize> = cogen::io::chunks(&path, 4)
        .map(|c| c.unwrap().len())
        .collect()
        .await;
    assert_eq!(sizes, [4, 4, 2]);
    let exact: Vec<usize> = cogen::io::chunks(&path, 5)
        .map(|c| c.unwrap().len())
        .collect()
        .await;
    assert_eq!(exact, [5, 5], "no empty chunk at the end");
    let empty = dir.file("e.bin", b"");
    assert_eq!(cogen::io::chunks(&empty, 5).count().await, 0);
}

#[tokio::test]
async fn chunks_of_a_large_file_reassemble_to_its_bytes() {
    let dir = TempDir::new("chunks-large");
    let data: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    let path = dir.file("big.bin", &data);
    let mut joined = Vec::new();
    let mut chunks = cogen::io::chunks(&path, 65_536);
    while let Some(chunk) = chunks.next().await {
        joined.extend_from_slice(&chunk.unwrap());
    }
    assert_eq!(joined, data);
}

#[tokio::test]
async fn a_chunk_reader_failing_part_way_yields_the_partial_chunk_first() {
    let reader = FailsAfter {
        data: b"0123456789".to_vec(),
        pos: 0,
    };
    let items: Vec<_> = cogen::io::chunks_from(reader, 4).collect().await;
    assert_eq!(items.len(), 4, "{items:?}");
    assert_eq!(items[0].as_ref().unwrap(), b"0123");
    assert_eq!(items[1].as_ref().unwrap(), b"4567");
    assert_eq!(
        items[2].as_ref().unwrap(),
        b"89",
        "bytes read before the failure are not lost"
    );
    let err = items[3].as_ref().unwrap_err();
    assert_eq!(err.bytes_read(), 10);
    assert_eq!(err.to_string(), "cannot read: link down (after 10 bytes)");
}

#[test]
#[should_panic(expected = "chunk size must be non-zero")]
fn zero_chunk_size_panics_at_the_call() {
    let _ = cogen::io::chunks("anything", 0);
}

#[tokio::test]
async fn file_error_converts_into_an_io_error_of_the_same_kind() {
    let err = cogen::io::read("definitely/missing").await.unwrap_err();
    let io: std::io::Error = err.into();
    assert_eq!(io.kind(), ErrorKind::NotFound);
    assert!(io.to_string().starts_with("cannot open definitely/missing"));
}

#[tokio::test]
async fn aclose_of_lines_closes_the_file_and_ends_the_generator() {
    let dir = TempDir::new("aclose");
    let path = dir.file("t.txt", b"a\nb\nc\n");
    let mut lines = cogen::io::lines(&path);
    assert_eq!(lines.next().await.unwrap().unwrap(), "a");
    lines.aclose().await.unwrap();
    assert!(lines.next().await.is_none());
}

#[test]
#[should_panic(expected = "Tokio")]
fn lines_polled_outside_a_tokio_runtime_panics_naming_tokio() {
    let mut lines = cogen::io::lines("Cargo.toml");
    futures::executor::block_on(lines.next());
}
