//! Substitution of input values into a task's command templates.

use crate::spec::{ArgTemplate, Quoting, Segment};
use crate::value::Value;

/// The text substituted for an input's placeholders, and whether it is escaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Substitution {
    /// A string or a container path, escaped per the placeholder's [`Quoting`].
    Escaped(String),
    /// A rendered number, bool, datetime or duration. It contains only
    /// characters that no shell treats specially, so it is inserted as it is
    /// and `$(({{.inputs.n}} * 2))` in a script stays arithmetic.
    ShellSafe(String),
}

impl Substitution {
    /// Picks the substitution for `value`, whose text is `text`: the rendered
    /// scalar, or the path inside the container of a `File` or `Dir`.
    ///
    /// A scalar other than a string whose text is not shell-safe is escaped
    /// after all. No rendering produces such text today, and the unit tests
    /// check that, but the fallback keeps a future change to
    /// [`Value::render`] from opening an injection.
    pub(crate) fn for_value(value: &Value, text: String) -> Substitution {
        match value {
            Value::String(_) | Value::File(_) | Value::Dir(_) => Substitution::Escaped(text),
            _ if is_shell_safe(&text) => Substitution::ShellSafe(text),
            _ => Substitution::Escaped(text),
        }
    }
}

/// Returns true when `text` is non-empty and made only of ASCII letters and
/// digits, `+`, `-`, `.`, `:` and `µ`, none of which a POSIX shell treats
/// specially in any quoting context.
fn is_shell_safe(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.' | ':' | 'µ'))
}

/// A placeholder that refers to an input the task does not declare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PlaceholderOutOfRange {
    /// The template as declared.
    pub argument: &'static str,
    /// The input position the placeholder refers to.
    pub index: usize,
}

/// Renders each template into one argv element, substituting `inputs[index]`
/// for every placeholder.
///
/// `inputs` contains the substitution of each input in declaration order.
pub(crate) fn render_argv(
    templates: &[ArgTemplate],
    inputs: &[Substitution],
) -> Result<Vec<String>, PlaceholderOutOfRange> {
    templates
        .iter()
        .map(|template| render_argument(template, inputs))
        .collect()
}

fn render_argument(
    template: &ArgTemplate,
    inputs: &[Substitution],
) -> Result<String, PlaceholderOutOfRange> {
    let mut argument = String::with_capacity(template.source.len());
    for segment in template.segments {
        match *segment {
            Segment::Text(text) => argument.push_str(text),
            Segment::Input { index, quoting } => {
                let input = inputs.get(index).ok_or(PlaceholderOutOfRange {
                    argument: template.source,
                    index,
                })?;
                match input {
                    Substitution::Escaped(text) => push_quoted(&mut argument, text, quoting),
                    Substitution::ShellSafe(text) => argument.push_str(text),
                }
            }
        }
    }
    Ok(argument)
}

/// Appends `value` to `out`, escaped so that a POSIX shell reads it back
/// unchanged at a position of the given quoting.
pub(crate) fn push_quoted(out: &mut String, value: &str, quoting: Quoting) {
    match quoting {
        Quoting::Verbatim => out.push_str(value),
        Quoting::ShellSingle => push_single_quoted_body(out, value),
        Quoting::ShellDouble => {
            for c in value.chars() {
                if matches!(c, '\\' | '"' | '$' | '`') {
                    out.push('\\');
                }
                out.push(c);
            }
        }
        Quoting::ShellBare => {
            out.push('\'');
            push_single_quoted_body(out, value);
            out.push('\'');
        }
    }
}

