//! Task declarations as Flyte `raw-container` task templates.

use std::collections::BTreeMap;
use std::time::Duration;

use super::Rejection;
use crate::error::Error;
use crate::flyteidl::core::blob_type::BlobDimensionality;
use crate::flyteidl::core::BlobType;
use crate::flyteidl::interface::{
    literal_type, Identifier, LiteralType, ResourceType, SimpleType, TypedInterface, Variable,
    VariableMap,
};
use crate::flyteidl::tasks::data_loading_config::LiteralMapFormat;
use crate::flyteidl::tasks::resources::{ResourceEntry, ResourceName};
use crate::flyteidl::tasks::runtime_metadata::RuntimeType;
use crate::flyteidl::tasks::{
    task_template, Container, DataLoadingConfig, K8sObjectMetadata, K8sPod, KeyValuePair,
    Resources, RetryStrategy, RuntimeMetadata, TaskMetadata, TaskTemplate,
};
use crate::spec::{
    ArgTemplate, MetadataFormat, ParamSpec, PodTemplate, RunAs, Segment, Settings, TaskSpec,
};
use crate::value::ValueType;
use crate::workflow::Workflow;

/// The task type of Flyte's plugin that runs a container with CoPilot.
const TASK_TYPE: &str = "raw-container";

/// The key of [`TaskTemplate::config`] that names a pod's primary container.
const PRIMARY_CONTAINER_KEY: &str = "primary_container_name";

/// Returns each task the workflow calls once, in the order of the first node
/// that calls it, with that node's name.
///
/// # Errors
///
/// Rejects two different tasks with the same name, because their files and
/// registered identifiers would be the same.
pub(super) fn distinct_specs<'w>(
    workflow: &'w Workflow,
    reject: &Rejection<'_>,
) -> Result<Vec<(&'static TaskSpec, &'w str)>, Error> {
    let mut specs: Vec<(&'static TaskSpec, &'w str)> = Vec::new();
    for node in workflow.graph().node_weights() {
        let same_name = specs.iter().find(|(spec, _)| spec.name == node.spec.name);
        match same_name {
            Some((spec, _)) if std::ptr::eq(*spec, node.spec) => {}
            Some((_, first)) => {
                return Err(reject.node(
                    &node.name,
                    format!(
                        "it calls a task named `{}`, and node `{first}` calls a different task \
                         of the same name; Flyte registers tasks by name, so rename one",
                        node.spec.name
                    ),
                ))
            }
            None => specs.push((node.spec, &node.name)),
        }
    }
    Ok(specs)
}

/// Builds the task template of `spec`, which node `node` calls.
pub(super) fn template(
    spec: &TaskSpec,
    node: &str,
    reject: &Rejection<'_>,
) -> Result<TaskTemplate, Error> {
    check_name(spec, node, reject)?;
    check_secrets(spec, node, reject)?;
    check_user(spec.settings.user).map_err(|reason| reject.task(node, spec, reason))?;
    check_rendering(spec).map_err(|reason| reject.task(node, spec, reason))?;
    check_outputs(spec).map_err(|reason| reject.task(node, spec, reason))?;
    let interface = interface(spec).map_err(|reason| reject.task(node, spec, reason))?;
    let (target, config) = target(spec);
    Ok(TaskTemplate {
        id: Some(Identifier::unversioned(ResourceType::Task, spec.name)),
        r#type: TASK_TYPE.to_owned(),
        metadata: Some(metadata(spec)),
        interface: Some(interface),
        target: Some(target),
        config,
    })
}

fn check_name(spec: &TaskSpec, node: &str, reject: &Rejection<'_>) -> Result<(), Error> {
    if spec.name.is_empty() || spec.name.contains(['/', '\0']) {
        return Err(reject.task(
            node,
            spec,
            "the task name is part of a file name in the package, so it must be non-empty \
             and contain no `/`"
                .to_owned(),
        ));
    }
    Ok(())
}

// TODO: map secrets once a declaration can name a secret in the cluster's
// store (a Kubernetes secret and key), which Flyte mounts as `Secret`.
fn check_secrets(spec: &TaskSpec, node: &str, reject: &Rejection<'_>) -> Result<(), Error> {
    let Some(secret) = spec.secrets.first() else {
        return Ok(());
    };
    Err(reject.task(
        node,
        spec,
        format!(
            "secret `{}` is read from the host that runs the workflow, but a Flyte task \
             reads secrets from the cluster's secret store, which the declaration does not \
             name; remove the secret from the declaration and set it up in the cluster",
            secret.name
        ),
    ))
}

