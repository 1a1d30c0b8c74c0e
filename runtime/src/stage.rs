//! The host directory of a job, and the staging of its inputs there.
//!
//! Each job gets `<work root>/<node>-<sequence>/` with two subdirectories.
//! `inputs/` is mounted read-only at the task's input directory. It contains
//! one file per scalar input with the rendered value, and the metadata file.
//! `File` and `Dir` inputs are mounted read-only one level deeper, at
//! `<input dir>/<name>`. A list input is a directory with one entry per
//! element, named `0`, `1`, ..., and a map input is a directory with one file
//! per key, as Flyte's CoPilot stages them. `File` elements are mounted
//! read-only at their entry. `outputs/` is mounted writable at the task's output
//! directory.
//!
//! Every function here blocks on the file system; the executor runs them on
//! tokio's blocking pool.

use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::metadata::InputsMetadata;
use crate::permissions;
use crate::render::{self, PlaceholderOutOfRange, Substitution};
use crate::spec::{MetadataFormat, ParamSpec, TaskSpec};
use crate::value::{self, Value, ValueType};

/// A host path bind-mounted at `target` in the container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BindMount {
    /// The absolute host path, valid UTF-8 as the Docker API requires.
    pub source: String,
    /// The absolute path inside the container.
    pub target: String,
    /// Whether the container may only read it.
    pub read_only: bool,
}

/// A job whose host directory is ready and whose command is rendered.
#[derive(Debug)]
pub(crate) struct StagedJob {
    /// The job's host directory.
    pub dir: JobDir,
    /// The mounts of the input and output directories and of path inputs.
    pub mounts: Vec<BindMount>,
    /// The rendered `command` of the task, empty to keep the image's entry point.
    pub entrypoint: Vec<String>,
    /// The rendered `arguments` of the task.
    pub cmd: Vec<String>,
}

/// An input that passed the checks, with the text substituted for it in commands.
struct CheckedInput<'a> {
    param: &'static ParamSpec,
    value: &'a Value,
    /// The rendered value of a scalar or a list of scalars, or else the
    /// container path of the input.
    text: String,
    /// The entry written at `<inputs>/<name>` on the host.
    entry: Entry,
}

/// The form of an input in the host input directory.
#[derive(Debug, PartialEq, Eq)]
enum Entry {
    /// A file containing this text.
    Text(String),
    /// A mount point for the canonical host path of a `File` or `Dir`.
    Mount { source: String, is_dir: bool },
    /// A directory containing these named entries: `0`, `1`, ... for a list,
    /// the keys for a map.
    Dir(Vec<(String, Entry)>),
}

/// Checks the inputs of a job, renders its command and writes its host
/// directory under `work_root`.
///
/// Every check runs before anything is written, so a rejected job leaves
/// nothing behind.
pub(crate) fn stage(
    node: &str,
    spec: &'static TaskSpec,
    inputs: &[Value],
    work_root: &Path,
    sequence: u64,
) -> Result<StagedJob, Error> {
    for output in spec.outputs {
        check_stageable(node, output.name, output.ty)?;
    }
    let checked = check_inputs(node, spec, inputs)?;
    let texts: Vec<Substitution> = checked
        .iter()
        .map(|input| Substitution::for_value(input.value, input.text.clone()))
        .collect();
    let out_of_range = |error: PlaceholderOutOfRange| Error::PlaceholderOutOfRange {
        task: node.to_owned(),
        argument: error.argument,
        index: error.index,
        count: spec.inputs.len(),
    };
    let entrypoint = render::render_argv(spec.command, &texts).map_err(out_of_range)?;
    let cmd = render::render_argv(spec.arguments, &texts).map_err(out_of_range)?;

    let dir = JobDir::create(node, work_root, sequence)?;
    match write_inputs(node, spec, &checked, &dir) {
        Ok(mounts) => Ok(StagedJob {
            dir,
            mounts,
            entrypoint,
            cmd,
        }),
        Err(error) => {
            dir.remove(false);
            Err(error)
        }
    }
}

/// Returns the path of `name` inside the container directory `dir`.
pub(crate) fn container_path(dir: &str, name: &str) -> String {
    format!("{}/{name}", dir.trim_end_matches('/'))
}

