//! Reading a finished job's outputs from its host output directory.
//!
//! The container has exited before anything here runs, so no process can
//! change the directory while it is read. Entries are examined without
//! following symbolic links, because a link written by the container would
//! otherwise resolve against the host's file system.

use std::fs::{self, File, Metadata};
use std::io::{self, Read};
use std::path::Path;

use crate::error::Error;
use crate::permissions;
use crate::secrets::Redactor;
use crate::spec::{ParamSpec, TaskSpec};
use crate::stage::{container_path, JobDir};
use crate::value::{self, Value, ValueType};

/// Maximum size of a scalar output file that is read.
pub(crate) const MAX_SCALAR_BYTES: u64 = 1024 * 1024;

/// Maximum number of bytes of `_ERROR` put into the error message.
const MAX_ERROR_BYTES: u64 = 1024 * 1024;

/// Maximum number of characters of an invalid output quoted in an error.
const MAX_QUOTED_CHARS: usize = 200;

/// The name of the file in which a command reports its own failure.
const ERROR_FILE: &str = "_ERROR";

/// Turns the exit code of a job's container into the job's result and
/// cleans up its host directory.
///
/// A `_ERROR` file takes precedence over the exit code, because it is the
/// command's own account of the failure. `outputs/` is kept only when the
/// job succeeds and has `File` or `Dir` outputs, which point into it.
/// Secrets are masked in the `_ERROR` text and in quoted output text.
pub(crate) fn finish_job(
    node: &str,
    spec: &TaskSpec,
    dir: JobDir,
    exit_code: i64,
    log_tail: String,
    redactor: &Redactor,
) -> Result<Vec<Value>, Error> {
    widen_permissions(node, &dir);
    let mut result = read_result(node, spec, &dir, exit_code, log_tail);
    match &mut result {
        Err(Error::TaskReportedError { message, .. }) => redactor.redact_in_place(message),
        Err(Error::OutputInvalid { found, .. }) => redactor.redact_in_place(found),
        _ => {}
    }
    let keep_outputs = result.is_ok() && spec.outputs.iter().any(|output| output.ty.is_path());
    dir.remove(keep_outputs);
    result
}

/// Widens the modes of what the container wrote, so that containers of other
/// users can read `File` and `Dir` outputs and this process can delete them.
fn widen_permissions(node: &str, dir: &JobDir) {
    // NOTE: when this process is not root and the container ran as another
    // user, the container's files are not ours to change. They stay as the
    // container wrote them, and may be unreadable downstream and impossible
    // to delete. Running the task with `RunAs::Invoking` avoids that.
    if let Err(unchanged) = permissions::widen(dir.outputs()) {
        tracing::warn!(
            task = %node,
            path = %unchanged.path.display(),
            entries = unchanged.count,
            error = %unchanged.error,
            "cannot make the outputs readable and removable; run the task as the \
             invoking user, or the workflow as root"
        );
    }
}

fn read_result(
    node: &str,
    spec: &TaskSpec,
    dir: &JobDir,
    exit_code: i64,
    log_tail: String,
) -> Result<Vec<Value>, Error> {
    if let Some(message) = read_error_file(node, dir)? {
        return Err(Error::TaskReportedError {
            task: node.to_owned(),
            message,
        });
    }
    if exit_code != 0 {
        return Err(Error::NonZeroExit {
            task: node.to_owned(),
            code: exit_code,
            log_tail,
        });
    }
    spec.outputs
        .iter()
        .map(|output| read_output(node, spec, dir, output))
        .collect()
}

fn read_error_file(node: &str, dir: &JobDir) -> Result<Option<String>, Error> {
    let path = dir.outputs().join(ERROR_FILE);
    let metadata = match fs::symlink_metadata(&path) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(io_error(node, "reading", &path, source)),
    };
    if !metadata.is_file() {
        return Ok(Some(format!(
            "`{ERROR_FILE}` exists but is {}",
            describe(&metadata)
        )));
    }
    let bytes = read_at_most(&path, MAX_ERROR_BYTES)
        .map_err(|source| io_error(node, "reading", &path, source))?;
    let message = String::from_utf8_lossy(&bytes).trim_end().to_owned();
    Ok(Some(message))
}

fn read_output(
    node: &str,
    spec: &TaskSpec,
    dir: &JobDir,
    output: &ParamSpec,
) -> Result<Value, Error> {
    let host_path = dir.outputs().join(output.name);
    let invalid = |found: String, expected: &'static str| Error::OutputInvalid {
        task: node.to_owned(),
        output: output.name.to_owned(),
        container_path: container_path(spec.output_data_dir, output.name),
        expected_type: output.ty,
        found,
        expected,
    };
    let metadata = match fs::symlink_metadata(&host_path) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            return Err(Error::OutputMissing {
                task: node.to_owned(),
                output: output.name.to_owned(),
                container_path: container_path(spec.output_data_dir, output.name),
                host_path,
            });
        }
        Err(source) => return Err(io_error(node, "reading output", &host_path, source)),
    };
    match output.ty {
        ValueType::Dir if metadata.is_dir() => Ok(Value::Dir(value::Dir::new(host_path))),
        ValueType::Dir => Err(invalid(describe(&metadata), "a directory")),
        _ if !metadata.is_file() => Err(invalid(describe(&metadata), "a regular file")),
        ValueType::File => Ok(Value::File(value::File::new(host_path))),
        _ if metadata.len() > MAX_SCALAR_BYTES => Err(Error::OutputTooLarge {
            task: node.to_owned(),
            output: output.name.to_owned(),
            size: metadata.len(),
            limit: MAX_SCALAR_BYTES,
        }),
        scalar => {
            let bytes = read_at_most(&host_path, MAX_SCALAR_BYTES)
                .map_err(|source| io_error(node, "reading output", &host_path, source))?;
            let text = String::from_utf8(bytes).map_err(|error| {
                invalid(
                    quote(&String::from_utf8_lossy(error.as_bytes())),
                    "UTF-8 text",
                )
            })?;
            Value::parse(scalar, &text).map_err(|expected| invalid(quote(text.trim()), expected))
        }
    }
}

fn read_at_most(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    File::open(path)?.take(limit).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Names the kind of a file system entry, for messages.
fn describe(metadata: &Metadata) -> String {
    let kind = if metadata.is_symlink() {
        "a symbolic link"
    } else if metadata.is_dir() {
        "a directory"
    } else if metadata.is_file() {
        "a regular file"
    } else {
        "a special file"
    };
    kind.to_owned()
}

/// Shortens `text` to at most [`MAX_QUOTED_CHARS`] characters, marking a cut
/// with an ellipsis.
fn quote(text: &str) -> String {
    if text.chars().count() <= MAX_QUOTED_CHARS {
        return text.to_owned();
    }
    let mut shortened: String = text.chars().take(MAX_QUOTED_CHARS - 1).collect();
    shortened.push('…');
    shortened
}

fn io_error(node: &str, action: &'static str, path: &Path, source: io::Error) -> Error {
    Error::Io {
        task: node.to_owned(),
        action,
        path: path.to_owned(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_keeps_short_text() {
        assert_eq!(quote("abc"), "abc");
        let exact = "é".repeat(MAX_QUOTED_CHARS);
        assert_eq!(quote(&exact), exact);
    }

    #[test]
    fn quote_cuts_long_text() {
        let quoted = quote(&"é".repeat(MAX_QUOTED_CHARS + 1));
        assert_eq!(quoted.chars().count(), MAX_QUOTED_CHARS);
        assert!(quoted.ends_with('…'));
    }
}
