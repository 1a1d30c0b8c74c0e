//! Scheduler tests with an executor that runs no container: it adds two
//! integers in memory, so only the scheduling logic is under test.

use std::sync::atomic::{AtomicUsize, Ordering};

use futures::future::BoxFuture;

use super::*;
use crate::executor::Attempt;
use crate::spec::{MetadataFormat, ParamSpec};
use crate::task::{Binding, NodeOutputs, NodeRef, OutputRef};
use crate::value::{TaskValue, ValueType};

static ADD: TaskSpec = TaskSpec {
    name: "add",
    image: "none",
    inputs: &[
        ParamSpec {
            name: "a",
            ty: ValueType::Int,
        },
        ParamSpec {
            name: "b",
            ty: ValueType::Int,
        },
    ],
    outputs: &[ParamSpec {
        name: "sum",
        ty: ValueType::Int,
    }],
    command: &[],
    arguments: &[],
    input_data_dir: "/var/inputs",
    output_data_dir: "/var/outputs",
    block_network: false,
    metadata_format: MetadataFormat::Json,
    ..TaskSpec::DEFAULT
};

struct Add;

struct AddInputs {
    a: Binding<i64>,
    b: Binding<i64>,
}

#[derive(Clone, Copy)]
struct AddOutputs {
    sum: OutputRef<i64>,
    node: NodeRef,
}

impl NodeOutputs for AddOutputs {
    type Task = Add;

    fn node(&self) -> NodeRef {
        self.node
    }
}

impl ContainerTask for Add {
    type Inputs = (i64, i64);
    type Outputs = i64;
    type Bindings = AddInputs;
    type OutputRefs = AddOutputs;

    fn spec() -> &'static TaskSpec {
        &ADD
    }

    fn input_values((a, b): (i64, i64)) -> Vec<Value> {
        vec![a.into_value(), b.into_value()]
    }

    fn binding_sources(bindings: AddInputs) -> Vec<Source> {
        vec![bindings.a.__into_source(), bindings.b.__into_source()]
    }

    fn outputs_from_values(values: Vec<Value>) -> Option<i64> {
        i64::from_value(values.into_iter().next()?)
    }

    fn output_refs(node: NodeRef) -> AddOutputs {
        AddOutputs {
            sum: OutputRef::__new(node, 0),
            node,
        }
    }
}

/// Adds in memory, fails when the first operand is negative, and records
/// how many jobs run at once.
#[derive(Default)]
struct Adder {
    running: AtomicUsize,
    peak: AtomicUsize,
    started: AtomicUsize,
}

impl Executor for Adder {
    fn execute(&self, job: Job) -> BoxFuture<'_, Attempt> {
        Box::pin(async move { Attempt::from_result(self.add(job).await) })
    }
}

impl Adder {
    async fn add(&self, job: Job) -> Result<Vec<Value>, Error> {
        {
            self.started.fetch_add(1, Ordering::SeqCst);
            let now = self.running.fetch_add(1, Ordering::SeqCst) + 1;
            self.peak.fetch_max(now, Ordering::SeqCst);
            for _ in 0..3 {
                tokio::task::yield_now().await;
            }
            self.running.fetch_sub(1, Ordering::SeqCst);
            let [Value::Int(a), Value::Int(b)] = job.inputs[..] else {
                panic!("add takes two ints, got {:?}", job.inputs);
            };
            if a < 0 {
                return Err(Error::NonZeroExit {
                    task: job.node,
                    code: 1,
                    log_tail: "negative operand".into(),
                });
            }
            Ok(vec![Value::Int(a + b)])
        }
    }
}

fn add(
    workflow: &mut Workflow,
    name: &str,
    a: impl Into<Binding<i64>>,
    b: impl Into<Binding<i64>>,
) -> AddOutputs {
    let bindings = AddInputs {
        a: a.into(),
        b: b.into(),
    };
    workflow.add(name, Add, bindings)
}

#[tokio::test]
async fn chain_passes_outputs_downstream() {
    let mut workflow = Workflow::new("chain");
    let first = add(&mut workflow, "first", 1, 2);
    let second = add(&mut workflow, "second", first.sum, 10);
    let third = add(&mut workflow, "third", second.sum, first.sum);
    let report = workflow.run(&Adder::default()).await.unwrap();
    assert!(report.is_success());
    assert_eq!(report.outputs(&first).unwrap(), 3);
    assert_eq!(report.outputs(&second).unwrap(), 13);
    assert_eq!(report.outputs(&third).unwrap(), 16);
}

