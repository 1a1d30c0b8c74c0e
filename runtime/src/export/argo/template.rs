//! The container template of one task call.

use std::collections::BTreeMap;

use super::command;
use super::model::{
    Artifact, Backoff, Container, EnvVar, EnvVarSource, Io, Parameter, PodMetadata, RawArtifact,
    Resources, RetryStrategy, SecretKeySelector, SecurityContext, Template, ValueFrom,
};
use super::names::is_parameter_name;
use crate::duration::format_go;
use crate::export::shell;
use crate::spec::{MetadataFormat, PodTemplate, RunAs, TaskSpec};
use crate::value::ValueType;
use crate::workflow::Node;

/// The Kubernetes secret that contains the value of every declared secret,
/// one key per environment variable name.
pub(super) const SECRET_NAME: &str = "containerflow-secrets";

/// The pod label that a NetworkPolicy selects to block a task's network.
pub(super) const SANDBOX_LABEL: (&str, &str) = ("sandboxed", "true");

/// The pod template name that `container_task!` gives a task with
/// `block_network` and no pod template, for Flyte. Argo needs only the label.
const FLYTE_SANDBOX_TEMPLATE: &str = "sandboxed-pod-template";

/// Builds the container template of `node`, named `name`.
///
/// `list_lengths` gives, for each input in declaration order, the number
/// of elements of a list input, known when the workflow is exported.
///
/// # Errors
///
/// Returns the reason when part of the task has no faithful Argo form.
pub(super) fn container_template(
    name: String,
    node: &Node,
    list_lengths: &[Option<usize>],
) -> Result<Template, String> {
    let spec = node.spec;
    reject_metadata_file_reads(spec)?;
    let command = command::rewrite(spec)?;
    let settings = node.overrides.apply(spec.settings);
    let security_context = match settings.user {
        RunAs::Image => None,
        RunAs::Id { uid, gid } => Some(SecurityContext {
            run_as_user: uid,
            run_as_group: gid,
        }),
        RunAs::Invoking => {
            return Err(
                "the task runs as the invoking user, who does not exist on a cluster; \
                 set `user` to a numeric uid and gid"
                    .to_owned(),
            )
        }
    };
    let env = environment(node, &command.env_inputs)?;
    let container = Container {
        image: checked_text(spec.image, "the image")?.to_owned(),
        command: command.command,
        args: command.args,
        env,
        resources: resources(settings.cpus, settings.memory),
        security_context,
    };
    let retry_strategy = (settings.retries > 0).then(|| RetryStrategy {
        limit: settings.retries,
        retry_policy: "Always",
        backoff: Backoff {
            duration: format_go(settings.retry_delay),
            factor: 2,
        },
    });
    Ok(Template {
        name,
        metadata: pod_metadata(spec)?,
        inputs: inputs(spec, list_lengths)?,
        outputs: outputs(node)?,
        container: Some(container),
        retry_strategy,
        // Kubernetes counts whole seconds, so a partial second rounds up.
        active_deadline_seconds: settings
            .timeout
            .map(|timeout| timeout.as_secs() + u64::from(timeout.subsec_nanos() > 0)),
        ..Template::default()
    })
}

/// Rejects a task whose command names the inputs metadata file, which Argo
/// does not write. A program that opens the file without the command
/// naming it is not detected.
fn reject_metadata_file_reads(spec: &TaskSpec) -> Result<(), String> {
    let files = [
        MetadataFormat::Json,
        MetadataFormat::Yaml,
        MetadataFormat::Proto,
    ]
    .map(MetadataFormat::file_name);
    for template in spec.command.iter().chain(spec.arguments) {
        if let Some(file) = files.iter().find(|file| template.source.contains(**file)) {
            return Err(format!(
                "the argument `{}` names `{file}`, and Argo writes no inputs metadata file; \
                 read each input from its own file under `{}`",
                template.source, spec.input_data_dir
            ));
        }
    }
    Ok(())
}

