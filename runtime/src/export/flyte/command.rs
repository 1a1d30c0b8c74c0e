//! Command templates for Flyte, keeping the local runner's quoting.
//!
//! Flyte's backend substitutes `{{.inputs.x}}` as raw text. Outside a shell
//! script that is what the local runner does, so such a placeholder is kept.
//! Inside a `sh -c` script, a raw string could end the quotes around it and
//! run commands. CoPilot writes each input's raw value to
//! `<input_data_dir>/<name>` before the command starts. So the script first
//! reads that file into a shell variable, and the placeholder becomes an
//! expansion of the variable that the shell neither splits nor runs, as
//! [`crate::export::shell`] lists:
//!
//! ```sh
//! CONTAINERFLOW_INPUT_name=$(cat /var/inputs/name && printf .) || exit 64
//! CONTAINERFLOW_INPUT_name=${CONTAINERFLOW_INPUT_name%.}
//! echo 'Hello, '"${CONTAINERFLOW_INPUT_name}"'.'
//! ```
//!
//! Command substitution drops trailing newlines, so the `.` appended after
//! the file and removed again keeps them, and the variable is the exact value.
//!
//! Ints and bools stay placeholders: the backend renders them from typed
//! literals as the local runner does (`-3`, `true`), text that no shell
//! treats specially. A list of them renders as `[1,2]`, which a bare word
//! would glob, so a bare list placeholder is put in double quotes. Floats,
//! durations and datetimes are rejected before this step, because the
//! backend renders them differently.

use crate::export::shell;
use crate::spec::{ArgTemplate, Quoting, Segment, TaskSpec};
use crate::value::ValueType;

/// The exit code of a script whose input file cannot be read.
const READ_FAILED_EXIT_CODE: u8 = 64;

/// Rewrites each template of `templates` for Flyte's backend.
///
/// # Errors
///
/// Returns the reason when a placeholder cannot be passed safely, a list of
/// strings inside a shell script or a type that the export rejects, and
/// for literal text that the backend could read as a variable.
pub(super) fn rewrite(spec: &TaskSpec, templates: &[ArgTemplate]) -> Result<Vec<String>, String> {
    templates
        .iter()
        .map(|template| rewrite_one(spec, template))
        .collect()
}

fn rewrite_one(spec: &TaskSpec, template: &ArgTemplate) -> Result<String, String> {
    let mut argument = String::with_capacity(template.source.len());
    let mut read_inputs: Vec<&str> = Vec::new();
    for segment in template.segments {
        match *segment {
            Segment::Text(text) if looks_like_backend_variable(text) => {
                return Err(format!(
                    "the argument `{}` contains literal `{{{{` text that Flyte's backend would \
                     read as one of its template variables, such as `{{{{.inputs.x}}}}` or \
                     `{{{{.OutputPrefix}}}}`, and replace; remove the text or pass it as an input",
                    template.source
                ));
            }
            Segment::Text(text) => argument.push_str(text),
            Segment::Input { index, quoting } => {
                let Some(input) = spec.inputs.get(index) else {
                    return Err(format!(
                        "the argument `{}` refers to input number {index}, which the task \
                         does not declare",
                        template.source
                    ));
                };
                let text = placeholder(spec, input.name, input.ty, quoting, template.source)?;
                if quoting != Quoting::Verbatim
                    && input.ty == ValueType::String
                    && !read_inputs.contains(&input.name)
                {
                    read_inputs.push(input.name);
                }
                argument.push_str(&text);
            }
        }
    }
    let mut script: String = read_inputs
        .iter()
        .map(|name| read_file(spec.input_data_dir, name))
        .collect();
    script.push_str(&argument);
    Ok(script)
}

/// Returns true when `text` contains `{{`, optional whitespace, then `.` or
/// `$`: the start of every variable that Flyte's backend substitutes, in any
/// case (`{{ .Inputs.x }}`, `{{$Input}}`). Locally such text, written with
/// the `{{{{` escape, is literal, so it would mean something else on Flyte.
/// The backend keeps other `{{...}}` text as it is, so a `docker inspect`
/// template such as `{{.Id}}` would be safe, but it is rejected too.
fn looks_like_backend_variable(text: &str) -> bool {
    text.match_indices("{{").any(|(position, _)| {
        let rest = text[position + 2..].trim_start();
        rest.starts_with(['.', '$'])
    })
}

