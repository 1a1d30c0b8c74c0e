//! Export to Argo Workflows: one `Workflow` YAML file with a DAG template
//! that calls one container template per distinct task configuration.
//!
//! Every value crosses between tasks as an Argo parameter (text) or
//! artifact (`File` and `Dir`). `docs/cluster.md` lists where Argo's
//! semantics differ from the local runner's and what a cluster needs.

mod command;
mod emit;
mod model;
mod names;
mod template;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::path::Path;

use petgraph::graph::NodeIndex;
use petgraph::Direction;

use self::model::{
    Artifact, Dag, DagTask, Io, Parameter, Template, WorkflowMetadata, WorkflowSpec,
};
use self::template::{checked_text, container_template, is_scalar};
use crate::error::Error;
use crate::mapping::MapCall;
use crate::metadata::yaml::push_string;
use crate::task::Source;
use crate::value::{Value, ValueType};
use crate::workflow::{Node, Workflow};

/// Writes `workflow` to `path` as an Argo `Workflow` resource in YAML.
pub(super) fn export(workflow: &Workflow, path: &Path) -> Result<(), Error> {
    let yaml = to_yaml(workflow)?;
    std::fs::write(path, yaml).map_err(|source| Error::ExportWrite {
        path: path.to_owned(),
        source,
    })
}

/// The largest YAML file the export writes, in bytes.
///
/// Kubernetes keeps a workflow, its status included, in one etcd object,
/// and etcd's default request limit is 1.5 MiB. Argo's documentation gives
/// about 1 MB for the whole resource, and compresses or offloads the node
/// status past that. The bound leaves room for the status that grows as the
/// workflow runs.
// NOTE: an estimate. No test submits a workflow near this size to a cluster,
// and a cluster with other etcd or Argo settings has another real limit.
const MAX_YAML_BYTES: usize = 1 << 20;

/// Returns the YAML text of the exported workflow.
///
/// # Errors
///
/// Returns `Error::Unexportable` when a node has no faithful Argo form, or
/// when the text is longer than [`MAX_YAML_BYTES`].
pub(super) fn to_yaml(workflow: &Workflow) -> Result<String, Error> {
    let unexportable = |reason: String| Error::Unexportable {
        engine: "argo",
        workflow: workflow.name().to_owned(),
        node: None,
        reason,
    };
    let resource = Exporter::new(workflow)?.resource()?;
    let tree = serde_yaml_ng::to_value(&resource)
        .map_err(|error| unexportable(format!("serializing the YAML failed: {error}")))?;
    let body = emit::document(&tree)
        .map_err(|error| unexportable(format!("writing the YAML failed: {error}")))?;
    let mut yaml =
        String::from("# Argo Workflows resource exported by containerflow from workflow ");
    push_string(&mut yaml, workflow.name());
    yaml.push_str(".\n# Submit with `argo submit <file> --watch`.\n");
    yaml.push_str(&body);
    check_size(yaml.len()).map_err(unexportable)?;
    Ok(yaml)
}

fn check_size(bytes: usize) -> Result<(), String> {
    if bytes <= MAX_YAML_BYTES {
        return Ok(());
    }
    let mebibytes = bytes as f64 / f64::from(1 << 20);
    Err(format!(
        "the YAML would be {mebibytes:.1} MiB ({bytes} bytes), above the export's limit of \
         {} MiB, because Kubernetes keeps a workflow and its status in one etcd object of \
         about 1.5 MiB at most; map over fewer literal elements, or pass a long list as a \
         `File` input with one element per line",
        MAX_YAML_BYTES >> 20
    ))
}

/// The name of the DAG template, the workflow's entry point.
const DAG_TEMPLATE: &str = "main";

/// The state of one export: the DAG task name of each node, and the
/// container templates made so far.
struct Exporter<'a> {
    workflow: &'a Workflow,
    generate_name: String,
    task_names: Vec<String>,
    templates: Vec<Template>,
    /// The serialized form of each container template with its name left
    /// out, to give calls with the same task and settings one template.
    shapes: HashMap<String, usize>,
}

