//! Task declarations as Flyte `raw-container` task templates.

use std::collections::BTreeMap;
use std::time::Duration;

use super::{command, Rejection};
use crate::error::Error;
use crate::export::shell;
use crate::flyteidl::core::blob_type::BlobDimensionality;
use crate::flyteidl::core::BlobType;
use crate::flyteidl::interface::{
    literal_type, Identifier, LiteralType, ResourceType, SimpleType, TypeStructure, TypedInterface,
    UnionType, Variable, VariableMap,
};
use crate::flyteidl::tasks::data_loading_config::LiteralMapFormat;
use crate::flyteidl::tasks::resources::{ResourceEntry, ResourceName};
use crate::flyteidl::tasks::runtime_metadata::RuntimeType;
use crate::flyteidl::tasks::secret::MountType;
use crate::flyteidl::tasks::{
    task_template, Container, DataLoadingConfig, K8sObjectMetadata, K8sPod, KeyValuePair,
    Resources, RetryStrategy, RuntimeMetadata, Secret, SecurityContext, TaskMetadata, TaskTemplate,
};
use crate::spec::{MetadataFormat, ParamSpec, PodTemplate, RunAs, Segment, Settings, TaskSpec};
use crate::value::ValueType;
use crate::workflow::Workflow;

/// The task type of Flyte's plugin that runs a container with CoPilot.
const TASK_TYPE: &str = "raw-container";

/// The key of [`TaskTemplate::config`] that names a pod's primary container.
const PRIMARY_CONTAINER_KEY: &str = "primary_container_name";

/// The Kubernetes secret that contains every declared secret, one key per
/// variable name. The Argo export reads secrets from the same secret, so one
/// secret serves both engines.
pub(super) const SECRET_GROUP: &str = "containerflow-secrets";

/// The tag that flytekit 1.16 gives the none variant of an optional type.
const NONE_TAG: &str = "none";

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
    check_user(spec.settings.user).map_err(|reason| reject.task(node, spec, reason))?;
    check_rendering(spec).map_err(|reason| reject.task(node, spec, reason))?;
    check_outputs(spec).map_err(|reason| reject.task(node, spec, reason))?;
    check_env(spec).map_err(|reason| reject.task(node, spec, reason))?;
    let interface = interface(spec).map_err(|reason| reject.task(node, spec, reason))?;
    let argv = Argv {
        command: command::rewrite(spec, spec.command)
            .map_err(|reason| reject.task(node, spec, reason))?,
        args: command::rewrite(spec, spec.arguments)
            .map_err(|reason| reject.task(node, spec, reason))?,
    };
    let (target, config) = target(spec, argv);
    Ok(TaskTemplate {
        id: Some(Identifier::unversioned(ResourceType::Task, spec.name)),
        r#type: TASK_TYPE.to_owned(),
        metadata: Some(metadata(spec)),
        interface: Some(interface),
        target: Some(target),
        security_context: security_context(spec),
        config,
    })
}

fn check_name(spec: &TaskSpec, node: &str, reject: &Rejection<'_>) -> Result<(), Error> {
    super::check_entity_name("task", spec.name).map_err(|reason| reject.task(node, spec, reason))
}

/// Rejects a declared environment variable whose name starts with
/// [`shell::VARIABLE_PREFIX`], because a script that reads an input file
/// sets a shell variable of that name.
fn check_env(spec: &TaskSpec) -> Result<(), String> {
    spec.env
        .iter()
        .try_for_each(|(name, _)| shell::check_not_reserved(name))
}

/// Requests each declared secret from the key of its variable name in the
/// Kubernetes secret [`SECRET_GROUP`], as an environment variable of the same
/// name, or returns `None` for a task without secrets, as flytekit does.
///
/// Flyte's pod webhook, with its default Kubernetes secret store, reads
/// `group` as the secret's name and `key` as its key, and sets `env_var` in
/// every container of the pod. It also sets the variable
/// `_FSEC_<GROUP>_<KEY>`, upper case, to the same value.
// NOTE: a webhook older than the `env_var` field (added to Flyte's webhook
// in 2025) sets only the `_FSEC_` variable, so the command would not find its
// secret under the declared name.
fn security_context(spec: &TaskSpec) -> Option<SecurityContext> {
    if spec.secrets.is_empty() {
        return None;
    }
    let secrets = spec
        .secrets
        .iter()
        .map(|secret| Secret {
            group: SECRET_GROUP.to_owned(),
            group_version: String::new(),
            key: secret.name.to_owned(),
            mount_requirement: MountType::EnvVar.into(),
            env_var: secret.name.to_owned(),
        })
        .collect();
    Some(SecurityContext { secrets })
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
        structure: None,
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
        ValueType::List(element) => Ok(collection_type(literal_type(*element)?)),
        ValueType::Map(element) => Ok(LiteralType {
            r#type: Some(literal_type::Type::MapValueType(Box::new(literal_type(
                *element,
            )?))),
            structure: None,
        }),
        ValueType::Optional(inner) => optional_type(*inner),
    }
}

