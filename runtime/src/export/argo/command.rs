//! Rewriting command templates for Argo, keeping our quoting guarantees.
//!
//! Argo substitutes `{{inputs.parameters.x}}` as raw text. That is exact in
//! an argument that is not a shell script, since the value stays inside
//! one argv element. In a script after `sh -c`, raw text would let a value
//! such as `'; rm -rf /; '` end the quotes and run commands, where our local
//! runner escapes it. So a placeholder in a shell script reads the value
//! from an environment variable instead, expanded where the shell does not
//! split it or run it:
//!
//! | quoting | local runner | Argo export |
//! |---|---|---|
//! | inside `'...'` | `'` becomes `'\''` | `'"${CONTAINERFLOW_INPUT_x}"'` |
//! | inside `"..."` | `\ " $` and `` ` `` escaped | `${CONTAINERFLOW_INPUT_x}` |
//! | bare word, string | wrapped in `'...'` | `"${CONTAINERFLOW_INPUT_x}"` |
//! | bare word, other scalar | inserted as it is | `${CONTAINERFLOW_INPUT_x}`, after a check |
//!
//! Locally a number, bool, datetime or duration has been parsed, so its text
//! is shell-safe and is inserted unquoted, which keeps `$((n * 2))`
//! arithmetic working. Argo passes an upstream output on without parsing
//! it, so a script that uses such a value, quoted or not, first checks that
//! it contains only the characters our renderer can produce, and exits with
//! code 64 otherwise. Quotes alone do not make it safe: bash evaluates
//! `$(...)` inside an array index in `[[ "$n" -eq 3 ]]` arithmetic.

use crate::export::shell;
use crate::render::push_quoted;
use crate::spec::{ArgTemplate, Quoting, Segment, TaskSpec};
use crate::value::ValueType;

/// The exit code of the check that rejects a value that is not shell-safe.
const CHECK_EXIT_CODE: u8 = 64;

/// A task's argv for Argo and the inputs it reads from environment variables.
#[derive(Debug, Default)]
pub(super) struct Command {
    pub(super) command: Vec<String>,
    pub(super) args: Vec<String>,
    /// Positions of the inputs passed as environment variables, sorted.
    pub(super) env_inputs: Vec<usize>,
}

/// Rewrites the command and arguments of `spec`.
///
/// # Errors
///
/// Returns the reason when a template cannot be expressed: literal `{{`
/// text, which Argo would try to substitute, or a placeholder of a type
/// whose text Argo renders differently.
pub(super) fn rewrite(spec: &TaskSpec) -> Result<Command, String> {
    let mut env_inputs = Vec::new();
    let command = rewrite_all(spec, spec.command, &mut env_inputs)?;
    let args = rewrite_all(spec, spec.arguments, &mut env_inputs)?;
    env_inputs.sort_unstable();
    env_inputs.dedup();
    Ok(Command {
        command,
        args,
        env_inputs,
    })
}

fn rewrite_all(
    spec: &TaskSpec,
    templates: &[ArgTemplate],
    env_inputs: &mut Vec<usize>,
) -> Result<Vec<String>, String> {
    templates
        .iter()
        .map(|template| rewrite_one(spec, template, env_inputs))
        .collect()
}

fn rewrite_one(
    spec: &TaskSpec,
    template: &ArgTemplate,
    env_inputs: &mut Vec<usize>,
) -> Result<String, String> {
    let mut argument = String::with_capacity(template.source.len());
    let mut checks = String::new();
    for segment in template.segments {
        match *segment {
            Segment::Text(text) if text.contains("{{") => {
                return Err(format!(
                    "the argument `{}` contains `{{{{` text, which Argo would read as a \
                     variable; remove it or pass the text as an input",
                    template.source
                ));
            }
            Segment::Text(text) => argument.push_str(text),
            Segment::Input { index, quoting } => {
                let Some(param) = spec.inputs.get(index) else {
                    return Err(format!(
                        "the argument `{}` refers to input number {index}, which the task \
                         does not declare",
                        template.source
                    ));
                };
                let placeholder = Placeholder {
                    spec,
                    name: param.name,
                    ty: param.ty,
                    quoting,
                };
                placeholder.push(&mut argument, &mut checks, template.source)?;
                if quoting != Quoting::Verbatim && !param.ty.is_path() {
                    env_inputs.push(index);
                }
            }
        }
    }
    Ok(checks + &argument)
}

