//! Splitting of a container's output into lines, the tail kept for errors,
//! and the saved log file.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::fmt::Write as _;
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::secrets::Redactor;

/// Number of output lines kept for the error of a failed task.
pub(crate) const TAIL_LINES: usize = 20;

/// Length in bytes past which an unfinished line is emitted as it is, so that
/// output without newlines cannot grow memory without bound.
const MAX_LINE_BYTES: usize = 64 * 1024;

/// The output stream a line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OutputStream {
    Stdout,
    Stderr,
}

impl OutputStream {
    /// Returns the conventional name, used as a log field.
    pub(crate) fn name(self) -> &'static str {
        match self {
            OutputStream::Stdout => "stdout",
            OutputStream::Stderr => "stderr",
        }
    }
}

/// Joins the chunks of a container's stdout and stderr into lines and keeps
/// the last [`TAIL_LINES`] of them, in the order they completed.
///
/// Each line is decoded as UTF-8, with every invalid byte shown as a `\xNN`
/// escape, and has its secrets masked before it is logged, saved or kept
/// in the tail.
#[derive(Debug, Default)]
pub(crate) struct LineCollector {
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    tail: VecDeque<String>,
    redactor: Redactor,
}

impl LineCollector {
    /// Creates a collector that masks the secrets of `redactor`.
    pub(crate) fn new(redactor: Redactor) -> LineCollector {
        LineCollector {
            redactor,
            ..LineCollector::default()
        }
    }

    /// Adds a chunk of output and calls `emit` with each line it completes,
    /// without the line break.
    pub(crate) fn push(
        &mut self,
        stream: OutputStream,
        chunk: &[u8],
        mut emit: impl FnMut(OutputStream, &str),
    ) {
        let mut rest = chunk;
        while !rest.is_empty() {
            // A pending line is always shorter than the limit, because it is
            // emitted as soon as it reaches it.
            let pending = self.pending(stream);
            let room = MAX_LINE_BYTES - pending.len();
            let window = &rest[..rest.len().min(room)];
            match window.iter().position(|&byte| byte == b'\n') {
                Some(end) => {
                    pending.extend_from_slice(&window[..end]);
                    rest = &rest[end + 1..];
                    self.complete_line(stream, &mut emit);
                }
                None => {
                    pending.extend_from_slice(window);
                    rest = &rest[window.len()..];
                    if pending.len() == MAX_LINE_BYTES {
                        // A character cut in two would show as escapes, so
                        // its first bytes wait for the rest.
                        // NOTE: a secret cut in two here is not masked,
                        // because each part is masked on its own line.
                        let cut = pending.len() - incomplete_char_len(pending);
                        let carried = pending.split_off(cut);
                        self.complete_line(stream, &mut emit);
                        *self.pending(stream) = carried;
                    }
                }
            }
        }
    }

    /// Emits the unfinished last line of each stream, if any.
    pub(crate) fn finish(&mut self, mut emit: impl FnMut(OutputStream, &str)) {
        for stream in [OutputStream::Stdout, OutputStream::Stderr] {
            if !self.pending(stream).is_empty() {
                self.complete_line(stream, &mut emit);
            }
        }
    }

    /// Returns the kept lines joined by newlines.
    pub(crate) fn tail(&self) -> String {
        let lines: Vec<&str> = self.tail.iter().map(String::as_str).collect();
        lines.join("\n")
    }

    fn pending(&mut self, stream: OutputStream) -> &mut Vec<u8> {
        match stream {
            OutputStream::Stdout => &mut self.stdout,
            OutputStream::Stderr => &mut self.stderr,
        }
    }

    fn complete_line(&mut self, stream: OutputStream, emit: &mut impl FnMut(OutputStream, &str)) {
        let bytes = std::mem::take(self.pending(stream));
        let text = decode_escaped(&bytes);
        let line = text.strip_suffix('\r').unwrap_or(&text);
        let line = self.redactor.redact(line);
        emit(stream, &line);
        if self.tail.len() == TAIL_LINES {
            self.tail.pop_front();
        }
        self.tail.push_back(line.into_owned());
    }
}

