//! Runs a workflow graph: every node as soon as its inputs are known, up to a
//! limit at a time, and nothing downstream of a failure.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use futures::stream::{FuturesUnordered, StreamExt};
use petgraph::graph::NodeIndex;
use petgraph::visit::{Dfs, EdgeRef};
use petgraph::Direction;

use crate::error::Error;
use crate::executor::{Executor, Job};
use crate::report::{NodeReport, NodeState, RunReport};
use crate::spec::TaskSpec;
use crate::task::{ContainerTask, Source};
use crate::value::Value;
use crate::workflow::Workflow;

/// Settings of one workflow run.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RunOptions {
    /// Maximum number of tasks running at once. Default: 16. Zero is read as one.
    pub max_parallel: usize,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions { max_parallel: 16 }
    }
}

impl RunOptions {
    /// Sets the maximum number of tasks running at once.
    pub fn max_parallel(mut self, limit: usize) -> Self {
        self.max_parallel = limit;
        self
    }
}

impl Workflow {
    /// Runs the workflow with default [`RunOptions`].
    ///
    /// # Errors
    ///
    /// Returns an error only when the workflow is invalid (see
    /// [`validate`](Workflow::validate)); task failures are in the report.
    pub async fn run(&self, executor: &dyn Executor) -> Result<RunReport, Error> {
        self.run_with(executor, &RunOptions::default()).await
    }

    /// Runs the workflow: each task once all its inputs are known, at most
    /// `options.max_parallel` at a time.
    ///
    /// A failed task's outputs are never passed on: every task downstream of
    /// it is skipped, and every task independent of it still runs.
    ///
    /// # Errors
    ///
    /// Returns an error only when the workflow is invalid (see
    /// [`validate`](Workflow::validate)); task failures are in the report.
    pub async fn run_with(
        &self,
        executor: &dyn Executor,
        options: &RunOptions,
    ) -> Result<RunReport, Error> {
        self.validate()?;
        let started = Instant::now();
        tracing::info!(workflow = %self.name(), tasks = self.len(), "workflow started");
        let mut run = Run::new(self);
        run.drive(executor, options.max_parallel.max(1)).await;
        let report = run.into_report();
        tracing::info!(
            workflow = %self.name(),
            succeeded = report.succeeded().count(),
            failed = report.failures().count(),
            skipped = report.skipped().count(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "workflow finished"
        );
        Ok(report)
    }
}

/// The state of a run in progress.
struct Run<'w> {
    workflow: &'w Workflow,
    /// Number of upstream edges whose source has not succeeded yet, per node.
    waiting_on: Vec<usize>,
    states: Vec<Option<NodeState>>,
    ready: VecDeque<NodeIndex>,
}

impl<'w> Run<'w> {
    fn new(workflow: &'w Workflow) -> Self {
        let graph = workflow.graph();
        let waiting_on: Vec<usize> = graph
            .node_indices()
            .map(|index| graph.edges_directed(index, Direction::Incoming).count())
            .collect();
        let ready = graph
            .node_indices()
            .filter(|index| waiting_on[index.index()] == 0)
            .collect();
        Run {
            workflow,
            waiting_on,
            states: (0..graph.node_count()).map(|_| None).collect(),
            ready,
        }
    }

    async fn drive(&mut self, executor: &dyn Executor, max_parallel: usize) {
        let mut running = FuturesUnordered::new();
        loop {
            while running.len() < max_parallel {
                let Some(index) = self.ready.pop_front() else {
                    break;
                };
                let job = self.job(index);
                running.push(async move {
                    let started = Instant::now();
                    let spec = job.spec;
                    let node = job.node.clone();
                    let result = executor.execute(job).await.result;
                    let result = result.and_then(|values| check_outputs(&node, spec, values));
                    (index, result, started.elapsed())
                });
            }
            let Some((index, result, elapsed)) = running.next().await else {
                break;
            };
            self.finish(index, result, elapsed);
        }
    }