/// Nothing is special inside single quotes except the closing quote, so each
/// `'` closes the quotes, adds an escaped quote and opens them again.
fn push_single_quoted_body(out: &mut String, value: &str) {
    for c in value.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quoted(value: &str, quoting: Quoting) -> String {
        let mut out = String::new();
        push_quoted(&mut out, value, quoting);
        out
    }

    #[test]
    fn verbatim_keeps_value() {
        for value in ["", "O'Brien", "a\"b", "$(x)", "`x`", "a\nb", "a\\b"] {
            assert_eq!(quoted(value, Quoting::Verbatim), value);
        }
    }

    #[test]
    fn shell_single_escapes_quote_only() {
        let cases = [
            ("", ""),
            ("plain", "plain"),
            ("O'Brien", "O'\\''Brien"),
            ("''", "'\\'''\\''"),
            ("$(x) `y` \"z\" \\", "$(x) `y` \"z\" \\"),
            ("a\nb", "a\nb"),
        ];
        for (value, expected) in cases {
            assert_eq!(quoted(value, Quoting::ShellSingle), expected, "{value:?}");
        }
    }

    #[test]
    fn shell_double_escapes_four_characters() {
        let cases = [
            ("", ""),
            ("O'Brien", "O'Brien"),
            ("a\"b", "a\\\"b"),
            ("$(touch x)", "\\$(touch x)"),
            ("`id`", "\\`id\\`"),
            ("a\\b", "a\\\\b"),
            ("a\nb", "a\nb"),
            ("!", "!"),
        ];
        for (value, expected) in cases {
            assert_eq!(quoted(value, Quoting::ShellDouble), expected, "{value:?}");
        }
    }

    #[test]
    fn shell_bare_wraps_in_single_quotes() {
        let cases = [
            ("", "''"),
            ("plain", "'plain'"),
            ("O'Brien", "'O'\\''Brien'"),
            ("a b", "'a b'"),
            ("$(x)", "'$(x)'"),
        ];
        for (value, expected) in cases {
            assert_eq!(quoted(value, Quoting::ShellBare), expected, "{value:?}");
        }
    }

    static GREETING: ArgTemplate = ArgTemplate {
        source: "echo '{{.inputs.name}}' > {{.inputs.out}}",
        segments: &[
            Segment::Text("echo '"),
            Segment::Input {
                index: 0,
                quoting: Quoting::ShellSingle,
            },
            Segment::Text("' > "),
            Segment::Input {
                index: 1,
                quoting: Quoting::ShellBare,
            },
        ],
    };

    static PLAIN: ArgTemplate = ArgTemplate {
        source: "-c",
        segments: &[Segment::Text("-c")],
    };

    fn escaped(text: &str) -> Substitution {
        Substitution::Escaped(text.to_owned())
    }

    #[test]
    fn argv_has_one_element_per_template() {
        let inputs = [escaped("O'Brien"), escaped("/var/outputs/a b")];
        let argv = render_argv(&[PLAIN, GREETING], &inputs).unwrap();
        assert_eq!(argv, ["-c", "echo 'O'\\''Brien' > '/var/outputs/a b'"]);
    }

    #[test]
    fn empty_template_renders_empty_argument() {
        let empty = ArgTemplate {
            source: "",
            segments: &[],
        };
        assert_eq!(render_argv(&[empty], &[]).unwrap(), [""]);
    }

    #[test]
    fn unknown_input_index_is_rejected() {
        let error = render_argv(&[GREETING], &[escaped("only one")]).unwrap_err();
        assert_eq!(error.argument, GREETING.source);
        assert_eq!(error.index, 1);
    }

    static DOUBLE: ArgTemplate = ArgTemplate {
        source: "echo $(({{.inputs.n}} * 2))",
        segments: &[
            Segment::Text("echo $(("),
            Segment::Input {
                index: 0,
                quoting: Quoting::ShellBare,
            },
            Segment::Text(" * 2))"),
        ],
    };

    fn substitute(value: Value) -> Substitution {
        let text = value.render().unwrap();
        Substitution::for_value(&value, text)
    }

    #[test]
    fn scalars_other_than_strings_are_shell_safe() {
        let instant = chrono::DateTime::from_timestamp(1_704_164_645, 6_000).unwrap();
        let values = [
            Value::Int(0),
            Value::Int(i64::MIN),
            Value::Int(i64::MAX),
            Value::Float(0.1),
            Value::Float(-2.5e-8),
            Value::Float(1e300),
            Value::Float(f64::MAX),
            Value::Float(f64::MIN_POSITIVE),
            Value::Float(f64::NAN),
            Value::Float(f64::INFINITY),
            Value::Float(f64::NEG_INFINITY),
            Value::Bool(true),
            Value::Bool(false),
            Value::Datetime(instant),
            Value::Datetime(chrono::DateTime::<chrono::Utc>::MAX_UTC),
            Value::Duration(std::time::Duration::ZERO),
            Value::Duration(std::time::Duration::from_nanos(1500)),
            Value::Duration(std::time::Duration::from_secs(5400)),
            Value::Duration(std::time::Duration::MAX),
        ];
        for value in values {
            let substitution = substitute(value.clone());
            assert!(
                matches!(substitution, Substitution::ShellSafe(_)),
                "{value:?} renders as {substitution:?}"
            );
        }
    }

    #[test]
    fn shell_safe_values_are_not_quoted() {
        for quoting in [
            Quoting::ShellBare,
            Quoting::ShellDouble,
            Quoting::ShellSingle,
        ] {
            let segments = Box::leak(Box::new([
                Segment::Text("echo $(("),
                Segment::Input { index: 0, quoting },
                Segment::Text(" * 2))"),
            ]));
            let template = ArgTemplate {
                source: DOUBLE.source,
                segments,
            };
            let argv = render_argv(&[template], &[substitute(Value::Int(-21))]).unwrap();
            assert_eq!(argv, ["echo $((-21 * 2))"], "{quoting:?}");
        }
        let argv = render_argv(&[DOUBLE], &[substitute(Value::Float(1.5))]).unwrap();
        assert_eq!(argv, ["echo $((1.5 * 2))"]);
    }

    #[test]
    fn strings_are_still_quoted() {
        let number_as_text = substitute(Value::String("21".into()));
        assert_eq!(number_as_text, escaped("21"));
        let argv = render_argv(&[DOUBLE], &[number_as_text]).unwrap();
        assert_eq!(argv, ["echo $(('21' * 2))"]);

        let injection = substitute(Value::String("1)); touch /tmp/pwned; echo $((1".into()));
        let argv = render_argv(&[DOUBLE], &[injection]).unwrap();
        assert_eq!(argv, ["echo $(('1)); touch /tmp/pwned; echo $((1' * 2))"]);
    }

    #[test]
    fn unsafe_text_falls_back_to_escaping() {
        let substitution = Substitution::for_value(&Value::Int(1), "1; rm -rf /".to_owned());
        assert_eq!(substitution, escaped("1; rm -rf /"));
        let empty = Substitution::for_value(&Value::Int(1), String::new());
        assert_eq!(empty, escaped(""));
    }
}