impl<'a> Exporter<'a> {
    fn new(workflow: &'a Workflow) -> Result<Self, Error> {
        let unexportable = |reason: String| Error::Unexportable {
            engine: "argo",
            workflow: workflow.name().to_owned(),
            node: None,
            reason,
        };
        let Some(generate_name) = names::dns_label(workflow.name()) else {
            return Err(unexportable(
                "the workflow name has no ASCII letter or digit to build a Kubernetes name \
                 from; rename the workflow"
                    .to_owned(),
            ));
        };
        if workflow.is_empty() {
            return Err(unexportable("the workflow has no task calls".to_owned()));
        }
        let task_names = unique_task_names(workflow).map_err(unexportable)?;
        Ok(Exporter {
            workflow,
            generate_name,
            task_names,
            templates: Vec::new(),
            shapes: HashMap::new(),
        })
    }

    fn resource(mut self) -> Result<model::Workflow, Error> {
        let graph = self.workflow.graph();
        let mut tasks = Vec::with_capacity(graph.node_count());
        for index in graph.node_indices() {
            let task = self
                .dag_task(index)
                .map_err(|reason| self.node_error(index, reason))?;
            tasks.push(task);
        }
        let dag = Template {
            name: DAG_TEMPLATE.to_owned(),
            dag: Some(Dag { tasks }),
            ..Template::default()
        };
        let mut templates = vec![dag];
        templates.append(&mut self.templates);
        Ok(model::Workflow {
            api_version: "argoproj.io/v1alpha1",
            kind: "Workflow",
            metadata: WorkflowMetadata {
                generate_name: format!("{}-", self.generate_name),
            },
            spec: WorkflowSpec {
                entrypoint: DAG_TEMPLATE.to_owned(),
                templates,
            },
        })
    }

    fn node_error(&self, index: NodeIndex, reason: String) -> Error {
        Error::Unexportable {
            engine: "argo",
            workflow: self.workflow.name().to_owned(),
            node: Some(self.workflow.graph()[index].name.clone()),
            reason,
        }
    }

    fn dag_task(&mut self, index: NodeIndex) -> Result<DagTask, String> {
        let node = &self.workflow.graph()[index];
        if let Some(map) = &node.map {
            check_map(self.workflow, map)?;
        }
        let lengths: Vec<Option<usize>> = node
            .sources
            .iter()
            .map(|source| self.list_length(source))
            .collect();
        let template = self.template_for(node, &lengths)?;
        let mut arguments = Io::default();
        for (param, source) in node.spec.inputs.iter().zip(&node.sources) {
            self.push_argument(&mut arguments, param.name, param.ty, node, source)?;
        }
        Ok(DagTask {
            name: self.task_names[index.index()].clone(),
            template,
            dependencies: self.dependencies(index),
            arguments,
            with_param: node
                .map
                .as_ref()
                .map(|map| self.with_param(map))
                .transpose()?,
        })
    }

    /// Returns the name of a container template for `node`, reusing an
    /// identical one made for an earlier call.
    fn template_for(&mut self, node: &Node, lengths: &[Option<usize>]) -> Result<String, String> {
        let built = container_template(String::new(), node, lengths)?;
        let shape = serde_yaml_ng::to_string(&built).map_err(|error| error.to_string())?;
        if let Some(position) = self.shapes.get(&shape) {
            return Ok(self.templates[*position].name.clone());
        }
        let Some(base) = names::field_name(node.spec.name) else {
            return Err(format!(
                "the task name `{}` has no ASCII letter or digit to build a template name from",
                node.spec.name
            ));
        };
        let is_taken =
            |name: &str| name == DAG_TEMPLATE || self.templates.iter().any(|t| t.name == name);
        let mut name = base.clone();
        let mut suffix = 2;
        while is_taken(&name) {
            name = format!("{base}-{suffix}");
            suffix += 1;
        }
        self.shapes.insert(shape, self.templates.len());
        self.templates.push(Template {
            name: name.clone(),
            ..built
        });
        Ok(name)
    }