/// Rejects a user other than the image's own: a Flyte task template has no
/// field for a uid or gid.
pub(super) fn check_user(user: RunAs) -> Result<(), String> {
    match user {
        RunAs::Image => Ok(()),
        RunAs::Invoking | RunAs::Id { .. } => Err(format!(
            "it runs as {user:?}, but a Flyte task template cannot set the user of its \
             container, so it would run as the image's user; remove `user` or set the user in \
             the image"
        )),
    }
}

/// Rejects a placeholder of a type that Flyte's backend renders differently
/// from containerflow's local runner, so the same workflow would run a
/// different command on the cluster.
fn check_rendering(spec: &TaskSpec) -> Result<(), String> {
    let templates = spec.command.iter().chain(spec.arguments);
    for template in templates {
        for segment in template.segments {
            let Segment::Input { index, .. } = *segment else {
                continue;
            };
            let Some(input) = spec.inputs.get(index) else {
                continue;
            };
            if let Some(difference) = rendering_difference(input.ty) {
                return Err(format!(
                    "`{}` substitutes input `{}` of type {}, and {difference}; read the value \
                     from `{}/{}` instead, which Flyte's CoPilot writes as containerflow does",
                    template.source,
                    input.name,
                    input.ty,
                    spec.input_data_dir.trim_end_matches('/'),
                    input.name
                ));
            }
        }
    }
    Ok(())
}

/// Rejects a list or map output: Flyte's CoPilot reads only scalar, `File`
/// and `Dir` outputs from the output directory.
fn check_outputs(spec: &TaskSpec) -> Result<(), String> {
    let collection = spec
        .outputs
        .iter()
        .find(|output| matches!(output.ty, ValueType::List(_) | ValueType::Map(_)));
    match collection {
        Some(output) => Err(format!(
            "output `{}` has type {}, and Flyte's CoPilot reads only scalar, file and \
             directory outputs; write a `File` or `Dir` output instead",
            output.name, output.ty
        )),
        None => Ok(()),
    }
}

/// Describes how Flyte's backend renders a value of type `ty` in a command
/// differently from [`Value::render`](crate::value::Value::render), or
/// returns `None` where both write the same text.
fn rendering_difference(ty: ValueType) -> Option<&'static str> {
    match ty {
        ValueType::Float => Some(
            "Flyte's backend renders floats with Go's `%v`, as `1e+06` where containerflow \
             writes `1000000`",
        ),
        ValueType::Duration => Some(
            "Flyte's backend renders durations as protobuf text, `seconds:90`, where \
             containerflow writes `1m30s`",
        ),
        ValueType::Datetime => Some(
            "Flyte's backend renders datetimes with Go's RFC 3339 nanosecond format, \
             `...05.5Z`, where containerflow writes `...05.500Z`",
        ),
        ValueType::List(element) => rendering_difference(*element),
        _ => None,
    }
}

/// Converts a declared type to Flyte's, or describes why it has none.
pub(super) fn literal_type(ty: ValueType) -> Result<LiteralType, String> {
    let simple = |simple: SimpleType| Ok(LiteralType::simple(simple));
    let blob = |dimensionality: BlobDimensionality| LiteralType {
        r#type: Some(literal_type::Type::Blob(BlobType {
            format: String::new(),
            dimensionality: dimensionality.into(),
        })),
    };
    match ty {
        ValueType::String => simple(SimpleType::String),
        ValueType::Int => simple(SimpleType::Integer),
        ValueType::Float => simple(SimpleType::Float),
        ValueType::Bool => simple(SimpleType::Boolean),
        ValueType::Datetime => simple(SimpleType::Datetime),
        ValueType::Duration => simple(SimpleType::Duration),
        ValueType::File => Ok(blob(BlobDimensionality::Single)),
        ValueType::Dir => Ok(blob(BlobDimensionality::Multipart)),
        ValueType::List(element) => Ok(LiteralType {
            r#type: Some(literal_type::Type::CollectionType(Box::new(literal_type(
                *element,
            )?))),
        }),
        ValueType::Map(element) => Ok(LiteralType {
            r#type: Some(literal_type::Type::MapValueType(Box::new(literal_type(
                *element,
            )?))),
        }),
        // TODO: export optional values as Flyte's union of the type and none.
        #[allow(unreachable_patterns, reason = "for types added to `ValueType` later")]
        other => Err(format!("the type {other} has no Flyte export yet")),
    }
}

