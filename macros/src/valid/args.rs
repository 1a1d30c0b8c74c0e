//! Resolution of the placeholders in `command` and `arguments` against the
//! declared inputs, with the quoting of each one.

use syn::LitStr;

use super::quoting::{
    arithmetic_string_message, redirection_number_message, shell_option_message, unsafe_message,
};
use crate::ast::{backticked, Task};
use crate::errors::Errors;
use crate::shell::{self, Context, ScriptPiece};
use crate::suggest;
use crate::template::{
    self, ErrorKind, Piece, Placeholder, Quoting, SpellingFault, Template, TemplateError,
};

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

/// The `command` and `arguments` elements with their placeholders resolved.
pub struct Commands {
    pub command: Vec<Arg>,
    pub arguments: Vec<Arg>,
}

/// The role of one element of `command ++ arguments` for the program.
#[derive(Clone, Copy)]
enum Role<'a> {
    /// A plain argv element.
    Argv,
    /// The script after a shell's `-c`.
    Script,
    /// An option of the shell named here, or its script file name.
    ShellOption(&'a str),
}

/// Resolves every element of `command` and `arguments`, reporting each
/// malformed placeholder, each one that names an unknown input or a file
/// or directory input, and each one at a position of a shell script where
/// no escaping is reliable.
pub fn resolve(task: &Task, errors: &mut Errors) -> Commands {
    let command = task.command.as_ref().map_or(&[][..], |array| &array.items);
    let arguments = task
        .arguments
        .as_ref()
        .map_or(&[][..], |array| &array.items);
    let sources: Vec<String> = command.iter().chain(arguments).map(LitStr::value).collect();
    let argv: Vec<&str> = sources.iter().map(String::as_str).collect();
    let invocation = shell::invocation(&argv);

    let mut args = Vec::new();
    for (index, literal) in command.iter().chain(arguments).enumerate() {
        let role = match &invocation {
            Some(found) if found.script == Some(index) => Role::Script,
            Some(found) if found.options.contains(&index) => Role::ShellOption(&found.shell),
            _ => Role::Argv,
        };
        args.push(resolve_one(literal, role, task, errors));
    }
    let arguments = args.split_off(command.len());
    Commands {
        command: args,
        arguments,
    }
}

