//! Splitting of a container's output into lines, and the tail kept for errors.

use std::collections::VecDeque;

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
#[derive(Debug, Default)]
pub(crate) struct LineCollector {
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    tail: VecDeque<String>,
}

impl LineCollector {
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
                        self.complete_line(stream, &mut emit);
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
        let text = String::from_utf8_lossy(&bytes);
        let line = text.strip_suffix('\r').unwrap_or(&text);
        emit(stream, line);
        if self.tail.len() == TAIL_LINES {
            self.tail.pop_front();
        }
        self.tail.push_back(line.to_owned());
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
    fn invalid_utf8_is_replaced() {
        let mut collector = LineCollector::default();
        let mut lines = Vec::new();
        collector.push(OutputStream::Stdout, b"a\xffb\n", |_, line| {
            lines.push(line.to_owned())
        });
        assert_eq!(lines, ["a\u{fffd}b"]);
    }
}