/// Builds one variable per parameter, described by its name as flytekit describes it.
pub(super) fn variables(
    params: impl IntoIterator<Item = (String, ValueType)>,
) -> Result<VariableMap, String> {
    let mut variables = BTreeMap::new();
    for (name, ty) in params {
        let variable = Variable {
            r#type: Some(literal_type(ty)?),
            description: name.clone(),
        };
        variables.insert(name, variable);
    }
    Ok(VariableMap { variables })
}

fn interface(spec: &TaskSpec) -> Result<TypedInterface, String> {
    let named = |params: &[ParamSpec]| -> Vec<(String, ValueType)> {
        params
            .iter()
            .map(|param| (param.name.to_owned(), param.ty))
            .collect()
    };
    let inputs = variables(named(spec.inputs)).map_err(|reason| format!("an input: {reason}"))?;
    let outputs =
        variables(named(spec.outputs)).map_err(|reason| format!("an output: {reason}"))?;
    Ok(TypedInterface {
        inputs: Some(inputs),
        outputs: Some(outputs),
    })
}

fn metadata(spec: &TaskSpec) -> TaskMetadata {
    let pod_template_name = match spec.pod_template {
        Some(PodTemplate::Named(name)) => name.to_owned(),
        _ => String::new(),
    };
    TaskMetadata {
        runtime: Some(RuntimeMetadata {
            r#type: RuntimeType::Other.into(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            flavor: "containerflow".to_owned(),
        }),
        timeout: spec.settings.timeout.map(protobuf_duration),
        retries: Some(RetryStrategy {
            retries: spec.settings.retries,
        }),
        pod_template_name,
        generates_deck: Some(false),
        metadata: Some(K8sObjectMetadata::default()),
    }
}

/// Builds the container, or the pod of a task with an inline pod template,
/// and the template's plugin settings.
fn target(spec: &TaskSpec) -> (task_template::Target, BTreeMap<String, String>) {
    let container = container(spec);
    let Some(PodTemplate::Inline {
        labels,
        annotations,
        primary_container_name,
    }) = spec.pod_template
    else {
        return (task_template::Target::Container(container), BTreeMap::new());
    };
    let pairs = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
            .collect()
    };
    let pod = K8sPod {
        metadata: Some(K8sObjectMetadata {
            labels: pairs(labels),
            annotations: pairs(annotations),
        }),
        pod_spec: Some(pod_spec(&container, primary_container_name)),
        data_config: container.data_config.clone(),
        primary_container_name: primary_container_name.to_owned(),
    };
    let config = BTreeMap::from([(
        PRIMARY_CONTAINER_KEY.to_owned(),
        primary_container_name.to_owned(),
    )]);
    (task_template::Target::K8sPod(pod), config)
}

fn container(spec: &TaskSpec) -> Container {
    let sources = |templates: &[ArgTemplate]| -> Vec<String> {
        templates
            .iter()
            .map(|template| template.source.to_owned())
            .collect()
    };
    let format = match spec.metadata_format {
        MetadataFormat::Json => LiteralMapFormat::Json,
        MetadataFormat::Yaml => LiteralMapFormat::Yaml,
        MetadataFormat::Proto => LiteralMapFormat::Proto,
    };
    Container {
        image: spec.image.to_owned(),
        command: sources(spec.command),
        args: sources(spec.arguments),
        // flytekit writes empty resources when a task sets none.
        resources: Some(resources(&spec.settings).unwrap_or_default()),
        env: spec
            .env
            .iter()
            .map(|(key, value)| KeyValuePair {
                key: (*key).to_owned(),
                value: (*value).to_owned(),
            })
            .collect(),
        data_config: Some(DataLoadingConfig {
            enabled: true,
            input_path: spec.input_data_dir.to_owned(),
            output_path: spec.output_data_dir.to_owned(),
            format: format.into(),
        }),
    }
}