#[tokio::test]
async fn fan_in_waits_for_every_branch() {
    let mut workflow = Workflow::new("fan");
    let mut total = add(&mut workflow, "seed", 0, 0);
    let branches: Vec<AddOutputs> = (0..20)
        .map(|i| add(&mut workflow, &format!("branch-{i}"), i, 0))
        .collect();
    for (i, branch) in branches.iter().enumerate() {
        total = add(&mut workflow, &format!("join-{i}"), total.sum, branch.sum);
    }
    let report = workflow.run(&Adder::default()).await.unwrap();
    assert_eq!(report.outputs(&total).unwrap(), (0..20).sum::<i64>());
}

#[tokio::test]
async fn failure_skips_downstream_only() {
    let mut workflow = Workflow::new("partial");
    let bad = add(&mut workflow, "bad", -1, 0);
    let after_bad = add(&mut workflow, "after-bad", bad.sum, 1);
    let after_after = add(&mut workflow, "after-after", after_bad.sum, 1);
    let good = add(&mut workflow, "good", 1, 1);
    let after_good = add(&mut workflow, "after-good", good.sum, 1);
    let executor = Adder::default();
    let report = workflow.run(&executor).await.unwrap();

    assert!(!report.is_success());
    assert_eq!(report.outputs(&after_good).unwrap(), 3);
    let failures: Vec<&str> = report.failures().map(|(node, _)| node).collect();
    assert_eq!(failures, ["bad"]);
    let skipped: Vec<(&str, &str)> = report.skipped().collect();
    assert_eq!(skipped, [("after-bad", "bad"), ("after-after", "bad")]);
    assert_eq!(
        executor.started.load(Ordering::SeqCst),
        3,
        "skipped tasks must not start"
    );
    let error = report.outputs(&after_after).unwrap_err().to_string();
    assert!(error.contains("skipped because `bad` failed"), "{error}");
}

#[tokio::test]
async fn into_result_lists_failed_and_skipped() {
    let mut workflow = Workflow::new("summary");
    let bad = add(&mut workflow, "bad", -5, 0);
    add(&mut workflow, "downstream", bad.sum, 0);
    let report = workflow.run(&Adder::default()).await.unwrap();
    let message = report.into_result().unwrap_err().to_string();
    assert!(
        message.starts_with("workflow `summary` failed:"),
        "{message}"
    );
    assert!(
        message.contains("\n  task `bad` failed: the container exited with code 1"),
        "{message}"
    );
    assert!(
        message.contains("task `downstream` skipped because `bad` failed"),
        "{message}"
    );
}

#[tokio::test]
async fn parallelism_respects_limit() {
    for limit in [1, 3, 8] {
        let mut workflow = Workflow::new("wide");
        for i in 0..20 {
            add(&mut workflow, &format!("task-{i}"), i, i);
        }
        let executor = Adder::default();
        let options = RunOptions::default().max_parallel(limit);
        let report = workflow.run_with(&executor, &options).await.unwrap();
        assert!(report.is_success());
        assert_eq!(executor.peak.load(Ordering::SeqCst), limit, "limit {limit}");
    }
}

#[tokio::test]
async fn duplicate_node_name_is_rejected_before_running() {
    let mut workflow = Workflow::new("dupes");
    add(&mut workflow, "same", 1, 1);
    add(&mut workflow, "same", 2, 2);
    let executor = Adder::default();
    let error = workflow.run(&executor).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "workflow `dupes` has more than one node named `same`; give each call a unique name"
    );
    assert_eq!(executor.started.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn output_of_another_workflow_is_rejected() {
    let mut other = Workflow::new("other");
    let foreign = add(&mut other, "source", 1, 1);
    let mut workflow = Workflow::new("main");
    add(&mut workflow, "consumer", foreign.sum, 1);
    let error = workflow.validate().unwrap_err().to_string();
    assert!(
        error.starts_with("node `consumer` input `a` is bound to an output of another workflow"),
        "{error}"
    );
}

#[tokio::test]
async fn outputs_of_another_workflow_are_rejected() {
    let mut first = Workflow::new("first");
    let refs = add(&mut first, "only", 1, 1);
    let second = Workflow::new("second");
    let report = second.run(&Adder::default()).await.unwrap();
    assert!(report.outputs(&refs).is_err());
}

#[test]
fn diagrams_label_nodes_and_bindings() {
    let mut workflow = Workflow::new("pictured");
    let first = add(&mut workflow, "first", 1, 2);
    add(&mut workflow, "second", first.sum, 3);
    let dot = workflow.to_dot();
    assert!(dot.contains("n0 [label=\"first\\n(add)\"]"), "{dot}");
    assert!(dot.contains("n0 -> n1 [label=\"sum -> a\"]"), "{dot}");
    let mermaid = workflow.to_mermaid();
    assert!(mermaid.contains("n0 -->|\"sum -> a\"| n1"), "{mermaid}");
}