/// Wraps an element type in a list type.
pub(super) fn collection_type(element: LiteralType) -> LiteralType {
    LiteralType {
        r#type: Some(literal_type::Type::CollectionType(Box::new(element))),
        structure: None,
    }
}

/// Builds the union of `inner` and none that flytekit 1.16 writes for
/// `Optional[T]`.
pub(super) fn optional_type(inner: ValueType) -> Result<LiteralType, String> {
    let [value, none] = optional_variants(inner)?;
    Ok(LiteralType {
        r#type: Some(literal_type::Type::UnionType(UnionType {
            variants: vec![value, none],
        })),
        structure: None,
    })
}

/// Returns the two variants of an optional `inner`, the value's and none's,
/// each tagged as flytekit 1.16 tags them: with the name of the Python type.
pub(super) fn optional_variants(inner: ValueType) -> Result<[LiteralType; 2], String> {
    let tagged = |ty: LiteralType, tag: &str| LiteralType {
        structure: Some(TypeStructure {
            tag: tag.to_owned(),
        }),
        ..ty
    };
    let Some(tag) = python_type_name(inner) else {
        return Err(format!(
            "the type optional {inner} has no Flyte export, because only optional scalars, \
             files and directories have one"
        ));
    };
    let value = tagged(literal_type(inner)?, tag);
    let none = tagged(LiteralType::simple(SimpleType::None), NONE_TAG);
    Ok([value, none])
}

/// Returns the name of the Python type that flytekit 1.16 uses for a scalar
/// or path type, or `None` for a collection or an optional type.
fn python_type_name(ty: ValueType) -> Option<&'static str> {
    Some(match ty {
        ValueType::String => "str",
        ValueType::Int => "int",
        ValueType::Float => "float",
        ValueType::Bool => "bool",
        ValueType::Datetime => "datetime",
        ValueType::Duration => "timedelta",
        ValueType::File => "FlyteFilePath",
        ValueType::Dir => "FlyteDirectory",
        ValueType::List(_) | ValueType::Map(_) | ValueType::Optional(_) => return None,
    })
}

/// Builds one variable per parameter, described by its name as flytekit describes it.
pub(super) fn variables(params: impl IntoIterator<Item = (String, LiteralType)>) -> VariableMap {
    let variables = params
        .into_iter()
        .map(|(name, ty)| {
            let variable = Variable {
                r#type: Some(ty),
                description: name.clone(),
            };
            (name, variable)
        })
        .collect();
    VariableMap { variables }
}

fn interface(spec: &TaskSpec) -> Result<TypedInterface, String> {
    let typed = |params: &[ParamSpec], kind: &str| -> Result<VariableMap, String> {
        let mut typed = Vec::new();
        for param in params {
            let ty = literal_type(param.ty)
                .map_err(|reason| format!("{kind} `{}`: {reason}", param.name))?;
            typed.push((param.name.to_owned(), ty));
        }
        Ok(variables(typed))
    };
    Ok(TypedInterface {
        inputs: Some(typed(spec.inputs, "input")?),
        outputs: Some(typed(spec.outputs, "output")?),
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

/// A container's command and arguments, rewritten for Flyte's backend.
struct Argv {
    command: Vec<String>,
    args: Vec<String>,
}

/// Builds the container, or the pod of a task with an inline pod template,
/// and the template's plugin settings.
fn target(spec: &TaskSpec, argv: Argv) -> (task_template::Target, BTreeMap<String, String>) {
    let container = container(spec, argv);
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

fn container(spec: &TaskSpec, argv: Argv) -> Container {
    let format = match spec.metadata_format {
        MetadataFormat::Json => LiteralMapFormat::Json,
        MetadataFormat::Yaml => LiteralMapFormat::Yaml,
        MetadataFormat::Proto => LiteralMapFormat::Proto,
    };
    Container {
        image: spec.image.to_owned(),
        command: argv.command,
        args: argv.args,
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