fn resolve_one(literal: &LitStr, role: Role, task: &Task, errors: &mut Errors) -> Arg {
    let source = literal.value();
    let template = template::parse(&source);
    // Messages with the byte offset they refer to, reported in that order.
    let mut messages: Vec<(usize, String)> = template
        .errors
        .iter()
        .map(|error| (error.position.offset, template_error_message(error, task)))
        .collect();

    let mut contexts = placeholder_contexts(&template, role).into_iter();
    let mut segments: Vec<Segment> = Vec::new();
    for piece in &template.pieces {
        match piece {
            Piece::Text(text) => push_text(&mut segments, text),
            Piece::Input(placeholder) => {
                let context = contexts.next().expect("one context per placeholder");
                match input_segment(placeholder, context, role, task) {
                    Ok(Some(segment)) => segments.push(segment),
                    Ok(None) => {}
                    Err(message) => messages.push((placeholder.position.offset, message)),
                }
            }
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

/// Appends text, joined to the text before it, as `{{{{` is its own piece.
fn push_text(segments: &mut Vec<Segment>, text: &str) {
    match segments.last_mut() {
        Some(Segment::Text(previous)) => previous.push_str(text),
        _ => segments.push(Segment::Text(text.to_owned())),
    }
}

/// Returns the context of each placeholder of the element, in order.
fn placeholder_contexts(template: &Template, role: Role) -> Vec<Context> {
    if let Role::Script = role {
        let pieces: Vec<ScriptPiece> = template
            .pieces
            .iter()
            .map(|piece| match piece {
                Piece::Text(text) => ScriptPiece::Text(text),
                Piece::Input(_) => ScriptPiece::Placeholder,
            })
            .collect();
        return shell::contexts(&pieces);
    }
    let count = template
        .pieces
        .iter()
        .filter(|piece| matches!(piece, Piece::Input(_)))
        .count();
    vec![Context::Quoted(Quoting::Verbatim); count]
}

/// Returns the segment of a placeholder, or `None` when the input list did
/// not parse. Returns the message when the placeholder names an unknown
/// input or a file or directory, or sits where its value cannot be escaped.
fn input_segment(
    placeholder: &Placeholder,
    context: Context,
    role: Role,
    task: &Task,
) -> Result<Option<Segment>, String> {
    let Placeholder {
        name,
        text,
        position,
    } = placeholder;
    let column = position.column;
    let inputs = &task.inputs.items;
    let Some(index) = inputs.iter().position(|input| input.name == *name) else {
        if !task.inputs.complete {
            return Ok(None);
        }
        let mut message = format!("unknown input `{name}` in `{text}` at column {column}");
        message.push_str(&declared_inputs_help(name, task));
        return Err(message);
    };

    let value_type = inputs[index].value_type;
    let input_dir = &task.input_data_dir.path;
    match value_type {
        Some(ty) if ty.is_path() || ty == ValueType::List(&ValueType::File) => {
            return Err(path_input_message(name, text, ty, input_dir));
        }
        Some(ValueType::Map(_)) => return Err(map_input_message(name, text, input_dir)),
        Some(ty) if ty.has_optional_elements() => {
            return Err(optional_list_message(name, text, input_dir))
        }
        _ => {}
    }
    let quoting = match (context, role) {
        (_, Role::ShellOption(shell)) => {
            return Err(shell_option_message(shell, text, column));
        }
        (Context::Unsafe(reason), _) => {
            return Err(unsafe_message(reason, name, text, column, input_dir));
        }
        (Context::Arithmetic, _) if value_type == Some(ValueType::String) => {
            return Err(arithmetic_string_message(name, text, column));
        }
        (Context::Arithmetic, _) if matches!(value_type, Some(ValueType::List(_))) => {
            return Err(arithmetic_list_message(name, text, column, input_dir));
        }
        (Context::Arithmetic, _) => Quoting::ShellBare,
        (Context::BeforeRedirection, _) if value_type.is_some_and(ValueType::is_number) => {
            return Err(redirection_number_message(name, text, column));
        }
        (Context::BeforeRedirection, _) => Quoting::ShellBare,
        (Context::Quoted(quoting), _) => quoting,
    };
    Ok(Some(Segment::Input { index, quoting }))
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

fn path_input_message(name: &str, text: &str, ty: ValueType, input_dir: &str) -> String {
    let kind = match ty {
        ValueType::File => "a file",
        ValueType::Dir => "a directory",
        _ => "a list of files, staged as a directory",
    };
    format!("input `{name}` is {kind}: write its path `{input_dir}/{name}` instead of `{text}`")
}

fn map_input_message(name: &str, text: &str, input_dir: &str) -> String {
    format!(
        "input `{name}` is a map, which has no text form: read the file of each key in \
         `{input_dir}/{name}/` instead of using `{text}`"
    )
}

fn optional_list_message(name: &str, text: &str, input_dir: &str) -> String {
    format!(
        "input `{name}` is a list with optional elements, which has no text form that tells a \
         missing element from the text `null`: read the elements from `{input_dir}/{name}/0`, \
         `{input_dir}/{name}/1`, ..., or `inputs.json`, instead of using `{text}`"
    )
}

fn arithmetic_list_message(name: &str, text: &str, column: usize, input_dir: &str) -> String {
    format!(
        "placeholder `{text}` at column {column} is inside arithmetic `$((...))`, but input \
         `{name}` is a list, which is inserted as `[a,b,...]` in quotes\nhelp: read the \
         elements from `{input_dir}/{name}/0`, `{input_dir}/{name}/1`, ..."
    )
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
        ErrorKind::Spelling { corrected, faults } => {
            let faults: Vec<&str> = faults.iter().map(|fault| fault_text(*fault)).collect();
            format!(
                "placeholder `{text}` at column {column} {}, write `{corrected}`\nhelp: Flyte's \
                 backend accepts this spelling but its local runner does not, so only \
                 `{{{{.inputs.NAME}}}}` is accepted",
                faults.join(" and ")
            )
        }
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

fn fault_text(fault: SpellingFault) -> &'static str {
    match fault {
        SpellingFault::Whitespace => "contains whitespace",
        SpellingFault::Dollar => "starts with `$` in place of `.`",
        SpellingFault::Case => "spells `inputs` in another case",
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
