//! The containerflow side: the tasks the benchmark declares, and the runs
//! that the floor and the other contenders are compared with.

use std::path::{Path, PathBuf};

use containerflow::{
    container_task, run_task_with, DockerExecutor, File, NodeState, Overrides, Progress,
    RunOptions, Workflow,
};

use crate::floor::{Network, BENCH_LABEL};

container_task! {
    /// The greeting task of Flyte's `ContainerTask` documentation, on the
    /// default bridge network.
    pub struct Greeting {
        name = "echo_and_return_greeting",
        image = "busybox:1.35",
        input_data_dir = "/var/inputs",
        output_data_dir = "/var/outputs",
        inputs = { name: String },
        outputs = { greeting: String },
        command = [
            "/bin/sh",
            "-c",
            "echo 'Hello, my name is {{.inputs.name}}.' | tee -a /var/outputs/greeting",
        ],
    }
}

container_task! {
    /// The greeting task with network mode `none`.
    pub struct OfflineGreeting {
        name = "echo_and_return_greeting_offline",
        image = "busybox:1.35",
        block_network = true,
        inputs = { name: String },
        outputs = { greeting: String },
        command = [
            "/bin/sh",
            "-c",
            "echo 'Hello, my name is {{.inputs.name}}.' | tee -a /var/outputs/greeting",
        ],
    }
}

container_task! {
    /// Counts the bytes of a file. `after` only orders the calls in a chain.
    pub struct CountBytes {
        name = "count_bytes",
        image = "busybox:1.35",
        block_network = true,
        inputs = { data: File, after: i64 },
        outputs = { bytes: i64 },
        command = ["/bin/sh", "-c", "wc -c < /var/inputs/data > /var/outputs/bytes"],
    }
}

/// The shell command of [`CountBytes`], for the hand-made containers.
pub const COUNT_BYTES_SCRIPT: &str = "wc -c < /var/inputs/data > /var/outputs/bytes";

/// Connects an executor whose containers carry the benchmark's label.
pub async fn connect(bench_id: &str) -> DockerExecutor {
    connect_to(None, bench_id).await
}

/// Connects an executor to the daemon at `host`, or at the default address
/// when `host` is `None`.
pub async fn connect_to(host: Option<&str>, bench_id: &str) -> DockerExecutor {
    let mut builder = DockerExecutor::builder().label(BENCH_LABEL, bench_id);
    if let Some(host) = host {
        builder = builder.docker_host(host);
    }
    builder
        .connect()
        .await
        .expect("connect containerflow to Docker")
}

/// Returns the default run options, with records under `records` (or none) and no
/// progress bar, so that a terminal does not change what is measured.
pub fn options(records: Option<&Path>) -> RunOptions {
    RunOptions::default()
        .records(records.map(Path::to_owned))
        .progress(Progress::Never)
}

/// Runs one greeting task through `run_task_with` and returns the greeting.
pub async fn greet(executor: &DockerExecutor, name: &str, records: Option<&Path>) -> String {
    let inputs = GreetingInputs {
        name: name.to_owned(),
    };
    let overrides = Overrides::default();
    let outputs = run_task_with(executor, Greeting, inputs, overrides, &options(records))
        .await
        .expect("the greeting task succeeds");
    outputs.greeting
}

/// Runs a workflow of `tasks` independent greetings, at most `parallel` at once.
pub async fn greet_all(
    executor: &DockerExecutor,
    tasks: usize,
    parallel: usize,
    network: Network,
    records: Option<&Path>,
) {
    let mut workflow = Workflow::new(format!("greetings-{tasks}"));
    for index in 0..tasks {
        let node = format!("greet-{index}");
        let name = format!("Ada{index}");
        match network {
            Network::Bridge => {
                workflow.add(node, Greeting, GreetingBindings { name: name.into() });
            }
            Network::None => {
                let bindings = OfflineGreetingBindings { name: name.into() };
                workflow.add(node, OfflineGreeting, bindings);
            }
        }
    }
    let options = options(records).max_parallel(parallel);
    let report = workflow.run_with(executor, &options).await.expect("run");
    let succeeded = report
        .nodes()
        .iter()
        .filter(|node| matches!(node.state, NodeState::Succeeded { .. }))
        .count();
    assert_eq!(succeeded, tasks, "every greeting succeeds");
}

/// Passes `data` through a chain of three [`CountBytes`] calls and returns
/// the byte count of the last one.
pub async fn count_three_times(executor: &DockerExecutor, data: &Path) -> i64 {
    let mut workflow = Workflow::new("count-three-times");
    let file = || File::new(PathBuf::from(data));
    let bindings = CountBytesBindings {
        data: file().into(),
        after: 0.into(),
    };
    let first = workflow.add("count-1", CountBytes, bindings);
    let bindings = CountBytesBindings {
        data: file().into(),
        after: first.bytes.into(),
    };
    let second = workflow.add("count-2", CountBytes, bindings);
    let bindings = CountBytesBindings {
        data: file().into(),
        after: second.bytes.into(),
    };
    let third = workflow.add("count-3", CountBytes, bindings);
    let report = workflow
        .run_with(executor, &options(None))
        .await
        .expect("run");
    let report = report.into_result().expect("every count succeeds");
    report.outputs(&third).expect("the last count").bytes
}
