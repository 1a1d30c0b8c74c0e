//! The workflow graph as a Flyte workflow template and its launch plan.
//!
//! Each node becomes a node whose id is its name with `_` written as `-`, as
//! flytekit writes node ids. A literal input becomes a workflow input named
//! `<node>__<input>` whose default, in the launch plan, is the literal, so a
//! launch can change it. A `File` or `Dir` literal names a host path, which
//! does not exist on the cluster, so its workflow input has no default and a
//! launch must give a blob URI. Every output of every node is a workflow
//! output named `<node>__<output>`, as every output is in a [`RunReport`].
//!
//! [`RunReport`]: crate::RunReport

use std::collections::BTreeMap;
use std::time::SystemTime;

use petgraph::graph::NodeIndex;

use super::task::{
    check_user, collection_type, literal_type, optional_type, optional_variants, protobuf_duration,
    resources, variables,
};
use super::Rejection;
use crate::error::Error;
use crate::flyteidl::admin::{
    Annotations, Labels, LaunchPlan, LaunchPlanClosure, LaunchPlanMetadata, LaunchPlanSpec,
    RawOutputDataConfig,
};
use crate::flyteidl::core::primitive::Value as Primitive;
use crate::flyteidl::core::scalar::Value as Scalar;
use crate::flyteidl::core::{Literal, LiteralMap, Union, Void};
use crate::flyteidl::interface::{
    parameter, Identifier, LiteralType, Parameter, ParameterMap, ResourceType, TypedInterface,
    Variable,
};
use crate::flyteidl::tasks::RetryStrategy;
use crate::flyteidl::workflow::workflow_metadata::OnFailurePolicy;
use crate::flyteidl::workflow::{
    array_node, binding_data, node, task_node, ArrayNode, Binding, BindingData, Node, NodeMetadata,
    OutputReference, TaskNode, TaskNodeOverrides, WorkflowMetadata, WorkflowMetadataDefaults,
    WorkflowTemplate,
};
use crate::mapping::MapCall;
use crate::spec::ParamSpec;
use crate::task::Source;
use crate::value::{Value, ValueType};
use crate::workflow::{self as graph, Workflow};

/// Node ids that Flyte reserves for the start and the end of a workflow.
const RESERVED_IDS: [&str; 2] = ["start-node", "end-node"];

/// The longest name kept as an id: flytekit replaces a name of 63 characters
/// or more by a hash and its end, because ids are DNS labels.
const MAX_ID_LENGTH: usize = 62;

/// A workflow input made from a literal input of a node.
struct WorkflowInput {
    ty: ValueType,
    /// The launch plan's default, or `None` for a host path, which a launch must replace.
    default: Option<Literal>,
}

/// The workflow's inputs and outputs, collected while the nodes are built.
#[derive(Default)]
struct Interface {
    inputs: BTreeMap<String, WorkflowInput>,
    outputs: Vec<(String, LiteralType, Binding)>,
}

/// Builds the workflow template and its default launch plan.
pub(super) fn workflow_and_launch_plan(
    workflow: &Workflow,
    reject: &Rejection<'_>,
) -> Result<(WorkflowTemplate, LaunchPlan), Error> {
    let ids = node_ids(workflow, reject)?;
    let mut interface = Interface::default();
    let mut nodes = Vec::new();
    for index in workflow.graph().node_indices() {
        let node = Builder {
            workflow,
            ids: &ids,
            index,
            reject,
        };
        nodes.push(node.build(&mut interface)?);
    }
    let template = template(workflow, nodes, &interface, reject)?;
    let launch_plan = launch_plan(workflow.name(), &interface, reject)?;
    Ok((template, launch_plan))
}

/// Converts each node name to a Flyte node id, as flytekit's `_dnsify`
/// converts the names it is given: `_` and `.` become `-`.
///
/// # Errors
///
/// Rejects two names with the same id, and a name that flytekit would
/// change in any other way: upper case, other characters, a leading or
/// trailing separator, or 63 characters or more. So an id always reads as
/// the node name.
fn node_ids(workflow: &Workflow, reject: &Rejection<'_>) -> Result<Vec<String>, Error> {
    let mut ids: Vec<String> = Vec::new();
    for node in workflow.graph().node_weights() {
        let id = node_id(&node.name).map_err(|reason| reject.node(&node.name, reason))?;
        if let Some(position) = ids.iter().position(|other| *other == id) {
            let other = &workflow.graph()[NodeIndex::new(position)].name;
            return Err(reject.node(
                &node.name,
                format!("its Flyte node id `{id}` is also the id of node `{other}`; rename one"),
            ));
        }
        ids.push(id);
    }
    Ok(ids)
}