/// Decodes `bytes` as UTF-8, writing each byte of an invalid sequence as a
/// `\xNN` escape. Borrows `bytes` when they are valid.
pub(crate) fn decode_escaped(bytes: &[u8]) -> Cow<'_, str> {
    let Err(_) = std::str::from_utf8(bytes) else {
        return String::from_utf8_lossy(bytes);
    };
    let mut text = String::with_capacity(bytes.len() + 16);
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(valid) => {
                text.push_str(valid);
                return Cow::Owned(text);
            }
            Err(error) => {
                let (valid, after) = rest.split_at(error.valid_up_to());
                text.push_str(&String::from_utf8_lossy(valid));
                // `None` means the input ended inside a sequence.
                let invalid = error.error_len().unwrap_or(after.len());
                for byte in &after[..invalid] {
                    let _ = write!(text, "\\x{byte:02x}");
                }
                rest = &after[invalid..];
            }
        }
    }
}

/// Returns how many bytes at the end of `bytes` begin a UTF-8 character
/// that is not complete yet: 0 to 3.
fn incomplete_char_len(bytes: &[u8]) -> usize {
    for back in 1..=bytes.len().min(3) {
        let byte = bytes[bytes.len() - back];
        if byte & 0b1100_0000 == 0b1000_0000 {
            continue;
        }
        let length = match byte {
            0xf0.. => 4,
            0xe0.. => 3,
            0xc0.. => 2,
            _ => 1,
        };
        return if length > back { back } else { 0 };
    }
    0
}

/// The file that keeps a copy of a container's output, one line per output
/// line prefixed with `stdout | ` or `stderr | `.
///
/// Writes go through a buffer and block only when it is full, which keeps
/// them cheap enough for the task that reads the container's output. After
/// the first failed write the file is left as it is and a warning is logged.
#[derive(Debug)]
pub(crate) struct LogFile {
    path: PathBuf,
    writer: Option<BufWriter<fs::File>>,
}

impl LogFile {
    /// Creates the file, and any missing parent directories. An existing
    /// file is replaced.
    pub(crate) fn create(path: &Path) -> io::Result<LogFile> {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        let file = fs::File::create(path)?;
        Ok(LogFile {
            path: path.to_owned(),
            writer: Some(BufWriter::with_capacity(64 * 1024, file)),
        })
    }

    /// Appends one line of output.
    pub(crate) fn write_line(&mut self, node: &str, stream: OutputStream, line: &str) {
        let Some(writer) = &mut self.writer else {
            return;
        };
        let written = writeln!(writer, "{} | {line}", stream.name());
        self.check(node, written);
    }

    /// Writes what is buffered to the file.
    pub(crate) fn flush(&mut self, node: &str) {
        if let Some(writer) = &mut self.writer {
            let flushed = writer.flush();
            self.check(node, flushed);
        }
    }

