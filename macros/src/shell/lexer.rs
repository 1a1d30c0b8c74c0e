//! A small POSIX shell lexer that finds the quoting context of each
//! placeholder in a script.
//!
//! It follows quotes, backslash escapes, `$(...)`, `$((...))`, `${...}`,
//! backticks, `$'...'`, comments and here-documents, as POSIX.1-2017
//! ("Shell Command Language", section 2.3, Token Recognition) describes
//! them. It does not parse commands, so where a `)` could either end a
//! `case` pattern or a `$(...)`, every later placeholder is unsafe.

use crate::template::Quoting;

/// A piece of a script: literal text, or a placeholder whose value is
/// inserted when the task runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScriptPiece<'a> {
    Text(&'a str),
    Placeholder,
}

/// The quoting context of a placeholder in a script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// A position where the runtime's escaping for this quoting keeps the
    /// value one piece of data.
    Quoted(Quoting),
    /// Inside `$((...))`, an unquoted position where only a number makes
    /// sense, because a quoted string is an arithmetic syntax error.
    Arithmetic,
    /// An unquoted word of its own right before `<` or `>`, where the shell
    /// reads an unquoted number as a file descriptor, as in `2>file`.
    BeforeRedirection,
    /// A position where no escaping is reliable.
    Unsafe(Unsafe),
}

/// The reason no escaping is reliable at a position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unsafe {
    /// Inside `` `...` ``, where the shell removes backslashes before it
    /// reads the command again.
    Backticks,
    /// Inside `$'...'`, where the shell interprets backslash escapes.
    AnsiCQuotes,
    /// In the body of a here-document, where a line of the value could end
    /// the document.
    HereDocument,
    /// In the word that ends a here-document.
    HereDocumentDelimiter,
    /// In a comment, which a line break in the value would end.
    Comment,
    /// Inside `${...}`, where shells disagree on how quotes nest.
    ParameterExpansion,
    /// Right after a backslash, which would escape the value's first
    /// character.
    AfterBackslash,
    /// Right after `$` or `$NAME`, where the value would extend the
    /// parameter's name.
    AfterDollar,
    /// After a `case` inside `$(...)`, where a pattern's `)` and the `)`
    /// that ends the substitution look alike to this lexer.
    AfterCase,
    /// After a `$((` closed by a single `)`, which was a command
    /// substitution that starts with a subshell, not arithmetic.
    AfterArithmeticSubshell,
    /// After a `'` inside `"${...}"`, which bash reads as an opening quote
    /// and dash and busybox read as a literal character.
    AfterQuoteInParameter,
}

#[derive(Debug, Clone, Copy)]
enum Item {
    Char(char),
    /// The placeholder with this index among the script's placeholders.
    Placeholder(usize),
}

/// An open quote or expansion. No frame is the script's top level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    Single,
    Double,
    AnsiC,
    Backtick,
    CommandSubstitution {
        parens: usize,
        has_case: bool,
    },
    Arithmetic {
        parens: usize,
    },
    /// `${...}`; `quoted` when it is inside double quotes.
    Parameter {
        braces: usize,
        quoted: bool,
    },
}

impl Frame {
    /// Returns why a placeholder anywhere inside this frame is unsafe.
    fn forbids(&self) -> Option<Unsafe> {
        match self {
            Frame::AnsiC => Some(Unsafe::AnsiCQuotes),
            Frame::Backtick => Some(Unsafe::Backticks),
            Frame::Parameter { .. } => Some(Unsafe::ParameterExpansion),
            _ => None,
        }
    }
}

/// A here-document whose body starts after the next line break.
struct HereDocument {
    delimiter: String,
    /// True for `<<-`, which removes leading tabs from each line.
    strip_tabs: bool,
}

/// Returns the context of each placeholder in `pieces`, in order.
pub fn contexts(pieces: &[ScriptPiece]) -> Vec<Context> {
    let mut lexer = Lexer::new(pieces);
    while lexer.position < lexer.items.len() {
        lexer.step();
    }
    lexer
        .contexts
        .into_iter()
        .map(|context| context.expect("the lexer visits every placeholder"))
        .collect()
}

struct Lexer {
    items: Vec<Item>,
    position: usize,
    stack: Vec<Frame>,
    pending: Vec<HereDocument>,
    /// True where a `#` would start a comment.
    word_start: bool,
    /// The unquoted characters of the current word, or `None` once it has a
    /// quote, an escape, an expansion or a placeholder.
    word: Option<String>,
    /// Set once the lexer can no longer tell the context for sure, to the
    /// reason why. Every later placeholder is unsafe.
    uncertain: Option<Unsafe>,
    contexts: Vec<Option<Context>>,
}