/// Converts a node or task name to a Flyte node id.
fn node_id(name: &str) -> Result<String, String> {
    let valid_characters = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-' | '.'));
    let separator = |c: char| matches!(c, '_' | '-' | '.');
    let id: String = name
        .chars()
        .map(|c| if separator(c) { '-' } else { c })
        .collect();
    if !valid_characters
        || name.is_empty()
        || name.starts_with(separator)
        || name.ends_with(separator)
        || name.len() > MAX_ID_LENGTH
    {
        return Err(format!(
            "Flyte node ids are DNS labels, so the name must be 1 to {MAX_ID_LENGTH} lowercase \
             letters, digits, `_`, `-` or `.`, starting and ending with a letter or digit"
        ));
    }
    if RESERVED_IDS.contains(&id.as_str()) {
        return Err(format!(
            "Flyte reserves the node id `{id}`; rename the node"
        ));
    }
    Ok(id)
}

/// Builds the Flyte node of one graph node.
struct Builder<'a> {
    workflow: &'a Workflow,
    ids: &'a [String],
    index: NodeIndex,
    reject: &'a Rejection<'a>,
}

impl Builder<'_> {
    fn node(&self) -> &graph::Node {
        &self.workflow.graph()[self.index]
    }

    fn build(&self, interface: &mut Interface) -> Result<Node, Error> {
        let node = self.node();
        let reject = |reason: String| self.reject.node(&node.name, reason);
        let settings = node.overrides.apply(node.spec.settings);
        check_user(settings.user).map_err(reject)?;
        if let Some((name, _)) = node.overrides.extra_env().first() {
            return Err(reject(format!(
                "the call adds the environment variable `{name}`, and a Flyte task node cannot \
                 override a task's environment; declare the variable in the task"
            )));
        }
        let (inputs, upstream) = self.bindings(interface)?;
        self.add_outputs(interface)?;
        let metadata = NodeMetadata {
            name: node.spec.name.to_owned(),
            timeout: settings.timeout.map(protobuf_duration),
            retries: Some(RetryStrategy {
                retries: settings.retries,
            }),
        };
        let overridden = settings.cpus != node.spec.settings.cpus
            || settings.memory != node.spec.settings.memory;
        let overrides = TaskNodeOverrides {
            resources: overridden.then(|| resources(&settings)).flatten(),
        };
        let reference = Some(task_node::Reference::ReferenceId(Identifier::unversioned(
            ResourceType::Task,
            node.spec.name,
        )));
        let id = self.ids[self.index.index()].clone();
        let Some(map) = &node.map else {
            let task = TaskNode {
                reference,
                overrides: Some(overrides),
            };
            return Ok(Node {
                id,
                metadata: Some(metadata),
                inputs,
                upstream_node_ids: upstream,
                target: Some(node::Target::TaskNode(task)),
            });
        };
        let array = self.array_node(map, &metadata, &inputs, reference, overrides)?;
        Ok(Node {
            id,
            metadata: Some(metadata),
            inputs,
            upstream_node_ids: upstream,
            target: Some(node::Target::ArrayNode(Box::new(array))),
        })
    }

    /// Builds the array node of a map node, whose sub-node calls the task
    /// with the map node's bindings.
    fn array_node(
        &self,
        map: &MapCall,
        metadata: &NodeMetadata,
        inputs: &[Binding],
        reference: Option<task_node::Reference>,
        overrides: TaskNodeOverrides,
    ) -> Result<ArrayNode, Error> {
        let node = self.node();
        let ratio = flyte_ratio(map.min_success_ratio.unwrap_or(1.0));
        // flytekit writes the sub-node of an array node with the task's
        // name as its id, the bindings of the array node, and no overrides
        // unless the call has some.
        let sub_node = Node {
            id: node_id(node.spec.name).map_err(|reason| {
                let reason =
                    format!("the task name is the id of its Flyte array sub-node: {reason}");
                self.reject.node(&node.name, reason)
            })?,
            metadata: Some(metadata.clone()),
            inputs: inputs.to_vec(),
            upstream_node_ids: Vec::new(),
            target: Some(node::Target::TaskNode(TaskNode {
                reference,
                overrides: overrides.resources.is_some().then_some(overrides),
            })),
        };
        Ok(ArrayNode {
            node: Some(Box::new(sub_node)),
            success_criteria: Some(array_node::SuccessCriteria::MinSuccessRatio(ratio)),
            execution_mode: array_node::ExecutionMode::MinimalState.into(),
            is_original_sub_node_interface: Some(true),
            data_mode: array_node::DataMode::IndividualInputFiles.into(),
        })
    }

    /// Builds one binding per input, sorted by input name as flytekit sorts
    /// them, and the ids of the upstream nodes, sorted too, where flytekit's
    /// order comes from a Python set.
    fn bindings(&self, interface: &mut Interface) -> Result<(Vec<Binding>, Vec<String>), Error> {
        let node = self.node();
        let mut bindings = Vec::new();
        let mut upstream: Vec<String> = Vec::new();
        for (param, source) in node.spec.inputs.iter().zip(&node.sources) {
            let (source, ty) = self.resolve(param, source)?;
            let reference = match source {
                Source::Value(value) => {
                    let name = format!("{}__{}", node.name, param.name);
                    self.add_input(interface, param.name, &name, ty, value)?;
                    OutputReference {
                        node_id: String::new(),
                        var: name,
                    }
                }
                Source::Output { node: from, output } => {
                    let from = NodeIndex::new(from.index);
                    let id = self.ids[from.index()].clone();
                    if !upstream.contains(&id) {
                        upstream.push(id.clone());
                    }
                    OutputReference {
                        node_id: id,
                        var: self.workflow.graph()[from].spec.outputs[*output]
                            .name
                            .to_owned(),
                    }
                }
                Source::Element { .. } => unreachable!("`resolve` replaces elements by their list"),
            };
            bindings.push(promise(param.name, reference));
        }
        bindings.sort_by(|a, b| a.var.cmp(&b.var));
        upstream.sort();
        Ok((bindings, upstream))
    }

    /// Returns the source and type that a Flyte node binds to an input: for
    /// the element of a map node, the list mapped over.
    fn resolve<'s>(
        &'s self,
        param: &'static ParamSpec,
        source: &'s Source,
    ) -> Result<(&'s Source, ValueType), Error> {
        let node = self.node();
        let Some(map) = &node.map else {
            return Ok((source, param.ty));
        };
        let Source::Element { list } = source else {
            // NOTE: flytekit 1.16 writes no array node with an input that is
            // the same for every element, and Flyte's backend would split such
            // an input that is itself a list, so it is not exported.
            return Err(self.reject.node(
                &node.name,
                format!(
                    "input `{}` of the mapped task is the same for every element, and a \
                     Flyte array node passes each sub-node only elements of its lists; bind \
                     every input to an element",
                    param.name
                ),
            ));
        };
        Ok((&map.lists[*list], ValueType::List(&param.ty)))
    }

    /// Adds the workflow input `name` for the literal `value` of input `param`.
    fn add_input(
        &self,
        interface: &mut Interface,
        param: &str,
        name: &str,
        ty: ValueType,
        value: &Value,
    ) -> Result<(), Error> {
        let node = &self.node().name;
        let reject = |reason: String| self.reject.node(node, format!("input `{param}`: {reason}"));
        literal_type(ty).map_err(reject)?;
        if contains_nul(value) {
            return Err(reject(
                "the value contains a NUL character, which no command argument or shell \
                 variable can hold, and which a local run rejects too; remove it"
                    .to_owned(),
            ));
        }
        let input = WorkflowInput {
            ty,
            default: literal(value, ty),
        };
        if interface.inputs.insert(name.to_owned(), input).is_some() {
            return Err(self.reject.node(
                node,
                format!(
                    "two literal inputs make the same workflow input `{name}`; rename the node"
                ),
            ));
        }
        Ok(())
    }

    /// Adds every output of the node as a workflow output. A map node's
    /// outputs are lists, of optional values when some elements may fail:
    /// Flyte then gathers a failed element's output as none, as a local run
    /// gathers `None`.
    fn add_outputs(&self, interface: &mut Interface) -> Result<(), Error> {
        let node = self.node();
        let id = &self.ids[self.index.index()];
        for param in node.spec.outputs {
            let name = format!("{}__{}", node.name, param.name);
            if interface.outputs.iter().any(|(other, _, _)| *other == name) {
                return Err(self.reject.node(
                    &node.name,
                    format!("two outputs make the same workflow output `{name}`; rename the node"),
                ));
            }
            let ty = match &node.map {
                Some(map) if may_fail(map) => optional_type(param.ty).map(collection_type),
                Some(_) => literal_type(param.ty).map(collection_type),
                None => literal_type(param.ty),
            };
            let ty = ty.map_err(|reason| {
                self.reject
                    .node(&node.name, format!("output `{}`: {reason}", param.name))
            })?;
            let reference = OutputReference {
                node_id: id.clone(),
                var: param.name.to_owned(),
            };
            interface
                .outputs
                .push((name.clone(), ty, promise(&name, reference)));
        }
        Ok(())
    }
}

