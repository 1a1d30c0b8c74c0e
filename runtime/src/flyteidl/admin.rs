//! The package `flyteidl.admin`: the messages that `flytectl register files`
//! reads from a package, from `flyteidl/admin/task.proto`, `workflow.proto`,
//! `launch_plan.proto` and `common.proto`.
//!
//! Field names and numbers follow `flyteidl` 1.16.8. Only the fields that the
//! Flyte export writes are defined; see the module documentation of
//! [`flyteidl`](super) for what that means when decoding.

use std::collections::BTreeMap;

use super::core::LiteralMap;
use super::interface::{Identifier, ParameterMap, VariableMap};
use super::tasks::TaskTemplate;
use super::workflow::WorkflowTemplate;

/// A task to register: the content of a `NN_<name>_1.pb` file.
#[derive(Clone, PartialEq, prost::Message)]
pub struct TaskSpec {
    /// The task.
    #[prost(message, optional, tag = "1")]
    pub template: Option<TaskTemplate>,
}

/// A workflow to register: the content of a `NN_<name>_2.pb` file.
#[derive(Clone, PartialEq, prost::Message)]
pub struct WorkflowSpec {
    /// The workflow.
    #[prost(message, optional, tag = "1")]
    pub template: Option<WorkflowTemplate>,
}

/// A launch plan to register: the content of a `NN_<name>_3.pb` file.
#[derive(Clone, PartialEq, prost::Message)]
pub struct LaunchPlan {
    /// The launch plan's identifier.
    #[prost(message, optional, tag = "1")]
    pub id: Option<Identifier>,
    /// The launched workflow and its inputs.
    #[prost(message, optional, tag = "2")]
    pub spec: Option<LaunchPlanSpec>,
    /// State that Flyte's admin service fills in.
    #[prost(message, optional, tag = "3")]
    pub closure: Option<LaunchPlanClosure>,
}

/// The workflow a launch plan launches, and its inputs.
#[derive(Clone, PartialEq, prost::Message)]
pub struct LaunchPlanSpec {
    /// The workflow.
    #[prost(message, optional, tag = "1")]
    pub workflow_id: Option<Identifier>,
    /// Schedules and notifications.
    #[prost(message, optional, tag = "2")]
    pub entity_metadata: Option<LaunchPlanMetadata>,
    /// Inputs that a launch may give, with their defaults.
    #[prost(message, optional, tag = "3")]
    pub default_inputs: Option<ParameterMap>,
    /// Inputs that a launch cannot change.
    #[prost(message, optional, tag = "4")]
    pub fixed_inputs: Option<LiteralMap>,
    /// Labels of every execution.
    #[prost(message, optional, tag = "6")]
    pub labels: Option<Labels>,
    /// Annotations of every execution.
    #[prost(message, optional, tag = "7")]
    pub annotations: Option<Annotations>,
    /// The location executions write their data to; empty for the cluster's default.
    #[prost(message, optional, tag = "17")]
    pub raw_output_data_config: Option<RawOutputDataConfig>,
}

/// Schedules and notifications of a launch plan.
#[derive(Clone, Copy, PartialEq, Eq, prost::Message)]
pub struct LaunchPlanMetadata {}

/// State of a launch plan that Flyte's admin service fills in.
#[derive(Clone, PartialEq, prost::Message)]
pub struct LaunchPlanClosure {
    /// The inputs a launch must or may give.
    #[prost(message, optional, tag = "2")]
    pub expected_inputs: Option<ParameterMap>,
    /// The outputs of an execution.
    #[prost(message, optional, tag = "3")]
    pub expected_outputs: Option<VariableMap>,
}

/// Kubernetes labels, by key.
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct Labels {
    /// The labels, encoded sorted by key.
    #[prost(btree_map = "string, string", tag = "1")]
    pub values: BTreeMap<String, String>,
}

/// Kubernetes annotations, by key.
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct Annotations {
    /// The annotations, encoded sorted by key.
    #[prost(btree_map = "string, string", tag = "1")]
    pub values: BTreeMap<String, String>,
}

/// The location executions write their data to.
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct RawOutputDataConfig {
    /// A blob store prefix; empty for the cluster's default.
    #[prost(string, tag = "1")]
    pub output_location_prefix: String,
}