/// Replaces every character that is not safe in a file or container name.
/// The result is at most 64 characters long and never starts with a dot.
pub(crate) fn sanitize_name(node: &str) -> String {
    let mut name: String = node
        .chars()
        .take(64)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() || name.starts_with('.') {
        name.insert(0, '_');
    }
    name
}

fn check_inputs<'a>(
    node: &str,
    spec: &'static TaskSpec,
    inputs: &'a [Value],
) -> Result<Vec<CheckedInput<'a>>, Error> {
    check_types(node, spec, inputs)?;
    spec.inputs
        .iter()
        .zip(inputs)
        .map(|(param, value)| check_input(node, spec, param, value))
        .collect()
}

fn check_types(node: &str, spec: &TaskSpec, inputs: &[Value]) -> Result<(), Error> {
    let declared: Vec<ValueType> = spec.inputs.iter().map(|param| param.ty).collect();
    let given: Vec<ValueType> = inputs.iter().map(Value::value_type).collect();
    let matches = declared.len() == given.len()
        && inputs
            .iter()
            .zip(&declared)
            .all(|(value, ty)| value.has_type(*ty));
    if matches {
        return Ok(());
    }
    let join = |types: &[ValueType]| {
        let names: Vec<String> = types.iter().map(ValueType::to_string).collect();
        names.join(", ")
    };
    Err(Error::InputsMismatch {
        task: node.to_owned(),
        expected: join(&declared),
        found: join(&given),
    })
}

fn check_input<'a>(
    node: &str,
    spec: &TaskSpec,
    param: &'static ParamSpec,
    value: &'a Value,
) -> Result<CheckedInput<'a>, Error> {
    check_stageable(node, param.name, param.ty)?;
    let entry = check_entry(node, param.name, value)?;
    let text = value
        .render()
        .unwrap_or_else(|| container_path(spec.input_data_dir, param.name));
    Ok(CheckedInput {
        param,
        value,
        text,
        entry,
    })
}

/// Rejects the collection types that have no file layout: lists of `Dir`,
/// maps of `File` or `Dir`, and nested collections.
pub(crate) fn check_stageable(node: &str, name: &str, ty: ValueType) -> Result<(), Error> {
    let supported = match ty {
        ValueType::List(element) => *element != ValueType::Dir && element.element().is_none(),
        ValueType::Map(element) => !element.is_path() && element.element().is_none(),
        _ => true,
    };
    if supported {
        return Ok(());
    }
    Err(Error::UnsupportedType {
        task: node.to_owned(),
        name: name.to_owned(),
        ty,
    })
}

fn check_entry(node: &str, input: &str, value: &Value) -> Result<Entry, Error> {
    Ok(match value {
        Value::String(text) if text.contains('\0') => {
            return Err(Error::InputHasNul {
                task: node.to_owned(),
                input: input.to_owned(),
            });
        }
        Value::File(file) => Entry::Mount {
            source: check_host_path(node, input, file.path(), false)?,
            is_dir: false,
        },
        Value::Dir(dir) => Entry::Mount {
            source: check_host_path(node, input, dir.path(), true)?,
            is_dir: true,
        },
        Value::List(elements) => {
            let entries = elements.iter().enumerate().map(|(index, element)| {
                Ok((index.to_string(), check_entry(node, input, element)?))
            });
            Entry::Dir(entries.collect::<Result<_, Error>>()?)
        }
        Value::Map(entries) => {
            let entries = entries.iter().map(|(key, element)| {
                value::check_map_key(key).map_err(|reason| Error::InvalidMapKey {
                    task: node.to_owned(),
                    input: input.to_owned(),
                    key: key.clone(),
                    reason,
                })?;
                Ok((key.clone(), check_entry(node, input, element)?))
            });
            Entry::Dir(entries.collect::<Result<_, Error>>()?)
        }
        scalar => Entry::Text(scalar.render().unwrap_or_default()),
    })
}

/// Checks that `path` is a file or a directory, following symbolic links,
/// and returns its canonical form.
fn check_host_path(node: &str, input: &str, path: &Path, is_dir: bool) -> Result<String, Error> {
    let missing = || Error::InputPathMissing {
        task: node.to_owned(),
        input: input.to_owned(),
        kind: if is_dir { "directory" } else { "file" },
        path: path.to_owned(),
    };
    let metadata = fs::metadata(path).map_err(|_| missing())?;
    if metadata.is_dir() != is_dir || !(metadata.is_dir() || metadata.is_file()) {
        return Err(missing());
    }
    let canonical = fs::canonicalize(path).map_err(|_| missing())?;
    canonical
        .into_os_string()
        .into_string()
        .map_err(|canonical| Error::Io {
            task: node.to_owned(),
            action: "mounting input path",
            path: canonical.into(),
            source: io::Error::new(
                io::ErrorKind::InvalidInput,
                "the Docker API accepts only UTF-8 paths",
            ),
        })
}

