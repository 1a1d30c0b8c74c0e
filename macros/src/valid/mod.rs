//! Checks of a parsed task beyond the syntax of each value, and resolution
//! of its placeholders.

mod args;
mod dirs;
mod env;
mod image;
mod outputs;
mod pod;
mod quoting;

pub use args::{Arg, Commands, Segment};
pub use outputs::UnwrittenOutput;
pub use pod::{SANDBOX_LABEL, SANDBOX_TEMPLATE};

use crate::ast::{Params, Task};
use crate::errors::Errors;
use crate::types::ValueType;

/// The name of the file a container writes to report a failure.
const ERROR_FILE: &str = "_ERROR";

/// The results of the checks that code generation needs.
pub struct Checked<'a> {
    /// The commands, only valid when no error was added.
    pub commands: Commands,
    /// Outputs to warn about; the build still succeeds.
    pub unwritten_outputs: Vec<UnwrittenOutput<'a>>,
}

/// Reports every rule the task breaks, resolves its placeholders and finds
/// the outputs to warn about.
pub fn check<'a>(task: &'a Task, errors: &mut Errors) -> Checked<'a> {
    check_name_and_image(task, errors);
    check_params(&task.inputs, "input", errors);
    check_params(&task.outputs, "output", errors);
    check_optional_outputs(task, errors);
    check_error_output(task, errors);
    dirs::check(task, errors);
    env::check(task, errors);
    pod::check(task, errors);
    check_command_not_empty(task, errors);
    Checked {
        commands: args::resolve(task, errors),
        unwritten_outputs: outputs::unwritten(task),
    }
}

fn check_name_and_image(task: &Task, errors: &mut Errors) {
    if let Some(name) = &task.name {
        if name.value().trim().is_empty() {
            errors.push_at(name.span(), "`name` must not be empty");
        }
    }
    if let Some(image) = &task.image {
        image::check(&image.value(), image.span(), errors);
    }
}

/// Reports duplicate and reserved names. `kind` is `input` or `output`.
fn check_params(params: &Params, kind: &str, errors: &mut Errors) {
    let mut seen: Vec<&str> = Vec::new();
    for param in &params.items {
        let name = param.name.as_str();
        if seen.contains(&name) {
            errors.push_at(param.ident.span(), format!("duplicate {kind} `{name}`"));
        }
        seen.push(name);
        if !name.is_ascii() {
            let message = format!(
                "{kind} name `{name}` must be ASCII letters, digits and `_`, because it is a \
                 file name in the container and a shell variable name in exported scripts"
            );
            errors.push_at(param.ident.span(), message);
        }
        if name.starts_with("__") {
            let message = format!(
                "{kind} name `{name}` is reserved, names starting with `__` are used by \
                 generated code"
            );
            errors.push_at(param.ident.span(), message);
        }
    }
}

/// Rejects outputs with optional elements: a container cannot write a
/// missing element, only a map with a success ratio gathers one.
fn check_optional_outputs(task: &Task, errors: &mut Errors) {
    for output in &task.outputs.items {
        if output
            .value_type
            .is_some_and(ValueType::has_optional_elements)
        {
            let message = format!(
                "output `{}` cannot have optional elements, a container writes every element it \
                 returns\nhelp: declare it as `Vec<T>`; lists with missing elements come only \
                 from a map with a minimum success ratio",
                output.name
            );
            errors.push_spanned(&output.ty, message);
        }
    }
}

fn check_error_output(task: &Task, errors: &mut Errors) {
    let output_dir = &task.output_data_dir.path;
    for output in &task.outputs.items {
        if output.name == ERROR_FILE {
            let message = format!(
                "output name `{ERROR_FILE}` is reserved because a container reports a failure \
                 by writing `{output_dir}/{ERROR_FILE}`"
            );
            errors.push_at(output.ident.span(), message);
        }
    }
}