/// Returns `text` unless Argo would read `{{` in it as a variable.
pub(super) fn checked_text<'a>(text: &'a str, description: &str) -> Result<&'a str, String> {
    if text.contains("{{") {
        return Err(format!(
            "{description} `{text}` contains `{{{{`, which Argo would read as a variable"
        ));
    }
    Ok(text)
}

fn environment(node: &Node, env_inputs: &[usize]) -> Result<Vec<EnvVar>, String> {
    let spec = node.spec;
    let declared = spec.env.iter().map(|(name, value)| (*name, *value)).chain(
        node.overrides
            .extra_env()
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str())),
    );
    let mut env = Vec::new();
    for (name, value) in declared {
        check_env_name(name)?;
        let value = checked_text(value, &format!("the value of `{name}`"))?;
        env.push(EnvVar {
            name: name.to_owned(),
            value: Some(value.to_owned()),
            value_from: None,
        });
    }
    for secret in spec.secrets {
        check_env_name(secret.name)?;
        env.push(EnvVar {
            name: secret.name.to_owned(),
            value: None,
            value_from: Some(EnvVarSource {
                secret_key_ref: SecretKeySelector {
                    name: SECRET_NAME.to_owned(),
                    key: secret.name.to_owned(),
                },
            }),
        });
    }
    for index in env_inputs {
        let input = spec.inputs[*index].name;
        env.push(EnvVar {
            name: shell::variable_name(input),
            value: Some(format!("{{{{inputs.parameters.{input}}}}}")),
            value_from: None,
        });
    }
    Ok(env)
}

/// Rejects a name that Kubernetes rejects or that the export reserves.
/// Kubernetes 1.32 and later accept a non-empty name of printable ASCII
/// characters other than `=`. The export does not check the stricter rule
/// of older versions: letters, digits, `_`, `-` and `.`, not starting with
/// a digit.
fn check_env_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err(
            "an environment variable has an empty name, which Kubernetes rejects; name it"
                .to_owned(),
        );
    }
    if name.contains('=') || !name.chars().all(|c| c == ' ' || c.is_ascii_graphic()) {
        return Err(format!(
            "the environment variable name `{}` is invalid on Kubernetes, which accepts only \
             printable ASCII characters other than `=`; rename it",
            name.escape_debug()
        ));
    }
    shell::check_not_reserved(name)
}

/// Limits only, as the local runner sets: Kubernetes then sets each
/// request to its limit.
fn resources(cpus: Option<f64>, memory: Option<u64>) -> Option<Resources> {
    let mut limits = BTreeMap::new();
    if let Some(cpus) = cpus {
        limits.insert("cpu", cpus.to_string());
    }
    if let Some(memory) = memory {
        limits.insert("memory", memory.to_string());
    }
    (!limits.is_empty()).then_some(Resources { limits })
}

fn pod_metadata(spec: &TaskSpec) -> Result<PodMetadata, String> {
    let mut metadata = PodMetadata::default();
    match spec.pod_template {
        None => {}
        Some(PodTemplate::Named(FLYTE_SANDBOX_TEMPLATE)) if spec.block_network => {}
        Some(PodTemplate::Named(name)) => {
            return Err(format!(
                "the task names the pod template `{name}`, which only Flyte can refer to; \
                 give the labels and annotations inline"
            ))
        }
        Some(PodTemplate::Inline {
            labels,
            annotations,
            ..
        }) => {
            let owned = |pairs: &[(&str, &str)]| {
                pairs
                    .iter()
                    .map(|(key, value)| (key.to_string(), value.to_string()))
                    .collect()
            };
            metadata.labels = owned(labels);
            metadata.annotations = owned(annotations);
        }
    }
    if spec.block_network {
        let (key, value) = SANDBOX_LABEL;
        if metadata.labels.get(key).is_some_and(|set| set != value) {
            return Err(format!(
                "the task blocks its network, which the export marks with the pod label \
                 `{key}: \"{value}\"`, but its pod template sets `{key}` to another value"
            ));
        }
        metadata.labels.insert(key.to_owned(), value.to_owned());
    }
    Ok(metadata)
}

