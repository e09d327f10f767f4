//! Opening a file for the readers, by its type: a regular file reads on
//! tokio's blocking pool; a FIFO or a character device reads when the OS
//! says it is readable, so a reader closed mid-read leaves nothing behind.

use std::io;
use std::path::Path;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, ReadBuf};

/// A file opened for reading, and how its reads wait.
#[derive(Debug)]
pub(super) enum FileReader {
    /// A regular file (or a directory, a block device): each read is a
    /// blocking call on tokio's blocking pool. A read in flight when the
    /// reader is dropped finishes there; the descriptor closes when it
    /// returns, and what it read is dropped.
    Blocking(tokio::fs::File),
    /// A FIFO or a character device (a terminal, a serial port), opened
    /// non-blocking and read when the OS reports it readable: nothing is
    /// in flight between reads, so dropping the reader closes the
    /// descriptor at once and no byte is taken from the pipe after that.
    ///
    /// tokio's pipe receiver does this for FIFOs. A character device gets
    /// the same receiver unchecked: all it does is `read(2)` on a
    /// descriptor registered with the OS's readiness API, which works for
    /// any device that supports it (the alternative, `AsyncFd::register`,
    /// is `unsafe`, and this crate keeps `unsafe` in the engine).
    #[cfg(unix)]
    Ready(tokio::net::unix::pipe::Receiver),
}

/// Opens `path` for reading, choosing how to read it by its type.
///
/// # Panics
///
/// A FIFO or a character device needs a runtime with I/O enabled; tokio
/// panics naming `enable_io` otherwise.
pub(super) async fn open(path: &Path) -> io::Result<FileReader> {
    #[cfg(unix)]
    {
        let owned = path.to_path_buf();
        // The type decides how to open: a FIFO opened blocking would wait
        // for a writer in `open` itself, on a thread nobody can stop. (If
        // the path is replaced by a FIFO between the two calls, that wait
        // is what happens.)
        let opened =
            tokio::task::spawn_blocking(move || -> io::Result<(std::fs::File, bool, bool)> {
                use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
                let kind = std::fs::metadata(&owned)?.file_type();
                let (fifo, device) = (kind.is_fifo(), kind.is_char_device());
                let mut options = std::fs::OpenOptions::new();
                options.read(true);
                if fifo || device {
                    options.custom_flags(libc::O_NONBLOCK);
                }
                Ok((options.open(&owned)?, fifo, device))
            })
            .await
            .map_err(|e| {
                io::Error::other(format!("the blocking task that opens the file failed: {e}"))
            })?;
        let (file, fifo, device) = opened?;
        if !fifo && !device {
            return Ok(FileReader::Blocking(tokio::fs::File::from_std(file)));
        }
        let receiver = if fifo {
            tokio::net::unix::pipe::Receiver::from_file(file)
        } else {
            tokio::net::unix::pipe::Receiver::from_file_unchecked(file)
        };
        match receiver {
            Ok(receiver) => return Ok(FileReader::Ready(receiver)),
            // A device the OS cannot wait on (`/dev/zero`, `/dev/null`):
            // its reads do not wait either. Reopen it blocking, so that
            // any read that could wait does so instead of failing.
            Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {}
            Err(e) => return Err(e),
        }
    }
    Ok(FileReader::Blocking(tokio::fs::File::open(path).await?))
}

impl AsyncRead for FileReader {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            FileReader::Blocking(file) => Pin::new(file).poll_read(cx, buf),
            #[cfg(unix)]
            FileReader::Ready(receiver) => Pin::new(receiver).poll_read(cx, buf),
        }
    }
}
