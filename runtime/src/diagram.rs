//! Pictures of a workflow graph as Graphviz DOT and Mermaid text.

use std::fmt::Write as _;

use petgraph::visit::EdgeRef;

use crate::workflow::Workflow;

impl Workflow {
    /// Renders the graph as Graphviz DOT: one box per node, labelled with
    /// the node and task names, and one arrow per binding, labelled
    /// `output -> input`.
    pub fn to_dot(&self) -> String {
        let graph = self.graph();
        let mut text = format!("digraph {} {{\n  node [shape=box];\n", quote(self.name()));
        for index in graph.node_indices() {
            let node = &graph[index];
            let label = format!("{}\n({})", node.name, node.spec.name);
            let _ = writeln!(text, "  n{} [label={}];", index.index(), quote(&label));
        }
        for edge in graph.edge_references() {
            let label = self.edge_label(edge.source(), edge.target(), *edge.weight());
            let (from, to) = (edge.source().index(), edge.target().index());
            let _ = writeln!(text, "  n{from} -> n{to} [label={}];", quote(&label));
        }
        text.push_str("}\n");
        text
    }

    /// Renders the graph as a Mermaid flowchart, with the same labels as
    /// [`to_dot`](Self::to_dot).
    pub fn to_mermaid(&self) -> String {
        let graph = self.graph();
        let mut text = String::from("flowchart TD\n");
        for index in graph.node_indices() {
            let node = &graph[index];
            let label = format!("{}<br/>({})", node.name, node.spec.name);
            let _ = writeln!(text, "  n{}[\"{}\"]", index.index(), mermaid_escape(&label));
        }
        for edge in graph.edge_references() {
            let label = self.edge_label(edge.source(), edge.target(), *edge.weight());
            let (from, to) = (edge.source().index(), edge.target().index());
            let _ = writeln!(text, "  n{from} -->|\"{}\"| n{to}", mermaid_escape(&label));
        }
        text
    }

    fn edge_label(
        &self,
        source: petgraph::graph::NodeIndex,
        target: petgraph::graph::NodeIndex,
        edge: crate::workflow::Edge,
    ) -> String {
        let graph = self.graph();
        let output = graph[source].spec.outputs[edge.output].name;
        let input = graph[target]
            .spec
            .inputs
            .get(edge.input)
            .map_or("list", |param| param.name);
        format!("{output} -> {input}")
    }
}

/// Quotes `text` as a DOT string, escaping `"` and `\` and keeping newlines.
fn quote(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n");
    format!("\"{escaped}\"")
}

/// Escapes `"` for a Mermaid label, which has no backslash escapes.
fn mermaid_escape(text: &str) -> String {
    text.replace('"', "#quot;")
}
