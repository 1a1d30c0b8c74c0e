//! Secrets: their values read on the host, and their removal from whatever
//! the executor logs or stores.

use std::borrow::Cow;
use std::sync::Arc;

use crate::error::Error;
use crate::spec::{SecretSource, TaskSpec};

/// The text that replaces a secret's value.
const MASK: &str = "***";

/// Lines of a multi-line secret shorter than this many bytes are not masked
/// on their own, because masking every `}` or `a` in the output would make
/// it unreadable while hiding almost nothing.
const MIN_MASKED_LINE_BYTES: usize = 4;

/// Reads the value of each of `spec.secrets` on the host and returns them as
/// `(name in the container, value)` pairs.
///
/// # Errors
///
/// [`Error::SecretMissing`] for the first secret whose host variable is not
/// set or not UTF-8, or whose file cannot be read as UTF-8 text.
pub(crate) fn resolve(node: &str, spec: &TaskSpec) -> Result<Vec<(String, String)>, Error> {
    spec.secrets
        .iter()
        .map(|secret| {
            let missing = |source_description: String| Error::SecretMissing {
                task: node.to_owned(),
                secret: secret.name.to_owned(),
                source_description,
            };
            let value = match secret.source {
                SecretSource::Env(variable) => std::env::var(variable)
                    .map_err(|_| missing(format!("the host variable `{variable}`")))?,
                SecretSource::File(path) => {
                    let mut text = std::fs::read_to_string(path)
                        .map_err(|error| missing(format!("the file `{path}` ({error})")))?;
                    if text.ends_with('\n') {
                        text.pop();
                    }
                    text
                }
            };
            Ok((secret.name.to_owned(), value))
        })
        .collect()
}

/// Replaces secret values in text with `***`.
///
/// It masks each whole value, and each line of a multi-line value that is at
/// least [`MIN_MASKED_LINE_BYTES`] long, because container output is logged
/// line by line. Empty values are not masked.
#[derive(Debug, Clone, Default)]
pub(crate) struct Redactor {
    /// The texts to mask, longest first, so that a whole value is masked
    /// before any of its lines.
    patterns: Arc<[String]>,
}

impl Redactor {
    /// Creates a redactor for the values of `secrets`.
    pub(crate) fn new(secrets: &[(String, String)]) -> Redactor {
        let mut patterns: Vec<String> = Vec::new();
        for (_, value) in secrets {
            if !value.is_empty() {
                patterns.push(value.clone());
            }
            if value.contains('\n') {
                let lines = value.lines().map(|line| line.trim_end_matches('\r'));
                let long_lines = lines.filter(|line| line.len() >= MIN_MASKED_LINE_BYTES);
                patterns.extend(long_lines.map(str::to_owned));
            }
        }
        patterns.sort_by_key(|pattern| std::cmp::Reverse(pattern.len()));
        patterns.dedup();
        Redactor {
            patterns: patterns.into(),
        }
    }

    /// Returns `text` with every occurrence of a secret replaced by `***`.
    /// Borrows `text` when it contains none.
    pub(crate) fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut text = Cow::Borrowed(text);
        for pattern in self.patterns.iter() {
            if text.contains(pattern.as_str()) {
                text = Cow::Owned(text.replace(pattern.as_str(), MASK));
            }
        }
        text
    }

    /// Masks secrets in `text` in place.
    pub(crate) fn redact_in_place(&self, text: &mut String) {
        if let Cow::Owned(redacted) = self.redact(text) {
            *text = redacted;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::SecretSpec;

    fn redactor(values: &[&str]) -> Redactor {
        let secrets: Vec<(String, String)> = values
            .iter()
            .map(|value| ("NAME".to_owned(), (*value).to_owned()))
            .collect();
        Redactor::new(&secrets)
    }

    #[test]
    fn values_are_masked() {
        let redactor = redactor(&["hunter2", "s3cr3t-token"]);
        assert_eq!(
            redactor.redact("token=s3cr3t-token pass=hunter2 hunter2"),
            "token=*** pass=*** ***"
        );
        assert!(matches!(redactor.redact("nothing here"), Cow::Borrowed(_)));
    }

    #[test]
    fn lines_of_multi_line_value_are_masked() {
        let redactor = redactor(&["-----BEGIN KEY-----\nabcdef\n}\n-----END KEY-----"]);
        assert_eq!(redactor.redact("abcdef"), "***");
        assert_eq!(redactor.redact("{ } stays"), "{ } stays");
        assert_eq!(
            redactor.redact("-----BEGIN KEY-----\nabcdef\n}\n-----END KEY-----"),
            "***"
        );
    }

    #[test]
    fn empty_value_masks_nothing() {
        assert_eq!(redactor(&[""]).redact("text"), "text");
    }

    static FROM_FILE: TaskSpec = TaskSpec {
        secrets: &[SecretSpec {
            name: "TOKEN",
            source: SecretSource::File("/nonexistent/containerflow/token"),
        }],
        ..TaskSpec::DEFAULT
    };

    static FROM_ENV: TaskSpec = TaskSpec {
        secrets: &[SecretSpec {
            name: "TOKEN",
            source: SecretSource::Env("CONTAINERFLOW_TEST_UNSET_VARIABLE"),
        }],
        ..TaskSpec::DEFAULT
    };

    #[test]
    fn missing_sources_are_named() {
        let error = resolve("node", &FROM_FILE).unwrap_err();
        let Error::SecretMissing {
            secret,
            source_description,
            ..
        } = error
        else {
            panic!("expected SecretMissing, got {error:?}");
        };
        assert_eq!(secret, "TOKEN");
        assert!(
            source_description.starts_with("the file `/nonexistent/containerflow/token`"),
            "{source_description}"
        );

        let error = resolve("node", &FROM_ENV).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("the host variable `CONTAINERFLOW_TEST_UNSET_VARIABLE`"),
            "{error}"
        );
    }
}
