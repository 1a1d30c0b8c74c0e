//! The workflow builder: task calls as nodes of a graph, bindings as edges.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use petgraph::algo::{kosaraju_scc, toposort};
use petgraph::graph::{DiGraph, NodeIndex};

use crate::error::Error;
use crate::mapping::MapCall;
use crate::spec::{RunAs, Settings, TaskSpec};
use crate::task::{ContainerTask, NodeRef, Source};

/// Gives every workflow a distinct id, so a handle from one workflow is
/// recognised when it is bound in another.
static NEXT_WORKFLOW_ID: AtomicU64 = AtomicU64::new(1);

/// A directed acyclic graph of task calls.
///
/// Each [`add`](Workflow::add) appends a node and returns handles to its
/// outputs. Binding such a handle to an input of a later call adds an edge,
/// so the graph can only grow in topological order. The compiler checks
/// that every input is bound, and to a value or handle of its own type.
///
/// # Examples
///
/// ```no_run
/// # use containerflow_runtime::{Workflow, DockerExecutor, Error};
/// # async fn demo() -> Result<(), Error> {
/// let mut workflow = Workflow::new("greet");
/// // let greeting = workflow.add("greet", Greeting, GreetingBindings { name: "Ada".into() });
/// let executor = DockerExecutor::connect().await?;
/// let report = workflow.run(&executor).await?;
/// // let outputs = report.outputs(&greeting)?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Workflow {
    name: String,
    id: u64,
    graph: DiGraph<Node, Edge>,
    node_names: HashMap<String, NodeIndex>,
    problems: Vec<Problem>,
}

/// A mistake found while the graph was built, reported when it is validated.
#[derive(Debug, Clone)]
enum Problem {
    DuplicateNode(String),
    ForeignOutput {
        node: String,
        input: &'static str,
    },
    InvalidMapRatio {
        node: String,
        ratio: f64,
    },
    InvalidOverride {
        node: String,
        setting: &'static str,
        value: String,
        reason: String,
    },
}

/// The maximum of `retries` in a declaration or an override, as in `container_task!`.
const MAX_RETRIES: u32 = 100;
/// The smallest CPU limit Docker can set, in cores.
const MIN_CPUS: f64 = 0.01;
/// The smallest memory limit Docker accepts, in bytes.
const MIN_MEMORY: u64 = 6 * 1024 * 1024;
/// The maximum duration that Go, and so Docker, Flyte and Argo, can represent:
/// `i64::MAX` nanoseconds, about 292 years. `container_task!` has the same limit.
const MAX_DURATION: Duration = Duration::from_nanos(i64::MAX as u64);
/// The largest CPU limit Docker can represent, as nanocores in an `i64`.
const MAX_CPUS: f64 = i64::MAX as f64 / 1e9;

/// A task call in the graph.
#[derive(Debug)]
pub(crate) struct Node {
    pub(crate) name: String,
    pub(crate) spec: &'static TaskSpec,
    pub(crate) sources: Vec<Source>,
    pub(crate) overrides: Overrides,
    /// The lists mapped over, for a map node.
    pub(crate) map: Option<MapCall>,
}

/// A binding from output `output` of the source node to input `input` of the target node.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Edge {
    pub(crate) output: usize,
    pub(crate) input: usize,
}

