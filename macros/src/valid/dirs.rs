//! Checks of `input_data_dir` and `output_data_dir`.

use crate::ast::{DataDir, Task};
use crate::errors::Errors;

/// A problem with a data directory path.
#[derive(Debug, PartialEq, Eq)]
pub enum DirProblem {
    /// The path does not start with `/`.
    Relative,
    /// The path has a `..` component, which cannot be resolved without the
    /// image's file system.
    ParentComponent,
    /// The path is the root directory.
    Root,
    /// The path contains `//`, a `.` component or a trailing `/`. The field
    /// is the normalised path.
    NotNormalised(String),
}

/// Returns the problem with `path` as a data directory, if any.
pub fn problem(path: &str) -> Option<DirProblem> {
    if !path.starts_with('/') {
        return Some(DirProblem::Relative);
    }
    let components: Vec<&str> = path
        .split('/')
        .filter(|component| !component.is_empty() && *component != ".")
        .collect();
    if components.contains(&"..") {
        return Some(DirProblem::ParentComponent);
    }
    if components.is_empty() {
        return Some(DirProblem::Root);
    }
    let normalised = format!("/{}", components.join("/"));
    (normalised != path).then_some(DirProblem::NotNormalised(normalised))
}

/// Returns true when `inner` is a directory below `outer`. Both paths must
/// be normalised.
pub fn is_inside(inner: &str, outer: &str) -> bool {
    inner
        .strip_prefix(outer)
        .is_some_and(|rest| rest.starts_with('/'))
}

/// Reports each invalid data directory, then two directories that are the
/// same or nested.
pub fn check(task: &Task, errors: &mut Errors) {
    let input_ok = check_one("input_data_dir", &task.input_data_dir, errors);
    let output_ok = check_one("output_data_dir", &task.output_data_dir, errors);
    if input_ok && output_ok {
        check_pair(&task.input_data_dir, &task.output_data_dir, errors);
    }
}

fn check_one(key: &str, dir: &DataDir, errors: &mut Errors) -> bool {
    let path = &dir.path;
    let message = match problem(path) {
        None => return true,
        Some(DirProblem::Relative) => {
            format!("`{key}` must be an absolute path starting with `/`, found `{path}`")
        }
        Some(DirProblem::ParentComponent) => {
            format!("`{key}` `{path}` contains a `..` component, write the path without it")
        }
        Some(DirProblem::Root) => {
            format!("`{key}` cannot be the root directory `/`, use a directory below it")
        }
        Some(DirProblem::NotNormalised(normalised)) => {
            format!("`{key}` `{path}` is not normalised, write `{normalised}`")
        }
    };
    errors.push_at(dir.span, message);
    false
}

fn check_pair(input: &DataDir, output: &DataDir, errors: &mut Errors) {
    // Point at a directory the user wrote, the output one when both are.
    let span = if output.declared || !input.declared {
        output.span
    } else {
        input.span
    };
    let (input_path, output_path) = (&input.path, &output.path);
    if input_path == output_path {
        let message = format!(
            "`input_data_dir` and `output_data_dir` are both `{input_path}`, \
             use two different directories"
        );
        errors.push_at(span, message);
    } else if is_inside(output_path, input_path) {
        let message = format!(
            "`output_data_dir` `{output_path}` is inside `input_data_dir` `{input_path}`, \
             use directories that are not nested because their mounts would overlap"
        );
        errors.push_at(span, message);
    } else if is_inside(input_path, output_path) {
        let message = format!(
            "`input_data_dir` `{input_path}` is inside `output_data_dir` `{output_path}`, \
             use directories that are not nested because their mounts would overlap"
        );
        errors.push_at(span, message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_accepts_normalised_paths() {
        for path in ["/var/inputs", "/a", "/data/in put", "/..a/b.", "/a/.b"] {
            assert_eq!(problem(path), None, "path {path:?}");
        }
    }

    #[test]
    fn problem_table() {
        let not_normalised = |path: &str| Some(DirProblem::NotNormalised(path.to_owned()));
        let cases = [
            ("", Some(DirProblem::Relative)),
            ("var/inputs", Some(DirProblem::Relative)),
            ("./inputs", Some(DirProblem::Relative)),
            ("/", Some(DirProblem::Root)),
            ("//", Some(DirProblem::Root)),
            ("/.", Some(DirProblem::Root)),
            ("/var/../inputs", Some(DirProblem::ParentComponent)),
            ("/..", Some(DirProblem::ParentComponent)),
            ("/var//inputs", not_normalised("/var/inputs")),
            ("//var/inputs", not_normalised("/var/inputs")),
            ("/var/./inputs", not_normalised("/var/inputs")),
            ("/var/inputs/", not_normalised("/var/inputs")),
            ("/var/inputs/.", not_normalised("/var/inputs")),
        ];
        for (path, expected) in cases {
            assert_eq!(problem(path), expected, "path {path:?}");
        }
    }

    #[test]
    fn is_inside_table() {
        let cases = [
            ("/var/inputs/out", "/var/inputs", true),
            ("/var/inputs/a/b", "/var/inputs", true),
            ("/var/inputs", "/var/inputs", false),
            ("/var/inputs2", "/var/inputs", false),
            ("/var", "/var/inputs", false),
            ("/var/outputs", "/var/inputs", false),
        ];
        for (inner, outer, expected) in cases {
            assert_eq!(
                is_inside(inner, outer),
                expected,
                "{inner:?} inside {outer:?}"
            );
        }
    }
}
