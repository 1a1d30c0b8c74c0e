//! The outcome of each task of a workflow run.

use std::fmt::Write as _;
use std::time::Duration;

use crate::error::Error;
use crate::task::{ContainerTask, NodeOutputs, OutputRef};
use crate::value::{TaskValue, Value};

/// The outcome of a workflow run: one entry per node, in the order the nodes were added.
#[derive(Debug)]
pub struct RunReport {
    workflow: String,
    workflow_id: u64,
    nodes: Vec<NodeReport>,
    elements: Vec<NodeReport>,
}

/// The outcome of one node.
#[derive(Debug)]
#[non_exhaustive]
pub struct NodeReport {
    /// The node name.
    pub name: String,
    /// The name of the task the node runs.
    pub task: &'static str,
    /// What happened.
    pub state: NodeState,
}

/// The state a node ended in.
#[derive(Debug)]
#[non_exhaustive]
pub enum NodeState {
    /// The task succeeded.
    Succeeded {
        /// Its outputs, in declaration order.
        outputs: Vec<Value>,
        /// Wall-clock time of the run.
        elapsed: Duration,
    },
    /// The task failed.
    Failed {
        /// The cause.
        error: Error,
        /// Wall-clock time until the failure.
        elapsed: Duration,
    },
    /// The task was stopped, or never started, because the run was cancelled.
    Cancelled {
        /// Why: fail-fast after a failure, or a signal.
        reason: String,
    },
    /// The task did not run because a task it depends on failed.
    Skipped {
        /// The name of the failed upstream node.
        failed_upstream: String,
    },
}

impl RunReport {
    pub(crate) fn new(workflow: String, workflow_id: u64, nodes: Vec<NodeReport>) -> Self {
        RunReport {
            workflow,
            workflow_id,
            nodes,
            elements: Vec::new(),
        }
    }

    pub(crate) fn with_elements(mut self, elements: Vec<NodeReport>) -> Self {
        self.elements = elements;
        self
    }

    /// Returns the outcome of each element of each map node that started its
    /// elements, named `<node>[<index>]`, in input order per map node.
    ///
    /// A map node with a minimum success ratio can succeed while some of its
    /// elements failed. Those are the failed entries here, and its gathered
    /// lists contain only the outputs of the elements that succeeded.
    pub fn elements(&self) -> &[NodeReport] {
        &self.elements
    }

    /// Returns the workflow's name.
    pub fn workflow(&self) -> &str {
        &self.workflow
    }

    /// Returns every node's outcome, in the order the nodes were added.
    pub fn nodes(&self) -> &[NodeReport] {
        &self.nodes
    }

    /// Returns every node's outcome, consuming the report.
    pub fn into_nodes(self) -> Vec<NodeReport> {
        self.nodes
    }

    /// Returns true when every task succeeded.
    pub fn is_success(&self) -> bool {
        self.succeeded().count() == self.nodes.len()
    }

    /// Returns the nodes that succeeded.
    pub fn succeeded(&self) -> impl Iterator<Item = &NodeReport> {
        self.nodes
            .iter()
            .filter(|node| matches!(node.state, NodeState::Succeeded { .. }))
    }

    /// Returns the failed nodes with their errors.
    pub fn failures(&self) -> impl Iterator<Item = (&str, &Error)> {
        self.nodes.iter().filter_map(|node| match &node.state {
            NodeState::Failed { error, .. } => Some((node.name.as_str(), error)),
            _ => None,
        })
    }

    /// Returns the skipped nodes with the failed node each one depends on.
    pub fn skipped(&self) -> impl Iterator<Item = (&str, &str)> {
        self.nodes.iter().filter_map(|node| match &node.state {
            NodeState::Skipped { failed_upstream } => {
                Some((node.name.as_str(), failed_upstream.as_str()))
            }
            _ => None,
        })
    }

    /// Returns the value of one output, such as the list that
    /// [`Mapped::gather`](crate::Mapped::gather) returns for a map node.
    ///
    /// # Errors
    ///
    /// Returns [`Error::NoOutputs`] when that node did not succeed or
    /// `output` belongs to another workflow, and [`Error::OutputsMismatch`]
    /// when the value is not of type `U`.
    pub fn output<U: TaskValue>(&self, output: &OutputRef<U>) -> Result<U, Error> {
        let node = output.node();
        let report = match self.nodes.get(node.index) {
            Some(report) if node.workflow == self.workflow_id => report,
            _ => {
                return Err(Error::NoOutputs {
                    node: format!("{output:?}"),
                    state: format!("belongs to another workflow than `{}`", self.workflow),
                })
            }
        };
        let NodeState::Succeeded { outputs, .. } = &report.state else {
            return Err(Error::NoOutputs {
                node: report.name.clone(),
                state: "did not succeed".to_owned(),
            });
        };
        let mismatch = || Error::OutputsMismatch {
            task: report.name.clone(),
        };
        let value = outputs.get(output.index()).ok_or_else(mismatch)?;
        U::from_value(value.clone()).ok_or_else(mismatch)
    }

    /// Returns the typed outputs of the node that `refs` belongs to.
    ///
    /// # Errors
    ///
    /// Returns [`Error::NoOutputs`] when that node failed or was skipped, or
    /// when `refs` belongs to another workflow.
    pub fn outputs<R: NodeOutputs>(
        &self,
        refs: &R,
    ) -> Result<<R::Task as ContainerTask>::Outputs, Error> {
        let node = refs.node();
        let report = match self.nodes.get(node.index) {
            Some(report) if node.workflow == self.workflow_id => report,
            _ => {
                return Err(Error::NoOutputs {
                    node: <R::Task as ContainerTask>::spec().name.to_owned(),
                    state: format!("belongs to another workflow than `{}`", self.workflow),
                })
            }
        };
        let no_outputs = |state: String| Error::NoOutputs {
            node: report.name.clone(),
            state,
        };
        match &report.state {
            NodeState::Succeeded { outputs, .. } => {
                <R::Task as ContainerTask>::outputs_from_values(outputs.clone()).ok_or_else(|| {
                    Error::OutputsMismatch {
                        task: report.name.clone(),
                    }
                })
            }
            NodeState::Failed { error, .. } => Err(no_outputs(format!("failed: {error}"))),
            NodeState::Skipped { failed_upstream } => Err(no_outputs(format!(
                "was skipped because `{failed_upstream}` failed"
            ))),
            NodeState::Cancelled { reason } => {
                Err(no_outputs(format!("was cancelled because {reason}")))
            }
        }
    }

    /// Returns the report when every task succeeded.
    ///
    /// # Errors
    ///
    /// Returns [`Error::WorkflowFailed`] naming each failed task with its
    /// cause, and each skipped task.
    pub fn into_result(self) -> Result<Self, Error> {
        if self.is_success() {
            return Ok(self);
        }
        let mut summary = String::new();
        // Every task error names its task, so the error alone is the line.
        for (_, error) in self.failures() {
            let _ = write!(summary, "\n  {error}");
        }
        for (node, upstream) in self.skipped() {
            let _ = write!(
                summary,
                "\n  task `{node}` skipped because `{upstream}` failed"
            );
        }
        Err(Error::WorkflowFailed {
            workflow: self.workflow,
            summary,
        })
    }
}