impl Workflow {
    /// Creates an empty workflow called `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Workflow {
            name: name.into(),
            id: NEXT_WORKFLOW_ID.fetch_add(1, Ordering::Relaxed),
            graph: DiGraph::new(),
            node_names: HashMap::new(),
            problems: Vec::new(),
        }
    }

    /// Returns the workflow's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Returns the number of task calls.
    pub fn len(&self) -> usize {
        self.graph.node_count()
    }

    /// Returns true when the workflow has no task calls.
    pub fn is_empty(&self) -> bool {
        self.graph.node_count() == 0
    }

    /// Adds a call of `task` named `node`, with its inputs bound to values or
    /// to outputs of earlier calls, and returns handles to its outputs.
    ///
    /// Node names must be unique within the workflow. A repeated name, or a
    /// handle from another workflow, is reported by [`validate`](Self::validate)
    /// and by every run before any container starts.
    pub fn add<T: ContainerTask>(
        &mut self,
        node: impl Into<String>,
        task: T,
        bindings: T::Bindings,
    ) -> T::OutputRefs {
        self.add_with(node, task, bindings, Overrides::default())
    }

    /// Adds a call like [`add`](Self::add), with some of the task's declared
    /// settings replaced for this call only.
    pub fn add_with<T: ContainerTask>(
        &mut self,
        node: impl Into<String>,
        task: T,
        bindings: T::Bindings,
        overrides: Overrides,
    ) -> T::OutputRefs {
        let _ = task;
        let node = self.add_node(
            node.into(),
            T::spec(),
            T::binding_sources(bindings),
            overrides,
        );
        T::output_refs(node)
    }

    pub(crate) fn add_node(
        &mut self,
        name: String,
        spec: &'static TaskSpec,
        sources: Vec<Source>,
        overrides: Overrides,
    ) -> NodeRef {
        let node = Node {
            name,
            spec,
            sources,
            overrides,
            map: None,
        };
        self.insert_node(node)
    }

    pub(crate) fn add_map_node(
        &mut self,
        name: String,
        spec: &'static TaskSpec,
        sources: Vec<Source>,
        overrides: Overrides,
        map: MapCall,
    ) -> NodeRef {
        let node = Node {
            name,
            spec,
            sources,
            overrides,
            map: Some(map),
        };
        self.insert_node(node)
    }

    fn insert_node(&mut self, node: Node) -> NodeRef {
        for (setting, value, reason) in node.overrides.problems() {
            self.problems.push(Problem::InvalidOverride {
                node: node.name.clone(),
                setting,
                value,
                reason,
            });
        }
        let name = node.name.clone();
        let spec = node.spec;
        let mut bindings: Vec<(usize, Source)> = node.sources.iter().cloned().enumerate().collect();
        // A list mapped over is an upstream edge too. Its edge goes to the
        // first input that receives its element, or else to the first input.
        for (list, source) in node.map.iter().flat_map(|map| map.lists.iter().enumerate()) {
            let input = node
                .sources
                .iter()
                .position(|bound| matches!(bound, Source::Element { list: of } if *of == list))
                .unwrap_or(0);
            bindings.push((input, source.clone()));
        }
        let index = self.graph.add_node(node);
        self.connect(index, spec, &bindings);
        if self.node_names.insert(name.clone(), index).is_some() {
            self.problems.push(Problem::DuplicateNode(name));
        }
        NodeRef {
            workflow: self.id,
            index: index.index(),
        }
    }

    fn connect(&mut self, target: NodeIndex, spec: &TaskSpec, bindings: &[(usize, Source)]) {
        for (input, source) in bindings {
            let input = *input;
            let Source::Output { node, output } = source else {
                continue;
            };
            if node.workflow != self.id || node.index >= self.graph.node_count() {
                self.problems.push(Problem::ForeignOutput {
                    node: self.graph[target].name.clone(),
                    input: spec
                        .inputs
                        .get(input)
                        .map_or("the list mapped over", |param| param.name),
                });
                continue;
            }
            let edge = Edge {
                output: *output,
                input,
            };
            self.graph
                .add_edge(NodeIndex::new(node.index), target, edge);
        }
    }

    /// Checks the workflow without running it.
    ///
    /// # Errors
    ///
    /// Returns the first problem found: a repeated node name
    /// ([`Error::DuplicateNode`]), an input bound to another workflow's output
    /// ([`Error::ForeignOutput`]), a map's success ratio outside 0 to 1
    /// ([`Error::InvalidMapRatio`]), an override outside the limits of
    /// `container_task!` and Docker ([`Error::InvalidOverride`]) or a cycle
    /// ([`Error::Cycle`]).
    pub fn validate(&self) -> Result<(), Error> {
        match self.problems.first().cloned() {
            Some(Problem::DuplicateNode(node)) => {
                return Err(Error::DuplicateNode {
                    workflow: self.name.clone(),
                    node,
                })
            }
            Some(Problem::ForeignOutput { node, input }) => {
                return Err(Error::ForeignOutput {
                    node,
                    input: input.to_owned(),
                })
            }
            Some(Problem::InvalidMapRatio { node, ratio }) => {
                return Err(Error::InvalidMapRatio { node, ratio })
            }
            Some(Problem::InvalidOverride {
                node,
                setting,
                value,
                reason,
            }) => {
                return Err(Error::InvalidOverride {
                    node,
                    setting,
                    value,
                    reason,
                })
            }
            None => {}
        }
        // `toposort` is iterative, so a chain of 100,000 nodes cannot
        // overflow the stack.
        if toposort(&self.graph, None).is_err() {
            return Err(Error::Cycle {
                workflow: self.name.clone(),
                path: self.cycle_path(),
            });
        }
        Ok(())
    }

    /// Names the nodes of one cycle as `a -> b -> a`. The builder cannot
    /// create a cycle, so this guards the graph's invariant, not user input.
    fn cycle_path(&self) -> String {
        let component = kosaraju_scc(&self.graph)
            .into_iter()
            .find(|nodes| nodes.len() > 1 || self.graph.contains_edge(nodes[0], nodes[0]))
            .unwrap_or_default();
        let mut names: Vec<&str> = component
            .iter()
            .map(|index| self.graph[*index].name.as_str())
            .collect();
        if let Some(first) = names.first().copied() {
            names.push(first);
        }
        names.join(" -> ")
    }

    pub(crate) fn invalid_ratio(&mut self, node: &str, ratio: f64) {
        self.problems.push(Problem::InvalidMapRatio {
            node: node.to_owned(),
            ratio,
        });
    }

    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    pub(crate) fn graph(&self) -> &DiGraph<Node, Edge> {
        &self.graph
    }
}

