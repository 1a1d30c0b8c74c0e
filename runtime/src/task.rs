//! The contract between `container_task!` and the runtime.

use std::fmt;
use std::marker::PhantomData;

use serde::Serialize;

use crate::spec::TaskSpec;
use crate::value::{TaskValue, Value};

/// A container task declared with `container_task!`.
///
/// The macro implements this trait on the task's unit struct. The associated
/// types are the four structs it generates next to it.
pub trait ContainerTask: Send + Sync + 'static {
    /// Input values, one public field per declared input.
    type Inputs: Serialize + Clone + fmt::Debug + Send;
    /// Output values, one public field per declared output.
    type Outputs: Serialize + Clone + fmt::Debug + Send;
    /// Inputs of a workflow call: each field is a value or an upstream output.
    type Bindings;
    /// Handles to the outputs of a workflow call, to bind to later calls.
    type OutputRefs: NodeOutputs;

    /// Returns the static description of the task.
    fn spec() -> &'static TaskSpec;

    /// Converts typed inputs into values, in declaration order.
    fn input_values(inputs: Self::Inputs) -> Vec<Value>;

    /// Converts workflow bindings into sources, in declaration order.
    fn binding_sources(bindings: Self::Bindings) -> Vec<Source>;

    /// Builds typed outputs from values in declaration order; returns `None`
    /// when a value has the wrong type or is missing.
    fn outputs_from_values(values: Vec<Value>) -> Option<Self::Outputs>;

    /// Builds the output handles of the workflow node `node`.
    fn output_refs(node: NodeRef) -> Self::OutputRefs;
}

/// The output handles of one workflow node, as returned by `Workflow::add`.
pub trait NodeOutputs {
    /// The task the node runs.
    type Task: ContainerTask;

    /// Returns the node these handles belong to.
    fn node(&self) -> NodeRef;
}

/// A node of a particular workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NodeRef {
    pub(crate) workflow: u64,
    pub(crate) index: usize,
}

/// A handle to an output of a workflow node that has not run yet.
///
/// Bind it to an input of the same type in a later call to pass the value
/// downstream; that binding is an edge of the workflow graph.
pub struct OutputRef<T> {
    node: NodeRef,
    output: usize,
    value_type: PhantomData<fn() -> T>,
}

impl<T> OutputRef<T> {
    /// Creates the handle of output number `output` of `node`. Used by generated code.
    #[doc(hidden)]
    pub fn __new(node: NodeRef, output: usize) -> Self {
        OutputRef {
            node,
            output,
            value_type: PhantomData,
        }
    }
}

impl<T> OutputRef<T> {
    pub(crate) fn node(&self) -> NodeRef {
        self.node
    }

    pub(crate) fn index(&self) -> usize {
        self.output
    }
}

impl<T> Clone for OutputRef<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for OutputRef<T> {}

impl<T> fmt::Debug for OutputRef<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OutputRef")
            .field("node", &self.node)
            .field("output", &self.output)
            .finish()
    }
}

/// The value of one input of a workflow call: a literal or an upstream output.
///
/// Build it with `.into()` from a value of the input's type (or a `&str` for
/// a `String` input) or from an [`OutputRef`] of the same type. Any other
/// type is a compile error at that `.into()`.
#[derive(Debug, Clone)]
pub enum Binding<T> {
    /// A literal value, fixed when the workflow is built.
    Value(T),
    /// The output of an upstream node, known when that node succeeds.
    Output(OutputRef<T>),
}

impl<T: TaskValue> Binding<T> {
    /// Erases the type. Used by generated code.
    #[doc(hidden)]
    pub fn __into_source(self) -> Source {
        match self {
            Binding::Value(value) => Source::Value(value.into_value()),
            Binding::Output(output) => Source::Output {
                node: output.node,
                output: output.output,
            },
        }
    }
}

impl<T> From<T> for Binding<T> {
    fn from(value: T) -> Self {
        Binding::Value(value)
    }
}

impl<T> From<OutputRef<T>> for Binding<T> {
    fn from(output: OutputRef<T>) -> Self {
        Binding::Output(output)
    }
}

impl From<&str> for Binding<String> {
    fn from(text: &str) -> Self {
        Binding::Value(text.to_owned())
    }
}

/// Where the value of an input comes from, with its type erased.
#[derive(Debug, Clone)]
pub enum Source {
    /// A literal value.
    Value(Value),
    /// Output number `output` of the node `node`.
    Output {
        /// The upstream node.
        node: NodeRef,
        /// The position of the output in the upstream task's declaration.
        output: usize,
    },
    /// The current element of list number `list` of a map node, which
    /// differs for each job of the map.
    Element {
        /// The position of the list among the lists mapped over.
        list: usize,
    },
}
