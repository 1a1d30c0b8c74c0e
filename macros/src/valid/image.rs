//! The syntax of a Docker image reference, as the grammar of the
//! `distribution/reference` Go package defines it:
//! `[host[:port]/]path[:tag][@algorithm:hex]`.

use proc_macro2::Span;

use crate::errors::Errors;

/// The maximum length of the name (host and path), from the same grammar.
const MAX_NAME_LENGTH: usize = 255;

/// The maximum length of a tag.
const MAX_TAG_LENGTH: usize = 128;

/// Digest algorithms that Docker's content store registers, with the number
/// of hexadecimal digits of each.
const DIGEST_ALGORITHMS: &[(&str, usize)] = &[("sha256", 64), ("sha384", 96), ("sha512", 128)];

/// A problem with an image reference, with the part at fault.
#[derive(Debug, PartialEq, Eq)]
pub enum ImageProblem {
    Empty,
    Whitespace,
    /// Nothing before the tag or digest.
    MissingRepository,
    /// The name is longer than [`MAX_NAME_LENGTH`].
    NameTooLong(usize),
    /// `a//b`, or a `/` at the start or end of the name.
    EmptyComponent,
    /// A path that would be valid in lowercase, such as `Busybox`.
    UppercasePath(String),
    /// A path component that breaks the grammar, such as `a..b`.
    InvalidComponent(String),
    InvalidHost(String),
    InvalidPort(String),
    InvalidTag(String),
    /// A digest algorithm other than those in [`DIGEST_ALGORITHMS`].
    UnsupportedDigestAlgorithm(String),
    /// A digest whose hexadecimal part is not the expected number of
    /// lowercase hexadecimal digits. The fields are the digest and the
    /// expected number of digits, or `None` when there is no `:`.
    InvalidDigest(String, Option<usize>),
}

/// Returns the first problem of `reference` as an image reference, if any.
pub fn problem(reference: &str) -> Option<ImageProblem> {
    if reference.is_empty() {
        return Some(ImageProblem::Empty);
    }
    if reference.contains(char::is_whitespace) {
        return Some(ImageProblem::Whitespace);
    }
    let (name_and_tag, digest) = match reference.split_once('@') {
        Some((name_and_tag, digest)) => (name_and_tag, Some(digest)),
        None => (reference, None),
    };
    // A `:` after the last `/` starts the tag; one before it is a port.
    let last_slash = name_and_tag.rfind('/').map_or(0, |index| index + 1);
    let (name, tag) = match name_and_tag[last_slash..].find(':') {
        Some(colon) => {
            let colon = last_slash + colon;
            (&name_and_tag[..colon], Some(&name_and_tag[colon + 1..]))
        }
        None => (name_and_tag, None),
    };
    name_problem(name)
        .or_else(|| tag.and_then(tag_problem))
        .or_else(|| digest.and_then(digest_problem))
}

fn name_problem(name: &str) -> Option<ImageProblem> {
    if name.is_empty() {
        return Some(ImageProblem::MissingRepository);
    }
    if name.len() > MAX_NAME_LENGTH {
        return Some(ImageProblem::NameTooLong(name.len()));
    }
    let (host, path) = match name.split_once('/') {
        Some((first, rest)) if is_registry(first) => (Some(first), rest),
        _ => (None, name),
    };
    if let Some(problem) = host.and_then(host_problem) {
        return Some(problem);
    }
    for component in path.split('/') {
        if component.is_empty() {
            return Some(ImageProblem::EmptyComponent);
        }
        if !is_path_component(component) {
            if is_path_component(&component.to_lowercase()) {
                return Some(ImageProblem::UppercasePath(path.to_owned()));
            }
            return Some(ImageProblem::InvalidComponent(component.to_owned()));
        }
    }
    None
}

/// Returns true when the first component of a name with a `/` is a
/// registry host, the rule Docker uses to tell `localhost/app` and
/// `registry.example:5000/app` from `library/app`.
fn is_registry(first: &str) -> bool {
    first.contains(['.', ':']) || first == "localhost" || first.starts_with('[')
}

/// Checks `host[:port]`, where `host` is a domain name, an IPv4 address
/// or an IPv6 address in brackets.
fn host_problem(host_and_port: &str) -> Option<ImageProblem> {
    let invalid_host = |host: &str| Some(ImageProblem::InvalidHost(host.to_owned()));
    let port = match host_and_port.strip_prefix('[') {
        Some(bracketed) => {
            let Some((address, rest)) = bracketed.split_once(']') else {
                return invalid_host(host_and_port);
            };
            let is_address = address.contains(':')
                && address
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.');
            if !is_address || !(rest.is_empty() || rest.starts_with(':')) {
                return invalid_host(host_and_port);
            }
            rest.strip_prefix(':')
        }
        None => {
            let (host, port) = match host_and_port.split_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (host_and_port, None),
            };
            if !host.split('.').all(is_domain_component) {
                return invalid_host(host);
            }
            port
        }
    };
    let port = port?;
    let is_number = !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit());
    (!is_number).then(|| ImageProblem::InvalidPort(port.to_owned()))
}

