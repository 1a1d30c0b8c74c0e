//! The interface between the scheduler and whatever runs a task's container.

use futures::future::BoxFuture;

use crate::error::Error;
use crate::spec::TaskSpec;
use crate::value::Value;

/// One run of a task with all its inputs known.
#[derive(Debug, Clone)]
pub struct Job {
    /// The node name in the workflow, or the task name when it runs alone.
    /// Used in logs, errors and host directory names.
    pub node: String,
    /// The task to run.
    pub spec: &'static TaskSpec,
    /// The input values, in the order of `spec.inputs`, each of the declared type.
    pub inputs: Vec<Value>,
}

/// Runs jobs. [`DockerExecutor`](crate::DockerExecutor) runs each job as a
/// Docker container; tests of the scheduler use executors that run nothing.
pub trait Executor: Send + Sync {
    /// Runs `job` to completion and returns its output values, in the order
    /// of `job.spec.outputs`, each of the declared type.
    ///
    /// # Errors
    ///
    /// Returns the cause when the job cannot start, fails, or produces
    /// outputs that do not parse.
    fn execute(&self, job: Job) -> BoxFuture<'_, Result<Vec<Value>, Error>>;
}