/// Returns true when a string in `value`, or a key of a map in it, contains
/// a NUL character.
fn contains_nul(value: &Value) -> bool {
    match value {
        Value::String(text) => text.contains('\0'),
        Value::List(elements) => elements.iter().any(contains_nul),
        Value::Map(entries) => entries
            .iter()
            .any(|(key, value)| key.contains('\0') || contains_nul(value)),
        _ => false,
    }
}

fn promise(var: &str, reference: OutputReference) -> Binding {
    Binding {
        var: var.to_owned(),
        binding: Some(BindingData {
            value: Some(binding_data::Value::Promise(reference)),
        }),
    }
}

/// Returns true when some elements of the map may fail, so that its gathered
/// outputs are lists of optional values. flytekit 1.16 writes optional
/// outputs for a ratio below 1 only.
fn may_fail(map: &MapCall) -> bool {
    map.min_success_ratio.is_some_and(|ratio| ratio < 1.0)
}

/// Converts a minimum success ratio to the 32-bit float that Flyte stores:
/// the largest one not above `ratio`.
///
/// Flyte requires `ceil(r * n)` of `n` elements to succeed, where `r` is the
/// stored float. The float nearest to 0.6 is above 0.6, so Flyte would
/// require 4 of 5 elements, not 3. The largest float not above the ratio
/// gives the exact `ceil(ratio * n)` for every `n` below about `2^24 / 10^d`
/// when the ratio has `d` decimal digits, an estimate from the float's
/// 24-bit precision that the unit test checks for two digits and `n` up to
/// 2,000.
fn flyte_ratio(ratio: f64) -> f32 {
    let nearest = ratio as f32;
    if f64::from(nearest) > ratio && nearest > 0.0 {
        f32::from_bits(nearest.to_bits() - 1)
    } else {
        nearest
    }
}

