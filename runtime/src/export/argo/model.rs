//! The part of Argo Workflows' `Workflow` resource that the export writes.
//!
//! Field names and nesting follow Argo's JSON schema (`argoproj.io/v1alpha1`,
//! v3.x and v4.x). Empty lists and unset options are left out of the YAML,
//! as `argo` and hera leave them out.

use std::collections::BTreeMap;

use serde::Serialize;

/// A `Workflow` resource.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Workflow {
    pub(super) api_version: &'static str,
    pub(super) kind: &'static str,
    pub(super) metadata: WorkflowMetadata,
    pub(super) spec: WorkflowSpec,
}

/// The object metadata of the workflow. Kubernetes appends a random suffix
/// to `generateName` for each submission.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct WorkflowMetadata {
    pub(super) generate_name: String,
}

/// The entry point and every template the workflow uses.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct WorkflowSpec {
    pub(super) entrypoint: String,
    pub(super) templates: Vec<Template>,
}

/// A template: either the DAG or one container.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Template {
    pub(super) name: String,
    #[serde(skip_serializing_if = "PodMetadata::is_empty")]
    pub(super) metadata: PodMetadata,
    #[serde(skip_serializing_if = "Io::is_empty")]
    pub(super) inputs: Io,
    #[serde(skip_serializing_if = "Io::is_empty")]
    pub(super) outputs: Io,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) dag: Option<Dag>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) container: Option<Container>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) retry_strategy: Option<RetryStrategy>,
    /// Seconds one pod, that is one attempt, may run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) active_deadline_seconds: Option<u64>,
}

/// Labels and annotations put on the pod of a container template.
#[derive(Debug, Default, Serialize)]
pub(super) struct PodMetadata {
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(super) labels: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(super) annotations: BTreeMap<String, String>,
}

impl PodMetadata {
    fn is_empty(&self) -> bool {
        self.labels.is_empty() && self.annotations.is_empty()
    }
}

/// The inputs or outputs of a template, or the arguments of a DAG task.
#[derive(Debug, Default, Serialize)]
pub(super) struct Io {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) parameters: Vec<Parameter>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) artifacts: Vec<Artifact>,
}

impl Io {
    pub(super) fn is_empty(&self) -> bool {
        self.parameters.is_empty() && self.artifacts.is_empty()
    }
}

/// A string parameter: declared, given a value, or read from a file.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Parameter {
    pub(super) name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) value_from: Option<ValueFrom>,
}

/// The file an output parameter is read from.
#[derive(Debug, Serialize)]
pub(super) struct ValueFrom {
    pub(super) path: String,
}

/// A file or directory: placed at `path`, taken `from` another task's
/// output, or written from `raw` text.
#[derive(Debug, Serialize)]
pub(super) struct Artifact {
    pub(super) name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) raw: Option<RawArtifact>,
}

/// The text of an artifact, written by Argo's init container.
#[derive(Debug, Serialize)]
pub(super) struct RawArtifact {
    pub(super) data: String,
}

/// The tasks of a DAG template.
#[derive(Debug, Serialize)]
pub(super) struct Dag {
    pub(super) tasks: Vec<DagTask>,
}

/// One call of a template in the DAG.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct DagTask {
    pub(super) name: String,
    pub(super) template: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) dependencies: Vec<String>,
    #[serde(skip_serializing_if = "Io::is_empty")]
    pub(super) arguments: Io,
    /// A JSON list, or a reference to one. The task runs once per element.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) with_param: Option<String>,
}

/// The main container of a container template.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Container {
    pub(super) image: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) command: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) args: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) env: Vec<EnvVar>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) resources: Option<Resources>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) security_context: Option<SecurityContext>,
}

/// An environment variable with a literal value or a Kubernetes secret key.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct EnvVar {
    pub(super) name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) value_from: Option<EnvVarSource>,
}

/// The source of an environment variable's value.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct EnvVarSource {
    pub(super) secret_key_ref: SecretKeySelector,
}

/// A key of a Kubernetes secret in the workflow's namespace.
#[derive(Debug, Serialize)]
pub(super) struct SecretKeySelector {
    pub(super) name: String,
    pub(super) key: String,
}

/// Kubernetes resource limits, as quantities: `cpu` in cores, `memory` in bytes.
#[derive(Debug, Serialize)]
pub(super) struct Resources {
    pub(super) limits: BTreeMap<&'static str, String>,
}

/// The numeric user and group the main container runs as.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SecurityContext {
    pub(super) run_as_user: u32,
    pub(super) run_as_group: u32,
}

/// The retry policy of a failed pod: how many times, when, and after which delay.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RetryStrategy {
    pub(super) limit: u32,
    pub(super) retry_policy: &'static str,
    pub(super) backoff: Backoff,
}

/// The delay before the first retry, as a Go duration, and its multiplier.
#[derive(Debug, Serialize)]
pub(super) struct Backoff {
    pub(super) duration: String,
    pub(super) factor: u32,
}
