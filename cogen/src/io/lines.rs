use core::future::Future;
use std::path::{Path, PathBuf};

use tokio::io::{AsyncBufRead, AsyncBufReadExt, BufReader};

use super::split::{Split, Splitter};
use super::{FileError, FileOp};
use crate::{AsyncGen, Co, async_generator};

/// Read buffer for files: large enough that tokio's blocking-pool round trip
/// per read is paid rarely.
pub(super) const FILE_BUFFER: usize = 64 * 1024;

/// An async generator of the lines of the file at `path` (Python's
/// `async for line in f`), with the default [`LineOptions`]: ends stripped,
/// no length limit.
///
/// Lines end as in Python's text mode (universal newlines): at `\n`, `\r\n`
/// or a lone `\r`, and the end is stripped (Python keeps it as `\n`;
/// [`LineOptions::keep_ends`] does too, and so shows a last line cut short).
/// Lazy: the file is opened at the first poll. A failure is the last item:
/// opening ([`FileOp::Open`]: a missing file, a permission error), reading,
/// or a line that is not UTF-8 ([`FileError::line`] names it). Every line
/// before it has been yielded, and the error says how many
/// ([`FileError::lines_read`]) and how many bytes they held
/// ([`FileError::bytes_read`]).
///
/// Closing or dropping the generator closes the file. For a FIFO or a
/// character device (a terminal), that is at once, even with a read
/// waiting: they are read when the OS reports them readable, so no read is
/// in flight and nothing is taken from the pipe afterwards (its writer gets
/// `EPIPE` once no reader is left). A regular file is read on tokio's
/// blocking pool, where a read cannot be interrupted: the close returns at
/// once, the read in flight (one buffer, 64 KiB, short on a local disk)
/// finishes there, its data is dropped, and the descriptor closes when it
/// returns. Bytes of a line already read and not yet yielded are dropped
/// with the generator, as a Python file's buffer is on `close()`.
///
/// A FIFO with no writer yet waits for one (Python's `open` does, in
/// `open`); it ends when its last writer closes.
///
/// Relative: tokio's [`AsyncBufReadExt::lines`], which stops at the first
/// error without saying where and splits at `\n` only.
///
/// # Panics
///
/// When polled outside a tokio runtime (tokio's files need its blocking
/// pool); for a FIFO or a character device, in a runtime without I/O
/// enabled.
///
/// # Cancel safety
///
/// Its `next()` is cancel safe, as for any [`AsyncGen`]: dropped before it
/// completes (in `select!`, under a timeout), it leaves the read where it
/// is, with the bytes already read kept, and the next `next()` continues it
/// and delivers the line; no line is lost. Only closing or dropping the
/// generator drops what it has read.
///
/// # Examples
///
/// ```
/// use futures::StreamExt;
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let path = std::env::temp_dir().join(format!("cogen-doc-lines-{}.txt", std::process::id()));
/// cogen::io::write(&path, "Hello, async world!\nThis is async file IO.\n").await?;
///
/// let mut lines = cogen::io::lines(&path);
/// while let Some(line) = lines.next().await {
///     println!("Line: {}", line?);
/// }
///
/// let missing = cogen::io::lines("no/such/file.txt");
/// let outcomes: Vec<_> = missing.collect().await;
/// assert_eq!(outcomes.len(), 1);
/// assert_eq!(outcomes[0].as_ref().unwrap_err().kind(), std::io::ErrorKind::NotFound);
/// # std::fs::remove_file(&path).unwrap();
/// # Ok::<(), cogen::io::FileError>(())
/// # }).unwrap();
/// ```
#[track_caller]
pub fn lines(
    path: impl AsRef<Path>,
) -> AsyncGen<Result<String, FileError>, impl Future<Output = ()>> {
    LineOptions::new().lines(path)
}