    /// Returns the DAG task names of the nodes that `index` reads from, in node order.
    fn dependencies(&self, index: NodeIndex) -> Vec<String> {
        let graph = self.workflow.graph();
        let mut upstream: Vec<usize> = graph
            .neighbors_directed(index, Direction::Incoming)
            .map(NodeIndex::index)
            .collect();
        upstream.sort_unstable();
        upstream.dedup();
        upstream
            .into_iter()
            .map(|position| self.task_names[position].clone())
            .collect()
    }

    fn push_argument(
        &self,
        arguments: &mut Io,
        name: &str,
        ty: ValueType,
        node: &Node,
        source: &Source,
    ) -> Result<(), String> {
        let value = match source {
            Source::Value(value) => literal_text(name, ty, value)?,
            Source::Output {
                node: upstream,
                output,
            } => {
                let upstream_task = &self.task_names[upstream.index];
                let upstream_node = &self.workflow.graph()[NodeIndex::new(upstream.index)];
                let output_name = upstream_node.spec.outputs[*output].name;
                if ty.is_path() {
                    arguments.artifacts.push(Artifact {
                        name: name.to_owned(),
                        path: None,
                        from: Some(format!(
                            "{{{{tasks.{upstream_task}.outputs.artifacts.{output_name}}}}}"
                        )),
                        raw: None,
                    });
                    return Ok(());
                }
                format!("{{{{tasks.{upstream_task}.outputs.parameters.{output_name}}}}}")
            }
            Source::Element { list } => match node.map.as_ref().map(|map| map.lists.len()) {
                Some(1) => "{{item}}".to_owned(),
                Some(_) => format!("{{{{item.list{list}}}}}"),
                None => {
                    return Err(format!(
                        "input `{name}` is bound to a map element outside a map"
                    ))
                }
            },
        };
        arguments.parameters.push(Parameter {
            name: name.to_owned(),
            value: Some(value),
            value_from: None,
        });
        Ok(())
    }

    /// Returns the JSON list a map node loops over: written out for literal
    /// lists, zipped into objects `{"list0": .., "list1": ..}` for several,
    /// or the gathered output of an upstream map.
    fn with_param(&self, map: &MapCall) -> Result<String, String> {
        if let [Source::Output { node, output }] = map.lists.as_slice() {
            let upstream = &self.workflow.graph()[NodeIndex::new(node.index)];
            let output_name = upstream.spec.outputs[*output].name;
            return Ok(format!(
                "{{{{tasks.{}.outputs.parameters.{output_name}}}}}",
                self.task_names[node.index]
            ));
        }
        let lists = literal_lists(map)?;
        let items: Vec<serde_json::Value> = match lists.as_slice() {
            [single] => single
                .iter()
                .cloned()
                .map(serde_json::Value::String)
                .collect(),
            _ => (0..lists[0].len())
                .map(|element| {
                    let object = lists
                        .iter()
                        .enumerate()
                        .map(|(list, texts)| (format!("list{list}"), texts[element].clone().into()))
                        .collect();
                    serde_json::Value::Object(object)
                })
                .collect(),
        };
        Ok(serde_json::Value::Array(items).to_string())
    }

    /// Returns the number of elements of a list input bound to `source`, when it is
    /// known before the run: a literal list, or the gathered output of a
    /// map over literal lists, since every element of such a map succeeds.
    fn list_length(&self, source: &Source) -> Option<usize> {
        match source {
            Source::Value(Value::List(elements)) => Some(elements.len()),
            Source::Output { node: upstream, .. } => {
                let upstream = &self.workflow.graph()[NodeIndex::new(upstream.index)];
                let map = upstream.map.as_ref()?;
                literal_lists(map).ok().map(|lists| lists[0].len())
            }
            Source::Element { .. } | Source::Value(_) => None,
        }
    }
}

