//! The YAML text of the exported resource, written so that YAML 1.1 and
//! YAML 1.2 loaders read every string as the same string.
//!
//! Kubernetes and Argo read YAML with go-yaml in YAML 1.1 mode (through
//! sigs.k8s.io/yaml), where a plain `yes`, `on`, `n` or `1_000` is a boolean
//! or a number. serde_yaml_ng's emitter follows YAML 1.2 only and leaves
//! these plain. So the model is turned into serde_yaml_ng's value tree, which
//! keeps the field order of the model's structs, and written here with the
//! string quoting rule of `inputs.yaml`.

use serde_yaml_ng::{Mapping, Value};

use crate::metadata::yaml::push_string;

/// Writes `value` as a YAML document of block collections. A string with
/// line breaks is written as a literal block scalar when it reads back
/// unchanged, so that scripts stay readable, and double-quoted otherwise.
///
/// # Errors
///
/// Returns the reason when the tree contains a float, a tagged value or a
/// key that is not a string, none of which the Argo model produces.
pub(super) fn document(value: &Value) -> Result<String, String> {
    let mut text = String::new();
    match value {
        Value::Mapping(map) if !map.is_empty() => write_map(&mut text, map, 0, false)?,
        Value::Sequence(items) if !items.is_empty() => write_sequence(&mut text, items, 0)?,
        scalar => {
            push_scalar(&mut text, scalar)?;
            text.push('\n');
        }
    }
    Ok(text)
}

/// Writes the entries of `map` at column `indent`. When `after_dash` is
/// set, the first key goes on the current line, after a sequence's `- `.
fn write_map(
    text: &mut String,
    map: &Mapping,
    indent: usize,
    after_dash: bool,
) -> Result<(), String> {
    for (position, (key, value)) in map.iter().enumerate() {
        if position > 0 || !after_dash {
            push_indent(text, indent);
        }
        let Value::String(key) = key else {
            return Err(format!("a mapping key is not a string: {key:?}"));
        };
        push_string(text, key);
        text.push(':');
        write_node(text, value, indent, false)?;
    }
    Ok(())
}

fn write_sequence(text: &mut String, items: &[Value], indent: usize) -> Result<(), String> {
    for item in items {
        push_indent(text, indent);
        text.push('-');
        write_node(text, item, indent, true)?;
    }
    Ok(())
}

/// Writes the value that follows a `key:` or a `-` at column `indent`: a
/// scalar or an empty collection on the same line, and the content of a
/// collection or a block scalar two columns deeper. A mapping in a sequence
/// starts on the line of its `-`.
fn write_node(
    text: &mut String,
    value: &Value,
    indent: usize,
    in_sequence: bool,
) -> Result<(), String> {
    match value {
        Value::Mapping(map) if !map.is_empty() => {
            text.push(if in_sequence { ' ' } else { '\n' });
            write_map(text, map, indent + 2, in_sequence)
        }
        Value::Sequence(items) if !items.is_empty() => {
            text.push('\n');
            write_sequence(text, items, indent + 2)
        }
        Value::String(string) if is_literal_block_safe(string) => {
            push_literal_block(text, string, indent + 2);
            Ok(())
        }
        scalar => {
            text.push(' ');
            push_scalar(text, scalar)?;
            text.push('\n');
            Ok(())
        }
    }
}

fn push_indent(text: &mut String, indent: usize) {
    text.extend(std::iter::repeat_n(' ', indent));
}

fn push_scalar(text: &mut String, value: &Value) -> Result<(), String> {
    match value {
        Value::Null => text.push_str("null"),
        Value::Bool(flag) => text.push_str(if *flag { "true" } else { "false" }),
        Value::Number(number) if number.is_i64() || number.is_u64() => {
            text.push_str(&number.to_string());
        }
        Value::String(string) => push_string(text, string),
        Value::Sequence(items) if items.is_empty() => text.push_str("[]"),
        Value::Mapping(map) if map.is_empty() => text.push_str("{}"),
        other => {
            return Err(format!(
                "the value {other:?} has no YAML form in the export"
            ))
        }
    }
    Ok(())
}