impl Lexer {
    fn new(pieces: &[ScriptPiece]) -> Lexer {
        let mut items = Vec::new();
        let mut placeholders = 0;
        for piece in pieces {
            match piece {
                ScriptPiece::Text(text) => items.extend(text.chars().map(Item::Char)),
                ScriptPiece::Placeholder => {
                    items.push(Item::Placeholder(placeholders));
                    placeholders += 1;
                }
            }
        }
        Lexer {
            items,
            position: 0,
            stack: Vec::new(),
            pending: Vec::new(),
            word_start: true,
            word: Some(String::new()),
            uncertain: None,
            contexts: vec![None; placeholders],
        }
    }

    fn peek(&self, offset: usize) -> Option<Item> {
        self.items.get(self.position + offset).copied()
    }

    fn peek_char(&self, offset: usize) -> Option<char> {
        match self.peek(offset) {
            Some(Item::Char(c)) => Some(c),
            _ => None,
        }
    }

    fn step(&mut self) {
        match self.stack.last() {
            Some(Frame::Single) => self.step_single(),
            Some(Frame::AnsiC) => self.step_until_unescaped('\''),
            Some(Frame::Backtick) => self.step_until_unescaped('`'),
            Some(Frame::Double) => self.step_double(),
            _ => self.step_unquoted(),
        }
    }

    /// Records `safe` for placeholder `index`, unless an enclosing frame or
    /// an earlier `case` in `$(...)` makes the position unsafe.
    fn place(&mut self, index: usize, safe: Context) {
        let forbidden = self.stack.iter().rev().find_map(Frame::forbids);
        let context = match self.uncertain.or(forbidden) {
            Some(reason) => Context::Unsafe(reason),
            None => safe,
        };
        self.contexts[index] = Some(context);
    }

    /// Makes every later placeholder unsafe, keeping the first reason.
    fn lose_track(&mut self, reason: Unsafe) {
        self.uncertain.get_or_insert(reason);
    }

    fn reject(&mut self, index: usize, reason: Unsafe) {
        self.contexts[index] = Some(Context::Unsafe(reason));
    }

    /// Marks the current word as one that is not a plain keyword.
    fn in_word(&mut self) {
        self.word_start = false;
        self.word = None;
    }

    /// Ends the current word; `case` inside `$(...)` is remembered.
    fn end_word(&mut self) {
        if self.word.as_deref() == Some("case") {
            if let Some(Frame::CommandSubstitution { has_case, .. }) = self.stack.last_mut() {
                *has_case = true;
            }
        }
        self.word = Some(String::new());
        self.word_start = true;
    }

    fn step_single(&mut self) {
        match self.items[self.position] {
            Item::Char('\'') => {
                self.stack.pop();
            }
            Item::Char(_) => {}
            Item::Placeholder(index) => self.place(index, Context::Quoted(Quoting::ShellSingle)),
        }
        self.position += 1;
    }

    /// Steps inside `$'...'` or backticks, which end at an unescaped `close`.
    fn step_until_unescaped(&mut self, close: char) {
        match self.items[self.position] {
            Item::Char('\\') => {
                self.position += 1;
                if let Some(Item::Placeholder(index)) = self.peek(0) {
                    self.place(index, Context::Quoted(Quoting::ShellBare));
                }
            }
            Item::Char(c) if c == close => {
                self.stack.pop();
            }
            Item::Char(_) => {}
            Item::Placeholder(index) => self.place(index, Context::Quoted(Quoting::ShellBare)),
        }
        self.position += 1;
    }

    fn step_double(&mut self) {
        match self.items[self.position] {
            Item::Char('"') => {
                self.stack.pop();
                self.position += 1;
            }
            Item::Char('\\') => self.escape(),
            Item::Char('$') => self.dollar(true),
            Item::Char('`') => {
                self.stack.push(Frame::Backtick);
                self.position += 1;
            }
            Item::Char(_) => self.position += 1,
            Item::Placeholder(index) => {
                self.place(index, Context::Quoted(Quoting::ShellDouble));
                self.position += 1;
            }
        }
    }

    /// Consumes a backslash and the item it escapes.
    fn escape(&mut self) {
        match self.peek(1) {
            Some(Item::Placeholder(index)) => self.reject(index, Unsafe::AfterBackslash),
            // A backslash before a line break joins two lines.
            Some(Item::Char('\n')) => {}
            _ => self.in_word(),
        }
        self.position += 2;
    }

