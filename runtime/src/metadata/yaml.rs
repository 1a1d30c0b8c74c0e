//! The text of `inputs.yaml`, written so that YAML 1.1 and YAML 1.2 loaders
//! read every value with the same type.
//!
//! A YAML library's emitter is not used because none lets the caller force
//! quotes. serde_yaml_ng 0.10 follows YAML 1.2 only, and leaves `yes`, `on`,
//! `1_000`, `12:30` and datetimes unquoted, so PyYAML, a YAML 1.1 loader, reads
//! them as booleans, integers and datetimes. It also writes `1e300`, which
//! PyYAML reads as a string.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::Node;

/// Words that a YAML 1.1 or 1.2 loader reads as a boolean or null when they
/// are plain, compared ignoring case. YAML 1.1 lists `y` and `n` among its
/// booleans, although PyYAML reads them as strings.
const RESERVED_WORDS: [&str; 9] = ["y", "n", "yes", "no", "true", "false", "on", "off", "null"];

/// Serializes the metadata document as a YAML block mapping.
pub(super) fn encode(document: &BTreeMap<String, Node>) -> Vec<u8> {
    let mut text = String::new();
    if document.is_empty() {
        text.push_str("{}\n");
    } else {
        write_map(&mut text, document, 0);
    }
    text.into_bytes()
}

fn write_map(text: &mut String, entries: &BTreeMap<String, Node>, indent: usize) {
    for (key, node) in entries {
        push_indent(text, indent);
        push_string(text, key);
        text.push(':');
        write_node(text, node, indent);
    }
}

fn write_list(text: &mut String, items: &[Node], indent: usize) {
    for item in items {
        push_indent(text, indent);
        text.push('-');
        write_node(text, item, indent);
    }
}

/// Writes the node that follows a `key:` or a `-` at `indent`: a scalar or an
/// empty collection on the same line, a non-empty collection on the lines
/// after it, two spaces deeper.
fn write_node(text: &mut String, node: &Node, indent: usize) {
    match node {
        Node::List(items) if !items.is_empty() => {
            text.push('\n');
            write_list(text, items, indent + 2);
        }
        Node::Map(entries) if !entries.is_empty() => {
            text.push('\n');
            write_map(text, entries, indent + 2);
        }
        scalar => {
            text.push(' ');
            push_scalar(text, scalar);
            text.push('\n');
        }
    }
}

fn push_indent(text: &mut String, indent: usize) {
    text.extend(std::iter::repeat_n(' ', indent));
}

fn push_scalar(text: &mut String, node: &Node) {
    match node {
        Node::Null => text.push_str("null"),
        Node::Bool(flag) => text.push_str(if *flag { "true" } else { "false" }),
        Node::Integer(number) => text.push_str(&number.to_string()),
        Node::Float(number) => text.push_str(&float_text(*number)),
        Node::String(value) => push_string(text, value),
        Node::List(_) => text.push_str("[]"),
        Node::Map(_) => text.push_str("{}"),
    }
}

/// Formats a float so that YAML 1.1 and 1.2 loaders read it as the same
/// float. YAML 1.1 reads a number as a float only when it has a `.` and, if it
/// has an exponent, a signed one: `1.0e+300`, never `1e300`.
fn float_text(number: f64) -> String {
    if number.is_nan() {
        return ".nan".to_owned();
    }
    if number.is_infinite() {
        return if number > 0.0 { ".inf" } else { "-.inf" }.to_owned();
    }
    // `{:e}` and `{}` both print the shortest digits that read back to the
    // same value, and `{}` never uses an exponent.
    let scientific = format!("{number:e}");
    let (mantissa, exponent) = scientific
        .split_once('e')
        .expect("`{:e}` of a finite float always has an exponent");
    let exponent: i32 = exponent.parse().expect("the exponent is an integer");
    // Positional text for the exponents where Python's `repr` uses it too.
    if (-5..16).contains(&exponent) {
        return with_point(number.to_string());
    }
    let sign = if exponent < 0 { '-' } else { '+' };
    format!(
        "{}e{sign}{}",
        with_point(mantissa.to_owned()),
        exponent.abs()
    )
}