/// Declares one parameter per scalar and list input, and one artifact per file the
/// local runner stages: a scalar's text, a `File` or `Dir`, or a list
/// element. The text of a scalar comes from its parameter through a raw
/// artifact, so both placeholders and reads of `<input_dir>/<name>` see it.
fn inputs(spec: &TaskSpec, list_lengths: &[Option<usize>]) -> Result<Io, String> {
    let mut io = Io::default();
    for (index, param) in spec.inputs.iter().enumerate() {
        let name = param.name;
        check_name(name, "input")?;
        let path = format!("{}/{name}", spec.input_data_dir);
        match param.ty {
            ValueType::File | ValueType::Dir => io.artifacts.push(placed(name, path)),
            ValueType::List(element) if is_scalar(*element) => {
                let Some(length) = list_lengths.get(index).copied().flatten() else {
                    return Err(format!(
                        "the length of list input `{name}` is not known when the workflow is \
                         exported, and Argo cannot stage a list of unknown length as a \
                         directory; bind a literal list or the gathered output of a map over one"
                    ));
                };
                io.parameters.push(declared(name));
                // NOTE: only the schema and hera check this expression; no test runs
                // it on a cluster. Argo documents `jsonpath` for expression tags.
                for element in 0..length {
                    let data =
                        format!("{{{{=jsonpath(inputs.parameters['{name}'], '$[{element}]')}}}}");
                    io.artifacts.push(raw(
                        &format!("{name}-{element}"),
                        &format!("{path}/{element}"),
                        data,
                    ));
                }
            }
            ty if is_scalar(ty) => {
                io.parameters.push(declared(name));
                io.artifacts.push(raw(
                    name,
                    &path,
                    format!("{{{{inputs.parameters.{name}}}}}"),
                ));
            }
            other => {
                return Err(format!(
                    "input `{name}` has type {other}, which the Argo export does not stage yet"
                ))
            }
        }
    }
    Ok(io)
}

fn outputs(node: &Node) -> Result<Io, String> {
    let spec = node.spec;
    let mut io = Io::default();
    for param in spec.outputs {
        let name = param.name;
        check_name(name, "output")?;
        let path = format!("{}/{name}", spec.output_data_dir);
        match param.ty {
            ValueType::File | ValueType::Dir if node.map.is_some() => {
                return Err(format!(
                    "output `{name}` is a {}, and Argo cannot gather the artifacts of a \
                     loop into a list",
                    param.ty
                ))
            }
            ValueType::File | ValueType::Dir => io.artifacts.push(placed(name, path)),
            ty if is_scalar(ty) => io.parameters.push(Parameter {
                name: name.to_owned(),
                value: None,
                value_from: Some(ValueFrom { path }),
            }),
            other => {
                return Err(format!(
                    "output `{name}` has type {other}, which a task writes as a directory or \
                     a file of lines, and an Argo output parameter cannot read"
                ))
            }
        }
    }
    Ok(io)
}

/// Returns true for the types whose values are one text.
pub(super) fn is_scalar(ty: ValueType) -> bool {
    matches!(
        ty,
        ValueType::String
            | ValueType::Int
            | ValueType::Float
            | ValueType::Bool
            | ValueType::Datetime
            | ValueType::Duration
    )
}

fn check_name(name: &str, kind: &str) -> Result<(), String> {
    if is_parameter_name(name) {
        Ok(())
    } else {
        Err(format!(
            "{kind} `{name}` is not a valid Argo parameter name (letters, digits, `_`, `-`)"
        ))
    }
}

fn declared(name: &str) -> Parameter {
    Parameter {
        name: name.to_owned(),
        value: None,
        value_from: None,
    }
}

fn placed(name: &str, path: String) -> Artifact {
    Artifact {
        name: name.to_owned(),
        path: Some(path),
        from: None,
        raw: None,
    }
}

fn raw(name: &str, path: &str, data: String) -> Artifact {
    Artifact {
        name: name.to_owned(),
        path: Some(path.to_owned()),
        from: None,
        raw: Some(RawArtifact { data }),
    }
}