fn write_inputs(
    node: &str,
    spec: &TaskSpec,
    inputs: &[CheckedInput<'_>],
    dir: &JobDir,
) -> Result<Vec<BindMount>, Error> {
    let mut mounts = vec![
        BindMount {
            source: dir.path_string(&dir.inputs)?,
            target: spec.input_data_dir.to_owned(),
            read_only: true,
        },
        BindMount {
            source: dir.path_string(&dir.outputs)?,
            target: spec.output_data_dir.to_owned(),
            read_only: false,
        },
    ];
    let mut paths = Vec::with_capacity(inputs.len());
    for input in inputs {
        let target = container_path(spec.input_data_dir, input.param.name);
        let path = dir.inputs.join(input.param.name);
        write_entry(&input.entry, &path, &target, &mut mounts).map_err(
            |(action, path, source)| Error::Io {
                task: node.to_owned(),
                action,
                path,
                source,
            },
        )?;
        paths.push(target);
    }
    let mut metadata = InputsMetadata::default();
    for (input, path) in inputs.iter().zip(&paths) {
        metadata.insert(input.param.name, input.value, path);
    }
    write_metadata(spec.metadata_format, &metadata, &dir.inputs).map_err(|(path, source)| {
        Error::Io {
            task: node.to_owned(),
            action: "writing input metadata",
            path,
            source,
        }
    })?;
    Ok(mounts)
}

/// Writes `entry` at the host path `path`, which is mounted at `target` in
/// the container, and adds the mounts of its `File` and `Dir` values.
fn write_entry(
    entry: &Entry,
    path: &Path,
    target: &str,
    mounts: &mut Vec<BindMount>,
) -> Result<(), (&'static str, PathBuf, io::Error)> {
    let failed = |action| move |error| (action, path.to_owned(), error);
    match entry {
        Entry::Text(text) => {
            write_file(path, text.as_bytes()).map_err(failed("writing input file"))?;
        }
        // The mount point must exist inside the read-only input mount, or the
        // daemon fails to create it there.
        Entry::Mount { source, is_dir } => {
            if *is_dir {
                create_dir(path).map_err(failed("creating mount point"))?;
            } else {
                write_file(path, b"").map_err(failed("creating mount point"))?;
            }
            mounts.push(BindMount {
                source: source.clone(),
                target: target.to_owned(),
                read_only: true,
            });
        }
        Entry::Dir(entries) => {
            create_dir(path).map_err(failed("creating input directory"))?;
            for (name, entry) in entries {
                write_entry(
                    entry,
                    &path.join(name),
                    &container_path(target, name),
                    mounts,
                )?;
            }
        }
    }
    Ok(())
}

fn write_metadata(
    format: MetadataFormat,
    metadata: &InputsMetadata<'_>,
    inputs_dir: &Path,
) -> Result<(), (PathBuf, io::Error)> {
    for (name, bytes) in metadata.files(format) {
        let path = inputs_dir.join(name);
        write_file(&path, &bytes).map_err(|error| (path, error))?;
    }
    Ok(())
}

/// Creates `path` with `contents`, readable by any user so that a container
/// running as a non-root user can read it.
fn write_file(path: &Path, contents: &[u8]) -> io::Result<()> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o644)
        .open(path)?;
    // The process umask may have removed bits that `mode` asked for.
    file.set_permissions(fs::Permissions::from_mode(0o644))?;
    file.write_all(contents)
}

fn create_dir(path: &Path) -> io::Result<()> {
    fs::create_dir(path)?;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755))
}

/// The host directory of one job, with its `inputs/` and `outputs/`.
///
/// Dropping it without calling [`remove`](Self::remove) removes all of it,
/// which covers a job whose future is dropped while it is being staged.
#[derive(Debug)]
pub(crate) struct JobDir {
    node: String,
    root: PathBuf,
    inputs: PathBuf,
    outputs: PathBuf,
    removed: bool,
}