fn with_point(mut digits: String) -> String {
    if !digits.contains('.') {
        digits.push_str(".0");
    }
    digits
}

/// Writes `value` plain when no YAML 1.1 or 1.2 loader can read it as anything
/// but this string, and double-quoted otherwise. The Argo export writes its
/// strings with this rule too.
pub(crate) fn push_string(text: &mut String, value: &str) {
    if is_plain_safe(value) {
        text.push_str(value);
    } else {
        push_double_quoted(text, value);
    }
}

/// Accepts only text that starts with a letter, `_` or `/`, goes on with
/// letters, digits, `_`, `-`, `.` and `/`, and is not a reserved word. No
/// YAML 1.1 or 1.2 number, null, boolean, timestamp, merge key or indicator
/// has this form, so identifiers and most paths stay plain.
fn is_plain_safe(value: &str) -> bool {
    let mut chars = value.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    (first.is_ascii_alphabetic() || first == '_' || first == '/')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/'))
        && !RESERVED_WORDS
            .iter()
            .any(|word| word.eq_ignore_ascii_case(value))
}

/// Writes `value` as a double-quoted scalar, with an escape for every
/// character that YAML forbids in a stream or would fold as a line break.
fn push_double_quoted(text: &mut String, value: &str) {
    text.push('"');
    for c in value.chars() {
        match c {
            '"' => text.push_str("\\\""),
            '\\' => text.push_str("\\\\"),
            '\0' => text.push_str("\\0"),
            '\u{07}' => text.push_str("\\a"),
            '\u{08}' => text.push_str("\\b"),
            '\t' => text.push_str("\\t"),
            '\n' => text.push_str("\\n"),
            '\u{0b}' => text.push_str("\\v"),
            '\u{0c}' => text.push_str("\\f"),
            '\r' => text.push_str("\\r"),
            '\u{1b}' => text.push_str("\\e"),
            // Other C0 and C1 controls and DEL, which YAML forbids in a stream,
            // and NEL (U+0085), which YAML 1.1 reads as a line break.
            '\0'..='\u{1f}' | '\u{7f}'..='\u{9f}' => push_code_escape(text, c),
            // The line and paragraph separators, which YAML 1.1 reads as line
            // breaks, the byte order mark, and two noncharacters YAML forbids.
            '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}' => {
                push_code_escape(text, c);
            }
            other => text.push(other),
        }
    }
    text.push('"');
}

/// Writes `c` as `\xXX`, or as `\uXXXX` past U+00FF.
fn push_code_escape(text: &mut String, c: char) {
    let code = u32::from(c);
    if code <= 0xff {
        write!(text, "\\x{code:02X}")
    } else {
        write!(text, "\\u{code:04X}")
    }
    .expect("writing to a String cannot fail");
}

#[cfg(test)]
mod tests {
    use serde_json::Value as Json;

    use super::*;

    /// Strings that some YAML 1.1 or 1.2 loader reads as another type, or
    /// that need escapes, when written plain.
    const AMBIGUOUS: &[&str] = &[
        "y",
        "Y",
        "n",
        "N",
        "yes",
        "Yes",
        "NO",
        "on",
        "On",
        "off",
        "OFF",
        "true",
        "True",
        "false",
        "~",
        "null",
        "Null",
        "NULL",
        "",
        " ",
        "1e3",
        "1E3",
        "1.0e+3",
        "0o17",
        "0x1F",
        "017",
        "0b101",
        "1_000",
        "+1",
        "-1",
        "3",
        "3.",
        ".5",
        "-0",
        ".inf",
        "-.Inf",
        ".nan",
        ".NaN",
        "12:30",
        "-12:30",
        "190:20:30.15",
        "2024-01-02",
        "2024-01-02T03:04:05.000006Z",
        "=",
        "<<",
        " lead",
        "trail ",
        "-",
        "---",
        "...",
        "- x",
        "a: b",
        "a #b",
        "#c",
        "[a]",
        "{a}",
        "!tag",
        "&anchor",
        "*alias",
        "|",
        "> x",
        "%YAML",
        "@x",
        "`x",
        "'single'",
        "\"double\"",
        "back\\slash",
        "a\nb",
        "a\r\nb",
        "\t",
        "tab\tin",
        "\u{85}",
        "\u{2028}",
        "\u{2029}",
        "\u{feff}bom",
        "\u{7f}",
        "\u{9f}",
        "\u{1}",
        "\0",
        "\u{fffe}",
        "héllo ✓ 🎉",
    ];