/// Returns the text that replaces a placeholder of input `name`.
fn placeholder(
    spec: &TaskSpec,
    name: &str,
    ty: ValueType,
    quoting: Quoting,
    source: &str,
) -> Result<String, String> {
    let raw = format!("{{{{.inputs.{name}}}}}");
    if quoting == Quoting::Verbatim {
        return Ok(raw);
    }
    match ty {
        ValueType::String => {
            let variable = shell::variable_name(name);
            Ok(shell::expansion(&variable, quoting, true).unwrap_or(raw))
        }
        ValueType::Int | ValueType::Bool => Ok(raw),
        ValueType::List(ValueType::Int | ValueType::Bool) if quoting == Quoting::ShellBare => {
            Ok(format!("\"{raw}\""))
        }
        ValueType::List(ValueType::Int | ValueType::Bool) => Ok(raw),
        ValueType::List(ValueType::String) => Err(format!(
            "`{source}` substitutes the list of strings `{name}` into a shell script, and \
             Flyte's backend would insert its elements as raw text, which the shell could split \
             or run; read the elements from the files `{dir}/{name}/0`, `{dir}/{name}/1`, ... \
             instead",
            dir = spec.input_data_dir,
        )),
        other => Err(format!(
            "`{source}` substitutes input `{name}` of type {other} into a shell script, which \
             the Flyte export cannot do safely; read the value from `{}/{name}` instead",
            spec.input_data_dir
        )),
    }
}

/// Returns the script line that sets the variable of input `name` to the
/// exact contents of its file, trailing newlines included, and exits when
/// the file cannot be read.
fn read_file(input_data_dir: &str, name: &str) -> String {
    let variable = shell::variable_name(name);
    let mut path = String::new();
    crate::render::push_quoted(
        &mut path,
        &format!("{input_data_dir}/{name}"),
        shell_quoting(input_data_dir),
    );
    format!(
        "{variable}=$(cat {path} && printf .) || exit {READ_FAILED_EXIT_CODE}; \
         {variable}=${{{variable}%.}}\n"
    )
}

/// Returns how a path in the data directory is written in a script: as it
/// is when every character is plain, and in single quotes otherwise.
fn shell_quoting(input_data_dir: &str) -> Quoting {
    let plain = input_data_dir
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-' | '.'));
    if plain {
        Quoting::Verbatim
    } else {
        Quoting::ShellBare
    }
}

