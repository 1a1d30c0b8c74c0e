//! Substitution of input values into a task's command templates.

use crate::spec::{ArgTemplate, Quoting, Segment};

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
/// `inputs` contains the text of each input in declaration order: the rendered
/// value of a scalar, or the path inside the container of a `File` or `Dir`.
pub(crate) fn render_argv(
    templates: &[ArgTemplate],
    inputs: &[String],
) -> Result<Vec<String>, PlaceholderOutOfRange> {
    templates
        .iter()
        .map(|template| render_argument(template, inputs))
        .collect()
}

fn render_argument(
    template: &ArgTemplate,
    inputs: &[String],
) -> Result<String, PlaceholderOutOfRange> {
    let mut argument = String::with_capacity(template.source.len());
    for segment in template.segments {
        match *segment {
            Segment::Text(text) => argument.push_str(text),
            Segment::Input { index, quoting } => {
                let value = inputs.get(index).ok_or(PlaceholderOutOfRange {
                    argument: template.source,
                    index,
                })?;
                push_quoted(&mut argument, value, quoting);
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

    #[test]
    fn argv_has_one_element_per_template() {
        let inputs = ["O'Brien".to_owned(), "/var/outputs/a b".to_owned()];
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
        let error = render_argv(&[GREETING], &["only one".to_owned()]).unwrap_err();
        assert_eq!(error.argument, GREETING.source);
        assert_eq!(error.index, 1);
    }
}