/// Converts a literal input of type `ty` to a Flyte literal, or returns
/// `None` when it contains a host path, which has no meaning on the cluster.
fn literal(value: &Value, ty: ValueType) -> Option<Literal> {
    if let ValueType::Optional(inner) = ty {
        return optional_literal(value, *inner);
    }
    Some(match value {
        Value::String(text) => Literal::primitive(Primitive::StringValue(text.clone())),
        Value::Int(number) => Literal::primitive(Primitive::Integer(*number)),
        Value::Float(number) => Literal::primitive(Primitive::FloatValue(*number)),
        Value::Bool(flag) => Literal::primitive(Primitive::Boolean(*flag)),
        Value::Datetime(instant) => {
            Literal::primitive(Primitive::Datetime(SystemTime::from(*instant).into()))
        }
        Value::Duration(span) => Literal::primitive(Primitive::Duration(protobuf_duration(*span))),
        Value::List(elements) => {
            let element = ty.element()?;
            let literals = elements.iter().map(|value| literal(value, element));
            Literal::collection(literals.collect::<Option<_>>()?)
        }
        Value::Map(entries) => {
            let element = ty.element()?;
            let literals = entries
                .iter()
                .map(|(key, value)| Some((key.clone(), literal(value, element)?)));
            Literal::map(literals.collect::<Option<_>>()?)
        }
        // `File`, `Dir`, and any value whose type `literal_type` rejected first.
        _ => return None,
    })
}

/// Converts a value of an optional type to the union literal that flytekit
/// 1.16 writes: the value, or none, with the variant of the union it has.
fn optional_literal(value: &Value, inner: ValueType) -> Option<Literal> {
    let [some, none] = optional_variants(inner).ok()?;
    let (value, variant) = match value {
        Value::None => (Literal::scalar(Scalar::NoneType(Void {})), none),
        value => (literal(value, inner)?, some),
    };
    Some(Literal::scalar(Scalar::Union(Union {
        value: Some(Box::new(value)),
        r#type: Some(variant),
    })))
}

