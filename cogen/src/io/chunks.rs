use core::future::Future;
use std::path::{Path, PathBuf};

use tokio::io::{AsyncRead, AsyncReadExt, BufReader};

use super::{FileError, FileOp};
use crate::{AsyncGen, Co, async_generator};

/// An async generator of the bytes of the file at `path`, `size` at a time
/// (Python's `await f.read(size)` in a loop).
///
/// Every chunk holds `size` bytes but the last, which holds the rest. Lazy:
/// the file is opened at the first poll. A failure is the last item; bytes
/// read before it are never lost: a partly filled chunk is yielded first, and
/// [`FileError::bytes_read`] counts everything yielded. Reads go through a
/// 64 KiB buffer, so small chunks cost no blocking-pool round trip each.
///
/// Closing or dropping the generator closes the file: at once for a FIFO or
/// a character device, when the read in flight returns for a regular file
/// (see [`lines`](super::lines) for exactly what happens).
///
/// Relative: `tokio_util::io::ReaderStream`, whose chunks vary in size.
///
/// # Panics
///
/// If `size` is 0, at the call (as [`slice::chunks`] does); when polled
/// outside a tokio runtime.
///
/// # Cancel safety
///
/// Its `next()` is cancel safe, as for any [`AsyncGen`]: dropped before it
/// completes, it leaves the read where it is, with the part of the chunk
/// already read kept, and the next `next()` continues it and delivers the
/// chunk; no byte is lost.
///
/// # Examples
///
/// ```
/// use futures::StreamExt;
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let path = std::env::temp_dir().join(format!("cogen-doc-chunks-{}.bin", std::process::id()));
/// cogen::io::write(&path, [7u8; 10]).await?;
///
/// let sizes: Vec<usize> = cogen::io::chunks(&path, 4).map(|c| c.unwrap().len()).collect().await;
/// assert_eq!(sizes, [4, 4, 2]);
/// # std::fs::remove_file(&path).unwrap();
/// # Ok::<(), cogen::io::FileError>(())
/// # }).unwrap();
/// ```
#[track_caller]
pub fn chunks(
    path: impl AsRef<Path>,
    size: usize,
) -> AsyncGen<Result<Vec<u8>, FileError>, impl Future<Output = ()>> {
    assert!(size > 0, "chunk size must be non-zero");
    let path: PathBuf = path.as_ref().to_path_buf();
    async_generator(async move |mut co| {
        let Some(file) = super::open_or_yield(&mut co, &path).await else {
            return;
        };
        // Small chunks come out of one 64 KiB read, not a blocking-pool
        // round trip each; a read of a whole buffer or more bypasses it.
        let reader = BufReader::with_capacity(super::lines::FILE_BUFFER, file);
        pump_chunks(&mut co, Some(&path), reader, size).await;
    })
}

/// An async generator of the bytes of any reader, `size` at a time.
///
/// Chunks and failures are as for [`chunks`]; the errors have no path.
///
/// # Panics
///
/// If `size` is 0, at the call.
///
/// # Cancel safety
///
/// Its `next()` is cancel safe, as for [`chunks`].
///
/// # Examples
///
/// ```
/// use futures::StreamExt;
///
/// # futures::executor::block_on(async {
/// let bytes: &[u8] = b"abcdefg";
/// let chunks: Vec<Vec<u8>> = cogen::io::chunks_from(bytes, 3).map(Result::unwrap).collect().await;
/// assert_eq!(chunks, [b"abc".to_vec(), b"def".to_vec(), b"g".to_vec()]);
/// # });
/// ```
#[track_caller]
pub fn chunks_from<R>(
    reader: R,
    size: usize,
) -> AsyncGen<Result<Vec<u8>, FileError>, impl Future<Output = ()>>
where
    R: AsyncRead + Unpin,
{
    assert!(size > 0, "chunk size must be non-zero");
    async_generator(async move |mut co| pump_chunks(&mut co, None, reader, size).await)
}

async fn pump_chunks<R: AsyncRead + Unpin>(
    co: &mut Co<'_, Result<Vec<u8>, FileError>>,
    path: Option<&Path>,
    mut reader: R,
    size: usize,
) {
    let mut bytes_read = 0u64;
    loop {
        let mut chunk = vec![0; size];
        let mut filled = 0;
        let failure = loop {
            match reader.read(&mut chunk[filled..]).await {
                Ok(0) => break None,
                Ok(n) => {
                    filled += n;
                    if filled == size {
                        break None;
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => break Some(e),
            }
        };
        chunk.truncate(filled);
        bytes_read += filled as u64;
        let short = filled < size;
        if filled > 0 {
            co.yield_(Ok(chunk)).await;
        }
        if let Some(e) = failure {
            let err = FileError::new(path, FileOp::Read, e).after(bytes_read, 0);
            co.yield_(Err(err)).await;
            return;
        }
        if short {
            return;
        }
    }
}
