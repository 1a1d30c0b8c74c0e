//! Messages for placeholders in shell scripts whose value the runtime
//! cannot escape where they sit.

use crate::shell::Unsafe;

/// Returns the message for a placeholder at a position of a shell script
/// where no escaping is reliable. `input_dir` is the task's input directory.
pub fn unsafe_message(
    reason: Unsafe,
    name: &str,
    text: &str,
    column: usize,
    input_dir: &str,
) -> String {
    let read_file = format!(
        "read the value from its input file `{input_dir}/{name}` instead, as in \
         `\"$(cat {input_dir}/{name})\"`"
    );
    let (problem, help) = match reason {
        Unsafe::Backticks => (
            "is inside backticks, where the shell removes backslashes and reads the text again, \
             so no quoting of the value is reliable",
            format!("use `$(...)` in place of backticks, or {read_file}"),
        ),
        Unsafe::AnsiCQuotes => (
            "is inside `$'...'`, where the shell interprets backslash escapes in the value",
            format!("use `'...'` quotes, or {read_file}"),
        ),
        Unsafe::HereDocument => (
            "is inside a here-document, where a line of the value could end the document and \
             run as commands",
            read_file,
        ),
        Unsafe::HereDocumentDelimiter => (
            "is in the word that ends a here-document",
            "write the delimiter as fixed text".to_owned(),
        ),
        Unsafe::Comment => (
            "is inside a comment, where a line break in the value would end the comment and run \
             the rest as commands",
            "remove the placeholder from the comment".to_owned(),
        ),
        Unsafe::ParameterExpansion => (
            "is inside a parameter expansion `${...}`, where shells disagree on how quotes nest",
            read_file,
        ),
        Unsafe::AfterBackslash => (
            "follows a backslash, which would escape the first character of the value and break \
             its quoting",
            "remove the backslash, or put a space or a quote between it and the placeholder"
                .to_owned(),
        ),
        Unsafe::AfterDollar => (
            "follows `$` or a variable name such as `$HOME`, so the shell would read the value \
             as part of the parameter's name",
            "write the variable with braces, as in `${HOME}`, or escape a literal `$` as `\\$`"
                .to_owned(),
        ),
        Unsafe::AfterCase => (
            "comes after a `case` inside `$(...)`, where containerflow cannot tell a pattern's \
             `)` from the `)` that ends the substitution",
            format!("move the `case` statement out of `$(...)`, or {read_file}"),
        ),
        Unsafe::AfterArithmeticSubshell => (
            "comes after a `$((` closed by a single `)`, where containerflow cannot tell \
             arithmetic from a subshell",
            "write a subshell inside a command substitution with a space, as in `$( (...) )`"
                .to_owned(),
        ),
        Unsafe::AfterQuoteInParameter => (
            "comes after a `'` inside `\"${...}\"`, which bash reads as an opening quote and \
             dash and busybox read as a plain character",
            format!("move the `'` out of `\"${{...}}\"`, or {read_file}"),
        ),
    };
    format!("placeholder `{text}` at column {column} {problem}\nhelp: {help}")
}

/// Returns the message for a placeholder where `shell` reads its options or
/// its script file name.
pub fn shell_option_message(shell: &str, text: &str, column: usize) -> String {
    format!(
        "placeholder `{text}` at column {column} is where `{shell}` reads its options or script \
         file, so a value starting with `-` would be read as an option\nhelp: pass the value \
         after the script, where the shell reads it as `$1`, as in \
         `[\"{shell}\", \"-c\", \"echo \\\"$1\\\"\", \"{shell}\", \"{text}\"]`"
    )
}

/// Returns the message for a `String` input used in `$((...))`, where its
/// quoted value would be an arithmetic syntax error.
pub fn arithmetic_string_message(name: &str, text: &str, column: usize) -> String {
    format!(
        "placeholder `{text}` at column {column} is inside arithmetic `$((...))`, but input \
         `{name}` is a `String`, which is inserted in quotes\nhelp: declare `{name}` as `i64`"
    )
}

/// Returns the message for a number input that is a word of its own right
/// before `<` or `>`, where the shell would read it as a file descriptor.
pub fn redirection_number_message(name: &str, text: &str, column: usize) -> String {
    format!(
        "placeholder `{text}` at column {column} is right before a redirection, so the shell \
         would read a number in input `{name}` as a file descriptor, as in `2>file`\nhelp: put \
         a space between the placeholder and the redirection"
    )
}
