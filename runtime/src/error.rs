//! The runtime's error type.

use std::path::PathBuf;

/// Everything that can go wrong while building or running a workflow.
///
/// `task` fields hold the node name in a workflow, which is the task name
/// when a task runs alone.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The Docker daemon did not respond.
    #[error(
        "cannot connect to the Docker daemon: {source}; start it (for example with \
         `scripts/provision.sh`) or point DOCKER_HOST at a running one"
    )]
    DockerConnect {
        /// The client's error.
        #[source]
        source: bollard::errors::Error,
    },

    /// The image is neither present locally nor pullable.
    #[error(
        "image `{image}` is not present locally and pulling it failed: {source}; \
         build or load it locally, or check access to its registry"
    )]
    ImageUnavailable {
        /// The image reference.
        image: String,
        /// The pull error.
        #[source]
        source: bollard::errors::Error,
    },

    /// A Docker API call failed while running a task.
    #[error("task `{task}`: docker {operation} failed: {source}")]
    Docker {
        /// The node name.
        task: String,
        /// The API operation, such as `create container`.
        operation: &'static str,
        /// The client's error.
        #[source]
        source: bollard::errors::Error,
    },

    /// Reading or writing a host file failed.
    #[error("task `{task}`: {action} `{}` failed: {source}", path.display())]
    Io {
        /// The node name.
        task: String,
        /// What was being done, such as `writing input file`.
        action: &'static str,
        /// The host path.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },

    /// A `File` or `Dir` input names a host path that does not exist.
    #[error(
        "task `{task}`: input `{input}` refers to `{}`, which does not exist or is not a {kind}",
        path.display()
    )]
    InputPathMissing {
        /// The node name.
        task: String,
        /// The input name.
        input: String,
        /// `file` or `directory`.
        kind: &'static str,
        /// The host path given.
        path: PathBuf,
    },

    /// A string value cannot be passed to a container.
    #[error("task `{task}`: input `{input}` contains a NUL byte, which no argument or file name can hold")]
    InputHasNul {
        /// The node name.
        task: String,
        /// The input name.
        input: String,
    },

    /// The task's metadata format has no writer yet.
    #[error(
        "task `{task}`: metadata format `{format}` is not supported by this executor yet; \
         use `Json` or `Yaml`"
    )]
    MetadataFormatUnsupported {
        /// The node name.
        task: String,
        /// The format's name.
        format: &'static str,
    },

    /// The container exited with a non-zero code.
    #[error(
        "task `{task}` failed: the container exited with code {code}{}{}",
        exit_code_meaning(*code),
        log_tail_suffix(log_tail)
    )]
    NonZeroExit {
        /// The node name.
        task: String,
        /// The exit code.
        code: i64,
        /// The last lines of the container's output.
        log_tail: String,
    },

    /// The command wrote no file for a declared output.
    #[error(
        "task `{task}`: output `{output}` is missing: the command wrote nothing at `{container_path}` \
         (host `{}`); write the value to that path",
        host_path.display()
    )]
    OutputMissing {
        /// The node name.
        task: String,
        /// The output name.
        output: String,
        /// The path inside the container.
        container_path: String,
        /// The same file on the host.
        host_path: PathBuf,
    },

    /// An output file contains text that is not a value of the output's type.
    #[error(
        "task `{task}`: output `{output}` at `{container_path}` is not a valid {expected_type}: \
         found {found:?}, expected {expected}"
    )]
    OutputInvalid {
        /// The node name.
        task: String,
        /// The output name.
        output: String,
        /// The path inside the container.
        container_path: String,
        /// The declared type of the output, or of its element that is invalid.
        expected_type: &'static crate::value::ValueType,
        /// The text found, shortened to at most 200 characters.
        found: String,
        /// The accepted forms.
        expected: &'static str,
    },

    /// Two nodes of a workflow have the same name.
    #[error(
        "workflow `{workflow}` has more than one node named `{node}`; give each call a unique name"
    )]
    DuplicateNode {
        /// The workflow name.
        workflow: String,
        /// The repeated node name.
        node: String,
    },

    /// The workflow graph has a cycle.
    #[error("workflow `{workflow}` has a circular dependency `{path}`")]
    Cycle {
        /// The workflow name.
        workflow: String,
        /// The nodes of the cycle, as `a -> b -> a`.
        path: String,
    },

    /// An input is bound to an output handle of a different workflow.
    #[error(
        "node `{node}` input `{input}` is bound to an output of another workflow; \
         bind outputs only within the workflow that created them"
    )]
    ForeignOutput {
        /// The node name.
        node: String,
        /// The input name.
        input: String,
    },

    /// Outputs were requested from a node that did not succeed.
    #[error("node `{node}` has no outputs because it {state}")]
    NoOutputs {
        /// The node name.
        node: String,
        /// What happened to the node, such as `failed` or `was skipped`.
        state: String,
    },

    /// An executor returned values that do not match the task's outputs.
    #[error("task `{task}`: the executor returned outputs that do not match the declaration")]
    OutputsMismatch {
        /// The node name.
        task: String,
    },

    /// At least one task of a workflow failed.
    #[error("workflow `{workflow}` failed:{summary}")]
    WorkflowFailed {
        /// The workflow name.
        workflow: String,
        /// One line per failed task with its cause, and the skipped tasks.
        summary: String,
    },

    /// The executor's work directory cannot be created.
    #[error(
        "creating the work directory `{}` failed: {source}; choose a writable directory \
         with `DockerExecutorBuilder::work_dir`",
        path.display()
    )]
    WorkDir {
        /// The host path.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },

    /// A job's input values do not match the task's declared inputs.
    #[error(
        "task `{task}`: the job's inputs are ({found}) but the task declares ({expected}); \
         pass one value of each declared type, in declaration order"
    )]
    InputsMismatch {
        /// The node name.
        task: String,
        /// The declared input types, comma-separated.
        expected: String,
        /// The types of the values given, comma-separated.
        found: String,
    },

    /// An input or output has a type that cannot be staged as files: a list
    /// of `Dir`, a map of `File` or `Dir`, or a nested collection.
    #[error(
        "task `{task}`: `{name}` has type {ty}, which cannot be staged; use a list of \
         scalars or of `File`, or a map from `String` to scalars"
    )]
    UnsupportedType {
        /// The node name.
        task: String,
        /// The input or output name.
        name: String,
        /// The declared type.
        ty: crate::value::ValueType,
    },

    /// A key of a map input cannot be a file name in the input directory.
    #[error("task `{task}`: map input `{input}` has an invalid key {key:?}: {reason}; rename it")]
    InvalidMapKey {
        /// The node name.
        task: String,
        /// The input name.
        input: String,
        /// The key.
        key: String,
        /// The reason it is not a file name.
        reason: &'static str,
    },

    /// A list output written as a directory lacks an element: its entries
    /// must be named `0` to `n - 1` with none missing.
    #[error(
        "task `{task}`: list output `{output}` at `{container_path}` has {count} entries \
         but no entry `{missing}`; name the elements `0`, `1`, ... with none missing"
    )]
    OutputListIncomplete {
        /// The node name.
        task: String,
        /// The output name.
        output: String,
        /// The path inside the container.
        container_path: String,
        /// The number of entries in the directory.
        count: usize,
        /// The first missing index.
        missing: usize,
    },

    /// The lists of a zipped map node have different lengths.
    #[error(
        "map `{task}`: the zipped lists have {first} and {second} elements; pass lists of \
         equal length"
    )]
    MapLengthMismatch {
        /// The map node's name.
        task: String,
        /// The length of the first list.
        first: usize,
        /// The length of the second list.
        second: usize,
    },

    /// Elements of a map node failed, more than its minimum success ratio allows.
    #[error(
        "map `{task}`: {failed} of {total} elements failed{}:{summary}",
        required_text(*required, *total, *min_success_ratio)
    )]
    MapFailed {
        /// The map node's name.
        task: String,
        /// The number of failed elements.
        failed: usize,
        /// The number of elements.
        total: usize,
        /// The number of elements that had to succeed.
        required: usize,
        /// The map's minimum success ratio, if it has one.
        min_success_ratio: Option<f64>,
        /// One line per failed element: its index and its error.
        summary: String,
    },

    /// A command placeholder refers to an input that the task does not declare.
    #[error(
        "task `{task}`: argument `{argument}` refers to input number {index}, but the task \
         declares {count} inputs; declare the task with `container_task!`, which checks placeholders"
    )]
    PlaceholderOutOfRange {
        /// The node name.
        task: String,
        /// The argument template as declared.
        argument: &'static str,
        /// The input position the placeholder refers to.
        index: usize,
        /// The number of declared inputs.
        count: usize,
    },

    /// The command wrote `_ERROR` in the output directory to report a failure.
    #[error("task `{task}` reported an error: {message}")]
    TaskReportedError {
        /// The node name.
        task: String,
        /// The content of `_ERROR`, shortened to at most 1 MiB.
        message: String,
    },

    /// The run records directory could not be created.
    #[error("cannot create the run records directory `{}`: {source}; choose another with `RunOptions::records`", path.display())]
    Records {
        /// The directory.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },

    /// An attempt ran past its timeout and its container was killed.
    #[error("task `{task}` timed out after {}; raise its `timeout` or make the command faster", crate::duration::format_go(*timeout))]
    TimedOut {
        /// The node name.
        task: String,
        /// The limit in force.
        timeout: std::time::Duration,
    },

    /// The kernel killed the container for exceeding its memory limit.
    #[error(
        "task `{task}` ran out of memory: the container was killed at its limit of {limit} bytes; \
         raise its `resources` memory limit"
    )]
    OutOfMemory {
        /// The node name.
        task: String,
        /// The memory limit in bytes, or 0 when the host itself ran out.
        limit: u64,
    },

    /// A scalar output file is larger than the executor accepts.
    #[error(
        "task `{task}`: output `{output}` is {size} bytes, over the limit of {limit} bytes for \
         scalar outputs; write large data to a `File` output instead"
    )]
    OutputTooLarge {
        /// The node name.
        task: String,
        /// The output name.
        output: String,
        /// The file's size in bytes.
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },

    /// A secret's value could not be read on the host.
    #[error("task `{task}`: secret `{secret}` cannot be read from {source_description}; set it before the run")]
    SecretMissing {
        /// The node name.
        task: String,
        /// The variable's name in the container.
        secret: String,
        /// Where it was looked up, such as `the host variable API_TOKEN`.
        source_description: String,
    },

    /// Every attempt of a task failed.
    #[error("task `{task}` failed after {} attempts:{}", attempts.len(), attempt_lines(attempts))]
    RetriesExhausted {
        /// The node name.
        task: String,
        /// The cause of each attempt's failure, in order.
        attempts: Vec<Error>,
    },

    /// A task was stopped because the run was cancelled.
    #[error("task `{task}` was cancelled because {reason}")]
    Cancelled {
        /// The node name.
        task: String,
        /// Why the run was cancelled.
        reason: String,
    },

    /// The run was stopped by a signal.
    #[error("workflow `{workflow}` was interrupted by {signal}; its containers were removed")]
    Interrupted {
        /// The workflow name.
        workflow: String,
        /// `SIGINT` or `SIGTERM`.
        signal: &'static str,
    },

    /// A map's minimum success ratio is not a number from 0 to 1.
    #[error(
        "map `{node}` has the minimum success ratio {ratio}, which is not a number from 0 to 1; \
         give the fraction of elements that must succeed, such as 0.9"
    )]
    InvalidMapRatio {
        /// The map node.
        node: String,
        /// The ratio given.
        ratio: f64,
    },

    /// A call's override has a value outside the limits of `container_task!`
    /// and Docker.
    #[error("node `{node}`: the override `{setting}` of {value} is invalid: {reason}")]
    InvalidOverride {
        /// The node whose call set the override.
        node: String,
        /// The setting, such as `cpus` or `env`.
        setting: &'static str,
        /// The value given.
        value: String,
        /// The problem, and the values allowed.
        reason: String,
    },

    /// The workflow uses something that the target engine cannot express
    /// with the same meaning, so the export stops instead of changing it.
    #[error(
        "cannot export workflow `{workflow}` to {engine}{}: {reason}",
        node.as_deref().map(|node| format!(", node `{node}`")).unwrap_or_default()
    )]
    Unexportable {
        /// The target engine, `flyte` or `argo`.
        engine: &'static str,
        /// The workflow name.
        workflow: String,
        /// The node that cannot be exported, when one node is the cause.
        node: Option<String>,
        /// The part that cannot be expressed, and the change to make.
        reason: String,
    },

    /// Writing an exported file failed.
    #[error("cannot write the export `{}`: {source}", path.display())]
    ExportWrite {
        /// The file or directory being written.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// Returns true for failures that another attempt may not repeat: the
    /// command failed, timed out, ran out of memory or wrote bad outputs,
    /// or a Docker call failed. Mistakes in the inputs, a missing image or
    /// secret, and cancellation are not retried.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Error::Docker { .. }
                | Error::NonZeroExit { .. }
                | Error::TaskReportedError { .. }
                | Error::OutputMissing { .. }
                | Error::OutputInvalid { .. }
                | Error::OutputListIncomplete { .. }
                | Error::OutputTooLarge { .. }
                | Error::TimedOut { .. }
                | Error::OutOfMemory { .. }
        )
    }
}

/// Explains exit code 137, which a container gets when its main process is
/// killed with SIGKILL, for example by `docker kill` or by the kernel.
fn exit_code_meaning(code: i64) -> &'static str {
    if code == 137 {
        " (killed with SIGKILL)"
    } else {
        ""
    }
}

fn log_tail_suffix(tail: &str) -> String {
    if tail.trim().is_empty() {
        "; it printed nothing".to_owned()
    } else {
        format!("; last lines of its output:\n{tail}")
    }
}

/// Explains how many elements of a map had to succeed, when a ratio let some fail.
fn required_text(required: usize, total: usize, ratio: Option<f64>) -> String {
    match ratio {
        Some(ratio) => format!(
            ", but {required} of {total} had to succeed for its minimum success ratio {ratio}; \
             lower the ratio or fix the failed elements"
        ),
        None => String::new(),
    }
}

fn attempt_lines(attempts: &[Error]) -> String {
    attempts
        .iter()
        .enumerate()
        .map(|(number, error)| format!("\n    attempt {}: {error}", number + 1))
        .collect()
}