/// An async generator of the lines of any buffered reader: a socket, a
/// child's stdout, a [`tokio::fs::File`] in a [`BufReader`]; with the
/// default [`LineOptions`].
///
/// Lines, failures and counts are as for [`lines`]; the errors have no
/// path. Closing or dropping the generator drops the reader.
///
/// # Cancel safety
///
/// Its `next()` is cancel safe, as for [`lines`]: the reader is kept where
/// it is, and no line is lost.
///
/// # Examples
///
/// ```
/// use futures::StreamExt;
///
/// # futures::executor::block_on(async {
/// let text: &[u8] = b"one\r\ntwo\nthree";
/// let lines: Vec<String> = cogen::io::lines_from(text).map(Result::unwrap).collect().await;
/// assert_eq!(lines, ["one", "two", "three"]);
/// # });
/// ```
#[track_caller]
pub fn lines_from<R>(reader: R) -> AsyncGen<Result<String, FileError>, impl Future<Output = ()>>
where
    R: AsyncBufRead + Unpin,
{
    LineOptions::new().lines_from(reader)
}

/// How [`lines`] reads: whether each line keeps its end, and the longest
/// line accepted. The readers themselves are
/// [`LineOptions::lines`] and [`LineOptions::lines_from`].
///
/// # Examples
///
/// ```
/// use futures::StreamExt;
///
/// # futures::executor::block_on(async {
/// // A writer that stopped mid-line: the last line has no `\n`.
/// let text: &[u8] = b"one\r\ntwo\rthr";
/// let lines: Vec<String> = cogen::io::LineOptions::new()
///     .keep_ends(true)
///     .lines_from(text)
///     .map(Result::unwrap)
///     .collect()
///     .await;
/// assert_eq!(lines, ["one\n", "two\n", "thr"]);
/// # });
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[must_use = "LineOptions read nothing until asked for lines"]
pub struct LineOptions {
    max_len: Option<usize>,
    keep_ends: bool,
}

impl LineOptions {
    /// Ends stripped, no length limit (Python's default for files).
    ///
    /// # Examples
    ///
    /// ```
    /// let options = cogen::io::LineOptions::new();
    /// assert_eq!(options, cogen::io::LineOptions::default());
    /// ```
    pub fn new() -> Self {
        LineOptions::default()
    }

    /// Whether each line keeps its end, as `\n` whatever it was (`\r\n`,
    /// `\r`), as Python's text mode gives it. Then every line but a last
    /// one cut short (a file truncated while read, a writer that stopped
    /// mid-line) ends with `\n`, and that one shows.
    ///
    /// # Examples
    ///
    /// ```
    /// let options = cogen::io::LineOptions::new().keep_ends(true);
    /// # drop(options);
    /// ```
    pub fn keep_ends(mut self, yes: bool) -> Self {
        self.keep_ends = yes;
        self
    }

    /// The longest line accepted, in bytes without its end. A longer line
    /// is an [`InvalidData`](std::io::ErrorKind::InvalidData)
    /// [`FileError`] naming it ([`FileError::line`],
    /// [`FileError::line_limit`]) after every line before it, found before
    /// more than `limit` bytes of it are held. No limit by default, as in
    /// Python: a local file's lines are the reader's own; set one for a
    /// file or a pipe someone else writes.
    ///
    /// # Panics
    ///
    /// If `limit` is 0.
    ///
    /// # Examples
    ///
    /// ```
    /// let options = cogen::io::LineOptions::new().max_len(1 << 20);
    /// # drop(options);
    /// ```
    pub fn max_len(mut self, limit: usize) -> Self {
        assert!(limit > 0, "line length limit must be at least 1");
        self.max_len = Some(limit);
        self
    }