fn template(
    workflow: &Workflow,
    nodes: Vec<Node>,
    interface: &Interface,
    reject: &Rejection<'_>,
) -> Result<WorkflowTemplate, Error> {
    let mut inputs = Vec::new();
    for (name, input) in &interface.inputs {
        let ty = literal_type(input.ty).map_err(|reason| reject.workflow(reason))?;
        inputs.push((name.clone(), ty));
    }
    let outputs = interface
        .outputs
        .iter()
        .map(|(name, ty, _)| (name.clone(), ty.clone()));
    Ok(WorkflowTemplate {
        id: Some(Identifier::unversioned(
            ResourceType::Workflow,
            workflow.name(),
        )),
        // By default a containerflow run completes every branch that does
        // not depend on a failed node, as this policy does.
        metadata: Some(WorkflowMetadata {
            on_failure: OnFailurePolicy::FailAfterExecutableNodesComplete.into(),
        }),
        interface: Some(TypedInterface {
            inputs: Some(variables(inputs)),
            outputs: Some(variables(outputs)),
        }),
        nodes,
        outputs: interface
            .outputs
            .iter()
            .map(|(_, _, binding)| binding.clone())
            .collect(),
        metadata_defaults: Some(WorkflowMetadataDefaults::default()),
    })
}

/// Builds the launch plan that flytekit writes for a workflow: its name,
/// every workflow input as a default input, and empty settings.
fn launch_plan(
    name: &str,
    interface: &Interface,
    reject: &Rejection<'_>,
) -> Result<LaunchPlan, Error> {
    let mut parameters = BTreeMap::new();
    for (input, workflow_input) in &interface.inputs {
        let ty = literal_type(workflow_input.ty).map_err(|reason| reject.workflow(reason))?;
        let behavior = match &workflow_input.default {
            Some(default) => parameter::Behavior::Default(default.clone()),
            None => parameter::Behavior::Required(true),
        };
        let var = Variable {
            r#type: Some(ty),
            description: input.clone(),
        };
        parameters.insert(
            input.clone(),
            Parameter {
                var: Some(var),
                behavior: Some(behavior),
            },
        );
    }
    let spec = LaunchPlanSpec {
        workflow_id: Some(Identifier::unversioned(ResourceType::Workflow, name)),
        entity_metadata: Some(LaunchPlanMetadata {}),
        default_inputs: Some(ParameterMap { parameters }),
        fixed_inputs: Some(LiteralMap::default()),
        labels: Some(Labels::default()),
        annotations: Some(Annotations::default()),
        raw_output_data_config: Some(RawOutputDataConfig::default()),
    };
    Ok(LaunchPlan {
        id: Some(Identifier::unversioned(ResourceType::LaunchPlan, name)),
        spec: Some(spec),
        closure: Some(LaunchPlanClosure {
            expected_inputs: Some(ParameterMap::default()),
            expected_outputs: Some(Default::default()),
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Returns `ceil(numerator / 10^digits * n)` in integers.
    fn exact_count(numerator: u64, digits: u32, n: u64) -> u64 {
        (numerator * n).div_ceil(10u64.pow(digits))
    }

    #[test]
    fn flyte_ratio_requires_exact_count() {
        for numerator in 1..100 {
            let ratio = numerator as f64 / 100.0;
            let stored = f64::from(flyte_ratio(ratio));
            for n in 1..2000u64 {
                let flyte = (stored * n as f64).ceil() as u64;
                assert_eq!(flyte, exact_count(numerator, 2, n), "ratio {ratio}, n {n}");
            }
        }
    }

    #[test]
    fn flyte_ratio_keeps_exact_floats() {
        for ratio in [0.0, 0.25, 0.5, 0.75, 1.0] {
            assert_eq!(f64::from(flyte_ratio(ratio)), ratio);
        }
        assert!(f64::from(flyte_ratio(0.6)) < 0.6);
        assert_eq!(flyte_ratio(0.6), f32::from_bits(0.6f32.to_bits() - 1));
    }

    #[test]
    fn node_id_replaces_separators() {
        assert_eq!(node_id("digest_alpha").unwrap(), "digest-alpha");
        assert_eq!(node_id("a.b-c").unwrap(), "a-b-c");
        assert_eq!(node_id("step2").unwrap(), "step2");
    }

    #[test]
    fn node_id_rejects_what_flytekit_changes() {
        for name in [
            "",
            "Upper",
            "_lead",
            "trail-",
            "sp ace",
            "ü",
            "start_node",
            "end-node",
        ] {
            assert!(node_id(name).is_err(), "{name:?}");
        }
        assert!(node_id(&"a".repeat(MAX_ID_LENGTH)).is_ok());
        assert!(node_id(&"a".repeat(MAX_ID_LENGTH + 1)).is_err());
    }
}