/// Accepts a string with a line break that a literal block scalar (`|` or
/// `|-`) reproduces exactly under YAML 1.1 and 1.2. Block scalars are
/// always strings, so only the layout can go wrong. The rule rejects a
/// leading space, which would need an indentation indicator, and more than
/// one final line break, which would need `|+`. It also rejects trailing
/// spaces, tabs, carriage returns and every character that the
/// double-quoted form escapes.
fn is_literal_block_safe(value: &str) -> bool {
    value.contains('\n')
        && !value.starts_with([' ', '\n'])
        && !value.ends_with("\n\n")
        && !value.contains(" \n")
        && !value.ends_with(' ')
        && value.chars().all(is_literal_block_char)
}

fn is_literal_block_char(c: char) -> bool {
    match c {
        '\n' | ' '..='~' => true,
        // C0 controls, tab, DEL and C1 controls, NEL among them.
        '\0'..='\u{9f}' => false,
        // Line and paragraph separators, which YAML 1.1 reads as line
        // breaks, the byte order mark, and two noncharacters YAML forbids.
        '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}' => false,
        _ => true,
    }
}

/// Writes ` |` or ` |-` and the lines of `value` at column `indent`. An
/// empty line is written with no indentation, which a literal block reads
/// as an empty line.
fn push_literal_block(text: &mut String, value: &str, indent: usize) {
    let body = match value.strip_suffix('\n') {
        Some(body) => {
            text.push_str(" |\n");
            body
        }
        None => {
            text.push_str(" |-\n");
            value
        }
    };
    for line in body.split('\n') {
        if !line.is_empty() {
            push_indent(text, indent);
            text.push_str(line);
        }
        text.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use serde_yaml_ng::Value;

    use super::*;

    fn read_back(text: &str) -> Value {
        serde_yaml_ng::from_str(text).unwrap()
    }

    #[test]
    fn block_collections_keep_key_order() {
        let value: Value = serde_yaml_ng::from_str(
            "b: 1\na: [x, {d: [], c: {}}]\nc: {z: [1, 2], w: [[3]]}\ne: []\n",
        )
        .unwrap();
        let text = document(&value).unwrap();
        let expected = "b: 1\na:\n  - x\n  - d: []\n    c: {}\nc:\n  z:\n    - 1\n    - 2\n  \
                        w:\n    -\n      - 3\ne: []\n";
        assert_eq!(text, expected);
        assert_eq!(read_back(&text), value);
    }

    #[test]
    fn ambiguous_strings_quoted() {
        for string in ["yes", "on", "off", "y", "n", "Yes", "NO", "1_000", "", "-c"] {
            let value = Value::Sequence(vec![Value::String(string.to_owned())]);
            let text = document(&value).unwrap();
            assert!(text.starts_with("- \""), "{string:?} written as {text:?}");
            assert_eq!(read_back(&text), value);
        }
    }

    #[test]
    fn scripts_become_literal_blocks() {
        let cases = [
            ("echo a\necho b", "s: |-\n  echo a\n  echo b\n"),
            ("echo a\n", "s: |\n  echo a\n"),
            ("a\n\n  b: c # d\n", "s: |\n  a\n\n    b: c # d\n"),
            ("yes\nno", "s: |-\n  yes\n  no\n"),
        ];
        for (script, expected) in cases {
            let mut map = Mapping::new();
            map.insert("s".into(), script.into());
            let value = Value::Mapping(map);
            let text = document(&value).unwrap();
            assert_eq!(text, expected);
            assert_eq!(read_back(&text), value);
        }
    }

    #[test]
    fn awkward_multi_line_strings_quoted() {
        for string in [
            " a\nb",
            "\na",
            "a\n\n",
            "a \nb",
            "a\nb ",
            "a\tb\nc",
            "a\r\nb",
            "a\n\u{85}b",
            "a\n\u{2028}b",
        ] {
            let value = Value::Sequence(vec![Value::String(string.to_owned())]);
            let text = document(&value).unwrap();
            assert!(text.starts_with("- \""), "{string:?} written as {text:?}");
            assert_eq!(read_back(&text), value);
        }
    }

    #[test]
    fn float_is_rejected() {
        let value = Value::Sequence(vec![Value::from(0.5)]);
        assert!(document(&value).is_err());
    }
}
