//! The package `flyteidl.core`: workflow templates, their nodes and the
//! bindings between them, from `flyteidl/core/workflow.proto` and, for the
//! binding messages, `literals.proto`.
//!
//! Field names and numbers follow `flyteidl` 1.16.8. Only the fields that the
//! Flyte export writes are defined; see the module documentation of
//! [`flyteidl`](super) for what that means when decoding.

use super::core::Scalar;
use super::interface::{Identifier, TypedInterface};
use super::tasks::{Resources, RetryStrategy};

/// A workflow: its interface, its nodes and where its outputs come from.
#[derive(Clone, PartialEq, prost::Message)]
pub struct WorkflowTemplate {
    /// The workflow's identifier.
    #[prost(message, optional, tag = "1")]
    pub id: Option<Identifier>,
    /// Settings of the whole workflow.
    #[prost(message, optional, tag = "2")]
    pub metadata: Option<WorkflowMetadata>,
    /// The typed inputs and outputs.
    #[prost(message, optional, tag = "3")]
    pub interface: Option<TypedInterface>,
    /// The nodes, in any order; edges come from their bindings.
    #[prost(message, repeated, tag = "4")]
    pub nodes: Vec<Node>,
    /// The workflow's outputs, bound to node outputs.
    #[prost(message, repeated, tag = "5")]
    pub outputs: Vec<Binding>,
    /// Defaults for every node.
    #[prost(message, optional, tag = "7")]
    pub metadata_defaults: Option<WorkflowMetadataDefaults>,
}

/// Settings of a whole workflow.
#[derive(Clone, Copy, PartialEq, Eq, prost::Message)]
pub struct WorkflowMetadata {
    /// A [`workflow_metadata::OnFailurePolicy`], as its number.
    #[prost(enumeration = "workflow_metadata::OnFailurePolicy", tag = "2")]
    pub on_failure: i32,
}

/// The enum of [`WorkflowMetadata`].
pub mod workflow_metadata {
    /// The behaviour of a workflow when a node fails.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
    #[repr(i32)]
    pub enum OnFailurePolicy {
        /// Fail the workflow at once, aborting running nodes.
        FailImmediately = 0,
        /// Run every node that does not depend on the failed one, then fail.
        FailAfterExecutableNodesComplete = 1,
    }
}

/// Defaults for every node of a workflow.
#[derive(Clone, Copy, PartialEq, Eq, prost::Message)]
pub struct WorkflowMetadataDefaults {
    /// Whether nodes may run on preemptible machines.
    #[prost(bool, tag = "1")]
    pub interruptible: bool,
}

/// A node of a workflow: a task call or an array of them.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Node {
    /// The node's id, unique in the workflow.
    #[prost(string, tag = "1")]
    pub id: String,
    /// The node's name, timeout and retries.
    #[prost(message, optional, tag = "2")]
    pub metadata: Option<NodeMetadata>,
    /// One binding per input of the task.
    #[prost(message, repeated, tag = "3")]
    pub inputs: Vec<Binding>,
    /// The ids of the nodes whose outputs the bindings use.
    #[prost(string, repeated, tag = "4")]
    pub upstream_node_ids: Vec<String>,
    /// The target the node runs.
    #[prost(oneof = "node::Target", tags = "6, 10")]
    pub target: Option<node::Target>,
}

/// The oneof of [`Node`].
pub mod node {
    /// The target of a [`Node`](super::Node).
    #[derive(Clone, PartialEq, prost::Oneof)]
    pub enum Target {
        /// One task.
        #[prost(message, tag = "6")]
        TaskNode(super::TaskNode),
        /// A sub-node once per element of its list inputs.
        #[prost(message, tag = "10")]
        ArrayNode(Box<super::ArrayNode>),
    }
}

/// The name, timeout and retries of a node.
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct NodeMetadata {
    /// A name for people: the task's name.
    #[prost(string, tag = "1")]
    pub name: String,
    /// The limit of the node.
    #[prost(message, optional, tag = "4")]
    pub timeout: Option<prost_types::Duration>,
    /// How often a failed attempt is retried.
    #[prost(message, optional, tag = "5")]
    pub retries: Option<RetryStrategy>,
}

