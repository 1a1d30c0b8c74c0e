//! Runs a workflow graph: every node as soon as its inputs are known, up to a
//! limit at a time, and nothing downstream of a failure.

mod attempts;
mod maps;
mod options;
mod progress;
mod signals;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Instant;

use chrono::Utc;
use futures::stream::{FuturesUnordered, StreamExt};
use petgraph::graph::NodeIndex;
use petgraph::visit::{Dfs, EdgeRef};
use petgraph::Direction;

pub use options::{Progress, RunOptions};

use crate::error::Error;
use crate::executor::{Executor, Job};
use crate::records::{NodeSummary, RunRecords, RunSummary};
use crate::report::{NodeReport, NodeState, RunReport};
use crate::task::{ContainerTask, Source};
use crate::value::Value;
use crate::workflow::{Overrides, Workflow};
use attempts::{run_attempts, NodeOutcome};
use maps::{element_name, MapState};
use progress::ProgressDisplay;
use signals::Signals;

impl Workflow {
    /// Runs the workflow with default [`RunOptions`].
    ///
    /// # Errors
    ///
    /// See [`run_with`](Self::run_with).
    pub async fn run(&self, executor: &dyn Executor) -> Result<RunReport, Error> {
        self.run_with(executor, &RunOptions::default()).await
    }

    /// Runs the workflow: each task once all its inputs are known, at most
    /// `options.max_parallel` at a time, each failed attempt retried as its
    /// settings say.
    ///
    /// A failed task's outputs are never passed on: every task downstream of
    /// it is skipped. Other tasks run to completion, or, with
    /// `options.fail_fast`, running tasks are stopped and their containers
    /// removed. The report lists each task's state.
    ///
    /// # Errors
    ///
    /// Returns an error when the workflow is invalid (see
    /// [`validate`](Workflow::validate)), when the records directory cannot
    /// be created, and [`Error::Interrupted`] when SIGINT or SIGTERM stopped
    /// the run (after every container was removed and the records written).
    /// Task failures are in the report, not errors.
    pub async fn run_with(
        &self,
        executor: &dyn Executor,
        options: &RunOptions,
    ) -> Result<RunReport, Error> {
        self.validate()?;
        let signals = Signals::install(options.handle_signals);
        let started_at = Utc::now();
        let records = match &options.records {
            Some(base) => Some(RunRecords::create(base, self, started_at)?),
            None => None,
        };
        let started = Instant::now();
        tracing::info!(
            workflow = %self.name(),
            tasks = self.len(),
            records = records.as_ref().map(|records| records.dir().display().to_string()),
            "workflow started"
        );
        let attempts: Vec<AtomicU32> = (0..self.len()).map(|_| AtomicU32::new(0)).collect();
        let mut run = Run::new(self, options, records.as_ref(), started_at, &attempts);
        run.write_record("running");
        let interrupted = run.drive(executor, signals).await;
        let status = match (interrupted, run.all_succeeded()) {
            (Some(_), _) => "interrupted",
            (None, true) => "succeeded",
            (None, false) => "failed",
        };
        run.write_record(status);
        let report = run.into_report();
        if let Some(records) = records {
            // Joining the writer thread blocks, so it waits on a blocking thread.
            let finished = tokio::task::spawn_blocking(move || records.finish()).await;
            if finished.is_err() {
                tracing::warn!("waiting for the run records failed; some may be missing");
            }
        }
        tracing::info!(
            workflow = %self.name(),
            status,
            succeeded = report.succeeded().count(),
            failed = report.failures().count(),
            skipped = report.skipped().count(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "workflow finished"
        );
        match interrupted {
            Some(signal) => Err(Error::Interrupted {
                workflow: self.name().to_owned(),
                signal,
            }),
            None => Ok(report),
        }
    }
}

/// The state of a run in progress.
struct Run<'w> {
    workflow: &'w Workflow,
    options: &'w RunOptions,
    records: Option<&'w RunRecords>,
    started_at: chrono::DateTime<Utc>,
    /// Number of upstream edges whose source has not succeeded yet, per node.
    waiting_on: Vec<usize>,
    states: Vec<Option<NodeState>>,
    /// The attempt each node is on; 0 until it starts. Outside the struct,
    /// so running futures can update it while the scheduler changes the rest.
    attempts: &'w [AtomicU32],
    ready: VecDeque<NodeIndex>,
    /// The state of each map node whose elements are running.
    maps: Vec<Option<MapState>>,
    /// Elements of map nodes waiting for a free slot, as node and index.
    elements: VecDeque<(NodeIndex, usize)>,
    progress: ProgressDisplay,
}

