//! Async file I/O on tokio (feature `io`): Python's `aiofiles`, with line and
//! chunk readers as async generators.
//!
//! | Python (aiofiles) | cogen::io | built on |
//! |---|---|---|
//! | `f.write(s)` on a `'w'` file | [`write()`] | `tokio::fs::write` |
//! | `f.write(s)` on an `'a'` file | [`append`] | `tokio::fs::OpenOptions` |
//! | `await f.read()` (binary) | [`read`] | `tokio::fs::read` |
//! | `await f.read()` (text) | [`read_to_string`] | `tokio::fs::read` |
//! | `async for line in f` | [`lines`], [`lines_from`], [`LineOptions`] | `AsyncBufRead::fill_buf` |
//! | `await f.read(size)` in a loop | [`chunks`], [`chunks_from`] | `AsyncReadExt::read` over a 64 KiB `BufReader` |
//!
//! Every failure is a [`FileError`]: the path, the operation, how far a
//! reader got, and the [`std::io::Error`] underneath. For an open file
//! handle, use [`tokio::fs::File`] itself.
//!
//! The readers open a regular file for tokio's blocking pool, and a FIFO or
//! a character device non-blocking, read when the OS reports it readable:
//! closing such a reader mid-read closes it at once (see [`lines`] for what
//! closing does to each).

mod chunks;
mod error;
mod lines;
mod open;
pub(crate) mod split;

use std::path::Path;

pub use chunks::{chunks, chunks_from};
pub use error::{FileError, FileOp};
pub use lines::{LineOptions, lines, lines_from};