    fn job(&self, index: NodeIndex) -> Job {
        let node = &self.workflow.graph()[index];
        let inputs = node
            .sources
            .iter()
            .map(|source| match source {
                Source::Value(value) => value.clone(),
                Source::Output { node, output } => match &self.states[node.index] {
                    Some(NodeState::Succeeded { outputs, .. }) => outputs[*output].clone(),
                    _ => {
                        unreachable!("a node is ready only after all its upstream nodes succeeded")
                    }
                },
            })
            .collect();
        Job::new(node.name.clone(), node.spec, inputs)
    }

    fn finish(&mut self, index: NodeIndex, result: Result<Vec<Value>, Error>, elapsed: Duration) {
        match result {
            Ok(outputs) => {
                self.states[index.index()] = Some(NodeState::Succeeded { outputs, elapsed });
                self.release_downstream(index);
            }
            Err(error) => {
                let name = &self.workflow.graph()[index].name;
                tracing::error!(task = %name, error = %error, "task failed");
                self.skip_downstream(index);
                self.states[index.index()] = Some(NodeState::Failed { error, elapsed });
            }
        }
    }

    fn release_downstream(&mut self, index: NodeIndex) {
        for edge in self.workflow.graph().edges(index) {
            let target = edge.target();
            self.waiting_on[target.index()] -= 1;
            if self.waiting_on[target.index()] == 0 {
                self.ready.push_back(target);
            }
        }
    }

    /// Marks every node reachable from the failed node `index` as skipped,
    /// unless an earlier failure already did.
    fn skip_downstream(&mut self, index: NodeIndex) {
        let graph = self.workflow.graph();
        let failed = &graph[index].name;
        let mut walk = Dfs::new(graph, index);
        walk.next(graph);
        while let Some(reached) = walk.next(graph) {
            let state = &mut self.states[reached.index()];
            if state.is_none() {
                tracing::warn!(task = %graph[reached].name, upstream = %failed, "task skipped");
                *state = Some(NodeState::Skipped {
                    failed_upstream: failed.clone(),
                });
            }
        }
    }

    fn into_report(self) -> RunReport {
        let graph = self.workflow.graph();
        let nodes = graph
            .node_indices()
            .zip(self.states)
            .map(|(index, state)| NodeReport {
                name: graph[index].name.clone(),
                task: graph[index].spec.name,
                state: state.expect("the run ends only when every node has a state"),
            })
            .collect();
        RunReport::new(self.workflow.name().to_owned(), self.workflow.id(), nodes)
    }
}

/// Checks that an executor returned one value of the declared type per output.
fn check_outputs(node: &str, spec: &TaskSpec, values: Vec<Value>) -> Result<Vec<Value>, Error> {
    let matches = values.len() == spec.outputs.len()
        && values
            .iter()
            .zip(spec.outputs)
            .all(|(value, param)| value.value_type() == param.ty);
    if matches {
        Ok(values)
    } else {
        Err(Error::OutputsMismatch {
            task: node.to_owned(),
        })
    }
}

/// Runs one task outside any workflow and returns its typed outputs.
///
/// # Errors
///
/// Returns the executor's error when the task cannot start, fails, or
/// produces outputs that do not parse.
pub async fn run_task<T: ContainerTask>(
    executor: &dyn Executor,
    task: T,
    inputs: T::Inputs,
) -> Result<T::Outputs, Error> {
    let _ = task;
    let spec = T::spec();
    let job = Job::new(spec.name, spec, T::input_values(inputs));
    let values = executor.execute(job).await.result?;
    let values = check_outputs(spec.name, spec, values)?;
    T::outputs_from_values(values).ok_or_else(|| Error::OutputsMismatch {
        task: spec.name.to_owned(),
    })
}

#[cfg(test)]
#[path = "scheduler_tests.rs"]
mod tests;