/// `[A-Za-z0-9]`, or letters, digits and `-` that start and end with a
/// letter or digit.
fn is_domain_component(component: &str) -> bool {
    let bytes = component.as_bytes();
    let (Some(first), Some(last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    first.is_ascii_alphanumeric()
        && last.is_ascii_alphanumeric()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
}

/// Lowercase letters and digits, in runs separated by `.`, `_`, `__` or one
/// or more `-`.
fn is_path_component(component: &str) -> bool {
    let is_alphanumeric = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    let mut rest = component;
    loop {
        let run = rest.find(|c| !is_alphanumeric(c)).unwrap_or(rest.len());
        if run == 0 {
            return false;
        }
        rest = &rest[run..];
        if rest.is_empty() {
            return true;
        }
        let separator_length = rest.find(is_alphanumeric).unwrap_or(rest.len());
        let separator = &rest[..separator_length];
        let valid = matches!(separator, "." | "_" | "__") || separator.bytes().all(|b| b == b'-');
        if !valid {
            return false;
        }
        rest = &rest[separator_length..];
    }
}

fn tag_problem(tag: &str) -> Option<ImageProblem> {
    let mut chars = tag.chars();
    let first_valid = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    let rest_valid = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    let valid = first_valid && rest_valid && tag.len() <= MAX_TAG_LENGTH;
    (!valid).then(|| ImageProblem::InvalidTag(tag.to_owned()))
}

fn digest_problem(digest: &str) -> Option<ImageProblem> {
    let Some((algorithm, hex)) = digest.split_once(':') else {
        return Some(ImageProblem::InvalidDigest(digest.to_owned(), None));
    };
    let Some(&(_, length)) = DIGEST_ALGORITHMS
        .iter()
        .find(|(name, _)| *name == algorithm)
    else {
        return Some(ImageProblem::UnsupportedDigestAlgorithm(
            algorithm.to_owned(),
        ));
    };
    let valid = hex.len() == length
        && hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    (!valid).then(|| ImageProblem::InvalidDigest(digest.to_owned(), Some(length)))
}

/// Reports the problem of the `image` literal, if any.
pub fn check(reference: &str, span: Span, errors: &mut Errors) {
    if let Some(problem) = problem(reference) {
        errors.push_at(span, message(reference, problem));
    }
}

fn message(reference: &str, problem: ImageProblem) -> String {
    let image = format!("image `{reference}`");
    match problem {
        ImageProblem::Empty => "`image` must not be empty".to_owned(),
        ImageProblem::Whitespace => format!(
            "`image` `{reference}` contains whitespace, write an image reference such as \
             `busybox:1.36`"
        ),
        ImageProblem::MissingRepository => format!(
            "{image} has no repository name, write one such as `busybox` before the tag or digest"
        ),
        ImageProblem::NameTooLong(length) => format!(
            "the name of {image} is {length} characters long, the maximum is {MAX_NAME_LENGTH}"
        ),
        ImageProblem::EmptyComponent => {
            format!("{image} has an empty path component, remove the extra `/`")
        }
        ImageProblem::UppercasePath(path) => format!(
            "repository `{path}` in {image} must be lowercase, write `{}`",
            path.to_lowercase()
        ),
        ImageProblem::InvalidComponent(component) => format!(
            "path component `{component}` in {image} is invalid, expected lowercase letters and \
             digits separated by `.`, `_`, `__` or `-`"
        ),
        ImageProblem::InvalidHost(host) => format!(
            "registry host `{host}` in {image} is invalid, expected a domain name such as \
             `registry.example.com`, or an IPv6 address in brackets"
        ),
        ImageProblem::InvalidPort(port) => {
            format!("registry port `{port}` in {image} is invalid, expected a number")
        }
        ImageProblem::InvalidTag(tag) => format!(
            "tag `{tag}` in {image} is invalid, expected 1 to {MAX_TAG_LENGTH} letters, digits, \
             `_`, `.` or `-`, starting with a letter, digit or `_`"
        ),
        ImageProblem::UnsupportedDigestAlgorithm(algorithm) => format!(
            "digest algorithm `{algorithm}` in {image} is not supported, expected `sha256`, \
             `sha384` or `sha512`"
        ),
        ImageProblem::InvalidDigest(digest, None) => format!(
            "digest `{digest}` in {image} is invalid, expected `sha256:` followed by 64 \
             lowercase hexadecimal digits"
        ),
        ImageProblem::InvalidDigest(digest, Some(length)) => {
            let algorithm = digest.split(':').next().unwrap_or_default();
            format!(
                "digest `{digest}` in {image} is invalid, expected `{algorithm}:` followed by \
                 {length} lowercase hexadecimal digits"
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA256: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn problem_accepts_valid_references() {
        let with_digest = format!("busybox@{SHA256}");
        let with_tag_and_digest = format!("registry.example.com:5000/team/app:v1.2@{SHA256}");
        let long_tag = format!("busybox:{}", "a".repeat(128));
        let references = [
            "busybox",
            "busybox:1.36",
            "library/busybox:latest",
            "docker.io/library/busybox:1.36.1-musl",
            "ghcr.io/owner/repo/sub:tag_1",
            "localhost/app",
            "localhost:5000/app:dev",
            "Registry.Example.com/app",
            "192.168.1.10:5000/app",
            "[::1]:5000/app",
            "[fe80::1]/app",
            "team/a.b__c_d-e---f",
            "app.b/c",
            "app:_tag",
            "app:1.-x",
            with_digest.as_str(),
            with_tag_and_digest.as_str(),
            long_tag.as_str(),
        ];
        for reference in references {
            assert_eq!(problem(reference), None, "reference {reference:?}");
        }
    }

    #[test]
    fn problem_names_the_part_at_fault() {
        let long_name = format!("a/{}", "b".repeat(254));
        let long_tag = format!("busybox:{}", "a".repeat(129));
        let component = |text: &str| Some(ImageProblem::InvalidComponent(text.to_owned()));
        let uppercase = |text: &str| Some(ImageProblem::UppercasePath(text.to_owned()));
        let tag = |text: &str| Some(ImageProblem::InvalidTag(text.to_owned()));
        let digest = |text: &str| Some(ImageProblem::InvalidDigest(text.to_owned(), Some(64)));
        let cases = [
            ("", Some(ImageProblem::Empty)),
            ("busy box", Some(ImageProblem::Whitespace)),
            (":1.36", Some(ImageProblem::MissingRepository)),
            ("@sha256:abc", Some(ImageProblem::MissingRepository)),
            (long_name.as_str(), Some(ImageProblem::NameTooLong(256))),
            ("a//b", Some(ImageProblem::EmptyComponent)),
            ("/busybox", Some(ImageProblem::EmptyComponent)),
            ("busybox/", Some(ImageProblem::EmptyComponent)),
            ("Busybox:1.36", uppercase("Busybox")),
            ("library/BusyBox", uppercase("library/BusyBox")),
            ("ghcr.io/Owner/app", uppercase("Owner/app")),
            ("Localhost/app", uppercase("Localhost/app")),
            ("a..b", component("a..b")),
            ("a___b", component("a___b")),
            ("-app", component("-app")),
            ("app-", component("app-")),
            ("app.", component("app.")),
            ("a+b", component("a+b")),
            (
                "bad_host.io/app",
                Some(ImageProblem::InvalidHost("bad_host.io".to_owned())),
            ),
            (
                "-a.io/app",
                Some(ImageProblem::InvalidHost("-a.io".to_owned())),
            ),
            (
                "[zz::1]/app",
                Some(ImageProblem::InvalidHost("[zz::1]".to_owned())),
            ),
            (
                "localhost:port/app",
                Some(ImageProblem::InvalidPort("port".to_owned())),
            ),
            (
                "localhost:/app",
                Some(ImageProblem::InvalidPort(String::new())),
            ),
            ("busybox:", tag("")),
            ("busybox:.1", tag(".1")),
            ("busybox:-1", tag("-1")),
            ("busybox:1+2", tag("1+2")),
            ("busybox:1:2", tag("1:2")),
            (long_tag.as_str(), tag(&"a".repeat(129))),
            (
                "busybox@md5:abc",
                Some(ImageProblem::UnsupportedDigestAlgorithm("md5".to_owned())),
            ),
            (
                "busybox@abc",
                Some(ImageProblem::InvalidDigest("abc".to_owned(), None)),
            ),
            ("busybox@sha256:abc", digest("sha256:abc")),
            (
                "busybox@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
                digest("sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef"),
            ),
        ];
        for (reference, expected) in cases {
            assert_eq!(problem(reference), expected, "reference {reference:?}");
        }
    }

    #[test]
    fn message_names_the_fix() {
        let uppercase = message(
            "Busybox:1.36",
            ImageProblem::UppercasePath("Busybox".into()),
        );
        assert_eq!(
            uppercase,
            "repository `Busybox` in image `Busybox:1.36` must be lowercase, write `busybox`"
        );
        let digest = message(
            "busybox@sha512:ab",
            ImageProblem::InvalidDigest("sha512:ab".into(), Some(128)),
        );
        assert!(digest.ends_with("expected `sha512:` followed by 128 lowercase hexadecimal digits"));
    }
}
