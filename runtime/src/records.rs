//! Run records: one directory per run, with a JSON file per task attempt
//! and one for the run, written atomically so a crash never leaves half a
//! record.
//!
//! ```text
//! <records dir>/<workflow>-<UTC start time>-<suffix>/
//!     run.json                    the run: status, options, every node's state
//!     graph.dot, graph.mmd        the workflow graph
//!     tasks/<NNNN>-<node>/
//!         attempt-<n>.json        one attempt: command, image, inputs, outputs, exit code, times
//!         attempt-<n>.log         the container's output, when the executor saves it
//! ```
//!
//! The records are written by a thread of their own, in the order they are
//! produced, so no task waits for the disk. A run returns after the last
//! record is written.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Map, Value as Json};

use crate::error::Error;
use crate::executor::AttemptDetails;
use crate::report::NodeState;
use crate::spec::ParamSpec;
use crate::value::Value;
use crate::workflow::Workflow;

/// The directory of one run's records.
#[derive(Debug)]
pub(crate) struct RunRecords {
    dir: PathBuf,
    writer: Writer,
}

/// A thread that writes files atomically, in the order they are queued.
#[derive(Debug)]
struct Writer {
    queue: mpsc::Sender<(PathBuf, Vec<u8>)>,
    thread: JoinHandle<()>,
}

impl Writer {
    fn start() -> std::io::Result<Writer> {
        let (queue, files) = mpsc::channel::<(PathBuf, Vec<u8>)>();
        let thread = std::thread::Builder::new()
            .name("containerflow-records".to_owned())
            .spawn(move || {
                for (path, bytes) in files {
                    write_atomically(&path, &bytes);
                }
            })?;
        Ok(Writer { queue, thread })
    }
}

/// The facts recorded about one attempt.
pub(crate) struct AttemptRecord<'a> {
    pub(crate) node: &'a str,
    pub(crate) node_index: usize,
    pub(crate) task: &'a str,
    pub(crate) attempt: u32,
    pub(crate) inputs: (&'a [ParamSpec], &'a [Value]),
    pub(crate) outputs: Option<(&'a [ParamSpec], &'a [Value])>,
    pub(crate) error: Option<String>,
    pub(crate) details: &'a AttemptDetails,
    pub(crate) elapsed: Duration,
}

impl RunRecords {
    /// Creates a fresh run directory under `base` and writes the graph pictures.
    pub(crate) fn create(
        base: &Path,
        workflow: &Workflow,
        started: DateTime<Utc>,
    ) -> Result<Self, Error> {
        let suffix = unique_suffix();
        let name = format!(
            "{}-{}-{suffix}",
            file_name_part(workflow.name()),
            started.format("%Y%m%dT%H%M%SZ")
        );
        let dir = base.join(name);
        let writer = std::fs::create_dir_all(dir.join("tasks"))
            .and_then(|()| Writer::start())
            .map_err(|source| Error::Records {
                path: dir.clone(),
                source,
            })?;
        let records = RunRecords { dir, writer };
        records.write_text("graph.dot", &workflow.to_dot());
        records.write_text("graph.mmd", &workflow.to_mermaid());
        Ok(records)
    }

    /// Returns the run's directory.
    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    /// Waits until every queued record is written.
    pub(crate) fn finish(self) {
        let RunRecords { writer, .. } = self;
        drop(writer.queue);
        if writer.thread.join().is_err() {
            tracing::warn!("the run records thread panicked; some records may be missing");
        }
    }

    /// Returns the path of the log file of one attempt.
    pub(crate) fn log_file(&self, node_index: usize, node: &str, attempt: u32) -> PathBuf {
        self.task_dir(node_index, node)
            .join(format!("attempt-{attempt}.log"))
    }

    fn task_dir(&self, node_index: usize, node: &str) -> PathBuf {
        self.dir
            .join("tasks")
            .join(format!("{node_index:04}-{}", file_name_part(node)))
    }

    /// Writes the record of one attempt.
    pub(crate) fn write_attempt(&self, record: &AttemptRecord<'_>) {
        let dir = self.task_dir(record.node_index, record.node);
        let log_file = dir.join(format!("attempt-{}.log", record.attempt));
        let body = json!({
            "node": record.node,
            "task": record.task,
            "attempt": record.attempt,
            "status": if record.error.is_some() { "failed" } else { "succeeded" },
            "error": record.error,
            "image": record.details.image,
            "image_id": record.details.image_id,
            "container_id": record.details.container_id,
            "command": record.details.command,
            "exit_code": record.details.exit_code,
            "oom_killed": record.details.oom_killed,
            "started_at": record.details.started_at.map(rfc3339),
            "finished_at": record.details.finished_at.map(rfc3339),
            "elapsed_ms": record.elapsed.as_millis() as u64,
            "inputs": values_json(record.inputs.0, record.inputs.1),
            "outputs": record.outputs.map(|(params, values)| values_json(params, values)),
            "log_file": log_file.exists().then(|| log_file.display().to_string()),
        });
        let path = dir.join(format!("attempt-{}.json", record.attempt));
        self.write_json(&path, &body);
    }

    /// Writes `run.json`: the run's status and every node's state so far.
    pub(crate) fn write_run(&self, run: &RunSummary<'_>) {
        let nodes: Vec<Json> = run.nodes.iter().map(node_json).collect();
        let body = json!({
            "workflow": run.workflow,
            "status": run.status,
            "started_at": rfc3339(run.started),
            "finished_at": run.finished.map(rfc3339),
            "max_parallel": run.max_parallel,
            "fail_fast": run.fail_fast,
            "nodes": nodes,
        });
        self.write_json(&self.dir.join("run.json"), &body);
    }

    fn write_text(&self, name: &str, text: &str) {
        self.queue(self.dir.join(name), text.as_bytes().to_vec());
    }

