//! Mapping one task over the elements of a list: the builder side.
//!
//! A map node is one node of the graph. Its closure runs once, when the
//! workflow is built, with a handle to the current element.
//! When the list is known at run time, the scheduler runs one job per
//! element, named `<node>[0]`, `<node>[1]`, ..., and gathers each output of
//! the task into a list, in input order.

use std::marker::PhantomData;

use crate::task::{Binding, ContainerTask, NodeRef, OutputRef, Source};
use crate::value::TaskValue;
use crate::workflow::{Overrides, Workflow};

/// The node index that marks a handle to the element of the map being built.
pub(crate) const ELEMENT_NODE: usize = usize::MAX;

/// The output handles of a map node, one per declared output of the task.
///
/// Each handle is gathered into a list with [`gather`](Self::gather). `G`
/// sets the list type: [`Complete`] when every element must succeed,
/// [`Partial`] when the map was given a minimum success ratio.
#[derive(Debug, Clone, Copy)]
pub struct Mapped<R, G = Complete> {
    refs: R,
    gathering: PhantomData<G>,
}

impl<R, G: Gathering> Mapped<R, G> {
    /// Returns the list of one output over all elements, in input order, to
    /// bind to an input of the same list type downstream or to read from the
    /// report: `Vec<U>` for a [`Complete`] map, `Vec<Option<U>>` with `None`
    /// at each failed element for a [`Partial`] one.
    ///
    /// # Examples
    ///
    /// ```ignore
    /// let digests: OutputRef<Vec<String>> = mapped.gather(|refs| refs.digest);
    /// ```
    pub fn gather<U: TaskValue>(
        &self,
        field: impl FnOnce(&R) -> OutputRef<U>,
    ) -> OutputRef<G::List<U>> {
        let output = field(&self.refs);
        OutputRef::__new(output.node(), output.index())
    }
}

/// The gathering mode of a map node: [`Complete`] or [`Partial`].
pub trait Gathering: sealed::Sealed {
    /// The type of one gathered output whose elements have type `U`.
    type List<U: TaskValue>: TaskValue;
}

/// Every element must succeed, so a gathered output is a `Vec<U>`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Complete;

/// Some elements may fail, so a gathered output is a `Vec<Option<U>>` that
/// contains `None` at each failed element.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Partial;

impl Gathering for Complete {
    type List<U: TaskValue> = Vec<U>;
}

impl Gathering for Partial {
    type List<U: TaskValue> = Vec<Option<U>>;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::Complete {}
    impl Sealed for super::Partial {}
}

/// Options of one map call.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use containerflow_runtime::{MapOptions, Overrides};
///
/// // At least 90 % of the elements must succeed; each element may take 2 minutes.
/// let options = MapOptions::new()
///     .min_success_ratio(0.9)
///     .overrides(Overrides::new().timeout(Duration::from_secs(120)));
/// assert_eq!(options.ratio(), Some(0.9));
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MapOptions<G = Complete> {
    min_success_ratio: Option<f64>,
    overrides: Overrides,
    gathering: PhantomData<G>,
}

impl MapOptions {
    /// Options that require every element to succeed.
    pub fn new() -> Self {
        MapOptions::default()
    }
}

impl<G> MapOptions<G> {
    /// Lets the map node succeed when at least `ratio`, from 0 to 1, of its
    /// elements do. The gathered lists then hold `None` at each failed
    /// element, and the report names the failed elements and their errors.
    ///
    /// A ratio that is not a number from 0 to 1 fails
    /// [`Workflow::validate`] and every run with [`Error::InvalidMapRatio`](crate::Error::InvalidMapRatio).
    pub fn min_success_ratio(self, ratio: f64) -> MapOptions<Partial> {
        MapOptions {
            min_success_ratio: Some(ratio),
            overrides: self.overrides,
            gathering: PhantomData,
        }
    }

    /// Replaces some of the task's declared settings for every element.
    pub fn overrides(mut self, overrides: Overrides) -> Self {
        self.overrides = overrides;
        self
    }

    /// Returns the minimum success ratio, if one was set.
    pub fn ratio(&self) -> Option<f64> {
        self.min_success_ratio
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

    /// Adds a map node like [`map`](Self::map), with options. With a
    /// minimum success ratio the gathered outputs are lists of `Option`s.
    pub fn map_with<T, E, G>(
        &mut self,
        node: impl Into<String>,
        task: T,
        list: impl Into<Binding<Vec<E>>>,
        bind: impl FnOnce(OutputRef<E>) -> T::Bindings,
        options: MapOptions<G>,
    ) -> Mapped<T::OutputRefs, G>
    where
        T: ContainerTask,
        E: TaskValue,
        G: Gathering,
    {
        let _ = task;
        let element = OutputRef::__new(self.element_ref(), 0);
        let sources = T::binding_sources(bind(element));
        let lists = vec![list.into().__into_source()];
        self.add_map::<T, G>(node.into(), sources, lists, options)
    }

    /// Adds a map node over two lists of equal length, zipped: element `i`
    /// of each list goes to the same job.
    ///
    /// # Errors
    ///
    /// Lists of different lengths fail the node at run time with an error
    /// that names both lengths.
    pub fn map_zip<T, A, B, G>(
        &mut self,
        node: impl Into<String>,
        task: T,
        lists: (impl Into<Binding<Vec<A>>>, impl Into<Binding<Vec<B>>>),
        bind: impl FnOnce((OutputRef<A>, OutputRef<B>)) -> T::Bindings,
        options: MapOptions<G>,
    ) -> Mapped<T::OutputRefs, G>
    where
        T: ContainerTask,
        A: TaskValue,
        B: TaskValue,
        G: Gathering,
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
        self.add_map::<T, G>(node.into(), sources, lists, options)
    }

    fn element_ref(&self) -> NodeRef {
        NodeRef {
            workflow: self.id(),
            index: ELEMENT_NODE,
        }
    }

    fn add_map<T: ContainerTask, G: Gathering>(
        &mut self,
        node: String,
        sources: Vec<Source>,
        lists: Vec<Source>,
        options: MapOptions<G>,
    ) -> Mapped<T::OutputRefs, G> {
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
        if let Some(ratio) = options.min_success_ratio {
            if !(0.0..=1.0).contains(&ratio) {
                self.invalid_ratio(&node, ratio);
            }
        }
        let call = MapCall {
            lists,
            min_success_ratio: options.min_success_ratio,
        };
        let node = self.add_map_node(node, T::spec(), sources, options.overrides, call);
        Mapped {
            refs: T::output_refs(node),
            gathering: PhantomData,
        }
    }
}