/// Settings of one workflow call that replace the task's declared ones.
///
/// Each setting left unset keeps the declaration's value.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use containerflow_runtime::Overrides;
///
/// let overrides = Overrides::new()
///     .timeout(Duration::from_secs(30))
///     .retries(2)
///     .env("LOG_LEVEL", "debug");
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overrides {
    timeout: Option<Duration>,
    retries: Option<u32>,
    retry_delay: Option<Duration>,
    cpus: Option<f64>,
    memory: Option<u64>,
    user: Option<RunAs>,
    env: Vec<(String, String)>,
}

impl Overrides {
    /// Creates overrides that change nothing.
    pub fn new() -> Self {
        Overrides::default()
    }

    /// Sets the wall-clock limit of each attempt.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sets how many times a failed attempt is retried.
    pub fn retries(mut self, retries: u32) -> Self {
        self.retries = Some(retries);
        self
    }

    /// Sets the delay before the first retry; each later retry waits twice as long.
    pub fn retry_delay(mut self, delay: Duration) -> Self {
        self.retry_delay = Some(delay);
        self
    }

    /// Sets the CPU limit in cores.
    pub fn cpus(mut self, cpus: f64) -> Self {
        self.cpus = Some(cpus);
        self
    }

    /// Sets the memory limit in bytes.
    pub fn memory(mut self, bytes: u64) -> Self {
        self.memory = Some(bytes);
        self
    }

    /// Sets the user the command runs as.
    pub fn user(mut self, user: RunAs) -> Self {
        self.user = Some(user);
        self
    }

    /// Adds an environment variable, set after the declared ones.
    pub fn env(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.push((name.into(), value.into()));
        self
    }

    /// Returns `settings` with every override applied.
    pub fn apply(&self, settings: Settings) -> Settings {
        Settings {
            timeout: self.timeout.or(settings.timeout),
            retries: self.retries.unwrap_or(settings.retries),
            retry_delay: self.retry_delay.unwrap_or(settings.retry_delay),
            cpus: self.cpus.or(settings.cpus),
            memory: self.memory.or(settings.memory),
            user: self.user.unwrap_or(settings.user),
        }
    }

    /// Returns the environment variables added by the call.
    pub fn extra_env(&self) -> &[(String, String)] {
        &self.env
    }

    /// Returns each setting that `container_task!` would reject in a
    /// declaration, as the setting, its value and the reason with the fix.
    fn problems(&self) -> Vec<(&'static str, String, String)> {
        let mut problems = Vec::new();
        if let Some(timeout) = self.timeout {
            if timeout.is_zero() {
                let reason = "a timeout must be greater than zero; leave it unset for no limit";
                problems.push(("timeout", "0s".to_owned(), reason.to_owned()));
            } else if timeout > MAX_DURATION {
                problems.push(("timeout", format!("{timeout:?}"), too_long("a timeout")));
            }
        }
        if let Some(delay) = self.retry_delay {
            if delay > MAX_DURATION {
                problems.push((
                    "retry_delay",
                    format!("{delay:?}"),
                    too_long("a retry delay"),
                ));
            }
        }
        if let Some(retries) = self.retries {
            if retries > MAX_RETRIES {
                let reason = format!("`retries` must be from 0 to {MAX_RETRIES}");
                problems.push(("retries", retries.to_string(), reason));
            }
        }
        if let Some(cpus) = self.cpus {
            if !(MIN_CPUS..=MAX_CPUS).contains(&cpus) {
                let reason = format!(
                    "`cpus` must be a number of cores from {MIN_CPUS}, the smallest CPU limit \
                     Docker can set, to {MAX_CPUS:.0}, the largest it can represent"
                );
                problems.push(("cpus", cpus.to_string(), reason));
            }
        }
        if let Some(memory) = self.memory {
            if !(MIN_MEMORY..=i64::MAX as u64).contains(&memory) {
                let reason = format!(
                    "`memory` must be from 6 MiB ({MIN_MEMORY} bytes), the smallest limit \
                     Docker accepts, to {} bytes, the largest it can represent",
                    i64::MAX
                );
                problems.push(("memory", memory.to_string(), reason));
            }
        }
        for (name, value) in &self.env {
            if name.is_empty() || name.contains(['=', '\0']) {
                let reason = "an environment variable name must not be empty or contain `=` \
                              or a NUL character";
                problems.push(("env", format!("{name:?}"), reason.to_owned()));
            } else if value.contains('\0') {
                let reason = format!(
                    "the value of `{name}` contains a NUL character, which the operating \
                     system cannot pass to a process"
                );
                problems.push(("env", format!("{name:?}"), reason));
            }
        }
        problems
    }
}

fn too_long(what: &str) -> String {
    format!(
        "{what} must be at most {}, the longest duration Go can represent, which Docker, \
         Flyte and Argo use",
        crate::duration::format_go(MAX_DURATION)
    )
}