/// Creates or truncates the file at `path` and writes `contents` to it
/// (Python's `open(path, 'w')` and `write`).
///
/// Relative: [`tokio::fs::write`], with a [`FileError`] naming the path.
///
/// # Cancel safety
///
/// Not cancel safe: dropped before it completes, it may leave the file
/// created and truncated with only part of `contents` in it (the writes go
/// through tokio's blocking pool, and one already handed there still
/// completes after the drop). Nothing continues it; write again from the
/// start.
///
/// # Examples
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let path = std::env::temp_dir().join(format!("cogen-doc-write-{}.txt", std::process::id()));
/// cogen::io::write(&path, "Hello, async world!\n").await?;
/// assert_eq!(cogen::io::read_to_string(&path).await?, "Hello, async world!\n");
/// # std::fs::remove_file(&path).unwrap();
/// # Ok::<(), cogen::io::FileError>(())
/// # }).unwrap();
/// ```
pub async fn write(path: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> Result<(), FileError> {
    write_with(path.as_ref(), contents.as_ref(), false).await
}

/// Appends `contents` to the file at `path`, creating it if missing
/// (Python's `open(path, 'a')` and `write`).
///
/// Relative: [`tokio::fs::OpenOptions`] with `append(true)`.
///
/// # Cancel safety
///
/// Not cancel safe: dropped before it completes, it may leave part of
/// `contents` appended (a write already handed to tokio's blocking pool
/// still completes after the drop), so appending again can duplicate it.
///
/// # Examples
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let path = std::env::temp_dir().join(format!("cogen-doc-append-{}.txt", std::process::id()));
/// cogen::io::write(&path, "one\n").await?;
/// cogen::io::append(&path, "two\n").await?;
/// assert_eq!(cogen::io::read_to_string(&path).await?, "one\ntwo\n");
/// # std::fs::remove_file(&path).unwrap();
/// # Ok::<(), cogen::io::FileError>(())
/// # }).unwrap();
/// ```
pub async fn append(path: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> Result<(), FileError> {
    write_with(path.as_ref(), contents.as_ref(), true).await
}

async fn write_with(path: &Path, contents: &[u8], append: bool) -> Result<(), FileError> {
    use tokio::io::AsyncWriteExt;
    let mut file = tokio::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .append(append)
        .truncate(!append)
        .open(path)
        .await
        .map_err(|e| FileError::new(Some(path), FileOp::Open, e))?;
    let write = async {
        file.write_all(contents).await?;
        file.flush().await
    };
    write
        .await
        .map_err(|e| FileError::new(Some(path), FileOp::Write, e))
}

/// Reads the whole file at `path` as bytes (Python's `open(path, 'rb')` and
/// `read()`).
///
/// A FIFO or a character device is read as the [readers](lines) read it:
/// dropping the future mid-read closes it at once.
///
/// Relative: [`tokio::fs::read`], with a [`FileError`] telling opening from
/// reading.
///
/// # Cancel safety
///
/// Not cancel safe: dropping the future drops what it has read, and a
/// later call starts over (for a FIFO or a device, the bytes it took are
/// gone from it). A regular file's read in flight finishes on tokio's
/// blocking pool and is dropped there; a FIFO's or a device's is not in
/// flight, so the file closes at once.
///
/// # Examples
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let path = std::env::temp_dir().join(format!("cogen-doc-read-{}.bin", std::process::id()));
/// cogen::io::write(&path, [0u8, 159, 146, 150]).await?;
/// assert_eq!(cogen::io::read(&path).await?, [0, 159, 146, 150]);
/// # std::fs::remove_file(&path).unwrap();
/// # Ok::<(), cogen::io::FileError>(())
/// # }).unwrap();
/// ```
pub async fn read(path: impl AsRef<Path>) -> Result<Vec<u8>, FileError> {
    use tokio::io::AsyncReadExt;
    let path = path.as_ref();
    let mut file = open::open(path)
        .await
        .map_err(|e| FileError::new(Some(path), FileOp::Open, e))?;
    let mut bytes = Vec::new();
    match file.read_to_end(&mut bytes).await {
        Ok(_) => Ok(bytes),
        Err(e) => Err(FileError::new(Some(path), FileOp::Read, e).after(bytes.len() as u64, 0)),
    }
}

/// Reads the whole file at `path` as UTF-8 text (Python's `open(path)` and
/// `read()`).
///
/// Text that is not UTF-8 is an [`InvalidData`](std::io::ErrorKind::InvalidData)
/// [`FileError`] naming the line ([`FileError::line`]) and the valid
/// lines before it.
///
/// Relative: [`tokio::fs::read_to_string`], whose error does not say where.
///
/// # Cancel safety
///
/// As [`read`].
///
/// # Examples
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let path = std::env::temp_dir().join(format!("cogen-doc-read-text-{}.txt", std::process::id()));
/// cogen::io::write(&path, "Hello, async world!\nThis is async file IO.\n").await?;
/// let content = cogen::io::read_to_string(&path).await?;
/// assert_eq!(content.lines().count(), 2);
/// # std::fs::remove_file(&path).unwrap();
/// # Ok::<(), cogen::io::FileError>(())
/// # }).unwrap();
/// ```
pub async fn read_to_string(path: impl AsRef<Path>) -> Result<String, FileError> {
    let path = path.as_ref();
    let bytes = read(path).await?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let (lines_before, line_start) = count_lines(valid);
        FileError::invalid_utf8(
            Some(path),
            lines_before + 1,
            line_start as u64,
            e.utf8_error(),
        )
    })
}

/// Opens `path` for a reader generator; on failure yields the error as the
/// generator's one item and gives `None`.
async fn open_or_yield<T>(
    co: &mut crate::Co<'_, Result<T, FileError>>,
    path: &Path,
) -> Option<open::FileReader> {
    match open::open(path).await {
        Ok(file) => Some(file),
        Err(e) => {
            co.yield_(Err(FileError::new(Some(path), FileOp::Open, e)))
                .await;
            None
        }
    }
}

/// The number of whole lines in `valid`, and where the last, partial one
/// starts; lines end as the readers end them (`\n`, `\r\n`, a lone `\r`).
fn count_lines(valid: &[u8]) -> (u64, usize) {
    let (mut lines, mut start) = (0, 0);
    while let Some(i) = memchr::memchr2(b'\n', b'\r', &valid[start..]) {
        let end = start + i;
        let crlf = valid[end] == b'\r' && valid.get(end + 1) == Some(&b'\n');
        start = end + 1 + usize::from(crlf);
        lines += 1;
    }
    (lines, start)
}
