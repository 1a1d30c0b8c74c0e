//! Checks of a parsed task beyond the syntax of each value, and resolution
//! of its placeholders.

mod args;
mod dirs;

pub use args::{Arg, Segment};

use crate::ast::{Params, Task};
use crate::errors::Errors;

/// The name of the file a container writes to report a failure.
const ERROR_FILE: &str = "_ERROR";

/// The `command` and `arguments` elements with their placeholders resolved.
pub struct Commands {
    pub command: Vec<Arg>,
    pub arguments: Vec<Arg>,
}

/// Reports every rule the task breaks and resolves its placeholders. The
/// returned commands are only valid when no error was added.
pub fn check(task: &Task, errors: &mut Errors) -> Commands {
    check_name_and_image(task, errors);
    check_params(&task.inputs, "input", errors);
    check_params(&task.outputs, "output", errors);
    check_error_output(task, errors);
    dirs::check(task, errors);
    check_env(task, errors);
    check_command_not_empty(task, errors);
    Commands {
        command: args::resolve(task.command.as_ref(), task, errors),
        arguments: args::resolve(task.arguments.as_ref(), task, errors),
    }
}

fn check_name_and_image(task: &Task, errors: &mut Errors) {
    if let Some(name) = &task.name {
        if name.value().trim().is_empty() {
            errors.push_at(name.span(), "`name` must not be empty");
        }
    }
    if let Some(image) = &task.image {
        let reference = image.value();
        if reference.is_empty() {
            errors.push_at(image.span(), "`image` must not be empty");
        } else if reference.contains(char::is_whitespace) {
            let message = format!("`image` `{reference}` contains whitespace");
            errors.push_at(image.span(), message);
        }
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
        if name.starts_with("__") {
            let message = format!(
                "{kind} name `{name}` is reserved, names starting with `__` are used by \
                 generated code"
            );
            errors.push_at(param.ident.span(), message);
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

fn check_env(task: &Task, errors: &mut Errors) {
    let mut seen: Vec<&str> = Vec::new();
    for var in &task.env {
        let name = var.name.as_str();
        if name.is_empty() || name.contains(['=', '\0']) {
            let message = format!(
                "invalid environment variable name `{name}`, a name must not be empty or \
                 contain `=` or a NUL character"
            );
            errors.push_at(var.name_span, message);
        } else if seen.contains(&name) {
            let message = format!("duplicate environment variable `{name}`");
            errors.push_at(var.name_span, message);
        }
        seen.push(name);
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