    fn encode_one(node: Node) -> String {
        let document = BTreeMap::from([("x".to_owned(), node)]);
        String::from_utf8(encode(&document)).unwrap()
    }

    #[test]
    fn ambiguous_strings_quoted() {
        for value in AMBIGUOUS {
            let text = encode_one(Node::String((*value).to_owned()));
            assert!(text.starts_with("x: \""), "{value:?} written as {text:?}");
        }
    }

    #[test]
    fn ambiguous_strings_read_back() {
        for value in AMBIGUOUS {
            let text = encode_one(Node::String((*value).to_owned()));
            let parsed: Json = serde_yaml_ng::from_str(&text).unwrap();
            assert_eq!(parsed["x"], Json::from(*value), "written as {text:?}");
        }
    }

    #[test]
    fn identifiers_and_paths_stay_plain() {
        for value in [
            "hello",
            "train_2.v1",
            "_x",
            "/var/inputs/data",
            "a-b",
            "yess",
            "nan",
        ] {
            assert_eq!(
                encode_one(Node::String(value.into())),
                format!("x: {value}\n")
            );
        }
    }

    #[test]
    fn reserved_keys_quoted() {
        let document = BTreeMap::from([
            ("on".to_owned(), Node::Integer(1)),
            ("y".to_owned(), Node::Integer(2)),
            ("1e3".to_owned(), Node::Integer(3)),
        ]);
        let text = String::from_utf8(encode(&document)).unwrap();
        assert_eq!(text, "\"1e3\": 3\n\"on\": 1\n\"y\": 2\n");
    }

    #[test]
    fn floats_have_point_and_signed_exponent() {
        let cases = [
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (3.0, "3.0"),
            (0.1, "0.1"),
            (-2.5, "-2.5"),
            (1e-5, "0.00001"),
            (1.5e-6, "1.5e-6"),
            (1e15, "1000000000000000.0"),
            (1e16, "1.0e+16"),
            (1e300, "1.0e+300"),
            (-1.7976931348623157e308, "-1.7976931348623157e+308"),
            (5e-324, "5.0e-324"),
            (f64::NAN, ".nan"),
            (f64::INFINITY, ".inf"),
            (f64::NEG_INFINITY, "-.inf"),
        ];
        for (number, text) in cases {
            assert_eq!(float_text(number), text);
        }
    }

    #[test]
    fn floats_read_back() {
        for number in [0.1, -2.5, 1e-5, 1.5e-6, 1e16, 1e300, 5e-324, f64::MAX] {
            let parsed: Json = serde_yaml_ng::from_str(&encode_one(Node::Float(number))).unwrap();
            assert_eq!(parsed["x"].as_f64(), Some(number));
        }
    }

    #[test]
    fn collections_nest_in_blocks() {
        let inner = BTreeMap::from([
            ("k".to_owned(), Node::Bool(true)),
            ("l".to_owned(), Node::List(vec![])),
        ]);
        let list = Node::List(vec![
            Node::String("yes".into()),
            Node::List(vec![Node::Integer(1), Node::Integer(2)]),
            Node::Map(inner),
            Node::Map(BTreeMap::new()),
        ]);
        let text = encode_one(list);
        let expected =
            "x:\n  - \"yes\"\n  -\n    - 1\n    - 2\n  -\n    k: true\n    l: []\n  - {}\n";
        assert_eq!(text, expected);
        let parsed: Json = serde_yaml_ng::from_str(&text).unwrap();
        let expected = serde_json::json!({"x": ["yes", [1, 2], {"k": true, "l": []}, {}]});
        assert_eq!(parsed, expected);
    }
}