impl<'w> Run<'w> {
    fn new(
        workflow: &'w Workflow,
        options: &'w RunOptions,
        records: Option<&'w RunRecords>,
        started_at: chrono::DateTime<Utc>,
        attempts: &'w [AtomicU32],
    ) -> Self {
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
            options,
            records,
            started_at,
            waiting_on,
            states: (0..graph.node_count()).map(|_| None).collect(),
            attempts,
            ready,
            maps: (0..graph.node_count()).map(|_| None).collect(),
            elements: VecDeque::new(),
            progress: ProgressDisplay::new(options.progress, graph.node_count()),
        }
    }

    /// Runs nodes until none is left, a failure stops a fail-fast run, or a
    /// signal arrives. Returns the signal's name when one stopped the run.
    async fn drive(
        &mut self,
        executor: &dyn Executor,
        mut signals: Signals,
    ) -> Option<&'static str> {
        let max_parallel = self.options.max_parallel.max(1);
        let mut running = FuturesUnordered::new();
        let mut stop = None;
        loop {
            while stop.is_none() && running.len() < max_parallel {
                let (index, element) = if let Some((index, element)) = self.elements.pop_front() {
                    (index, Some(element))
                } else if let Some(index) = self.ready.pop_front() {
                    if self.workflow.graph()[index].map.is_some() {
                        if self.start_map(index) && self.options.fail_fast {
                            let name = self.workflow.graph()[index].name.clone();
                            stop = Some(Stop::FailFast(name));
                        }
                        continue;
                    }
                    (index, None)
                } else {
                    break;
                };
                let job = self.job(index, element);
                let records = self.records;
                self.progress.started();
                // An element counts its attempts in its map's state, not in
                // its map node's counter.
                let node_attempts = &self.attempts[index.index()];
                let element_attempts = element.map(|element| {
                    let map = self.maps[index.index()].as_ref();
                    let map = map.expect("an element runs only while its map node runs");
                    Arc::clone(&map.attempts[element])
                });
                running.push(async move {
                    let attempts = element_attempts.as_deref().unwrap_or(node_attempts);
                    let outcome =
                        run_attempts(executor, job, attempts, records, index.index()).await;
                    (index, element, outcome)
                });
            }
            if running.is_empty() || stop.is_some() {
                break;
            }
            tokio::select! {
                signal = signals.recv() => {
                    tracing::warn!(workflow = %self.workflow.name(), signal, "stopping the run");
                    stop = Some(Stop::Signal(signal));
                }
                Some((index, element, outcome)) = running.next() => {
                    let failed = match element {
                        Some(element) => self.finish_element(index, element, outcome),
                        None => self.finish(index, outcome),
                    };
                    if failed && self.options.fail_fast {
                        let name = self.workflow.graph()[index].name.clone();
                        stop = Some(Stop::FailFast(name));
                    }
                }
            }
        }
        drop(running);
        let stop = stop?;
        executor.cleanup().await;
        self.cancel_the_rest(&stop.reason());
        match stop {
            Stop::Signal(signal) => Some(signal),
            Stop::FailFast(_) => None,
        }
    }

    /// Builds the job of a node, or of element `element` of a map node.
    fn job(&self, index: NodeIndex, element: Option<usize>) -> Job {
        let node = &self.workflow.graph()[index];
        let inputs = node
            .sources
            .iter()
            .map(|source| match (source, element) {
                (Source::Element { list }, Some(element)) => {
                    let map = self.maps[index.index()].as_ref();
                    map.expect("an element runs only while its map node runs")
                        .element(*list, element)
                }
                _ => self.resolve(source),
            })
            .collect();
        let name = match element {
            Some(element) => element_name(&node.name, element),
            None => node.name.clone(),
        };
        let mut job = Job::new(name, node.spec, inputs);
        job.settings = node.overrides.apply(node.spec.settings);
        job.env = node.overrides.extra_env().to_vec();
        job
    }

    /// Returns the value of a literal or of an upstream output.
    fn resolve(&self, source: &Source) -> Value {
        match source {
            Source::Value(value) => value.clone(),
            Source::Output { node, output } => match &self.states[node.index] {
                Some(NodeState::Succeeded { outputs, .. }) => outputs[*output].clone(),
                _ => unreachable!("a node is ready only after all its upstream nodes succeeded"),
            },
            Source::Element { .. } => unreachable!("only the jobs of a map node take elements"),
        }
    }

    /// Resolves the lists of a ready map node and queues one job per
    /// element. A map with no elements, or with zipped lists of different
    /// lengths, finishes at once. Returns true when the node failed.
    fn start_map(&mut self, index: NodeIndex) -> bool {
        let node = &self.workflow.graph()[index];
        let map = node
            .map
            .as_ref()
            .expect("start_map is called for map nodes");
        let lists = map
            .lists
            .iter()
            .map(|list| match self.resolve(list) {
                Value::List(elements) => elements,
                other => unreachable!("a map's list binding is typed `Vec<_>`, found {other:?}"),
            })
            .collect();
        let state = match MapState::new(&node.name, lists) {
            Ok(state) => state,
            Err(error) => return self.finish(index, NodeOutcome::failed(error)),
        };
        tracing::info!(task = %node.name, elements = state.len(), "map started");
        self.progress.add_elements(state.len());
        if state.len() == 0 {
            let outputs = vec![Value::List(Vec::new()); node.spec.outputs.len()];
            return self.finish(index, NodeOutcome::succeeded(outputs));
        }
        self.elements
            .extend((0..state.len()).map(|element| (index, element)));
        self.maps[index.index()] = Some(state);
        false
    }

    /// Records the outcome of one element of a map node, and the map node's
    /// outcome after its last element. Returns true when the map node failed.
    fn finish_element(&mut self, index: NodeIndex, element: usize, outcome: NodeOutcome) -> bool {
        let NodeOutcome { result, elapsed } = outcome;
        let node = &self.workflow.graph()[index];
        let map = self.maps[index.index()]
            .as_mut()
            .expect("an element runs only while its map node runs");
        map.results[element] = Some(match result {
            Ok(outputs) => NodeState::Succeeded { outputs, elapsed },
            Err(error) => {
                let name = element_name(&node.name, element);
                tracing::error!(task = %name, error = %error, "map element failed");
                NodeState::Failed { error, elapsed }
            }
        });
        map.remaining -= 1;
        let element_failed = matches!(map.results[element], Some(NodeState::Failed { .. }));
        self.progress.finished(element_failed);
        if map.remaining > 0 {
            return false;
        }
        let min_success_ratio = node.map.as_ref().and_then(|call| call.min_success_ratio);
        let result = map.gather(&node.name, node.spec.outputs.len(), min_success_ratio);
        let elapsed = map.started.elapsed();
        self.finish(index, NodeOutcome { result, elapsed })
    }

    /// Records a node's outcome; returns true when it failed.
    fn finish(&mut self, index: NodeIndex, outcome: NodeOutcome) -> bool {
        let NodeOutcome { result, elapsed } = outcome;
        let failed = result.is_err();
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
        if self.workflow.graph()[index].map.is_some() {
            self.progress.finished_map(failed);
        } else {
            self.progress.finished(failed);
        }
        failed
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
                self.progress.skipped();
            }
        }
    }

    /// Marks every node without a state, running or not started, as cancelled.
    fn cancel_the_rest(&mut self, reason: &str) {
        let graph = self.workflow.graph();
        let mut cancelled = 0;
        for (index, state) in self.states.iter_mut().enumerate() {
            if state.is_some() {
                continue;
            }
            cancelled += 1;
            let node = &graph[NodeIndex::new(index)];
            if self.attempts[index].load(Ordering::SeqCst) > 0 {
                tracing::warn!(task = %node.name, reason, "task cancelled");
            }
            *state = Some(NodeState::Cancelled {
                reason: reason.to_owned(),
            });
        }
        let unfinished_elements = self
            .maps
            .iter()
            .flatten()
            .flat_map(|map| &map.results)
            .filter(|state| state.is_none())
            .count();
        self.progress.cancelled(cancelled + unfinished_elements);
    }

    fn all_succeeded(&self) -> bool {
        self.states
            .iter()
            .all(|state| matches!(state, Some(NodeState::Succeeded { .. })))
    }

    fn write_record(&self, status: &str) {
        let Some(records) = self.records else {
            return;
        };
        let graph = self.workflow.graph();
        let mut nodes: Vec<NodeSummary> = graph
            .node_indices()
            .map(|index| NodeSummary {
                name: graph[index].name.clone(),
                task: graph[index].spec.name,
                element: None,
                attempts: self.attempts[index.index()].load(Ordering::SeqCst),
                state: self.states[index.index()].as_ref(),
            })
            .collect();
        for (index, map) in self.maps.iter().enumerate() {
            let Some(map) = map else { continue };
            let node = &graph[NodeIndex::new(index)];
            // An element that never finished shares its map's cancellation.
            let cancelled = match &self.states[index] {
                Some(state @ NodeState::Cancelled { .. }) => Some(state),
                _ => None,
            };
            nodes.extend(map.results.iter().zip(&map.attempts).enumerate().map(
                |(element, (state, attempts))| NodeSummary {
                    name: element_name(&node.name, element),
                    task: node.spec.name,
                    element: Some(element),
                    attempts: attempts.load(Ordering::SeqCst),
                    state: state.as_ref().or(cancelled),
                },
            ));
        }
        let finished = (status != "running").then(Utc::now);
        records.write_run(&RunSummary {
            workflow: self.workflow.name(),
            status,
            started: self.started_at,
            finished,
            max_parallel: self.options.max_parallel,
            fail_fast: self.options.fail_fast,
            nodes,
        });
    }

    fn into_report(self) -> RunReport {
        self.progress.done();
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
        let elements = self
            .maps
            .into_iter()
            .enumerate()
            .filter_map(|(index, map)| Some((NodeIndex::new(index), map?)))
            .flat_map(|(index, map)| {
                let node = &graph[index];
                map.results
                    .into_iter()
                    .enumerate()
                    .map(move |(element, state)| NodeReport {
                        name: element_name(&node.name, element),
                        task: node.spec.name,
                        state: state.unwrap_or_else(|| NodeState::Cancelled {
                            reason: "the run stopped before this element finished".to_owned(),
                        }),
                    })
            })
            .collect();
        RunReport::new(self.workflow.name().to_owned(), self.workflow.id(), nodes)
            .with_elements(elements)
    }
}