    fn check(&mut self, node: &str, result: io::Result<()>) {
        if let Err(error) = result {
            tracing::warn!(
                task = %node,
                path = %self.path.display(),
                error = %error,
                "writing the log file failed; later lines are missing from it"
            );
            self.writer = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn push_all(collector: &mut LineCollector, chunks: &[(OutputStream, &str)]) -> Vec<String> {
        let mut lines = Vec::new();
        for (stream, chunk) in chunks {
            collector.push(*stream, chunk.as_bytes(), |from, line| {
                lines.push(format!("{}: {line}", from.name()));
            });
        }
        collector.finish(|from, line| lines.push(format!("{}: {line}", from.name())));
        lines
    }

    #[test]
    fn lines_split_across_chunks_are_joined() {
        let mut collector = LineCollector::default();
        let chunks = [
            (OutputStream::Stdout, "one\ntw"),
            (OutputStream::Stderr, "warn"),
            (OutputStream::Stdout, "o\r\nthree"),
            (OutputStream::Stderr, "ing\n"),
        ];
        let lines = push_all(&mut collector, &chunks);
        assert_eq!(
            lines,
            [
                "stdout: one",
                "stdout: two",
                "stderr: warning",
                "stdout: three"
            ]
        );
        assert_eq!(collector.tail(), "one\ntwo\nwarning\nthree");
    }

    #[test]
    fn empty_lines_are_kept() {
        let mut collector = LineCollector::default();
        let lines = push_all(&mut collector, &[(OutputStream::Stdout, "\n\nx\n")]);
        assert_eq!(lines, ["stdout: ", "stdout: ", "stdout: x"]);
    }

    #[test]
    fn tail_keeps_last_lines() {
        let mut collector = LineCollector::default();
        let text: String = (0..50).map(|number| format!("line {number}\n")).collect();
        push_all(&mut collector, &[(OutputStream::Stdout, &text)]);
        let expected: Vec<String> = (30..50).map(|number| format!("line {number}")).collect();
        assert_eq!(collector.tail(), expected.join("\n"));
    }

    #[test]
    fn long_line_is_cut() {
        let mut collector = LineCollector::default();
        let long = "x".repeat(MAX_LINE_BYTES + 10);
        let lines = push_all(&mut collector, &[(OutputStream::Stdout, &long)]);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].len(), "stdout: ".len() + MAX_LINE_BYTES);
        assert_eq!(lines[1], format!("stdout: {}", "x".repeat(10)));
    }

    #[test]
    fn invalid_utf8_is_escaped() {
        let mut collector = LineCollector::default();
        let mut lines = Vec::new();
        collector.push(
            OutputStream::Stdout,
            b"a\xffb caf\xc3\xa9\n\xe2\x82\n",
            |_, line| lines.push(line.to_owned()),
        );
        assert_eq!(lines, ["a\\xffb café", "\\xe2\\x82"]);
    }

    #[test]
    fn character_split_by_chunks_is_kept() {
        let mut collector = LineCollector::default();
        let lines = {
            let mut lines = Vec::new();
            let mut emit = |_: OutputStream, line: &str| lines.push(line.to_owned());
            collector.push(OutputStream::Stdout, b"caf\xc3", &mut emit);
            collector.push(OutputStream::Stdout, b"\xa9\n", &mut emit);
            lines
        };
        assert_eq!(lines, ["café"]);
    }

    #[test]
    fn cut_keeps_characters_whole() {
        let mut collector = LineCollector::default();
        let mut text = "x".repeat(MAX_LINE_BYTES - 1);
        text.push_str("é and more");
        let lines = push_all(&mut collector, &[(OutputStream::Stdout, &text)]);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].len(), "stdout: ".len() + MAX_LINE_BYTES - 1);
        assert_eq!(lines[1], "stdout: é and more");
    }

    #[test]
    fn incomplete_char_len_counts_started_bytes() {
        assert_eq!(incomplete_char_len(b"abc"), 0);
        assert_eq!(incomplete_char_len(b"ab\xc3"), 1);
        assert_eq!(incomplete_char_len("é".as_bytes()), 0);
        assert_eq!(incomplete_char_len(b"\xe2\x82"), 2);
        assert_eq!(incomplete_char_len(b"\xf0\x9f\x98"), 3);
        assert_eq!(incomplete_char_len("😀".as_bytes()), 0);
        assert_eq!(incomplete_char_len(b"\x82\x82\x82"), 0);
    }

    #[test]
    fn secrets_are_masked_in_lines_and_tail() {
        let redactor = Redactor::new(&[("TOKEN".to_owned(), "hunter2".to_owned())]);
        let mut collector = LineCollector::new(redactor);
        let lines = push_all(&mut collector, &[(OutputStream::Stderr, "pass=hunter2\n")]);
        assert_eq!(lines, ["stderr: pass=***"]);
        assert_eq!(collector.tail(), "pass=***");
    }
}