    fn write_json(&self, path: &Path, body: &Json) {
        let mut text = serde_json::to_vec_pretty(body).expect("JSON values always serialize");
        text.push(b'\n');
        self.queue(path.to_owned(), text);
    }

    fn queue(&self, path: PathBuf, bytes: Vec<u8>) {
        // The thread stops only when the queue is closed, which takes `self`.
        if self.writer.queue.send((path, bytes)).is_err() {
            tracing::warn!("the run records thread stopped; a record was not written");
        }
    }
}

/// The contents of `run.json`.
pub(crate) struct RunSummary<'a> {
    pub(crate) workflow: &'a str,
    pub(crate) status: &'a str,
    pub(crate) started: DateTime<Utc>,
    pub(crate) finished: Option<DateTime<Utc>>,
    pub(crate) max_parallel: usize,
    pub(crate) fail_fast: bool,
    pub(crate) nodes: Vec<NodeSummary<'a>>,
}

/// One node's entry in `run.json`.
pub(crate) struct NodeSummary<'a> {
    pub(crate) name: String,
    pub(crate) task: &'a str,
    /// The index of a map node's element, which is `name` without the map's name.
    pub(crate) element: Option<usize>,
    pub(crate) attempts: u32,
    pub(crate) state: Option<&'a NodeState>,
}

fn node_json(node: &NodeSummary<'_>) -> Json {
    let mut entry = Map::new();
    entry.insert("name".into(), json!(node.name));
    entry.insert("task".into(), json!(node.task));
    if let Some(element) = node.element {
        entry.insert("element".into(), json!(element));
    }
    entry.insert("attempts".into(), json!(node.attempts));
    let (state, detail) = match node.state {
        None if node.attempts > 0 => ("running", None),
        None => ("pending", None),
        Some(NodeState::Succeeded { .. }) => ("succeeded", None),
        Some(NodeState::Failed { error, .. }) => ("failed", Some(("error", error.to_string()))),
        Some(NodeState::Skipped { failed_upstream }) => (
            "skipped",
            Some(("failed_upstream", failed_upstream.clone())),
        ),
        Some(NodeState::Cancelled { reason }) => ("cancelled", Some(("reason", reason.clone()))),
    };
    entry.insert("state".into(), json!(state));
    if let Some((key, text)) = detail {
        entry.insert(key.into(), json!(text));
    }
    Json::Object(entry)
}

/// Converts values to a JSON object for people to read: durations as Go
/// text, datetimes as RFC 3339, files and directories as host paths.
fn values_json(params: &[ParamSpec], values: &[Value]) -> Json {
    let entries = params
        .iter()
        .zip(values)
        .map(|(param, value)| (param.name.to_owned(), value_json(value)));
    Json::Object(entries.collect())
}

fn value_json(value: &Value) -> Json {
    match value {
        Value::String(text) => json!(text),
        Value::Int(number) => json!(number),
        Value::Float(number) if number.is_finite() => json!(number),
        Value::Bool(flag) => json!(flag),
        Value::None => Json::Null,
        Value::File(file) => json!(file.path().display().to_string()),
        Value::Dir(dir) => json!(dir.path().display().to_string()),
        Value::List(elements) => Json::Array(elements.iter().map(value_json).collect()),
        Value::Map(entries) => Json::Object(
            entries
                .iter()
                .map(|(key, element)| (key.clone(), value_json(element)))
                .collect(),
        ),
        other => json!(other.render()),
    }
}

fn rfc3339(instant: DateTime<Utc>) -> String {
    instant.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Writes `bytes` to a temporary file beside `path`, then renames it over
/// `path`, so a reader sees the old record or the new one, never a part.
/// A failure is logged, not raised: losing a record must not fail a run.
fn write_atomically(path: &Path, bytes: &[u8]) {
    let result = (|| {
        let dir = path.parent().expect("record paths have a parent");
        std::fs::create_dir_all(dir)?;
        let mut file = tempfile::NamedTempFile::new_in(dir)?;
        file.write_all(bytes)?;
        file.persist(path).map_err(|error| error.error)?;
        Ok::<(), std::io::Error>(())
    })();
    if let Err(error) = result {
        tracing::warn!(path = %path.display(), error = %error, "writing a run record failed");
    }
}

/// Keeps letters, digits, `-`, `_` and `.`, and replaces anything else with
/// `_`, so a node name is safe as a path component.
fn file_name_part(name: &str) -> String {
    let part: String = name
        .chars()
        // File names are limited to 255 bytes; the index or time stamp
        // beside the part keeps truncated names apart.
        .take(100)
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    match part.trim_start_matches('.') {
        "" => "_".to_owned(),
        trimmed => trimmed.to_owned(),
    }
}

/// Six hex digits that differ between runs started in the same second.
fn unique_suffix() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.subsec_nanos());
    format!(
        "{:06x}",
        (nanos ^ std::process::id().rotate_left(12)) & 0xff_ffff
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_names_become_safe_path_parts() {
        assert_eq!(file_name_part("digest_alpha"), "digest_alpha");
        assert_eq!(file_name_part("a/b c"), "a_b_c");
        assert_eq!(file_name_part("../up"), "_up");
        assert_eq!(file_name_part(""), "_");
        assert_eq!(file_name_part(&"n".repeat(300)).len(), 100);
    }

    #[test]
    fn missing_elements_are_null() {
        let list = Value::List(vec![Value::String("null".into()), Value::None]);
        assert_eq!(value_json(&list), json!(["null", null]));
    }

    #[test]
    fn atomic_write_replaces_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("record.json");
        write_atomically(&path, b"first version, longer");
        write_atomically(&path, b"second");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "second");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "a temporary file was left behind");
    }
}
