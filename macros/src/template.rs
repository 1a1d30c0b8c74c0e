//! Parsing of `{{.inputs.NAME}}` placeholders in one `command` or
//! `arguments` element.
//!
//! The parser is a pure function over the element's text. It does not see
//! the declared inputs, so `valid` resolves the names and writes the
//! messages. `{{{{` is the escape for a literal `{{`, as `{{` is in Rust's
//! `format!`; `}}` needs no escape.

/// An element split into text and placeholders, with the errors found in it.
#[derive(Debug, PartialEq)]
pub struct Template<'a> {
    /// The pieces in order. A text piece is never empty, and an escaped
    /// `{{{{` is a text piece `{{` of its own.
    pub pieces: Vec<Piece<'a>>,
    /// Malformed placeholders, in order. Their text is in no piece.
    pub errors: Vec<TemplateError<'a>>,
}

/// A piece of an element.
#[derive(Debug, PartialEq)]
pub enum Piece<'a> {
    /// Text copied into the argument unchanged.
    Text(&'a str),
    /// A well-formed `{{.inputs.NAME}}` placeholder.
    Input(Placeholder<'a>),
}

/// A well-formed `{{.inputs.NAME}}` placeholder.
#[derive(Debug, PartialEq)]
pub struct Placeholder<'a> {
    /// The input name, which is not checked against the declared inputs.
    pub name: &'a str,
    /// The whole placeholder, braces included.
    pub text: &'a str,
    /// The position of the opening braces.
    pub position: Position,
}

/// The escaping of a substituted value, mirroring the runtime's `Quoting`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quoting {
    /// The value is inserted as it is, into an argv element that no shell
    /// reads as a script.
    Verbatim,
    /// Inside `'...'` in a shell script.
    ShellSingle,
    /// Inside `"..."` in a shell script.
    ShellDouble,
    /// Outside any quotes in a shell script.
    ShellBare,
}

/// The start of a placeholder in the element's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// Byte offset of the opening `{{`.
    pub offset: usize,
    /// 1-based character column of the opening `{{`. An element that
    /// contains line breaks is counted as one line.
    pub column: usize,
}

/// A `{{` that does not start a well-formed `{{.inputs.NAME}}` placeholder.
#[derive(Debug, PartialEq)]
pub struct TemplateError<'a> {
    /// The kind of mistake.
    pub kind: ErrorKind<'a>,
    /// The text from `{{` to the matching `}}`, or to the end of the element
    /// when there is none.
    pub text: &'a str,
    /// The position of the opening braces.
    pub position: Position,
}

/// The ways a placeholder can be malformed.
#[derive(Debug, PartialEq, Eq)]
pub enum ErrorKind<'a> {
    /// A `{{` with no `}}` after it.
    Unclosed,
    /// A spelling that Flyte's backend accepts but its local runner does
    /// not, such as `{{ .inputs.x }}`, `{{$inputs.x}}` or `{{.Inputs.x}}`.
    Spelling {
        /// The placeholder as it must be written.
        corrected: String,
        /// The differences from the accepted spelling, in the order above.
        faults: Vec<SpellingFault>,
    },
    /// `{{.outputs.NAME}}`, which does not exist: a command writes outputs to
    /// files. The field is the output name.
    Output(&'a str),
    /// `{{.inputs.}}`, with no name.
    MissingName,
    /// Anything else between `{{` and `}}`.
    Invalid,
}

/// A difference between a placeholder and the spelling `{{.inputs.NAME}}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpellingFault {
    /// Whitespace after `{{` or before `}}`.
    Whitespace,
    /// `$` in place of the `.` before `inputs`.
    Dollar,
    /// `inputs` in another case, such as `Inputs`.
    Case,
}

/// The escape for a literal `{{`.
const ESCAPED_BRACES: &str = "{{{{";
const INPUTS_PREFIX: &str = ".inputs.";
const OUTPUTS_PREFIX: &str = ".outputs.";

/// Splits `text` into literal text and placeholders, and lists every
/// malformed placeholder.
pub fn parse(text: &str) -> Template<'_> {
    let mut template = Template {
        pieces: Vec::new(),
        errors: Vec::new(),
    };
    let mut text_start = 0;

    while let Some(found) = text[text_start..].find("{{") {
        let open = text_start + found;
        push_text(&mut template, &text[text_start..open]);
        if text[open..].starts_with(ESCAPED_BRACES) {
            push_text(&mut template, &text[open..open + 2]);
            text_start = open + ESCAPED_BRACES.len();
            continue;
        }
        let position = Position {
            offset: open,
            column: text[..open].chars().count() + 1,
        };

        let Some(inner_length) = text[open + 2..].find("}}") else {
            template.errors.push(TemplateError {
                kind: ErrorKind::Unclosed,
                text: &text[open..],
                position,
            });
            return template;
        };
        let close = open + 2 + inner_length + 2;
        let inner = &text[open + 2..close - 2];
        push_placeholder(&mut template, inner, &text[open..close], position);
        text_start = close;
    }

    push_text(&mut template, &text[text_start..]);
    template
}

