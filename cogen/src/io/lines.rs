use core::future::Future;
use std::path::{Path, PathBuf};

use tokio::io::{AsyncBufRead, AsyncBufReadExt, BufReader};

use super::{FileError, FileOp};
use crate::{AsyncGen, Co, async_generator, async_generator_scoped};

/// Read buffer for files: large enough that tokio's blocking-pool round trip
/// per read is paid rarely.
pub(super) const FILE_BUFFER: usize = 64 * 1024;

/// An async generator of the lines of the file at `path` (Python's
/// `async for line in f`).
///
/// Lazy: the file is opened at the first poll. Each line comes without its
/// `\n` or `\r\n`, as [`str::lines`] gives it (Python keeps the newline).
/// A failure is the last item: opening ([`FileOp::Open`]: a missing file, a
/// permission error), reading, or a line that is not UTF-8
/// ([`FileError::line`] names it). Every line before it has been yielded,
/// and the error says how many ([`FileError::lines_read`]) and how many
/// bytes they held ([`FileError::bytes_read`]).
///
/// Closing or dropping the generator closes the file.
///
/// Relative: tokio's [`AsyncBufReadExt::lines`], which stops at the first
/// error without saying where.
///
/// # Panics
///
/// When polled outside a tokio runtime (tokio's files need its blocking
/// pool).
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
    let path: PathBuf = path.as_ref().to_path_buf();
    async_generator(async move |mut co| {
        let Some(file) = super::open_or_yield(&mut co, &path).await else {
            return;
        };
        let reader = BufReader::with_capacity(FILE_BUFFER, file);
        pump_lines(&mut co, Some(&path), reader).await;
    })
}

/// An async generator of the lines of any buffered reader: a socket, a
/// child's stdout, a [`tokio::fs::File`] in a [`BufReader`].
///
/// Lines, failures and counts are as for [`lines`]; the errors have no
/// path. Closing or dropping the generator drops the reader.
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
    async_generator_scoped(async move |mut co| pump_lines(&mut co, None, reader).await)
}

async fn pump_lines<R: AsyncBufRead + Unpin>(
    co: &mut Co<'_, Result<String, FileError>>,
    path: Option<&Path>,
    mut reader: R,
) {
    let (mut bytes_read, mut lines_read) = (0u64, 0u64);
    loop {
        let mut buf = Vec::new();
        match reader.read_until(b'\n', &mut buf).await {
            Ok(0) => return,
            Ok(n) => match String::from_utf8(buf) {
                Ok(mut line) => {
                    if line.ends_with('\n') {
                        line.pop();
                        if line.ends_with('\r') {
                            line.pop();
                        }
                    }
                    bytes_read += n as u64;
                    lines_read += 1;
                    co.yield_(Ok(line)).await;
                }
                Err(e) => {
                    let err =
                        FileError::invalid_utf8(path, lines_read + 1, bytes_read, e.utf8_error());
                    co.yield_(Err(err)).await;
                    return;
                }
            },
            Err(e) => {
                let err = FileError::new(path, FileOp::Read, e).after(bytes_read, lines_read);
                co.yield_(Err(err)).await;
                return;
            }
        }
    }
}
