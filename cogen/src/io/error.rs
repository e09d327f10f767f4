use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// What a file operation was doing when it failed.
///
/// # Examples
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// use cogen::io::FileOp;
///
/// let err = cogen::io::read("no/such/file.txt").await.unwrap_err();
/// assert_eq!(err.op(), FileOp::Open);
/// # });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FileOp {
    /// Opening (or creating) the file.
    Open,
    /// Reading from it.
    Read,
    /// Writing to it.
    Write,
}

impl fmt::Display for FileOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FileOp::Open => "open",
            FileOp::Read => "read",
            FileOp::Write => "write",
        })
    }
}

/// A file operation that failed: which file, doing what, how far it got, and
/// the [`io::Error`] underneath.
///
/// [`kind`](FileError::kind) tells the common cases apart:
/// [`NotFound`](io::ErrorKind::NotFound) for a missing file,
/// [`PermissionDenied`](io::ErrorKind::PermissionDenied), and
/// [`InvalidData`](io::ErrorKind::InvalidData) for text that is not UTF-8
/// ([`line`](FileError::line) says which line). A reader that fails part-way
/// reports what it had delivered before the failure:
/// [`bytes_read`](FileError::bytes_read) and
/// [`lines_read`](FileError::lines_read).
///
/// Python raises `FileNotFoundError`, `PermissionError` or
/// `UnicodeDecodeError`; this is one type with a kind, as [`io::Error`] is,
/// and converts into one.
///
/// # Examples
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let dir = std::env::temp_dir().join(format!("cogen-doc-file-error-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let path = dir.join("bad.txt");
/// cogen::io::write(&path, b"one\ntwo\nthr\xffee\n").await.unwrap();
///
/// let err = cogen::io::read_to_string(&path).await.unwrap_err();
/// assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
/// assert_eq!(err.line(), Some(3));
/// assert_eq!(err.lines_read(), 2);
/// assert_eq!(err.bytes_read(), 8);
/// assert!(err.to_string().contains("invalid utf-8 in line 3"));
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # });
/// ```
#[derive(Debug)]
pub struct FileError {
    path: Option<PathBuf>,
    op: FileOp,
    bytes_read: u64,
    lines_read: u64,
    line: Option<u64>,
    /// For a line longer than its reader's limit: the limit.
    line_limit: Option<usize>,
    source: io::Error,
}

impl FileError {
    pub(crate) fn new(path: Option<&Path>, op: FileOp, source: io::Error) -> Self {
        FileError {
            path: path.map(Path::to_path_buf),
            op,
            bytes_read: 0,
            lines_read: 0,
            line: None,
            line_limit: None,
            source,
        }
    }

    /// Records how far a reader got before the failure.
    pub(crate) fn after(mut self, bytes_read: u64, lines_read: u64) -> Self {
        self.bytes_read = bytes_read;
        self.lines_read = lines_read;
        self
    }

    /// An invalid UTF-8 error in line `line` (1-based), which starts after
    /// `bytes_before` bytes; `valid` bytes of it decoded.
    pub(crate) fn invalid_utf8(
        path: Option<&Path>,
        line: u64,
        bytes_before: u64,
        err: std::str::Utf8Error,
    ) -> Self {
        let mut e = FileError::new(
            path,
            FileOp::Read,
            io::Error::new(io::ErrorKind::InvalidData, err),
        );
        e.bytes_read = bytes_before;
        e.lines_read = line - 1;
        e.line = Some(line);
        e
    }

    /// Line `line` (1-based), which starts after `bytes_before` bytes, is
    /// longer than `limit` bytes.
    pub(crate) fn line_too_long(
        path: Option<&Path>,
        line: u64,
        bytes_before: u64,
        limit: usize,
    ) -> Self {
        let why = format!("line {line} longer than {limit} bytes");
        let mut e = FileError::new(
            path,
            FileOp::Read,
            io::Error::new(io::ErrorKind::InvalidData, why),
        );
        e.bytes_read = bytes_before;
        e.lines_read = line - 1;
        e.line = Some(line);
        e.line_limit = Some(limit);
        e
    }

    /// The file, or `None` for a reader that is not a file
    /// ([`lines_from`](crate::io::lines_from)).
    ///
    /// # Examples
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let err = cogen::io::read("missing.txt").await.unwrap_err();
    /// assert_eq!(err.path(), Some(std::path::Path::new("missing.txt")));
    /// # });
    /// ```
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// What the operation was doing.
    ///
    /// # Examples
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let err = cogen::io::write("no/such/dir/f.txt", "x").await.unwrap_err();
    /// assert_eq!(err.op(), cogen::io::FileOp::Open);
    /// # });
    /// ```
    pub fn op(&self) -> FileOp {
        self.op
    }

    /// The kind of the underlying error: `NotFound`, `PermissionDenied`,
    /// `InvalidData` (not UTF-8), or whatever the OS said.
    ///
    /// # Examples
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let err = cogen::io::read("missing.txt").await.unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    /// # });
    /// ```
    pub fn kind(&self) -> io::ErrorKind {
        self.source.kind()
    }

    /// The 1-based line that failed: not UTF-8, or longer than its
    /// reader's limit ([`line_limit`](FileError::line_limit)).
    ///
    /// # Examples
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let err = cogen::io::read("missing.txt").await.unwrap_err();
    /// assert_eq!(err.line(), None);
    /// # });
    /// ```
    pub fn line(&self) -> Option<u64> {
        self.line
    }

    /// The limit a line passed, for a line longer than its reader's
    /// [`max_len`](crate::io::LineOptions::max_len); `None` for any other
    /// failure.
    ///
    /// # Examples
    ///
    /// ```
    /// use futures::StreamExt;
    ///
    /// # futures::executor::block_on(async {
    /// let text: &[u8] = b"short\nmuch too long\n";
    /// let reader = cogen::io::LineOptions::new().max_len(8).lines_from(text);
    /// let items: Vec<_> = reader.collect().await;
    /// let err = items[1].as_ref().unwrap_err();
    /// assert_eq!((err.line(), err.line_limit()), (Some(2), Some(8)));
    /// assert_eq!(err.to_string(), "cannot read: line 2 longer than 8 bytes (after 1 line, 6 bytes)");
    /// # });
    /// ```
    pub fn line_limit(&self) -> Option<usize> {
        self.line_limit
    }

    /// Bytes delivered before the failure (whole lines or whole chunks for
    /// the generators; the valid prefix for
    /// [`read_to_string`](crate::io::read_to_string)).
    ///
    /// # Examples
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let err = cogen::io::read("missing.txt").await.unwrap_err();
    /// assert_eq!(err.bytes_read(), 0);
    /// # });
    /// ```
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    /// Whole lines delivered before the failure (counted by line readers and
    /// [`read_to_string`](crate::io::read_to_string); 0 otherwise).
    ///
    /// # Examples
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let err = cogen::io::read("missing.txt").await.unwrap_err();
    /// assert_eq!(err.lines_read(), 0);
    /// # });
    /// ```
    pub fn lines_read(&self) -> u64 {
        self.lines_read
    }

    /// The underlying error, handed back.
    ///
    /// # Examples
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let err = cogen::io::read("missing.txt").await.unwrap_err();
    /// assert_eq!(err.into_io_error().kind(), std::io::ErrorKind::NotFound);
    /// # });
    /// ```
    pub fn into_io_error(self) -> io::Error {
        self.source
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.path {
            Some(p) => write!(f, "cannot {} {}: ", self.op, p.display())?,
            None => write!(f, "cannot {}: ", self.op)?,
        }
        match (self.line, self.source.kind()) {
            (Some(line), _) if self.line_limit.is_none() => {
                write!(f, "invalid utf-8 in line {line}")?
            }
            (None, io::ErrorKind::NotFound) => f.write_str("no such file or directory")?,
            (None, io::ErrorKind::PermissionDenied) => f.write_str("permission denied")?,
            _ => write!(f, "{}", self.source)?,
        }
        if self.line.is_some() || self.lines_read > 0 {
            let s = if self.lines_read == 1 { "" } else { "s" };
            write!(
                f,
                " (after {} line{s}, {} bytes)",
                self.lines_read, self.bytes_read
            )?;
        } else if self.bytes_read > 0 {
            write!(f, " (after {} bytes)", self.bytes_read)?;
        }
        Ok(())
    }
}

impl std::error::Error for FileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

impl From<FileError> for io::Error {
    fn from(e: FileError) -> io::Error {
        let kind = e.kind();
        io::Error::new(kind, e)
    }
}
