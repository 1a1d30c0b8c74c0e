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

mod collections;

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
    spec: &'static TaskSpec,
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
    let keep_outputs =
        result.is_ok() && spec.outputs.iter().any(|output| output.ty.contains_path());
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
    spec: &'static TaskSpec,
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
    spec: &'static TaskSpec,
    dir: &JobDir,
    output: &'static ParamSpec,
) -> Result<Value, Error> {
    let location = Location {
        node,
        output: output.name,
        container_path: container_path(spec.output_data_dir, output.name),
        host_path: dir.outputs().join(output.name),
    };
    let metadata = match fs::symlink_metadata(&location.host_path) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            return Err(Error::OutputMissing {
                task: node.to_owned(),
                output: output.name.to_owned(),
                container_path: location.container_path,
                host_path: location.host_path,
            });
        }
        Err(source) => return Err(location.io_error(source)),
    };
    match output.ty {
        ValueType::List(element) => {
            collections::read_list(&location, &metadata, &output.ty, element)
        }
        ValueType::Map(element) => collections::read_map(&location, &metadata, &output.ty, element),
        _ => location.read_single(&metadata, &output.ty),
    }
}

/// The paths of an output, or of one element of a list or map output.
pub(crate) struct Location<'a> {
    pub node: &'a str,
    pub output: &'a str,
    pub container_path: String,
    pub host_path: std::path::PathBuf,
}

impl Location<'_> {
    /// Returns the location of the entry `name` inside this directory.
    fn join(&self, name: &str) -> Self {
        Location {
            node: self.node,
            output: self.output,
            container_path: container_path(&self.container_path, name),
            host_path: self.host_path.join(name),
        }
    }

    /// Returns an error saying that `found` is not a valid value of `ty`.
    fn invalid(&self, ty: &'static ValueType, found: String, expected: &'static str) -> Error {
        Error::OutputInvalid {
            task: self.node.to_owned(),
            output: self.output.to_owned(),
            container_path: self.container_path.clone(),
            expected_type: ty,
            found,
            expected,
        }
    }

    fn io_error(&self, source: io::Error) -> Error {
        io_error(self.node, "reading output", &self.host_path, source)
    }

    /// Reads a scalar, a `File` or a `Dir` whose entry has `metadata`.
    fn read_single(&self, metadata: &Metadata, ty: &'static ValueType) -> Result<Value, Error> {
        let host_path = self.host_path.clone();
        match *ty {
            ValueType::Dir if metadata.is_dir() => {
                self.check_tree(ty)?;
                Ok(Value::Dir(value::Dir::new(host_path)))
            }
            ValueType::Dir => Err(self.invalid(ty, describe(metadata), "a directory")),
            _ if !metadata.is_file() => Err(self.invalid(ty, describe(metadata), "a regular file")),
            ValueType::File => Ok(Value::File(value::File::new(host_path))),
            scalar => {
                let text = self.read_text(metadata, ty, MAX_SCALAR_BYTES)?;
                Value::parse(scalar, &text)
                    .map_err(|expected| self.invalid(ty, quote(text.trim()), expected))
            }
        }
    }

    /// Checks that a `Dir` output holds only regular files, directories and
    /// relative symbolic links that resolve inside it. An absolute link
    /// names a path in the container, which on the host is another file,
    /// and a FIFO would block the host code that reads it.
    fn check_tree(&self, ty: &'static ValueType) -> Result<(), Error> {
        const EXPECTED: &str = "a directory of regular files, directories and relative symbolic \
                                links that resolve inside it";
        let root = fs::canonicalize(&self.host_path).map_err(|source| self.io_error(source))?;
        let mut pending = vec![self.host_path.clone()];
        while let Some(dir) = pending.pop() {
            let entries = fs::read_dir(&dir).map_err(|source| self.io_error(source))?;
            for entry in entries {
                let entry = entry.map_err(|source| self.io_error(source))?;
                let path = entry.path();
                let kind = entry.file_type().map_err(|source| self.io_error(source))?;
                let relative = path.strip_prefix(&self.host_path).unwrap_or(&path);
                if kind.is_dir() {
                    pending.push(path);
                } else if kind.is_symlink() {
                    let target = fs::read_link(&path).map_err(|source| self.io_error(source))?;
                    let inside = target.is_relative()
                        && fs::canonicalize(&path)
                            .is_ok_and(|resolved| resolved.starts_with(&root));
                    if !inside {
                        let found = format!(
                            "a symbolic link `{}` to `{}`",
                            relative.display(),
                            target.display()
                        );
                        return Err(self.invalid(ty, found, EXPECTED));
                    }
                } else if !kind.is_file() {
                    let found = format!("a special file `{}`", relative.display());
                    return Err(self.invalid(ty, found, EXPECTED));
                }
            }
        }
        Ok(())
    }

    /// Reads the regular file with `metadata` as UTF-8 text of at most
    /// `limit` bytes. `ty` is the type named in an error.
    fn read_text(
        &self,
        metadata: &Metadata,
        ty: &'static ValueType,
        limit: u64,
    ) -> Result<String, Error> {
        if metadata.len() > limit {
            return Err(Error::OutputTooLarge {
                task: self.node.to_owned(),
                output: self.output.to_owned(),
                size: metadata.len(),
                limit,
            });
        }
        let bytes = read_at_most(&self.host_path, limit).map_err(|source| self.io_error(source))?;
        String::from_utf8(bytes).map_err(|error| {
            let found = quote(&String::from_utf8_lossy(error.as_bytes()));
            self.invalid(ty, found, "UTF-8 text")
        })
    }
}

fn read_at_most(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    File::open(path)?.take(limit).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Names the kind of a file system entry, for messages.
pub(crate) fn describe(metadata: &Metadata) -> String {
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
pub(crate) fn quote(text: &str) -> String {
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
