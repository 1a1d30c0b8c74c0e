//! Checks of `pod_template`: the Kubernetes syntax of its names, keys and
//! values, and its combination with `block_network`.

use syn::LitStr;

use crate::ast::{InlinePodTemplate, PodTemplate, Task};
use crate::errors::Errors;

/// The label that blocks the network of a pod on a Flyte cluster, as
/// flyte-sdk adds it to an inline pod template when `block_network` is set.
pub const SANDBOX_LABEL: (&str, &str) = ("sandboxed", "true");

/// The pod template name flyte-sdk gives a task that sets `block_network`
/// and has no pod template.
pub const SANDBOX_TEMPLATE: &str = "sandboxed-pod-template";

/// The maximum length of a Kubernetes DNS subdomain, such as a resource name
/// or the prefix of a label key.
const MAX_SUBDOMAIN: usize = 253;

/// The maximum length of a Kubernetes DNS label, of the name part of a
/// label key, and of a label value.
const MAX_LABEL: usize = 63;

/// Reports every problem of the task's pod template.
pub fn check(task: &Task, errors: &mut Errors) {
    match &task.pod_template {
        None => {}
        Some(PodTemplate::Named(name)) => check_named(name, task.block_network, errors),
        Some(PodTemplate::Inline(template)) => check_inline(template, task.block_network, errors),
    }
}

fn check_named(name: &LitStr, block_network: bool, errors: &mut Errors) {
    let text = name.value();
    if !is_subdomain(&text) {
        let message = format!(
            "invalid pod template name `{text}`, expected a Kubernetes resource name: at most \
             {MAX_SUBDOMAIN} lowercase letters, digits, `-` or `.`, starting and ending with a \
             letter or digit"
        );
        errors.push_at(name.span(), message);
    }
    if block_network {
        let (label, value) = SANDBOX_LABEL;
        let message = format!(
            "`block_network = true` cannot be combined with the pod template name `{text}`, \
             because on a Flyte cluster a blocked network is the pod template \
             `{SANDBOX_TEMPLATE}` or the label `{label}: \"{value}\"`\nhelp: give the pod \
             template inline, as in `pod_template = {{ labels: {{ app: \"x\" }} }}`, and the \
             label is added to it"
        );
        errors.push_at(name.span(), message);
    }
}

fn check_inline(template: &InlinePodTemplate, block_network: bool, errors: &mut Errors) {
    check_keys(&template.labels, "label", errors);
    check_keys(&template.annotations, "annotation", errors);
    for (key, value) in &template.labels {
        let text = value.value();
        if !is_label_value(&text) {
            let message = format!(
                "invalid value `{text}` of label `{}`, expected at most {MAX_LABEL} letters, \
                 digits, `-`, `_` or `.`, starting and ending with a letter or digit, or an \
                 empty string",
                key.value()
            );
            errors.push_at(value.span(), message);
        }
    }
    if let Some(name) = &template.primary_container_name {
        if !is_dns_label(&name.value()) {
            let message = format!(
                "invalid `primary_container_name` `{}`, expected a Kubernetes container name: at \
                 most {MAX_LABEL} lowercase letters, digits or `-`, starting and ending with a \
                 letter or digit",
                name.value()
            );
            errors.push_at(name.span(), message);
        }
    }
    if block_network {
        check_sandbox_label(template, errors);
    }
}

/// Reports invalid and repeated keys. `what` is `label` or `annotation`.
fn check_keys(entries: &[(LitStr, LitStr)], what: &str, errors: &mut Errors) {
    let mut seen: Vec<String> = Vec::new();
    for (key, _) in entries {
        let text = key.value();
        if !is_qualified_name(&text) {
            let message = format!(
                "invalid {what} key `{text}`, expected an optional DNS subdomain and `/`, then a \
                 name of at most {MAX_LABEL} letters, digits, `-`, `_` or `.`, starting and \
                 ending with a letter or digit, as in `app.kubernetes.io/name`"
            );
            errors.push_at(key.span(), message);
        } else if seen.contains(&text) {
            errors.push_at(key.span(), format!("duplicate {what} `{text}`"));
        }
        seen.push(text);
    }
}