fn push_text<'a>(template: &mut Template<'a>, text: &'a str) {
    if !text.is_empty() {
        template.pieces.push(Piece::Text(text));
    }
}

fn push_placeholder<'a>(
    template: &mut Template<'a>,
    inner: &'a str,
    text: &'a str,
    position: Position,
) {
    match classify(inner) {
        Ok(name) => template.pieces.push(Piece::Input(Placeholder {
            name,
            text,
            position,
        })),
        Err(kind) => template.errors.push(TemplateError {
            kind,
            text,
            position,
        }),
    }
}

/// Returns the input name of the text between `{{` and `}}`.
fn classify(inner: &str) -> Result<&str, ErrorKind<'_>> {
    if let Some(name) = inner.strip_prefix(INPUTS_PREFIX) {
        if name.is_empty() {
            return Err(ErrorKind::MissingName);
        }
        if is_name(name) {
            return Ok(name);
        }
    }
    if let Some(name) = inner.strip_prefix(OUTPUTS_PREFIX) {
        if is_name(name) {
            return Err(ErrorKind::Output(name));
        }
    }
    Err(respell(inner).unwrap_or(ErrorKind::Invalid))
}

/// Returns the spelling error of a placeholder that Flyte's backend would
/// read as an input: whitespace inside the braces, `$` before `inputs`, or
/// `inputs` in any case.
fn respell(inner: &str) -> Option<ErrorKind<'static>> {
    let trimmed = inner.trim();
    let mut faults = Vec::new();
    if trimmed != inner {
        faults.push(SpellingFault::Whitespace);
    }
    let rest = match trimmed.strip_prefix('$') {
        Some(rest) => {
            faults.push(SpellingFault::Dollar);
            rest
        }
        None => trimmed.strip_prefix('.')?,
    };
    let (word, name) = rest.split_once('.')?;
    if !word.eq_ignore_ascii_case("inputs") || !is_name(name) {
        return None;
    }
    if word != "inputs" {
        faults.push(SpellingFault::Case);
    }
    let corrected = format!("{{{{.inputs.{name}}}}}");
    (!faults.is_empty()).then_some(ErrorKind::Spelling { corrected, faults })
}