/// One `{{.inputs.name}}` placeholder being rewritten.
struct Placeholder<'a> {
    spec: &'a TaskSpec,
    name: &'static str,
    ty: ValueType,
    quoting: Quoting,
}

impl Placeholder<'_> {
    fn push(&self, argument: &mut String, checks: &mut String, source: &str) -> Result<(), String> {
        match self.ty {
            ValueType::File | ValueType::Dir => {
                // Locally the text is the path inside the container, which
                // Argo's input artifact keeps, so it is written here as the
                // local runner would substitute it.
                let path = format!("{}/{}", self.spec.input_data_dir, self.name);
                push_quoted(argument, &path, self.quoting);
            }
            ValueType::String => self.push_scalar(argument, true),
            ValueType::Int
            | ValueType::Float
            | ValueType::Bool
            | ValueType::Datetime
            | ValueType::Duration => {
                // Argo passes an upstream output on unparsed, and bash
                // evaluates `$(...)` in arithmetic such as `[[ "$n" -eq 3 ]]`
                // even inside quotes, so every shell position is checked.
                let check = self.check();
                if self.quoting != Quoting::Verbatim && !checks.contains(&check) {
                    checks.push_str(&check);
                }
                self.push_scalar(argument, false);
            }
            other => {
                return Err(format!(
                    "the argument `{source}` substitutes input `{}` of type {other}, whose text \
                     Argo renders differently (a JSON list, not `[a,b,c]`); read the input from \
                     its directory `{}/{}` instead",
                    self.name, self.spec.input_data_dir, self.name
                ))
            }
        }
        Ok(())
    }

    fn push_scalar(&self, argument: &mut String, is_string: bool) {
        let variable = shell::variable_name(self.name);
        let text = shell::expansion(&variable, self.quoting, is_string)
            .unwrap_or_else(|| format!("{{{{inputs.parameters.{}}}}}", self.name));
        argument.push_str(&text);
    }

    /// Returns a `case` statement that exits unless the variable contains only the
    /// characters of [`crate::render`]'s shell-safe set. The `µ` of a
    /// duration is allowed as the bytes it is made of when the shell does
    /// not read UTF-8.
    fn check(&self) -> String {
        format!(
            "case ${{{variable}}} in ''|*[!A-Za-z0-9+.:µ-]*) \
             echo 'containerflow: input {name} is not a valid {ty}' >&2; exit {code};; esac\n",
            variable = shell::variable_name(self.name),
            name = self.name,
            ty = self.ty,
            code = CHECK_EXIT_CODE,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::ParamSpec;

    static INPUTS: &[ParamSpec] = &[
        ParamSpec {
            name: "name",
            ty: ValueType::String,
        },
        ParamSpec {
            name: "n",
            ty: ValueType::Int,
        },
        ParamSpec {
            name: "text",
            ty: ValueType::File,
        },
    ];

    fn spec(command: &'static [ArgTemplate]) -> TaskSpec {
        TaskSpec {
            name: "t",
            inputs: INPUTS,
            command,
            ..TaskSpec::DEFAULT
        }
    }

    fn template(segments: &'static [Segment]) -> ArgTemplate {
        ArgTemplate {
            source: "source",
            segments,
        }
    }

    #[test]
    fn verbatim_becomes_parameter() {
        static SEGMENTS: &[Segment] = &[
            Segment::Text("--name="),
            Segment::Input {
                index: 0,
                quoting: Quoting::Verbatim,
            },
        ];
        let templates = Box::leak(Box::new([template(SEGMENTS)]));
        let command = rewrite(&spec(templates)).unwrap();
        assert_eq!(command.command, ["--name={{inputs.parameters.name}}"]);
        assert!(command.env_inputs.is_empty());
    }

    #[test]
    fn shell_quotings_read_environment() {
        static SEGMENTS: &[Segment] = &[
            Segment::Text("echo '"),
            Segment::Input {
                index: 0,
                quoting: Quoting::ShellSingle,
            },
            Segment::Text("' \""),
            Segment::Input {
                index: 0,
                quoting: Quoting::ShellDouble,
            },
            Segment::Text("\" "),
            Segment::Input {
                index: 0,
                quoting: Quoting::ShellBare,
            },
        ];
        let templates = Box::leak(Box::new([template(SEGMENTS)]));
        let command = rewrite(&spec(templates)).unwrap();
        assert_eq!(
            command.command,
            [concat!(
                "echo ''\"${CONTAINERFLOW_INPUT_name}\"'' ",
                "\"${CONTAINERFLOW_INPUT_name}\" \"${CONTAINERFLOW_INPUT_name}\""
            )]
        );
        assert_eq!(command.env_inputs, [0]);
    }

    #[test]
    fn bare_number_is_checked_first() {
        static SEGMENTS: &[Segment] = &[
            Segment::Text("echo $(("),
            Segment::Input {
                index: 1,
                quoting: Quoting::ShellBare,
            },
            Segment::Text(" * 2))"),
        ];
        let templates = Box::leak(Box::new([template(SEGMENTS)]));
        let command = rewrite(&spec(templates)).unwrap();
        let script = &command.command[0];
        assert!(
            script.starts_with("case ${CONTAINERFLOW_INPUT_n} in"),
            "{script}"
        );
        assert!(
            script.ends_with("esac\necho $((${CONTAINERFLOW_INPUT_n} * 2))"),
            "{script}"
        );
        assert_eq!(command.env_inputs, [1]);
    }

    #[test]
    fn quoted_number_is_checked_first() {
        static SEGMENTS: &[Segment] = &[
            Segment::Text("[[ \""),
            Segment::Input {
                index: 1,
                quoting: Quoting::ShellDouble,
            },
            Segment::Text("\" -eq 3 ]] && echo '"),
            Segment::Input {
                index: 1,
                quoting: Quoting::ShellSingle,
            },
            Segment::Text("'"),
        ];
        let templates = Box::leak(Box::new([template(SEGMENTS)]));
        let command = rewrite(&spec(templates)).unwrap();

        let script = &command.command[0];
        let checks = script.matches("case ${CONTAINERFLOW_INPUT_n} in").count();
        assert_eq!(checks, 1, "{script}");
        assert!(
            script.starts_with("case ${CONTAINERFLOW_INPUT_n} in"),
            "{script}"
        );

        let check = script.lines().next().unwrap();
        // The check rejects what bash would evaluate in arithmetic.
        let output = std::process::Command::new("/bin/sh")
            .arg("-c")
            .arg(format!("{check}\necho passed"))
            .env("CONTAINERFLOW_INPUT_n", "a[$(echo ran >&2)]")
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(64));
        assert!(!String::from_utf8_lossy(&output.stderr).contains("ran"));
        assert!(output.stdout.is_empty());
    }

    #[test]
    fn file_placeholder_is_container_path() {
        static SEGMENTS: &[Segment] = &[
            Segment::Text("wc -l < "),
            Segment::Input {
                index: 2,
                quoting: Quoting::ShellBare,
            },
        ];
        let templates = Box::leak(Box::new([template(SEGMENTS)]));
        let command = rewrite(&spec(templates)).unwrap();
        assert_eq!(command.command, ["wc -l < '/var/inputs/text'"]);
        assert!(command.env_inputs.is_empty());
    }

    #[test]
    fn braces_in_text_are_rejected() {
        static SEGMENTS: &[Segment] = &[Segment::Text("docker inspect -f '{{.Id}}'")];
        let templates = Box::leak(Box::new([template(SEGMENTS)]));
        let reason = rewrite(&spec(templates)).unwrap_err();
        assert!(reason.contains("`{{` text"), "{reason}");
    }
}