/// Rejects what a map node cannot express in Argo.
fn check_map(workflow: &Workflow, map: &MapCall) -> Result<(), String> {
    if let Some(ratio) = map.min_success_ratio {
        return Err(format!(
            "the map has a minimum success ratio of {ratio}, and Argo's loops have no \
             success ratio (`continueOn` accepts any number of failures); remove the ratio"
        ));
    }
    match map.lists.as_slice() {
        [Source::Output { node, .. }] => {
            let upstream = &workflow.graph()[NodeIndex::new(node.index)];
            if upstream.map.is_none() {
                return Err(format!(
                    "the map loops over a list output of `{}`, which is a directory or a file \
                     of lines, and Argo can only loop over a JSON list; loop over a literal \
                     list or the gathered output of another map",
                    upstream.name
                ));
            }
            Ok(())
        }
        _ => literal_lists(map).map(|_| ()),
    }
}

/// The rendered elements of the lists of a map over literal lists.
fn literal_lists(map: &MapCall) -> Result<Vec<Vec<String>>, String> {
    let mut lists = Vec::with_capacity(map.lists.len());
    for source in &map.lists {
        let Source::Value(Value::List(elements)) = source else {
            return Err(
                "the map zips lists that are not all literal, and Argo cannot zip \
                        lists at run time; zip them before the workflow is built"
                    .to_owned(),
            );
        };
        let texts: Result<Vec<String>, String> = elements.iter().map(element_text).collect();
        lists.push(texts?);
    }
    let length = lists.first().map_or(0, Vec::len);
    if length == 0 {
        return Err(
            "the map loops over an empty list, and an Argo loop over no items \
                    leaves no outputs to gather"
                .to_owned(),
        );
    }
    if lists.iter().any(|list| list.len() != length) {
        return Err("the zipped lists have different lengths".to_owned());
    }
    Ok(lists)
}

fn element_text(element: &Value) -> Result<String, String> {
    if !is_scalar(element.value_type()) {
        return Err(format!(
            "a list element of type {} has no text to pass as an Argo parameter",
            element.value_type()
        ));
    }
    let text = element.render().unwrap_or_default();
    checked_text(&text, "the literal value").map(str::to_owned)
}

/// The text of a literal input: the rendered scalar, or a JSON list of
/// rendered elements for a list.
fn literal_text(name: &str, ty: ValueType, value: &Value) -> Result<String, String> {
    match (ty, value) {
        (ValueType::List(_), Value::List(elements)) => {
            let texts: Result<Vec<String>, String> = elements.iter().map(element_text).collect();
            Ok(serde_json::to_string(&texts?).map_err(|error| error.to_string())?)
        }
        (ty, value) if is_scalar(ty) => {
            let text = value.render().unwrap_or_default();
            if text.contains('\0') {
                return Err(format!("input `{name}` contains a NUL byte"));
            }
            checked_text(&text, &format!("the value of input `{name}`")).map(str::to_owned)
        }
        (ty, _) if ty.is_path() => Err(format!(
            "input `{name}` is a host path, which does not exist on a cluster; produce the \
             {ty} with a task of the workflow"
        )),
        (ty, _) => Err(format!("input `{name}` of type {ty} has no Argo form")),
    }
}

/// DAG task names from node names, each unique after sanitising.
fn unique_task_names(workflow: &Workflow) -> Result<Vec<String>, String> {
    let mut seen: HashMap<String, &str> = HashMap::new();
    let mut names = Vec::with_capacity(workflow.len());
    for node in workflow.graph().node_weights() {
        let Some(name) = names::field_name(&node.name) else {
            return Err(format!(
                "node name `{}` has no ASCII letter or digit to build a DAG task name from",
                node.name
            ));
        };
        if let Some(other) = seen.insert(name.clone(), &node.name) {
            return Err(format!(
                "nodes `{other}` and `{}` both become the DAG task name `{name}`; rename one",
                node.name
            ));
        }
        names.push(name);
    }
    Ok(names)
}
