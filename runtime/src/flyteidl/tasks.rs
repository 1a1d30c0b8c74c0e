//! The package `flyteidl.core`: task templates and their containers, from
//! `flyteidl/core/tasks.proto` and, for `RetryStrategy` and `KeyValuePair`,
//! `literals.proto`.
//!
//! Field names and numbers follow `flyteidl` 1.16.8. Only the fields that the
//! Flyte export writes are defined; see the module documentation of
//! [`flyteidl`](super) for what that means when decoding.

use std::collections::BTreeMap;

use super::interface::{Identifier, TypedInterface};

/// A task as Flyte registers it: its interface and how to run it.
#[derive(Clone, PartialEq, prost::Message)]
pub struct TaskTemplate {
    /// The task's identifier.
    #[prost(message, optional, tag = "1")]
    pub id: Option<Identifier>,
    /// The plugin that runs the task, `raw-container` for a container task.
    #[prost(string, tag = "2")]
    pub r#type: String,
    /// Retries, timeout and other settings.
    #[prost(message, optional, tag = "3")]
    pub metadata: Option<TaskMetadata>,
    /// The typed inputs and outputs.
    #[prost(message, optional, tag = "4")]
    pub interface: Option<TypedInterface>,
    /// The target to run: a container or a pod.
    #[prost(oneof = "task_template::Target", tags = "6, 17")]
    pub target: Option<task_template::Target>,
    /// The secrets the task's pod receives.
    #[prost(message, optional, tag = "8")]
    pub security_context: Option<SecurityContext>,
    /// Plugin settings, such as the name of the primary container of a pod.
    #[prost(btree_map = "string, string", tag = "16")]
    pub config: BTreeMap<String, String>,
}

/// The oneof of [`TaskTemplate`].
pub mod task_template {
    /// The target of a [`TaskTemplate`](super::TaskTemplate).
    #[derive(Clone, PartialEq, prost::Oneof)]
    pub enum Target {
        /// One container.
        #[prost(message, tag = "6")]
        Container(super::Container),
        /// A pod whose primary container runs the command.
        #[prost(message, tag = "17")]
        K8sPod(super::K8sPod),
    }
}

/// The settings of a task that are not part of its container.
#[derive(Clone, PartialEq, prost::Message)]
pub struct TaskMetadata {
    /// The SDK that wrote the task.
    #[prost(message, optional, tag = "2")]
    pub runtime: Option<RuntimeMetadata>,
    /// The limit of one attempt.
    #[prost(message, optional, tag = "4")]
    pub timeout: Option<prost_types::Duration>,
    /// How often a failed attempt is retried.
    #[prost(message, optional, tag = "5")]
    pub retries: Option<RetryStrategy>,
    /// The name of a pod template that exists on the cluster.
    #[prost(string, tag = "12")]
    pub pod_template_name: String,
    /// Whether the task writes a Flyte deck, a `google.protobuf.BoolValue`.
    #[prost(message, optional, tag = "15")]
    pub generates_deck: Option<bool>,
    /// Labels and annotations of the task's pod.
    #[prost(message, optional, tag = "16")]
    pub metadata: Option<K8sObjectMetadata>,
}

/// The SDK that wrote a task.
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct RuntimeMetadata {
    /// A [`runtime_metadata::RuntimeType`], as its number.
    #[prost(enumeration = "runtime_metadata::RuntimeType", tag = "1")]
    pub r#type: i32,
    /// The SDK's version.
    #[prost(string, tag = "2")]
    pub version: String,
    /// The SDK's language or name.
    #[prost(string, tag = "3")]
    pub flavor: String,
}

/// The enum of [`RuntimeMetadata`].
pub mod runtime_metadata {
    /// Whether a task was written by a Flyte SDK.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
    #[repr(i32)]
    pub enum RuntimeType {
        /// Any other writer.
        Other = 0,
        /// flytekit or another Flyte SDK.
        FlyteSdk = 1,
    }
}

/// How many times a failed attempt is retried.
#[derive(Clone, Copy, PartialEq, Eq, prost::Message)]
pub struct RetryStrategy {
    /// The number of retries after the first attempt.
    #[prost(uint32, tag = "5")]
    pub retries: u32,
}

/// A container: image, command, resources, environment and data directories.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Container {
    /// The image reference.
    #[prost(string, tag = "1")]
    pub image: String,
    /// The entry point and its arguments, with `{{.inputs.x}}` placeholders
    /// that Flyte's backend renders.
    #[prost(string, repeated, tag = "2")]
    pub command: Vec<String>,
    /// Arguments after the command.
    #[prost(string, repeated, tag = "3")]
    pub args: Vec<String>,
    /// CPU and memory requests and limits.
    #[prost(message, optional, tag = "4")]
    pub resources: Option<Resources>,
    /// Environment variables, in order.
    #[prost(message, repeated, tag = "5")]
    pub env: Vec<KeyValuePair>,
    /// The paths where CoPilot stages inputs and collects outputs.
    #[prost(message, optional, tag = "9")]
    pub data_config: Option<DataLoadingConfig>,
}

