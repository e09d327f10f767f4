//! Line splitting shared by `io::lines` and `http::Fetcher::lines`, so both
//! follow one rule: Python's universal newlines (`open(path)` in text mode,
//! `newline=None`). `\n`, `\r\n` and a lone `\r` each end a line; a line's
//! end is stripped, or kept as `\n` as Python translates it.
//!
//! A `\r` ends its line at once (no waiting for the next byte, as Python's
//! decoder does); a `\n` right after it, in the same input or the next, is
//! the rest of that line's end and is skipped. One pass, no copy but the one
//! into the line handed out.
//!
//! `io` and `http` are separate features: `http` uses this module when `io`
//! is on and includes the file by path when it is not.

/// What [`Splitter::split`] found in its input.
#[derive(Debug)]
pub(crate) enum Split {
    /// A whole line: its bytes (with `\n` appended when ends are kept), and
    /// where it started in the stream.
    Line(Vec<u8>, u64),
    /// The input ran out inside a line; all of it was taken.
    More,
    /// The line being assembled passed the limit. Nothing more should be
    /// split: the line is abandoned.
    TooLong,
}

/// A streaming line splitter: feed it input with [`split`](Splitter::split)
/// until it is used up, then [`finish`](Splitter::finish) at the end.
#[derive(Debug)]
pub(crate) struct Splitter {
    /// The line being assembled, without its end.
    line: Vec<u8>,
    /// The last line ended with `\r`: a `\n` that comes next belongs to it.
    after_cr: bool,
    /// The longest line accepted, its end not counted.
    limit: Option<usize>,
    keep_ends: bool,
    /// Where the line being assembled starts: every byte of the lines
    /// handed out so far, their ends included.
    line_start: u64,
}

impl Splitter {
    pub(crate) fn new(limit: Option<usize>, keep_ends: bool) -> Self {
        Splitter {
            line: Vec::new(),
            after_cr: false,
            limit,
            keep_ends,
            line_start: 0,
        }
    }

    /// Bytes of the lines handed out so far, their ends included: where the
    /// next line starts.
    pub(crate) fn line_start(&self) -> u64 {
        self.line_start
    }

    /// Takes the next line from `input`, or all of `input` into the line
    /// being assembled. Returns what it found and how many bytes it took.
    pub(crate) fn split(&mut self, input: &[u8]) -> (Split, usize) {
        let mut skipped = 0;
        if self.after_cr && !input.is_empty() {
            self.after_cr = false;
            if input[0] == b'\n' {
                skipped = 1;
                self.line_start += 1;
            }
        }
        let rest = &input[skipped..];
        match memchr::memchr2(b'\n', b'\r', rest) {
            Some(end) => {
                if self.too_long(end) {
                    return (Split::TooLong, skipped);
                }
                self.line.reserve_exact(end + usize::from(self.keep_ends));
                self.line.extend_from_slice(&rest[..end]);
                self.after_cr = rest[end] == b'\r';
                if self.keep_ends {
                    self.line.push(b'\n');
                }
                let line = std::mem::take(&mut self.line);
                let start = self.line_start;
                self.line_start += (line.len() + usize::from(!self.keep_ends)) as u64;
                (Split::Line(line, start), skipped + end + 1)
            }
            None => {
                if self.too_long(rest.len()) {
                    return (Split::TooLong, skipped);
                }
                self.line.extend_from_slice(rest);
                (Split::More, input.len())
            }
        }
    }

    /// Whether adding `more` bytes to the line would pass the limit.
    fn too_long(&self, more: usize) -> bool {
        self.limit
            .is_some_and(|limit| self.line.len().saturating_add(more) > limit)
    }

    /// At the end of the stream: the last line, if it had no end (never
    /// empty), and where it started.
    pub(crate) fn finish(&mut self) -> Option<(Vec<u8>, u64)> {
        if self.line.is_empty() {
            return None;
        }
        let line = std::mem::take(&mut self.line);
        let start = self.line_start;
        self.line_start += line.len() as u64;
        Some((line, start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Splits `input` fed in pieces of `piece` bytes.
    fn lines(input: &[u8], piece: usize, keep_ends: bool) -> Vec<String> {
        let mut s = Splitter::new(None, keep_ends);
        let mut out = Vec::new();
        for mut chunk in input.chunks(piece) {
            while !chunk.is_empty() {
                let (found, took) = s.split(chunk);
                chunk = &chunk[took..];
                if let Split::Line(line, _) = found {
                    out.push(String::from_utf8(line).unwrap());
                }
            }
        }
        if let Some((line, _)) = s.finish() {
            out.push(String::from_utf8(line).unwrap());
        }
        out
    }

    #[test]
    fn universal_newlines_whatever_the_pieces() {
        let cases: [(&[u8], &[&str]); 6] = [
            (b"a\rb", &["a\n", "b"]),
            (b"a\r\r\nb", &["a\n", "\n", "b"]),
            (b"a\n\rb", &["a\n", "\n", "b"]),
            (b"a\rb\r", &["a\n", "b\n"]),
            (b"x\r\r", &["x\n", "\n"]),
            (b"", &[]),
        ];
        for (input, expected) in cases {
            for piece in 1..=input.len().max(1) {
                assert_eq!(lines(input, piece, true), expected, "{input:?} by {piece}");
                let stripped: Vec<&str> = expected
                    .iter()
                    .map(|l| l.strip_suffix('\n').unwrap_or(l))
                    .collect();
                assert_eq!(lines(input, piece, false), stripped, "{input:?} by {piece}");
            }
        }
    }

    #[test]
    fn line_start_counts_every_byte_of_the_lines_handed_out() {
        let mut s = Splitter::new(None, false);
        let (found, took) = s.split(b"ab\r");
        assert!(matches!(found, Split::Line(ref l, 0) if l == b"ab"));
        assert_eq!((took, s.line_start()), (3, 3));
        let (found, took) = s.split(b"\ncd\n");
        assert!(matches!(found, Split::Line(ref l, 4) if l == b"cd"));
        assert_eq!((took, s.line_start()), (4, 7));
    }

    #[test]
    fn a_line_past_the_limit_is_too_long_before_it_is_held() {
        let mut s = Splitter::new(Some(4), false);
        assert!(matches!(s.split(b"abcd\n").0, Split::Line(..)));
        assert!(matches!(s.split(b"abc").0, Split::More));
        assert!(matches!(s.split(b"de").0, Split::TooLong));
        assert!(s.line.len() <= 4);
    }
}