/// Returns true when `name` could be a Rust identifier: letters, digits and
/// `_`, the first not a digit.
fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|first| first == '_' || first.is_alphabetic());
    first_ok && chars.all(|rest| rest == '_' || rest.is_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A piece in the tables below: `T` for text, `I` for an input name.
    #[derive(Debug, PartialEq)]
    enum Expected<'a> {
        T(&'a str),
        I(&'a str, usize),
    }
    use Expected::{I, T};

    fn pieces(text: &str) -> Vec<Expected<'_>> {
        let template = parse(text);
        assert_eq!(template.errors, [], "errors in {text:?}");
        template
            .pieces
            .into_iter()
            .map(|piece| match piece {
                Piece::Text(text) => T(text),
                Piece::Input(placeholder) => I(placeholder.name, placeholder.position.column),
            })
            .collect()
    }

    #[test]
    fn parse_splits_text_and_placeholders() {
        let cases: &[(&str, &[Expected])] = &[
            ("", &[]),
            ("echo", &[T("echo")]),
            ("{{.inputs.x}}", &[I("x", 1)]),
            ("a{{.inputs.x}}b", &[T("a"), I("x", 2), T("b")]),
            ("{{.inputs.a}}{{.inputs.b}}", &[I("a", 1), I("b", 14)]),
            ("é {{.inputs.x}}", &[T("é "), I("x", 3)]),
            ("{{.inputs._x1}}", &[I("_x1", 1)]),
            ("{{.inputs.naïve}}", &[I("naïve", 1)]),
            ("{x} }} {", &[T("{x} }} {")]),
            ("a\n{{.inputs.x}}", &[T("a\n"), I("x", 3)]),
        ];
        for (text, expected) in cases {
            assert_eq!(pieces(text), *expected, "pieces of {text:?}");
        }
    }

    #[test]
    fn parse_records_byte_offset_and_text() {
        let template = parse("é={{.inputs.x}}");
        let [Piece::Text("é="), Piece::Input(placeholder)] = template.pieces.as_slice() else {
            panic!("unexpected pieces {:?}", template.pieces);
        };
        assert_eq!(
            placeholder.position,
            Position {
                offset: 3,
                column: 3
            }
        );
        assert_eq!(placeholder.text, "{{.inputs.x}}");
    }

    #[test]
    fn parse_reads_four_braces_as_two() {
        let cases: &[(&str, &[Expected])] = &[
            ("{{{{", &[T("{{")]),
            ("a{{{{b", &[T("a"), T("{{"), T("b")]),
            ("{{{{.inputs.x}}", &[T("{{"), T(".inputs.x}}")]),
            ("{{{{{{.inputs.x}}", &[T("{{"), I("x", 5)]),
            ("{{{{{{{{", &[T("{{"), T("{{")]),
            ("}}}}", &[T("}}}}")]),
            ("${{{{x}}", &[T("$"), T("{{"), T("x}}")]),
        ];
        for (text, expected) in cases {
            assert_eq!(pieces(text), *expected, "pieces of {text:?}");
        }
    }

    #[test]
    fn parse_reports_unclosed_after_escape() {
        let template = parse("{{{{{{.inputs.x");
        assert_eq!(template.pieces, [Piece::Text("{{")]);
        assert_eq!(template.errors.len(), 1);
        assert_eq!(template.errors[0].kind, ErrorKind::Unclosed);
        assert_eq!(template.errors[0].position.column, 5);
    }

    #[test]
    fn parse_reports_malformed_placeholders() {
        let spelling = |faults: &[SpellingFault]| ErrorKind::Spelling {
            corrected: "{{.inputs.x}}".to_owned(),
            faults: faults.to_vec(),
        };
        let whitespace = |_: &str| spelling(&[SpellingFault::Whitespace]);
        let cases = [
            ("{{", ErrorKind::Unclosed, "{{", 1),
            ("echo {{.inputs.x", ErrorKind::Unclosed, "{{.inputs.x", 6),
            (
                "{{.outputs.x}}",
                ErrorKind::Output("x"),
                "{{.outputs.x}}",
                1,
            ),
            ("a {{.input.x}}", ErrorKind::Invalid, "{{.input.x}}", 3),
            ("{{.inputs.}}", ErrorKind::MissingName, "{{.inputs.}}", 1),
            (
                "{{ .inputs.x }}",
                whitespace("{{.inputs.x}}"),
                "{{ .inputs.x }}",
                1,
            ),
            (
                "{{.inputs.x }}",
                whitespace("{{.inputs.x}}"),
                "{{.inputs.x }}",
                1,
            ),
            ("{{.inputs. x}}", ErrorKind::Invalid, "{{.inputs. x}}", 1),
            (
                "{{.Inputs.x}}",
                spelling(&[SpellingFault::Case]),
                "{{.Inputs.x}}",
                1,
            ),
            (
                "{{.INPUTS.x}}",
                spelling(&[SpellingFault::Case]),
                "{{.INPUTS.x}}",
                1,
            ),
            (
                "{{$inputs.x}}",
                spelling(&[SpellingFault::Dollar]),
                "{{$inputs.x}}",
                1,
            ),
            (
                "{{ $Inputs.x }}",
                spelling(&[
                    SpellingFault::Whitespace,
                    SpellingFault::Dollar,
                    SpellingFault::Case,
                ]),
                "{{ $Inputs.x }}",
                1,
            ),
            ("{{$inputs.}}", ErrorKind::Invalid, "{{$inputs.}}", 1),
            ("{{$x}}", ErrorKind::Invalid, "{{$x}}", 1),
            ("{{.Outputs.x}}", ErrorKind::Invalid, "{{.Outputs.x}}", 1),
            ("{{.inputs.a-b}}", ErrorKind::Invalid, "{{.inputs.a-b}}", 1),
            ("{{.inputs.1x}}", ErrorKind::Invalid, "{{.inputs.1x}}", 1),
            ("{{.outputs.}}", ErrorKind::Invalid, "{{.outputs.}}", 1),
            ("{{inputs.x}}", ErrorKind::Invalid, "{{inputs.x}}", 1),
            ("{{}}", ErrorKind::Invalid, "{{}}", 1),
            ("{{{.inputs.x}}}", ErrorKind::Invalid, "{{{.inputs.x}}", 1),
            ("ü {{.x}}", ErrorKind::Invalid, "{{.x}}", 3),
        ];
        for (text, kind, error_text, column) in cases {
            let template = parse(text);
            assert_eq!(template.errors.len(), 1, "errors in {text:?}");
            let error = &template.errors[0];
            assert_eq!(error.kind, kind, "kind of error in {text:?}");
            assert_eq!(error.text, error_text, "text of error in {text:?}");
            assert_eq!(error.position.column, column, "column of error in {text:?}");
        }
    }

    #[test]
    fn parse_reports_every_error_and_keeps_going() {
        let template = parse("{{.input.a}} {{.inputs.b}} {{.outputs.c}} {{");
        let columns: Vec<usize> = template.errors.iter().map(|e| e.position.column).collect();
        assert_eq!(columns, [1, 28, 43]);
        let names: Vec<&str> = template
            .pieces
            .iter()
            .filter_map(|piece| match piece {
                Piece::Input(placeholder) => Some(placeholder.name),
                Piece::Text(_) => None,
            })
            .collect();
        assert_eq!(names, ["b"]);
    }

    #[test]
    fn parse_leaves_errors_out_of_text() {
        let template = parse("a{{.input.x}}b");
        assert_eq!(template.pieces, [Piece::Text("a"), Piece::Text("b")]);
    }
}