    /// Consumes `$` and what it opens: `$((`, `$(`, `${`, `$'` outside
    /// double quotes, or a parameter name.
    fn dollar(&mut self, in_double: bool) {
        self.in_word();
        let frame = match (self.peek_char(1), self.peek_char(2)) {
            (Some('('), Some('(')) => Some((Frame::Arithmetic { parens: 0 }, 3)),
            (Some('('), _) => {
                let frame = Frame::CommandSubstitution {
                    parens: 0,
                    has_case: false,
                };
                Some((frame, 2))
            }
            (Some('{'), _) => {
                let frame = Frame::Parameter {
                    braces: 0,
                    quoted: in_double,
                };
                Some((frame, 2))
            }
            (Some('\''), _) if !in_double => Some((Frame::AnsiC, 2)),
            _ => None,
        };
        if let Some((frame, length)) = frame {
            self.stack.push(frame);
            self.position += length;
            if matches!(frame, Frame::CommandSubstitution { .. }) {
                self.end_word();
            }
            return;
        }

        self.position += 1;
        let starts_name = self
            .peek_char(0)
            .is_some_and(|c| c == '_' || c.is_ascii_alphabetic());
        if starts_name {
            while self
                .peek_char(0)
                .is_some_and(|c| c == '_' || c.is_ascii_alphanumeric())
            {
                self.position += 1;
            }
        }
        if let Some(Item::Placeholder(index)) = self.peek(0) {
            self.reject(index, Unsafe::AfterDollar);
            self.position += 1;
        }
    }

    /// Steps at the top level or inside `$(...)`, `$((...))` or `${...}`.
    fn step_unquoted(&mut self) {
        let c = match self.items[self.position] {
            Item::Char(c) => c,
            Item::Placeholder(index) => {
                // NOTE: only a placeholder that starts the word is checked, so
                // `{{.inputs.a}}{{.inputs.b}}>file` with two numbers still
                // forms a file descriptor.
                let before_redirection =
                    self.word_start && matches!(self.peek_char(1), Some('<' | '>'));
                let context = match self.stack.last() {
                    Some(Frame::Arithmetic { .. }) => Context::Arithmetic,
                    _ if before_redirection => Context::BeforeRedirection,
                    _ => Context::Quoted(Quoting::ShellBare),
                };
                self.place(index, context);
                self.in_word();
                self.position += 1;
                return;
            }
        };
        // Comments and here-documents exist where commands are read.
        let reads_commands = matches!(
            self.stack.last(),
            None | Some(Frame::CommandSubstitution { .. })
        );
        let in_quoted_parameter = matches!(
            self.stack.last(),
            Some(Frame::Parameter { quoted: true, .. })
        );
        match c {
            '\\' => self.escape(),
            '$' => self.dollar(in_quoted_parameter),
            '\'' if in_quoted_parameter => {
                self.lose_track(Unsafe::AfterQuoteInParameter);
                self.position += 1;
            }
            '\'' | '"' | '`' => {
                let frame = match c {
                    '\'' => Frame::Single,
                    '"' => Frame::Double,
                    _ => Frame::Backtick,
                };
                self.stack.push(frame);
                self.in_word();
                self.position += 1;
            }
            '#' if reads_commands && self.word_start => self.comment(),
            '\n' => {
                self.end_word();
                self.position += 1;
                if reads_commands {
                    self.here_document_bodies();
                }
            }
            '<' if reads_commands && self.peek_char(1) == Some('<') => {
                self.end_word();
                self.here_document_operator();
            }
            '(' | ')' => {
                self.end_word();
                self.bracket(c);
            }
            '{' | '}' if matches!(self.stack.last(), Some(Frame::Parameter { .. })) => {
                self.bracket(c);
            }
            ' ' | '\t' | ';' | '&' | '|' | '<' | '>' => {
                self.end_word();
                self.position += 1;
            }
            _ => {
                self.word_start = false;
                if let Some(word) = &mut self.word {
                    word.push(c);
                }
                self.position += 1;
            }
        }
    }

