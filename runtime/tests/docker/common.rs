//! Helpers shared by the Docker tests: hand-written task specs and container
//! queries.

use std::collections::HashMap;

use bollard::query_parameters::ListContainersOptions;
use bollard::Docker;
use containerflow_runtime::{
    ArgTemplate, DockerExecutor, Error, Executor, Job, MetadataFormat, ParamSpec, Quoting, Segment,
    TaskSpec, Value, ValueType,
};

/// The image every test task runs.
pub const IMAGE: &str = "busybox:1.35";

/// An argument made of literal text only.
macro_rules! text {
    ($text:literal) => {
        ::containerflow_runtime::ArgTemplate {
            source: $text,
            segments: &[::containerflow_runtime::Segment::Text($text)],
        }
    };
}

/// `sh -c`, so that the first argument is a shell script.
pub const SH_C: &[ArgTemplate] = &[text!("sh"), text!("-c")];

/// A task with no inputs or outputs that runs `sh -c` with no script, with
/// Flyte's default directories and no network. Tests override fields.
pub const BASE: TaskSpec = TaskSpec {
    name: "base",
    image: IMAGE,
    inputs: &[],
    outputs: &[],
    command: SH_C,
    arguments: &[],
    input_data_dir: "/var/inputs",
    output_data_dir: "/var/outputs",
    block_network: true,
    metadata_format: MetadataFormat::Json,
    ..TaskSpec::DEFAULT
};

pub const fn param(name: &'static str, ty: ValueType) -> ParamSpec {
    ParamSpec { name, ty }
}

pub const fn input(index: usize, quoting: Quoting) -> Segment {
    Segment::Input { index, quoting }
}

/// Builds a job whose node name is the task name.
pub fn job(spec: &'static TaskSpec, inputs: Vec<Value>) -> Job {
    Job::new(spec.name, spec, inputs)
}

/// Connects an executor that leaves other runs' containers alone, so that
/// the orphan test finds its orphan until it connects an executor itself.
pub async fn executor() -> DockerExecutor {
    DockerExecutor::builder()
        .remove_orphans(false)
        .connect()
        .await
        .expect("a Docker daemon must be running; start it with scripts/provision.sh")
}

pub async fn run(
    executor: &DockerExecutor,
    spec: &'static TaskSpec,
    inputs: Vec<Value>,
) -> Result<Vec<Value>, Error> {
    executor.execute(job(spec, inputs)).await.result
}

/// Returns the ids of all containers, running or not, that carry the run
/// label of `executor`.
pub async fn containers_of(executor: &DockerExecutor) -> Vec<String> {
    let docker = Docker::connect_with_defaults()
        .expect("Docker client")
        .negotiate_version()
        .await
        .expect("Docker version negotiation");
    let label = format!("{}={}", DockerExecutor::RUN_LABEL, executor.run_id());
    let options = ListContainersOptions {
        all: true,
        filters: Some(HashMap::from([("label".to_owned(), vec![label])])),
        ..Default::default()
    };
    let containers = docker
        .list_containers(Some(options))
        .await
        .expect("list containers");
    containers
        .into_iter()
        .filter_map(|container| container.id)
        .collect()
}

pub async fn assert_no_containers(executor: &DockerExecutor) {
    let left = containers_of(executor).await;
    assert!(left.is_empty(), "containers left behind: {left:?}");
}

/// Returns the number of job directories in the executor's work directory,
/// which excludes the owner file of a temporary one.
pub fn work_dir_entries(executor: &DockerExecutor) -> usize {
    let entries = std::fs::read_dir(executor.work_dir()).expect("read work directory");
    entries
        .map(|entry| entry.expect("read work directory entry").file_name())
        .filter(|name| name != ".containerflow-owner")
        .count()
}

pub fn file_text(value: &Value) -> String {
    match value {
        Value::File(file) => std::fs::read_to_string(file.path()).expect("read output file"),
        other => panic!("expected a File, got {other:?}"),
    }
}

/// Asserts that the executor left no container, drops it, and asserts that
/// its temporary work directory is gone.
pub async fn assert_cleaned_up(executor: DockerExecutor) {
    assert_no_containers(&executor).await;
    let work_dir = executor.work_dir().to_owned();
    drop(executor);
    assert!(
        !work_dir.exists(),
        "work directory left behind: {}",
        work_dir.display()
    );
}