    /// The lines of the file at `path`, as [`lines`] reads them, with these
    /// options.
    ///
    /// # Panics
    ///
    /// As [`lines`].
    ///
    /// # Cancel safety
    ///
    /// Its `next()` is cancel safe, as for [`lines`].
    ///
    /// # Examples
    ///
    /// ```
    /// use futures::StreamExt;
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let path = std::env::temp_dir().join(format!("cogen-doc-line-options-{}.txt", std::process::id()));
    /// cogen::io::write(&path, "complete\ncut sh").await?;
    /// let options = cogen::io::LineOptions::new().keep_ends(true);
    /// let lines: Vec<String> = options.lines(&path).map(Result::unwrap).collect().await;
    /// assert_eq!(lines, ["complete\n", "cut sh"]);
    /// # std::fs::remove_file(&path).unwrap();
    /// # Ok::<(), cogen::io::FileError>(())
    /// # }).unwrap();
    /// ```
    #[track_caller]
    pub fn lines(
        self,
        path: impl AsRef<Path>,
    ) -> AsyncGen<Result<String, FileError>, impl Future<Output = ()>> {
        let path: PathBuf = path.as_ref().to_path_buf();
        async_generator(async move |mut co| {
            let Some(file) = super::open_or_yield(&mut co, &path).await else {
                return;
            };
            let reader = BufReader::with_capacity(FILE_BUFFER, file);
            pump_lines(&mut co, Some(&path), reader, self).await;
        })
    }

    /// The lines of any buffered reader, as [`lines_from`] reads them, with
    /// these options.
    ///
    /// # Cancel safety
    ///
    /// Its `next()` is cancel safe, as for [`lines`].
    ///
    /// # Examples
    ///
    /// ```
    /// use futures::StreamExt;
    ///
    /// # futures::executor::block_on(async {
    /// let text: &[u8] = b"a\rb\r\n";
    /// let options = cogen::io::LineOptions::new().keep_ends(true);
    /// let lines: Vec<String> = options.lines_from(text).map(Result::unwrap).collect().await;
    /// assert_eq!(lines, ["a\n", "b\n"]);
    /// # });
    /// ```
    #[track_caller]
    pub fn lines_from<R>(
        self,
        reader: R,
    ) -> AsyncGen<Result<String, FileError>, impl Future<Output = ()>>
    where
        R: AsyncBufRead + Unpin,
    {
        async_generator(async move |mut co| pump_lines(&mut co, None, reader, self).await)
    }
}

async fn pump_lines<R: AsyncBufRead + Unpin>(
    co: &mut Co<'_, Result<String, FileError>>,
    path: Option<&Path>,
    mut reader: R,
    options: LineOptions,
) {
    let mut splitter = Splitter::new(options.max_len, options.keep_ends);
    let mut lines_read = 0u64;
    loop {
        let found = match reader.fill_buf().await {
            Ok([]) => {
                // The end: a last line without its end, if any.
                if let Some((line, start)) = splitter.finish() {
                    let item = String::from_utf8(line).map_err(|e| {
                        FileError::invalid_utf8(path, lines_read + 1, start, e.utf8_error())
                    });
                    co.yield_(item).await;
                }
                return;
            }
            Ok(buf) => {
                let (found, took) = splitter.split(buf);
                reader.consume(took);
                found
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                let err =
                    FileError::new(path, FileOp::Read, e).after(splitter.line_start(), lines_read);
                co.yield_(Err(err)).await;
                return;
            }
        };
        match found {
            Split::More => {}
            Split::Line(line, start) => match String::from_utf8(line) {
                Ok(line) => {
                    lines_read += 1;
                    co.yield_(Ok(line)).await;
                }
                Err(e) => {
                    let err = FileError::invalid_utf8(path, lines_read + 1, start, e.utf8_error());
                    co.yield_(Err(err)).await;
                    return;
                }
            },
            Split::TooLong => {
                let limit = options.max_len.expect("only a limit makes a line too long");
                let err =
                    FileError::line_too_long(path, lines_read + 1, splitter.line_start(), limit);
                co.yield_(Err(err)).await;
                return;
            }
        }
    }
}