    /// Counts brackets in the open expansion and closes it at its last one.
    fn bracket(&mut self, c: char) {
        self.position += 1;
        let Some(&frame) = self.stack.last() else {
            return;
        };
        let closes = match (frame, c) {
            (
                Frame::CommandSubstitution {
                    parens: 0,
                    has_case,
                },
                ')',
            ) => {
                // After `case`, this `)` may end a pattern instead.
                if has_case {
                    self.lose_track(Unsafe::AfterCase);
                }
                true
            }
            (Frame::Arithmetic { parens: 0 }, ')') => {
                if self.peek_char(0) == Some(')') {
                    self.position += 1;
                } else {
                    self.lose_track(Unsafe::AfterArithmeticSubshell);
                }
                true
            }
            (Frame::Parameter { braces: 0, .. }, '}') => true,
            _ => false,
        };
        if closes {
            self.stack.pop();
            return;
        }
        match (self.stack.last_mut(), c) {
            (
                Some(Frame::CommandSubstitution { parens, .. } | Frame::Arithmetic { parens }),
                '(',
            ) => {
                *parens += 1;
            }
            (
                Some(Frame::CommandSubstitution { parens, .. } | Frame::Arithmetic { parens }),
                ')',
            ) => {
                *parens -= 1;
            }
            (Some(Frame::Parameter { braces, .. }), '{') => *braces += 1,
            (Some(Frame::Parameter { braces, .. }), '}') => *braces -= 1,
            _ => {}
        }
    }

    /// Skips a comment up to the line break, which stays.
    fn comment(&mut self) {
        while let Some(item) = self.peek(0) {
            match item {
                Item::Char('\n') => return,
                Item::Char(_) => {}
                Item::Placeholder(index) => self.reject(index, Unsafe::Comment),
            }
            self.position += 1;
        }
    }

    /// Reads `<<WORD` or `<<-WORD` and queues the here-document; `<<<` is a
    /// here-string, whose word is an ordinary word.
    fn here_document_operator(&mut self) {
        if self.peek_char(2) == Some('<') {
            self.position += 3;
            return;
        }
        self.position += 2;
        let strip_tabs = self.peek_char(0) == Some('-');
        if strip_tabs {
            self.position += 1;
        }
        while matches!(self.peek_char(0), Some(' ' | '\t')) {
            self.position += 1;
        }
        if let Some(delimiter) = self.here_document_delimiter() {
            self.pending.push(HereDocument {
                delimiter,
                strip_tabs,
            });
        }
    }

    /// Reads the delimiter word with its quotes removed. Returns `None` for
    /// an empty word or one with a placeholder.
    fn here_document_delimiter(&mut self) -> Option<String> {
        let mut delimiter = String::new();
        let mut valid = true;
        let mut quote: Option<char> = None;
        while let Some(item) = self.peek(0) {
            let c = match item {
                Item::Placeholder(index) => {
                    self.reject(index, Unsafe::HereDocumentDelimiter);
                    valid = false;
                    self.position += 1;
                    continue;
                }
                Item::Char(c) => c,
            };
            match (quote, c) {
                (None, ' ' | '\t' | '\n' | ';' | '&' | '|' | '<' | '>' | '(' | ')') => break,
                (None, '\'' | '"') => quote = Some(c),
                (Some(open), _) if open == c => quote = None,
                (None | Some('"'), '\\') => {
                    self.position += 1;
                    match self.peek(0) {
                        Some(Item::Char(escaped)) => delimiter.push(escaped),
                        Some(Item::Placeholder(index)) => {
                            self.reject(index, Unsafe::HereDocumentDelimiter);
                            valid = false;
                        }
                        None => break,
                    }
                }
                _ => delimiter.push(c),
            }
            self.position += 1;
        }
        self.end_word();
        (valid && !delimiter.is_empty()).then_some(delimiter)
    }

    /// Skips the body of each queued here-document, which starts after the
    /// line break just read, up to the line equal to its delimiter.
    fn here_document_bodies(&mut self) {
        for document in std::mem::take(&mut self.pending) {
            while self.position < self.items.len() {
                let (line, has_placeholder) = self.body_line();
                let line = match document.strip_tabs {
                    true => line.trim_start_matches('\t'),
                    false => line.as_str(),
                };
                if !has_placeholder && line == document.delimiter {
                    break;
                }
            }
        }
    }

    /// Reads one line of a here-document, line break included, rejecting
    /// its placeholders.
    fn body_line(&mut self) -> (String, bool) {
        let mut line = String::new();
        let mut has_placeholder = false;
        while let Some(item) = self.peek(0) {
            self.position += 1;
            match item {
                Item::Char('\n') => break,
                Item::Char(c) => line.push(c),
                Item::Placeholder(index) => {
                    self.reject(index, Unsafe::HereDocument);
                    has_placeholder = true;
                }
            }
        }
        (line, has_placeholder)
    }
}

#[cfg(test)]
#[path = "lexer_tests.rs"]
mod tests;