/// A node that runs a registered task.
#[derive(Clone, PartialEq, prost::Message)]
pub struct TaskNode {
    /// The task.
    #[prost(oneof = "task_node::Reference", tags = "1")]
    pub reference: Option<task_node::Reference>,
    /// Settings of this call that replace the task's.
    #[prost(message, optional, tag = "2")]
    pub overrides: Option<TaskNodeOverrides>,
}

/// The oneof of [`TaskNode`].
pub mod task_node {
    /// The task a [`TaskNode`](super::TaskNode) runs.
    #[derive(Clone, PartialEq, prost::Oneof)]
    pub enum Reference {
        /// The task's identifier.
        #[prost(message, tag = "1")]
        ReferenceId(super::Identifier),
    }
}

/// Settings of one task call that replace the task's.
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct TaskNodeOverrides {
    /// CPU and memory requests and limits.
    #[prost(message, optional, tag = "1")]
    pub resources: Option<Resources>,
}

/// A node that runs its sub-node once per element of its list inputs.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ArrayNode {
    /// The node that runs once per element.
    #[prost(message, optional, boxed, tag = "1")]
    pub node: Option<Box<Node>>,
    /// The fraction of sub-nodes that must succeed for the node to succeed.
    #[prost(oneof = "array_node::SuccessCriteria", tags = "4")]
    pub success_criteria: Option<array_node::SuccessCriteria>,
    /// A [`array_node::ExecutionMode`], as its number.
    #[prost(enumeration = "array_node::ExecutionMode", tag = "5")]
    pub execution_mode: i32,
    /// Whether the sub-node's interface is the task's own, a `google.protobuf.BoolValue`.
    #[prost(message, optional, tag = "6")]
    pub is_original_sub_node_interface: Option<bool>,
    /// A [`array_node::DataMode`], as its number.
    #[prost(enumeration = "array_node::DataMode", tag = "7")]
    pub data_mode: i32,
}

/// The oneof and the enums of [`ArrayNode`].
pub mod array_node {
    /// When an [`ArrayNode`](super::ArrayNode) succeeds.
    // NOTE: `min_successes` (3), a count, is left out, because the export
    // writes only ratios.
    #[derive(Clone, Copy, PartialEq, prost::Oneof)]
    pub enum SuccessCriteria {
        /// The fraction of sub-nodes, from 0 to 1, that must succeed.
        #[prost(float, tag = "4")]
        MinSuccessRatio(f32),
    }

    /// How much of each sub-node's state is kept.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
    #[repr(i32)]
    pub enum ExecutionMode {
        /// Only the phase of each sub-node, enough for tasks.
        MinimalState = 0,
        /// Every sub-node's full state, needed for workflows.
        FullState = 1,
    }

    /// The way each sub-node receives its inputs.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
    #[repr(i32)]
    pub enum DataMode {
        /// Every sub-node reads the whole input file and picks its index.
        SingleInputFile = 0,
        /// Each sub-node gets a file with its own elements.
        IndividualInputFiles = 1,
    }
}

/// The value of one input of a node, or of one output of a workflow.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Binding {
    /// The input or output name.
    #[prost(string, tag = "1")]
    pub var: String,
    /// The source of the value.
    #[prost(message, optional, tag = "2")]
    pub binding: Option<BindingData>,
}

/// The source of a bound value.
#[derive(Clone, PartialEq, prost::Message)]
pub struct BindingData {
    /// The source; `None` only in a message that set no field.
    #[prost(oneof = "binding_data::Value", tags = "1, 3")]
    pub value: Option<binding_data::Value>,
}

/// The oneof of [`BindingData`].
pub mod binding_data {
    /// The source of a [`BindingData`](super::BindingData).
    #[derive(Clone, PartialEq, prost::Oneof)]
    pub enum Value {
        /// A literal scalar.
        #[prost(message, tag = "1")]
        Scalar(super::Scalar),
        /// An output of a node, or a workflow input.
        #[prost(message, tag = "3")]
        Promise(super::OutputReference),
    }
}

/// An output of a node. An empty `node_id` refers to the workflow's inputs.
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct OutputReference {
    /// The node's id.
    #[prost(string, tag = "1")]
    pub node_id: String,
    /// The output name.
    #[prost(string, tag = "2")]
    pub var: String,
}