/// Builds the pod spec of a task with an inline pod template: one container,
/// named `primary`, that runs the task's container.
// NOTE: no example has an inline pod template, so this pod spec is not
// compared with flytekit's, which also sets fields such as the container's
// `args` layout from its own defaults.
fn pod_spec(container: &Container, primary: &str) -> prost_types::Struct {
    use prost_types::value::Kind;
    use prost_types::{ListValue, Struct, Value};

    let text = |text: &str| Value {
        kind: Some(Kind::StringValue(text.to_owned())),
    };
    let list = |values: Vec<Value>| Value {
        kind: Some(Kind::ListValue(ListValue { values })),
    };
    let object = |fields: Vec<(&str, Value)>| Value {
        kind: Some(Kind::StructValue(Struct {
            fields: fields
                .into_iter()
                .map(|(key, value)| (key.to_owned(), value))
                .collect(),
        })),
    };
    let mut fields = vec![
        ("name", text(primary)),
        ("image", text(&container.image)),
        (
            "command",
            list(container.command.iter().map(|arg| text(arg)).collect()),
        ),
        (
            "args",
            list(container.args.iter().map(|arg| text(arg)).collect()),
        ),
    ];
    let env = container
        .env
        .iter()
        .map(|pair| {
            object(vec![
                ("name", text(&pair.key)),
                ("value", text(&pair.value)),
            ])
        })
        .collect();
    fields.push(("env", list(env)));
    if let Some(resources) = &container.resources {
        let quantities = |entries: &[ResourceEntry]| {
            object(
                entries
                    .iter()
                    .map(|entry| (resource_key(entry.name), text(&entry.value)))
                    .collect(),
            )
        };
        let requirements = object(vec![
            ("requests", quantities(&resources.requests)),
            ("limits", quantities(&resources.limits)),
        ]);
        fields.push(("resources", requirements));
    }
    Struct {
        fields: BTreeMap::from([("containers".to_owned(), list(vec![object(fields)]))]),
    }
}

fn resource_key(name: i32) -> &'static str {
    if name == i32::from(ResourceName::Cpu) {
        "cpu"
    } else {
        "memory"
    }
}

/// Builds the requests and limits of a container from its CPU and memory
/// limits, or `None` when there are none. Requests are set to the limits,
/// because a Kubernetes request below the limit would let the pod share the
/// node with pods that take that CPU or memory, where Docker gives the
/// container its limit.
pub(super) fn resources(settings: &Settings) -> Option<Resources> {
    let mut entries = Vec::new();
    if let Some(cpus) = settings.cpus {
        entries.push(ResourceEntry {
            name: ResourceName::Cpu.into(),
            value: cpu_quantity(cpus),
        });
    }
    if let Some(bytes) = settings.memory {
        entries.push(ResourceEntry {
            name: ResourceName::Memory.into(),
            value: memory_quantity(bytes),
        });
    }
    if entries.is_empty() {
        return None;
    }
    Some(Resources {
        requests: entries.clone(),
        limits: entries,
    })
}

/// Writes cores as a Kubernetes quantity: `2`, `500m`, or the decimal
/// number when it is not a whole number of millicores.
fn cpu_quantity(cores: f64) -> String {
    let millicores = (cores * 1000.0).round();
    if (millicores - cores * 1000.0).abs() > 1e-6 {
        return cores.to_string();
    }
    let millicores = millicores as u64;
    if millicores % 1000 == 0 {
        (millicores / 1000).to_string()
    } else {
        format!("{millicores}m")
    }
}

/// Writes bytes as a Kubernetes quantity with the largest binary suffix
/// that divides it: `1Gi`, `512Mi`, or plain bytes.
fn memory_quantity(bytes: u64) -> String {
    const SUFFIXES: [(&str, u64); 4] = [
        ("Ti", 1 << 40),
        ("Gi", 1 << 30),
        ("Mi", 1 << 20),
        ("Ki", 1 << 10),
    ];
    for (suffix, unit) in SUFFIXES {
        if bytes != 0 && bytes % unit == 0 {
            return format!("{}{suffix}", bytes / unit);
        }
    }
    bytes.to_string()
}

/// Converts a timeout to protobuf's `Duration`, capped at its largest value.
pub(super) fn protobuf_duration(span: Duration) -> prost_types::Duration {
    prost_types::Duration::try_from(span).unwrap_or(prost_types::Duration {
        seconds: i64::MAX,
        nanos: 999_999_999,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_quantity_forms() {
        assert_eq!(cpu_quantity(2.0), "2");
        assert_eq!(cpu_quantity(0.5), "500m");
        assert_eq!(cpu_quantity(1.25), "1250m");
        assert_eq!(cpu_quantity(0.0001), "0.0001");
    }

    #[test]
    fn memory_quantity_forms() {
        assert_eq!(memory_quantity(1 << 30), "1Gi");
        assert_eq!(memory_quantity(512 << 20), "512Mi");
        assert_eq!(memory_quantity(1536), "1536");
        assert_eq!(memory_quantity(3 << 10), "3Ki");
        assert_eq!(memory_quantity(0), "0");
    }

    #[test]
    fn rendering_differences() {
        for ty in [ValueType::Float, ValueType::Duration, ValueType::Datetime] {
            assert!(rendering_difference(ty).is_some(), "{ty}");
        }
        assert!(rendering_difference(ValueType::List(&ValueType::Float)).is_some());
        for ty in [ValueType::String, ValueType::Int, ValueType::Bool] {
            assert!(rendering_difference(ty).is_none(), "{ty}");
        }
    }
}