fn check_sandbox_label(template: &InlinePodTemplate, errors: &mut Errors) {
    let (label, expected) = SANDBOX_LABEL;
    for (key, value) in &template.labels {
        let text = value.value();
        if key.value() == label && text != expected {
            let message = format!(
                "label `{label}` is `\"{text}\"`, but `block_network = true` sets it to \
                 `\"{expected}\"`\nhelp: remove the label, or write `\"{expected}\"`"
            );
            errors.push_at(value.span(), message);
        }
    }
}

/// Returns true for a DNS subdomain as Kubernetes defines it (RFC 1123):
/// lowercase DNS labels joined by `.`, at most 253 characters.
fn is_subdomain(text: &str) -> bool {
    text.len() <= MAX_SUBDOMAIN && text.split('.').all(|part| is_label_like(part, false))
}

/// Returns true for a DNS label as Kubernetes defines it (RFC 1123): at
/// most 63 lowercase letters, digits or `-`, starting and ending with a
/// letter or digit.
fn is_dns_label(text: &str) -> bool {
    text.len() <= MAX_LABEL && is_label_like(text, false)
}

/// Returns true for lowercase letters, digits and `-` (and, with
/// `extended`, uppercase letters, `_` and `.`), starting and ending with a
/// letter or digit.
fn is_label_like(text: &str, extended: bool) -> bool {
    let end_valid = |c: char| {
        c.is_ascii_digit() || c.is_ascii_lowercase() || extended && c.is_ascii_uppercase()
    };
    let inner_valid = |c: char| end_valid(c) || c == '-' || extended && matches!(c, '_' | '.');
    let (Some(first), Some(last)) = (text.chars().next(), text.chars().last()) else {
        return false;
    };
    end_valid(first) && end_valid(last) && text.chars().all(inner_valid)
}

/// Returns true for a label or annotation key: an optional DNS subdomain
/// prefix and `/`, then a name of at most 63 letters, digits, `-`, `_` or
/// `.`.
fn is_qualified_name(text: &str) -> bool {
    let (prefix, name) = match text.split_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, text),
    };
    let prefix_valid = prefix.is_none_or(|prefix| !prefix.is_empty() && is_subdomain(prefix));
    prefix_valid && name.len() <= MAX_LABEL && is_label_like(name, true)
}

/// Returns true for a label value: empty, or what a label key's name may
/// be.
fn is_label_value(text: &str) -> bool {
    text.is_empty() || text.len() <= MAX_LABEL && is_label_like(text, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_subdomain_table() {
        let long = format!("{}.b", "a".repeat(251));
        let too_long = format!("{}.b", "a".repeat(252));
        let cases = [
            ("my-template", true),
            ("a.b-c.d1", true),
            ("0", true),
            (long.as_str(), true),
            (too_long.as_str(), false),
            ("", false),
            ("My-template", false),
            ("-a", false),
            ("a-", false),
            ("a..b", false),
            ("a_b", false),
        ];
        for (text, expected) in cases {
            assert_eq!(is_subdomain(text), expected, "{text:?}");
        }
    }

    #[test]
    fn is_dns_label_table() {
        let cases = [
            ("primary", true),
            ("main-2", true),
            (&"a".repeat(63)[..], true),
            (&"a".repeat(64)[..], false),
            ("Main", false),
            ("a.b", false),
            ("a_b", false),
            ("", false),
        ];
        for (text, expected) in cases {
            assert_eq!(is_dns_label(text), expected, "{text:?}");
        }
    }

    #[test]
    fn is_qualified_name_table() {
        let cases = [
            ("app", true),
            ("App_Name.v1", true),
            ("app.kubernetes.io/name", true),
            ("a.b/c", true),
            (&"a".repeat(63)[..], true),
            (&"a".repeat(64)[..], false),
            ("", false),
            ("/name", false),
            ("a.b/", false),
            ("A.b/c", false),
            ("a/b/c", false),
            ("_app", false),
            ("app-", false),
            ("a b", false),
        ];
        for (text, expected) in cases {
            assert_eq!(is_qualified_name(text), expected, "{text:?}");
        }
    }

    #[test]
    fn is_label_value_table() {
        let cases = [
            ("", true),
            ("true", true),
            ("v1.2_rc-3", true),
            (&"a".repeat(63)[..], true),
            (&"a".repeat(64)[..], false),
            ("-x", false),
            ("a b", false),
            ("a/b", false),
        ];
        for (text, expected) in cases {
            assert_eq!(is_label_value(text), expected, "{text:?}");
        }
    }
}