/// A name and a value.
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct KeyValuePair {
    /// The name.
    #[prost(string, tag = "1")]
    pub key: String,
    /// The value.
    #[prost(string, tag = "2")]
    pub value: String,
}

/// Compute resources of a container, as Kubernetes quantities.
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct Resources {
    /// The amounts the scheduler reserves.
    #[prost(message, repeated, tag = "1")]
    pub requests: Vec<resources::ResourceEntry>,
    /// The maximum amounts the container may use.
    #[prost(message, repeated, tag = "2")]
    pub limits: Vec<resources::ResourceEntry>,
}

/// The nested types of [`Resources`].
pub mod resources {
    /// A kind of compute resource.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
    #[repr(i32)]
    pub enum ResourceName {
        /// No kind given.
        Unknown = 0,
        /// CPU cores.
        Cpu = 1,
        /// GPUs.
        Gpu = 2,
        /// Memory.
        Memory = 3,
        /// Persistent storage.
        Storage = 4,
        /// Storage local to the node.
        EphemeralStorage = 5,
    }

    /// One resource and its quantity.
    #[derive(Clone, PartialEq, Eq, prost::Message)]
    pub struct ResourceEntry {
        /// A [`ResourceName`], as its number.
        #[prost(enumeration = "ResourceName", tag = "1")]
        pub name: i32,
        /// A Kubernetes quantity, such as `500m` or `1Gi`.
        #[prost(string, tag = "2")]
        pub value: String,
    }
}

/// The paths where CoPilot writes a task's inputs and reads its outputs.
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct DataLoadingConfig {
    /// Whether CoPilot runs at all.
    #[prost(bool, tag = "1")]
    pub enabled: bool,
    /// The input directory in the container.
    #[prost(string, tag = "2")]
    pub input_path: String,
    /// The output directory in the container.
    #[prost(string, tag = "3")]
    pub output_path: String,
    /// A [`data_loading_config::LiteralMapFormat`] of the inputs metadata file, as its number.
    #[prost(enumeration = "data_loading_config::LiteralMapFormat", tag = "4")]
    pub format: i32,
}

/// The enum of [`DataLoadingConfig`].
pub mod data_loading_config {
    /// The format of the file that contains every input.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
    #[repr(i32)]
    pub enum LiteralMapFormat {
        /// `inputs.json`.
        Json = 0,
        /// `inputs.yaml`.
        Yaml = 1,
        /// `inputs.pb`.
        Proto = 2,
    }
}

/// A pod that runs a task, given as a pod spec and metadata.
#[derive(Clone, PartialEq, prost::Message)]
pub struct K8sPod {
    /// Labels and annotations of the pod.
    #[prost(message, optional, tag = "1")]
    pub metadata: Option<K8sObjectMetadata>,
    /// The Kubernetes `PodSpec`, as a JSON-like structure.
    #[prost(message, optional, tag = "2")]
    pub pod_spec: Option<prost_types::Struct>,
    /// The paths where CoPilot stages inputs and collects outputs.
    #[prost(message, optional, tag = "3")]
    pub data_config: Option<DataLoadingConfig>,
    /// The name of the container that runs the command.
    #[prost(string, tag = "4")]
    pub primary_container_name: String,
}

/// Labels and annotations of a Kubernetes object.
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct K8sObjectMetadata {
    /// The labels, encoded sorted by key.
    #[prost(btree_map = "string, string", tag = "1")]
    pub labels: BTreeMap<String, String>,
    /// The annotations, encoded sorted by key.
    #[prost(btree_map = "string, string", tag = "2")]
    pub annotations: BTreeMap<String, String>,
}

/// The access rights of a task's pod, from `flyteidl/core/security.proto`.
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct SecurityContext {
    /// The secrets that Flyte's pod webhook injects into the pod.
    // NOTE: `run_as` (1) and `tokens` (3) are left out, because the export
    // writes neither.
    #[prost(message, repeated, tag = "2")]
    pub secrets: Vec<Secret>,
}

/// A secret in the cluster's secret store, and how the pod receives it.
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct Secret {
    /// With the Kubernetes secret store, the name of the Kubernetes secret.
    #[prost(string, tag = "1")]
    pub group: String,
    /// A version of the group, for stores that keep versions.
    #[prost(string, tag = "2")]
    pub group_version: String,
    /// With the Kubernetes secret store, the key in the Kubernetes secret.
    #[prost(string, tag = "3")]
    pub key: String,
    /// A [`secret::MountType`], as its number.
    #[prost(enumeration = "secret::MountType", tag = "4")]
    pub mount_requirement: i32,
    /// The name of the environment variable that receives the value, for
    /// the mount type `EnvVar`.
    #[prost(string, tag = "5")]
    pub env_var: String,
}

/// The enum of [`Secret`].
pub mod secret {
    /// The way a pod receives a secret.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
    #[repr(i32)]
    pub enum MountType {
        /// As the webhook chooses.
        Any = 0,
        /// As an environment variable.
        EnvVar = 1,
        /// As a file.
        File = 2,
    }
}
