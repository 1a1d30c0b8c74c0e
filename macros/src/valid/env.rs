//! Checks of `env` and `secrets`, the environment of the container.

use proc_macro2::Span;

use crate::ast::{SecretSource, Task};
use crate::errors::Errors;
use crate::template::{self, Piece};

/// Reports every problem of `env` and `secrets`.
pub fn check(task: &Task, errors: &mut Errors) {
    check_env(task, errors);
    check_secrets(task, errors);
}

/// Reports invalid and repeated `env` names and values with a NUL character.
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
        check_env_placeholder(task, name, &var.value.value(), var.value.span(), errors);
        if var.value.value().contains('\0') {
            let message = format!(
                "the value of environment variable `{name}` contains a NUL character, which \
                 the operating system cannot pass to a process"
            );
            errors.push_at(var.value.span(), message);
        }
    }
}

/// Reports an input placeholder in an `env` value. Values are passed as
/// written, here and on Flyte, so the variable would contain the placeholder's text.
fn check_env_placeholder(task: &Task, name: &str, value: &str, span: Span, errors: &mut Errors) {
    let pieces = template::parse(value).pieces;
    let first = pieces.into_iter().find_map(|piece| match piece {
        Piece::Input(placeholder) => Some(placeholder),
        Piece::Text(_) => None,
    });
    let Some(placeholder) = first else {
        return;
    };
    let input_dir = &task.input_data_dir.path;
    let message = format!(
        "`env` value of `{name}` contains the placeholder `{}`, but environment values are \
         passed as written, not rendered\nhelp: read the input from `{input_dir}/{}` in the \
         command, or render it into `command` or `arguments`",
        placeholder.text, placeholder.name
    );
    errors.push_at(span, message);
}

/// Reports secret names that are not valid variable names, that repeat, or
/// that `env` also sets, and sources that are not valid.
fn check_secrets(task: &Task, errors: &mut Errors) {
    let mut seen: Vec<String> = Vec::new();
    for secret in &task.secrets {
        let name = secret.name.value();
        let span = secret.name.span();
        if !is_variable_name(&name) {
            let message = format!(
                "invalid secret name `{name}`, expected a variable name of letters, digits and \
                 `_`, not starting with a digit"
            );
            errors.push_at(span, message);
        } else if seen.contains(&name) {
            errors.push_at(span, format!("duplicate secret `{name}`"));
        } else if task.env.iter().any(|var| var.name == name) {
            let message = format!(
                "secret `{name}` is also set in `env`, remove one of them because a variable has \
                 one value"
            );
            errors.push_at(span, message);
        }
        seen.push(name);
        check_source(&secret.source, errors);
    }
}

fn check_source(source: &SecretSource, errors: &mut Errors) {
    match source {
        SecretSource::Env(variable) => {
            let text = variable.value();
            if !is_variable_name(&text) {
                let message = format!(
                    "invalid host variable name `{text}`, expected letters, digits and `_`, not \
                     starting with a digit"
                );
                errors.push_at(variable.span(), message);
            }
        }
        SecretSource::File(path) => {
            let text = path.value();
            if !text.starts_with('/') {
                let message = format!(
                    "secret file `{text}` must be an absolute path on the host, starting with `/`"
                );
                errors.push_at(path.span(), message);
            }
        }
    }
}

/// Returns true for a portable variable name: letters, digits and `_`, the
/// first not a digit.
fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    let first_valid = chars
        .next()
        .is_some_and(|c| c == '_' || c.is_ascii_alphabetic());
    first_valid && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}