fn check_command_not_empty(task: &Task, errors: &mut Errors) {
    let Some(command) = &task.command else {
        return;
    };
    if command.items.is_empty() && command.rejected == 0 {
        let message = "`command` must not be empty, its first element is the program to run";
        errors.push_at(command.span, message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::Declaration;

    /// Parses and checks a declaration body, returning the commands and
    /// every error message.
    fn check_body(body: &str) -> (Commands, Vec<String>) {
        let source = format!("pub struct Task {{ {body} }}");
        let declaration: Declaration = syn::parse_str(&source).unwrap();
        let mut errors = Errors::default();
        let task = Task::from_declaration(declaration, &mut errors);
        let commands = check(&task, &mut errors).commands;
        (commands, errors.messages())
    }

    const REQUIRED: &str = r#"name = "t", image = "busybox:1.36","#;

    #[test]
    fn valid_task_has_no_errors() {
        let body =
            format!(r#"{REQUIRED} inputs = {{ x: String }}, command = ["a{{{{.inputs.x}}}}b"]"#);
        let (commands, messages) = check_body(&body);
        assert_eq!(messages, Vec::<String>::new());
        let segments = &commands.command[0].segments;
        assert_eq!(segments.len(), 3);
        assert_eq!(
            segments[1],
            Segment::Input {
                index: 0,
                quoting: crate::template::Quoting::Verbatim
            }
        );
    }

    #[test]
    fn errors_are_all_reported() {
        let body = r#"nmae = "t", image = 1, inputs = { a: u8, a: String },
            command = [x, "{{.inputs.b}}"], block_network = 0, input_data_dir = "in","#;
        let (_, messages) = check_body(body);
        let starts: Vec<&str> = messages
            .iter()
            .map(|message| message.split(',').next().unwrap())
            .collect();
        assert_eq!(
            starts,
            [
                "unknown key `nmae`",
                "`image` must be a string literal",
                "unsupported type `u8`",
                "`command` element must be a string literal: the command is fixed at compile time",
                "`block_network` must be `true` or `false`",
                "duplicate input `a`",
                "`input_data_dir` must be an absolute path starting with `/`",
                "unknown input `b` in `{{.inputs.b}}` at column 1\nhelp: did you mean `a`?\nhelp: the declared inputs are `a`",
            ]
        );
    }

    #[test]
    fn suggested_key_is_not_reported_missing() {
        let (_, messages) = check_body(r#"nmae = "t", image = "i", command = ["c"]"#);
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert!(
            messages[0].starts_with("unknown key `nmae`"),
            "{messages:?}"
        );
    }

    #[test]
    fn unparsed_inputs_hide_unknown_names() {
        let body =
            format!(r#"{REQUIRED} inputs = {{ x String }}, command = ["{{{{.inputs.x}}}}"]"#);
        let (_, messages) = check_body(&body);
        assert_eq!(messages, ["expected `:` after `x`, as in `x: String`"]);
    }

    #[test]
    fn empty_command_is_rejected_once() {
        let (_, empty) = check_body(&format!("{REQUIRED} command = []"));
        assert_eq!(
            empty,
            ["`command` must not be empty, its first element is the program to run"]
        );
        let (_, only_invalid) = check_body(&format!("{REQUIRED} command = [1]"));
        assert_eq!(
            only_invalid,
            ["`command` element must be a string literal, write `\"1\"`"]
        );
    }

    #[test]
    fn env_names_and_values_are_checked() {
        let body = format!(
            r#"{REQUIRED} command = ["c"], env = {{ A: "1", "A": "2", "": "3", B: "\0" }}"#
        );
        let (_, messages) = check_body(&body);
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert_eq!(messages[0], "duplicate environment variable `A`");
        assert!(messages[1].starts_with("invalid environment variable name ``"));
        assert!(messages[2].contains("contains a NUL character"));
    }

    #[test]
    fn non_ascii_names_are_rejected() {
        let body = format!(r#"{REQUIRED} inputs = {{ café: String }}, command = ["true"]"#);
        let (_, messages) = check_body(&body);
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert!(
            messages[0].starts_with("input name `café` must be ASCII letters, digits and `_`"),
            "{}",
            messages[0]
        );
    }

    #[test]
    fn env_placeholder_is_rejected() {
        let body = format!(
            r#"{REQUIRED} inputs = {{ x: String }}, command = ["cat", "/var/inputs/x"], env = {{ X: "v={{{{.inputs.x}}}}", Y: "{{{{{{{{.inputs.x}}}}" }}"#
        );
        let (_, messages) = check_body(&body);
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert!(
            messages[0].starts_with(
                "`env` value of `X` contains the placeholder `{{.inputs.x}}`, but environment \
                 values are passed as written"
            ),
            "{}",
            messages[0]
        );
        assert!(messages[0].contains("`/var/inputs/x`"), "{}", messages[0]);
    }
}