#[cfg(test)]
mod tests {
    use std::process::Command;

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
            name: "words",
            ty: ValueType::List(&ValueType::String),
        },
        ParamSpec {
            name: "counts",
            ty: ValueType::List(&ValueType::Int),
        },
    ];

    fn rewritten(segments: &'static [Segment]) -> Result<String, String> {
        let spec = TaskSpec {
            name: "t",
            inputs: INPUTS,
            ..TaskSpec::DEFAULT
        };
        let template = ArgTemplate {
            source: "source",
            segments,
        };
        rewrite_one(&spec, &template)
    }

    const READ_NAME: &str = "CONTAINERFLOW_INPUT_name=$(cat /var/inputs/name && printf .) || \
                             exit 64; CONTAINERFLOW_INPUT_name=${CONTAINERFLOW_INPUT_name%.}\n";

    #[test]
    fn verbatim_placeholders_stay() {
        static SEGMENTS: &[Segment] = &[
            Segment::Text("--name="),
            Segment::Input {
                index: 0,
                quoting: Quoting::Verbatim,
            },
        ];
        assert_eq!(rewritten(SEGMENTS).unwrap(), "--name={{.inputs.name}}");
    }

    /// A placeholder of input `name` in each shell quoting, printed with `|`
    /// between the three values.
    static EVERY_QUOTING: &[Segment] = &[
        Segment::Text("printf '%s|%s|%s' '"),
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

    #[test]
    fn shell_strings_read_file_once() {
        let expected = format!(
            "{READ_NAME}printf '%s|%s|%s' ''\"${{CONTAINERFLOW_INPUT_name}}\"'' \
             \"${{CONTAINERFLOW_INPUT_name}}\" \"${{CONTAINERFLOW_INPUT_name}}\""
        );
        assert_eq!(rewritten(EVERY_QUOTING).unwrap(), expected);
    }

    #[test]
    fn ints_and_int_lists_stay_placeholders() {
        static SEGMENTS: &[Segment] = &[
            Segment::Text("echo $(("),
            Segment::Input {
                index: 1,
                quoting: Quoting::ShellBare,
            },
            Segment::Text(" * 2)) "),
            Segment::Input {
                index: 3,
                quoting: Quoting::ShellBare,
            },
        ];
        assert_eq!(
            rewritten(SEGMENTS).unwrap(),
            "echo $(({{.inputs.n}} * 2)) \"{{.inputs.counts}}\""
        );
    }

    #[test]
    fn shell_string_list_is_rejected() {
        static SEGMENTS: &[Segment] = &[
            Segment::Text("echo '"),
            Segment::Input {
                index: 2,
                quoting: Quoting::ShellSingle,
            },
            Segment::Text("'"),
        ];
        let reason = rewritten(SEGMENTS).unwrap_err();
        assert!(reason.contains("list of strings `words`"), "{reason}");
        assert!(reason.contains("`/var/inputs/words/0`"), "{reason}");
    }

    #[test]
    fn literal_backend_variable_is_rejected() {
        static SEGMENTS: &[Segment] = &[Segment::Text("echo '{{ .Inputs.name }}'")];
        let reason = rewritten(SEGMENTS).unwrap_err();
        assert!(reason.contains("template variables"), "{reason}");
        for text in ["{{.inputs.x}}", "{{$Input}}", "a {{  .OutputPrefix}}"] {
            assert!(looks_like_backend_variable(text), "{text:?}");
        }
        for text in ["{{", "{{}}", "a }} {{x}}", "${x}"] {
            assert!(!looks_like_backend_variable(text), "{text:?}");
        }
    }

    #[test]
    fn unusual_data_dir_is_quoted() {
        assert_eq!(
            read_file("/data in", "x"),
            "CONTAINERFLOW_INPUT_x=$(cat '/data in/x' && printf .) || exit 64; \
             CONTAINERFLOW_INPUT_x=${CONTAINERFLOW_INPUT_x%.}\n"
        );
    }

    /// Runs the rewritten script under `/bin/sh`, reading hostile values
    /// from a file as the pod would, and checks that each comes back as the
    /// same text, trailing newlines included.
    #[test]
    fn hostile_file_value_stays_text() {
        let directory = tempfile::tempdir().unwrap();
        let script = rewritten(EVERY_QUOTING).unwrap().replace(
            "/var/inputs",
            directory.path().to_str().expect("a UTF-8 temporary path"),
        );
        let hostiles = [
            "'; echo injected; echo '",
            "$(echo injected)`echo injected`\"\\ *",
            "two trailing newlines\n\n",
            "",
        ];
        for hostile in hostiles {
            std::fs::write(directory.path().join("name"), hostile).unwrap();
            let output = Command::new("/bin/sh")
                .arg("-c")
                .arg(&script)
                .output()
                .unwrap();
            assert!(output.status.success(), "{output:?}");
            let expected = format!("{hostile}|{hostile}|{hostile}");
            assert_eq!(String::from_utf8_lossy(&output.stdout), expected);
        }
    }

    #[test]
    fn missing_file_exits() {
        static SEGMENTS: &[Segment] = &[
            Segment::Text("echo '"),
            Segment::Input {
                index: 0,
                quoting: Quoting::ShellSingle,
            },
            Segment::Text("'"),
        ];
        let script = rewritten(SEGMENTS)
            .unwrap()
            .replace("/var/inputs", "/nonexistent-containerflow-dir");
        let output = Command::new("/bin/sh")
            .arg("-c")
            .arg(&script)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(64), "{output:?}");
        assert!(output.stdout.is_empty(), "{output:?}");
    }
}