/// Why a run stopped before every node ran.
enum Stop {
    Signal(&'static str),
    FailFast(String),
}

impl Stop {
    fn reason(&self) -> String {
        match self {
            Stop::Signal(signal) => format!("the run received {signal}"),
            Stop::FailFast(node) => format!("task `{node}` failed and the run is fail-fast"),
        }
    }
}

/// Runs one task outside any workflow, with default [`RunOptions`], and
/// returns its typed outputs.
///
/// # Errors
///
/// Returns the task's error when it cannot start or fails (after its
/// retries), and the errors of [`Workflow::run_with`].
pub async fn run_task<T: ContainerTask>(
    executor: &dyn Executor,
    task: T,
    inputs: T::Inputs,
) -> Result<T::Outputs, Error> {
    run_task_with(
        executor,
        task,
        inputs,
        Overrides::default(),
        &RunOptions::default(),
    )
    .await
}

/// Runs one task outside any workflow like [`run_task`], with some of its
/// settings overridden and with the given run options.
///
/// # Errors
///
/// See [`run_task`].
pub async fn run_task_with<T: ContainerTask>(
    executor: &dyn Executor,
    task: T,
    inputs: T::Inputs,
    overrides: Overrides,
    options: &RunOptions,
) -> Result<T::Outputs, Error> {
    let _ = task;
    let spec = T::spec();
    let mut workflow = Workflow::new(spec.name);
    let sources = T::input_values(inputs)
        .into_iter()
        .map(Source::Value)
        .collect();
    workflow.add_node(spec.name.to_owned(), spec, sources, overrides);
    let report = workflow.run_with(executor, options).await?;
    let state = report.into_nodes().pop().map(|node| node.state);
    match state {
        Some(NodeState::Succeeded { outputs, .. }) => {
            T::outputs_from_values(outputs).ok_or_else(|| Error::OutputsMismatch {
                task: spec.name.to_owned(),
            })
        }
        Some(NodeState::Failed { error, .. }) => Err(error),
        _ => unreachable!("a lone task either succeeds or fails"),
    }
}

/// Checks that an executor returned one value of the declared type per output.
fn check_outputs(
    node: &str,
    spec: &crate::spec::TaskSpec,
    values: Vec<Value>,
) -> Result<Vec<Value>, Error> {
    let matches = values.len() == spec.outputs.len()
        && values
            .iter()
            .zip(spec.outputs)
            .all(|(value, param)| value.has_type(param.ty));
    if matches {
        Ok(values)
    } else {
        Err(Error::OutputsMismatch {
            task: node.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests;
