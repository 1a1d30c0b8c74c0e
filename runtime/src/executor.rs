//! The interface between the scheduler and whatever runs a task's container.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use serde::Serialize;

use crate::error::Error;
use crate::spec::{Settings, TaskSpec};
use crate::value::Value;

/// One attempt to run a task, with all its inputs known.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Job {
    /// The node name in the workflow, or the task name when it runs alone.
    /// Used in logs, errors, labels and host directory names.
    pub node: String,
    /// The task to run.
    pub spec: &'static TaskSpec,
    /// The input values, in the order of `spec.inputs`, each of the declared type.
    pub inputs: Vec<Value>,
    /// The attempt number, starting at 1.
    pub attempt: u32,
    /// The settings in force: the declaration's, with the call's overrides applied.
    pub settings: Settings,
    /// Environment variables added by the call, set after `spec.env`.
    pub env: Vec<(String, String)>,
    /// Where to save the container's output, when the run keeps records.
    pub log_file: Option<PathBuf>,
}

impl Job {
    /// Creates the first attempt of `spec` with the declared settings.
    pub fn new(node: impl Into<String>, spec: &'static TaskSpec, inputs: Vec<Value>) -> Self {
        Job {
            node: node.into(),
            spec,
            inputs,
            attempt: 1,
            settings: spec.settings,
            env: Vec::new(),
            log_file: None,
        }
    }
}

/// The outcome of one attempt, with what is known about how it ran.
#[derive(Debug)]
pub struct Attempt {
    /// The output values in the order of `spec.outputs`, or the cause of the failure.
    pub result: Result<Vec<Value>, Error>,
    /// How the attempt ran, as far as it got.
    pub details: AttemptDetails,
}

impl Attempt {
    /// Creates an outcome with no details, for executors that run no container.
    pub fn from_result(result: Result<Vec<Value>, Error>) -> Self {
        Attempt {
            result,
            details: AttemptDetails::default(),
        }
    }
}

/// How an attempt ran: the facts a run record keeps. Never contains a secret.
#[derive(Debug, Clone, Default, Serialize)]
#[non_exhaustive]
pub struct AttemptDetails {
    /// The container's id, once it was created.
    pub container_id: Option<String>,
    /// The image reference as declared.
    pub image: Option<String>,
    /// The image's id (`sha256:...`) as the daemon resolved it.
    pub image_id: Option<String>,
    /// The rendered argv: `command` followed by `arguments`.
    pub command: Vec<String>,
    /// The exit code, when the container exited.
    pub exit_code: Option<i64>,
    /// Whether the kernel killed the container for exceeding its memory limit.
    pub oom_killed: bool,
    /// When the container started.
    pub started_at: Option<DateTime<Utc>>,
    /// When the container stopped, or the attempt ended.
    pub finished_at: Option<DateTime<Utc>>,
}

/// Runs jobs. [`DockerExecutor`](crate::DockerExecutor) runs each job as a
/// Docker container; tests of the scheduler use executors that run nothing.
pub trait Executor: Send + Sync {
    /// Runs one attempt of `job` to completion.
    ///
    /// On success the outputs are in the order of `job.spec.outputs`, each of
    /// the declared type. If the returned future is dropped, the executor
    /// stops the attempt and removes what it created; [`cleanup`](Self::cleanup)
    /// waits until that is done.
    fn execute(&self, job: Job) -> BoxFuture<'_, Attempt>;

    /// Waits until every container of an attempt whose future was dropped is
    /// removed. The default does nothing.
    fn cleanup(&self) -> BoxFuture<'_, ()> {
        Box::pin(async {})
    }
}