impl JobDir {
    /// Creates `<work_root>/<node>-<sequence>/` and its two subdirectories.
    /// When a directory of that name exists, as it can in a work directory
    /// that an earlier executor used, a suffix `.1`, `.2`, ... is added.
    fn create(node: &str, work_root: &Path, sequence: u64) -> Result<JobDir, Error> {
        let base = format!("{}-{sequence}", sanitize_name(node));
        let mut root = work_root.join(&base);
        let mut suffix = 0;
        loop {
            match fs::create_dir(&root) {
                Ok(()) => break,
                Err(error) if error.kind() == io::ErrorKind::AlreadyExists && suffix < 1000 => {
                    suffix += 1;
                    root = work_root.join(format!("{base}.{suffix}"));
                }
                Err(source) => {
                    return Err(Error::Io {
                        task: node.to_owned(),
                        action: "creating job directory",
                        path: root,
                        source,
                    });
                }
            }
        }
        let dir = JobDir {
            node: node.to_owned(),
            inputs: root.join("inputs"),
            outputs: root.join("outputs"),
            root,
            removed: false,
        };
        // On failure, `Drop` removes what was created.
        dir.create_subdirectories()?;
        Ok(dir)
    }

    fn create_subdirectories(&self) -> Result<(), Error> {
        let io_error = |path: &Path| {
            let path = path.to_owned();
            |source| Error::Io {
                task: self.node.clone(),
                action: "creating job directory",
                path,
                source,
            }
        };
        create_dir(&self.inputs).map_err(io_error(&self.inputs))?;
        // Writable by any user, because the container may run as a user that
        // does not own the directory.
        fs::create_dir(&self.outputs).map_err(io_error(&self.outputs))?;
        fs::set_permissions(&self.outputs, fs::Permissions::from_mode(0o777))
            .map_err(io_error(&self.outputs))
    }

    /// Returns the host directory mounted at the task's output directory.
    pub(crate) fn outputs(&self) -> &Path {
        &self.outputs
    }

    fn path_string(&self, path: &Path) -> Result<String, Error> {
        path.to_str().map(str::to_owned).ok_or_else(|| Error::Io {
            task: self.node.clone(),
            action: "mounting job directory",
            path: path.to_owned(),
            source: io::Error::new(
                io::ErrorKind::InvalidInput,
                "the Docker API accepts only UTF-8 paths; choose a work directory with a UTF-8 path",
            ),
        })
    }

    /// Removes `inputs/`, and `outputs/` unless `keep_outputs` is set, and
    /// then the job directory if nothing is left in it. Logs any failure,
    /// because the job's result does not depend on it.
    pub(crate) fn remove(mut self, keep_outputs: bool) {
        self.remove_paths(keep_outputs);
        self.removed = true;
    }

    fn remove_paths(&self, keep_outputs: bool) {
        let mut paths = vec![&self.inputs];
        if !keep_outputs {
            paths.push(&self.outputs);
        }
        for path in paths {
            // NOTE: files that a container wrote as root are owned by root, so
            // an executor running as another user fails here and logs a warning.
            if let Err(error) = permissions::remove_tree(path) {
                tracing::warn!(
                    task = %self.node,
                    path = %path.display(),
                    error = %error,
                    "removing job directory failed"
                );
            }
        }
        if !keep_outputs {
            // Fails harmlessly when something unexpected is left in it.
            let _ = fs::remove_dir(&self.root);
        }
    }
}

impl Drop for JobDir {
    fn drop(&mut self) {
        if !self.removed {
            self.remove_paths(false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_path_joins_once() {
        assert_eq!(container_path("/var/inputs", "x"), "/var/inputs/x");
        assert_eq!(container_path("/var/inputs/", "x"), "/var/inputs/x");
        assert_eq!(container_path("/", "x"), "/x");
    }

    #[test]
    fn sanitize_name_keeps_safe_characters() {
        assert_eq!(sanitize_name("train-model_2.v1"), "train-model_2.v1");
        assert_eq!(sanitize_name("a/b c"), "a_b_c");
        assert_eq!(sanitize_name(".."), "_..");
        assert_eq!(sanitize_name(""), "_");
        assert_eq!(sanitize_name(&"x".repeat(100)).len(), 64);
    }
}
