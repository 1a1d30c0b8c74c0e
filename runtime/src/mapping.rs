//! Mapping one task over the elements of a list: the builder side.
//!
//! A map node is one node of the graph. Its closure runs once, when the
//! workflow is built, with a handle to the current element.
//! When the list is known at run time, the scheduler runs one job per
//! element, named `<node>[0]`, `<node>[1]`, ..., and gathers each output of
//! the task into a list, in input order.

use crate::task::{Binding, ContainerTask, NodeRef, OutputRef, Source};
use crate::value::TaskValue;
use crate::workflow::{Overrides, Workflow};

/// The node index that marks a handle to the element of the map being built.
pub(crate) const ELEMENT_NODE: usize = usize::MAX;

/// The output handles of a map node, one per declared output of the task.
///
/// Each handle is gathered into a list with [`gather`](Self::gather).
#[derive(Debug, Clone, Copy)]
pub struct Mapped<R> {
    refs: R,
}

impl<R> Mapped<R> {
    /// Returns the list of one output over all elements, in input order, to
    /// bind to a `Vec<U>` input downstream or to read from the report.
    ///
    /// # Examples
    ///
    /// ```ignore
    /// let digests: OutputRef<Vec<String>> = mapped.gather(|refs| refs.digest);
    /// ```
    pub fn gather<U>(&self, field: impl FnOnce(&R) -> OutputRef<U>) -> OutputRef<Vec<U>> {
        let output = field(&self.refs);
        OutputRef::__new(output.node(), output.index())
    }
}

/// Options of one map call.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct MapOptions {
    /// The fraction of elements, from 0 to 1, that must succeed for the map
    /// node to succeed. `None`, the default, requires every element.
    pub min_success_ratio: Option<f64>,
    /// Settings that replace the task's declared ones for every element.
    pub overrides: Overrides,
}

impl MapOptions {
    /// Options that require every element to succeed.
    pub fn new() -> Self {
        MapOptions::default()
    }

    /// Lets the map node succeed when at least `ratio` of its elements do.
    /// The gathered lists then contain the outputs of the elements that
    /// succeeded, in input order, and the report lists the failed indices.
    pub fn min_success_ratio(mut self, ratio: f64) -> Self {
        self.min_success_ratio = Some(ratio);
        self
    }

    /// Replaces some of the task's declared settings for every element.
    pub fn overrides(mut self, overrides: Overrides) -> Self {
        self.overrides = overrides;
        self
    }
}

/// The list sources of a map node and its options.
#[derive(Debug, Clone)]
pub(crate) struct MapCall {
    /// The lists mapped over, zipped when there are several.
    pub(crate) lists: Vec<Source>,
    pub(crate) min_success_ratio: Option<f64>,
}

impl Workflow {
    /// Adds a node that runs `task` once per element of `list`, in parallel
    /// under the run's limit, and returns handles to gather its outputs.
    ///
    /// `bind` runs once, now, with a handle to the current element, and
    /// returns the task's bindings. Other inputs may be bound to values or to
    /// upstream outputs, and they are the same for every element. An empty
    /// list succeeds at once with empty lists. Any failed element fails the
    /// node, with the failed indices and their errors.
    pub fn map<T, E>(
        &mut self,
        node: impl Into<String>,
        task: T,
        list: impl Into<Binding<Vec<E>>>,
        bind: impl FnOnce(OutputRef<E>) -> T::Bindings,
    ) -> Mapped<T::OutputRefs>
    where
        T: ContainerTask,
        E: TaskValue,
    {
        self.map_with(node, task, list, bind, MapOptions::default())
    }

    /// Adds a map node like [`map`](Self::map), with options.
    pub fn map_with<T, E>(
        &mut self,
        node: impl Into<String>,
        task: T,
        list: impl Into<Binding<Vec<E>>>,
        bind: impl FnOnce(OutputRef<E>) -> T::Bindings,
        options: MapOptions,
    ) -> Mapped<T::OutputRefs>
    where
        T: ContainerTask,
        E: TaskValue,
    {
        let _ = task;
        let element = OutputRef::__new(self.element_ref(), 0);
        let sources = T::binding_sources(bind(element));
        let lists = vec![list.into().__into_source()];
        self.add_map::<T>(node.into(), sources, lists, options)
    }

    /// Adds a map node over two lists of equal length, zipped: element `i`
    /// of each list goes to the same job.
    ///
    /// # Errors
    ///
    /// Lists of different lengths fail the node at run time with an error
    /// that names both lengths.
    pub fn map_zip<T, A, B>(
        &mut self,
        node: impl Into<String>,
        task: T,
        lists: (impl Into<Binding<Vec<A>>>, impl Into<Binding<Vec<B>>>),
        bind: impl FnOnce((OutputRef<A>, OutputRef<B>)) -> T::Bindings,
        options: MapOptions,
    ) -> Mapped<T::OutputRefs>
    where
        T: ContainerTask,
        A: TaskValue,
        B: TaskValue,
    {
        let _ = task;
        let elements = (
            OutputRef::__new(self.element_ref(), 0),
            OutputRef::__new(self.element_ref(), 1),
        );
        let sources = T::binding_sources(bind(elements));
        let lists = vec![
            lists.0.into().__into_source(),
            lists.1.into().__into_source(),
        ];
        self.add_map::<T>(node.into(), sources, lists, options)
    }

    fn element_ref(&self) -> NodeRef {
        NodeRef {
            workflow: self.id(),
            index: ELEMENT_NODE,
        }
    }

    fn add_map<T: ContainerTask>(
        &mut self,
        node: String,
        sources: Vec<Source>,
        lists: Vec<Source>,
        options: MapOptions,
    ) -> Mapped<T::OutputRefs> {
        let id = self.id();
        let sources = sources
            .into_iter()
            .map(|source| match source {
                Source::Output { node, output }
                    if node.workflow == id && node.index == ELEMENT_NODE =>
                {
                    Source::Element { list: output }
                }
                other => other,
            })
            .collect();
        let call = MapCall {
            lists,
            min_success_ratio: options.min_success_ratio,
        };
        let node = self.add_map_node(node, T::spec(), sources, options.overrides, call);
        Mapped {
            refs: T::output_refs(node),
        }
    }
}
