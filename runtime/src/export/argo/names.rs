//! Names that Kubernetes and Argo accept, derived from our names.

/// The longest `generateName` prefix: Kubernetes appends 5 random
/// characters, and the resulting name is also the value of the
/// `workflows.argoproj.io/workflow` pod label, which is at most 63 characters long.
const MAX_GENERATE_NAME: usize = 57;

/// Argo's maximum length of a template or DAG task name.
const MAX_FIELD_NAME: usize = 128;

/// Turns `name` into a DNS-1123 label prefix: lowercase ASCII letters,
/// digits and `-`, starting and ending with a letter or digit, at most
/// 57 characters. Every other character becomes `-`, and runs of `-`
/// become one, so `Word Count_v2` becomes `word-count-v2`.
///
/// Returns `None` when no letter or digit is left.
pub(super) fn dns_label(name: &str) -> Option<String> {
    let label = hyphenate(name, MAX_GENERATE_NAME);
    (!label.is_empty()).then_some(label)
}

/// Turns a node or task name into a template or DAG task name with the
/// same rule as [`dns_label`], at most 128 characters.
pub(super) fn field_name(name: &str) -> Option<String> {
    let field = hyphenate(name, MAX_FIELD_NAME);
    (!field.is_empty()).then_some(field)
}

fn hyphenate(name: &str, max: usize) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.truncate(max);
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// Returns true when Argo accepts `name` as a parameter or artifact name:
/// ASCII letters, digits, `_` and `-`, not empty.
pub(super) fn is_parameter_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_label_cases() {
        let cases = [
            ("word_count", Some("word-count")),
            ("Word Count_v2", Some("word-count-v2")),
            ("--a__b--", Some("a-b")),
            ("map.over.list", Some("map-over-list")),
            ("ünï", Some("n")),
            ("___", None),
            ("", None),
        ];
        for (name, expected) in cases {
            assert_eq!(dns_label(name).as_deref(), expected, "{name:?}");
        }
    }

    #[test]
    fn dns_label_truncates_without_trailing_hyphen() {
        let name = format!("{}_b", "a".repeat(56));
        let label = dns_label(&name).unwrap();
        assert_eq!(label, "a".repeat(56));
        assert_eq!(dns_label(&"x".repeat(80)).unwrap().len(), 57);
    }

    #[test]
    fn parameter_names() {
        assert!(is_parameter_name("bytes_a"));
        assert!(is_parameter_name("numbers-0"));
        assert!(!is_parameter_name(""));
        assert!(!is_parameter_name("a.b"));
    }
}
