//! Resolution of the placeholders in `command` and `arguments` against the
//! declared inputs.

use syn::LitStr;

use crate::ast::{backticked, StringArray, Task};
use crate::errors::Errors;
use crate::suggest;
use crate::template::{self, ErrorKind, Piece, Placeholder, Quoting, TemplateError};
use crate::types::ValueType;

/// The maximum length, in characters, of the excerpt of an unclosed
/// placeholder shown in a message.
const MAX_EXCERPT: usize = 30;

/// One `command` or `arguments` element, ready for the task spec.
#[derive(Debug, PartialEq)]
pub struct Arg {
    /// The element as declared.
    pub source: String,
    pub segments: Vec<Segment>,
}

/// A piece of an [`Arg`], mirroring the runtime's `Segment`.
#[derive(Debug, PartialEq)]
pub enum Segment {
    Text(String),
    Input { index: usize, quoting: Quoting },
}

/// Resolves every element of `array`, reporting each malformed placeholder
/// and each one that names an unknown input or a file or directory input.
pub fn resolve(array: Option<&StringArray>, task: &Task, errors: &mut Errors) -> Vec<Arg> {
    let Some(array) = array else {
        return Vec::new();
    };
    array
        .items
        .iter()
        .map(|literal| resolve_one(literal, task, errors))
        .collect()
}

fn resolve_one(literal: &LitStr, task: &Task, errors: &mut Errors) -> Arg {
    let source = literal.value();
    let template = template::parse(&source);
    // Messages with the byte offset they refer to, reported in that order.
    let mut messages: Vec<(usize, String)> = template
        .errors
        .iter()
        .map(|error| (error.position.offset, template_error_message(error, task)))
        .collect();

    let mut segments = Vec::new();
    for piece in &template.pieces {
        match piece {
            Piece::Text(text) => segments.push(Segment::Text((*text).to_owned())),
            Piece::Input(placeholder) => match input_segment(placeholder, task) {
                Ok(Some(segment)) => segments.push(segment),
                Ok(None) => {}
                Err(message) => messages.push((placeholder.position.offset, message)),
            },
        }
    }

    messages.sort_by_key(|(offset, _)| *offset);
    for (_, message) in messages {
        errors.push_at(literal.span(), message);
    }
    Arg {
        source: source.clone(),
        segments,
    }
}

/// Returns the segment of a placeholder, `None` when its input is not known
/// because the input list did not parse, or the message for a placeholder
/// that names an unknown input or a file or directory.
fn input_segment(placeholder: &Placeholder, task: &Task) -> Result<Option<Segment>, String> {
    let Placeholder {
        name,
        text,
        position,
        quoting,
    } = placeholder;
    let inputs = &task.inputs.items;
    let Some(index) = inputs.iter().position(|input| input.name == *name) else {
        if !task.inputs.complete {
            return Ok(None);
        }
        let column = position.column;
        let mut message = format!("unknown input `{name}` in `{text}` at column {column}");
        message.push_str(&declared_inputs_help(name, task));
        return Err(message);
    };

    match inputs[index].value_type {
        Some(value_type) if value_type.is_path() => Err(path_input_message(name, text, task)),
        _ => Ok(Some(Segment::Input {
            index,
            quoting: *quoting,
        })),
    }
}

/// Returns the help lines that follow an unknown input name.
fn declared_inputs_help(name: &str, task: &Task) -> String {
    let names = task.inputs.items.iter().map(|input| input.name.as_str());
    if task.inputs.items.is_empty() {
        return "\nhelp: the task declares no inputs, add them with `inputs = { name: Type }`"
            .to_owned();
    }
    let mut help = String::new();
    if let Some(closest) = suggest::closest(name, names.clone()) {
        help.push_str(&format!("\nhelp: did you mean `{closest}`?"));
    }
    let declared = match task.inputs.items.as_slice() {
        [only] => format!("the only declared input is `{}`", only.name),
        _ => format!("the declared inputs are {}", backticked(names)),
    };
    help.push_str(&format!("\nhelp: {declared}"));
    help
}

fn path_input_message(name: &str, text: &str, task: &Task) -> String {
    let is_file = task
        .inputs
        .items
        .iter()
        .any(|input| input.name == name && input.value_type == Some(ValueType::File));
    let kind = if is_file { "file" } else { "directory" };
    let input_dir = &task.input_data_dir.path;
    format!("input `{name}` is a {kind}: write its path `{input_dir}/{name}` instead of `{text}`")
}

fn template_error_message(error: &TemplateError, task: &Task) -> String {
    let TemplateError {
        kind,
        text,
        position,
    } = error;
    let column = position.column;
    match kind {
        ErrorKind::Unclosed => {
            let excerpt = excerpt(text);
            format!("unclosed placeholder `{excerpt}` at column {column}, close it with `}}}}`")
        }
        ErrorKind::Whitespace(corrected) => format!(
            "placeholder `{text}` at column {column} contains whitespace, write `{corrected}`"
        ),
        ErrorKind::Output(name) => {
            let output_dir = &task.output_data_dir.path;
            format!(
                "placeholder `{text}` at column {column} refers to an output, but only inputs \
                 have placeholders\nhelp: the command writes output `{name}` to the file \
                 `{output_dir}/{name}`"
            )
        }
        ErrorKind::MissingName => format!(
            "placeholder `{text}` at column {column} has no input name, \
             expected `{{{{.inputs.NAME}}}}`"
        ),
        ErrorKind::Invalid => format!(
            "invalid placeholder `{text}` at column {column}, expected `{{{{.inputs.NAME}}}}`"
        ),
    }
}

/// Returns the first [`MAX_EXCERPT`] characters of `text`, with `...` when
/// some were cut.
fn excerpt(text: &str) -> String {
    match text.char_indices().nth(MAX_EXCERPT) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_cuts_long_text() {
        assert_eq!(excerpt("{{.inputs.x"), "{{.inputs.x");
        let long = format!("{{{{{}", "é".repeat(40));
        let expected = format!("{{{{{}...", "é".repeat(28));
        assert_eq!(excerpt(&long), expected);
    }
}
