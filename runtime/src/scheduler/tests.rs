//! Scheduler tests with an executor that runs no container: it adds two
//! integers in memory, so only the scheduling logic is under test.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::future::BoxFuture;

use super::*;
use crate::executor::Attempt;
use crate::spec::{MetadataFormat, ParamSpec, TaskSpec};
use crate::task::{Binding, NodeOutputs, NodeRef, OutputRef};
use crate::value::{TaskValue, ValueType};
use crate::workflow::Overrides;

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
    /// Attempts of jobs whose first operand is 100 that fail before one succeeds.
    flaky_failures: AtomicUsize,
}

/// Options for tests: no records, no signal handlers, no progress bar.
fn quiet() -> RunOptions {
    RunOptions::default()
        .records(None)
        .handle_signals(false)
        .progress(Progress::Never)
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
            if a == 100 && self.flaky_failures.load(Ordering::SeqCst) > 0 {
                self.flaky_failures.fetch_sub(1, Ordering::SeqCst);
                return Err(Error::NonZeroExit {
                    task: job.node,
                    code: 2,
                    log_tail: format!("flaky attempt {}", job.attempt),
                });
            }
            if a == 200 {
                return Err(Error::InputHasNul {
                    task: job.node,
                    input: "a".into(),
                });
            }
            if a == 300 {
                std::future::pending::<()>().await;
            }
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
    let report = workflow
        .run_with(&Adder::default(), &quiet())
        .await
        .unwrap();
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
    let report = workflow
        .run_with(&Adder::default(), &quiet())
        .await
        .unwrap();
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
    let report = workflow.run_with(&executor, &quiet()).await.unwrap();

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
    let report = workflow
        .run_with(&Adder::default(), &quiet())
        .await
        .unwrap();
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
        let options = quiet().max_parallel(limit);
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
    let error = workflow.run_with(&executor, &quiet()).await.unwrap_err();
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
    let report = second.run_with(&Adder::default(), &quiet()).await.unwrap();
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

fn retrying(retries: u32) -> Overrides {
    Overrides::new()
        .retries(retries)
        .retry_delay(std::time::Duration::from_millis(1))
}

#[tokio::test]
async fn retry_succeeds_after_two_failures() {
    let mut workflow = Workflow::new("flaky");
    let bindings = AddInputs {
        a: 100.into(),
        b: 1.into(),
    };
    let flaky = workflow.add_with("flaky", Add, bindings, retrying(2));
    let executor = Adder::default();
    executor.flaky_failures.store(2, Ordering::SeqCst);
    let report = workflow.run_with(&executor, &quiet()).await.unwrap();
    assert_eq!(report.outputs(&flaky).unwrap(), 101);
    assert_eq!(executor.started.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn exhausted_retries_keep_every_cause() {
    let mut workflow = Workflow::new("flaky");
    let bindings = AddInputs {
        a: 100.into(),
        b: 1.into(),
    };
    workflow.add_with("flaky", Add, bindings, retrying(1));
    let executor = Adder::default();
    executor.flaky_failures.store(5, Ordering::SeqCst);
    let report = workflow.run_with(&executor, &quiet()).await.unwrap();
    let (_, error) = report.failures().next().expect("the task failed");
    let Error::RetriesExhausted { attempts, .. } = error else {
        panic!("expected RetriesExhausted, got {error:?}");
    };
    assert_eq!(attempts.len(), 2);
    let message = error.to_string();
    assert!(
        message.contains("attempt 1: task `flaky` failed"),
        "{message}"
    );
    assert!(message.contains("flaky attempt 1"), "{message}");
    assert!(message.contains("flaky attempt 2"), "{message}");
}

#[tokio::test]
async fn input_errors_are_not_retried() {
    let mut workflow = Workflow::new("bad_input");
    let bindings = AddInputs {
        a: 200.into(),
        b: 1.into(),
    };
    workflow.add_with("bad", Add, bindings, retrying(3));
    let executor = Adder::default();
    let report = workflow.run_with(&executor, &quiet()).await.unwrap();
    assert_eq!(executor.started.load(Ordering::SeqCst), 1);
    let (_, error) = report.failures().next().expect("the task failed");
    assert!(matches!(error, Error::InputHasNul { .. }), "{error:?}");
}

#[tokio::test]
async fn fail_fast_cancels_running_and_pending() {
    let mut workflow = Workflow::new("fast");
    let hangs = add(&mut workflow, "hangs", 300, 0);
    let fails = add(&mut workflow, "fails", -1, 0);
    let downstream = add(&mut workflow, "downstream", fails.sum, 0);
    let never_started = add(&mut workflow, "never_started", 1, 1);
    let options = quiet().fail_fast(true).max_parallel(2);
    let report = workflow
        .run_with(&Adder::default(), &options)
        .await
        .unwrap();

    let states: Vec<(&str, &NodeState)> = report
        .nodes()
        .iter()
        .map(|node| (node.name.as_str(), &node.state))
        .collect();
    assert!(
        matches!(states[0].1, NodeState::Cancelled { .. }),
        "{states:?}"
    );
    assert!(
        matches!(states[1].1, NodeState::Failed { .. }),
        "{states:?}"
    );
    assert!(
        matches!(states[2].1, NodeState::Skipped { .. }),
        "{states:?}"
    );
    assert!(
        matches!(states[3].1, NodeState::Cancelled { .. }),
        "{states:?}"
    );
    let error = report.outputs(&hangs).unwrap_err().to_string();
    assert!(
        error.contains("task `fails` failed and the run is fail-fast"),
        "{error}"
    );
    assert!(report.outputs(&downstream).is_err());
    assert!(report.outputs(&never_started).is_err());
}

#[tokio::test]
async fn overrides_reach_the_job() {
    #[derive(Default)]
    struct Recorder(std::sync::Mutex<Vec<Job>>);
    impl Executor for Recorder {
        fn execute(&self, job: Job) -> BoxFuture<'_, Attempt> {
            self.0.lock().unwrap().push(job);
            Box::pin(async { Attempt::from_result(Ok(vec![Value::Int(0)])) })
        }
    }
    let mut workflow = Workflow::new("overridden");
    let overrides = Overrides::new()
        .timeout(std::time::Duration::from_secs(7))
        .memory(64 << 20)
        .env("MODE", "fast");
    workflow.add_with(
        "custom",
        Add,
        AddInputs {
            a: 1.into(),
            b: 2.into(),
        },
        overrides,
    );
    add(&mut workflow, "plain", 1, 2);
    let recorder = Recorder::default();
    workflow.run_with(&recorder, &quiet()).await.unwrap();

    let jobs = recorder.0.lock().unwrap();
    assert_eq!(
        jobs[0].settings.timeout,
        Some(std::time::Duration::from_secs(7))
    );
    assert_eq!(jobs[0].settings.memory, Some(64 << 20));
    assert_eq!(jobs[0].settings.retries, 0);
    let attempt = ("FLYTE_ATTEMPT_NUMBER".to_owned(), "0".to_owned());
    assert_eq!(
        jobs[0].env,
        [("MODE".to_owned(), "fast".to_owned()), attempt.clone()]
    );
    assert_eq!(jobs[1].settings, ADD.settings);
    assert_eq!(jobs[1].env, [attempt]);
}

#[tokio::test]
async fn records_describe_run_and_attempts() {
    let base = tempfile::tempdir().unwrap();
    let mut workflow = Workflow::new("recorded");
    let bad = add(&mut workflow, "bad", -1, 0);
    add(&mut workflow, "after", bad.sum, 0);
    add(&mut workflow, "good", 2, 3);
    let options = quiet().records(Some(base.path().to_owned()));
    workflow
        .run_with(&Adder::default(), &options)
        .await
        .unwrap();

    let runs: Vec<_> = std::fs::read_dir(base.path())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    assert_eq!(runs.len(), 1);
    let run_dir = &runs[0];
    assert!(run_dir
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("recorded-"));
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run_dir.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["status"], "failed");
    assert_eq!(run["nodes"][0]["state"], "failed");
    assert_eq!(run["nodes"][1]["state"], "skipped");
    assert_eq!(run["nodes"][1]["failed_upstream"], "bad");
    assert_eq!(run["nodes"][2]["state"], "succeeded");
    assert!(run["finished_at"].is_string());

    let attempt: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(run_dir.join("tasks/0002-good/attempt-1.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(attempt["status"], "succeeded");
    assert_eq!(attempt["inputs"]["a"], 2);
    assert_eq!(attempt["outputs"]["sum"], 5);
    let failed: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(run_dir.join("tasks/0000-bad/attempt-1.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(failed["status"], "failed");
    assert!(failed["error"]
        .as_str()
        .unwrap()
        .contains("negative operand"));
    assert!(run_dir.join("graph.dot").exists());
    assert!(
        !run_dir.join("tasks/0001-after").exists(),
        "a skipped task has no attempt"
    );
}

#[tokio::test]
async fn invalid_overrides_fail_validation_before_any_job() {
    let cases = [
        (Overrides::new().cpus(f64::NAN), "cpus", "from 0.01"),
        (Overrides::new().cpus(-1.0), "cpus", "from 0.01"),
        (
            Overrides::new().cpus(1e300),
            "cpus",
            "the largest it can represent",
        ),
        (
            Overrides::new().memory(u64::MAX),
            "memory",
            "the largest it can represent",
        ),
        (
            Overrides::new().timeout(Duration::MAX),
            "timeout",
            "at most 2562047h47m16.854775807s",
        ),
        (
            Overrides::new().retry_delay(Duration::from_secs(u64::MAX)),
            "retry_delay",
            "the longest duration Go can represent",
        ),
        (Overrides::new().memory(0), "memory", "from 6 MiB"),
        (
            Overrides::new().timeout(Duration::ZERO),
            "timeout",
            "greater than zero",
        ),
        (
            Overrides::new().retries(u32::MAX),
            "retries",
            "from 0 to 100",
        ),
        (
            Overrides::new().env("A=B", "x"),
            "env",
            "must not be empty or contain `=`",
        ),
        (Overrides::new().env("", "x"), "env", "must not be empty"),
        (Overrides::new().env("A", "a\0b"), "env", "NUL character"),
    ];
    for (overrides, setting, reason) in cases {
        let mut workflow = Workflow::new("overrides");
        let bindings = AddInputs {
            a: 1.into(),
            b: 2.into(),
        };
        workflow.add_with("add", Add, bindings, overrides);
        let adder = Adder::default();
        let error = workflow.run_with(&adder, &quiet()).await.unwrap_err();
        assert!(
            matches!(&error, Error::InvalidOverride { node, setting: found, .. }
                if node == "add" && *found == setting),
            "{error}"
        );
        assert!(error.to_string().contains(reason), "{error}");
        assert_eq!(adder.started.load(Ordering::SeqCst), 0);
    }
    let mut workflow = Workflow::new("overrides");
    let valid = Overrides::new()
        .cpus(0.01)
        .memory(6 * 1024 * 1024)
        .retries(100)
        .env("A", "");
    let bindings = AddInputs {
        a: 1.into(),
        b: 2.into(),
    };
    workflow.add_with("add", Add, bindings, valid);
    workflow.validate().unwrap();
}

#[tokio::test]
async fn long_chain_runs_without_deep_recursion() {
    let mut workflow = Workflow::new("long");
    let mut last = add(&mut workflow, "n0", 1, 0);
    for index in 1..100_000 {
        last = add(&mut workflow, &format!("n{index}"), last.sum, 0);
    }
    let options = quiet().max_parallel(64);
    let report = workflow
        .run_with(&Adder::default(), &options)
        .await
        .unwrap();
    assert_eq!(report.outputs(&last).unwrap(), 1);
}

mod maps;
