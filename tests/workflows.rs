//! End-to-end workflows declared with `container_task!` and run on the
//! Docker daemon, with the local `busybox:1.35` image that
//! `scripts/provision.sh` builds.

use std::process::Command;

use std::time::{Duration, Instant};

use containerflow::{
    container_task, run_task, DockerExecutor, File, NodeState, Overrides, RunOptions, Workflow,
};

container_task! {
    /// The greeting task from Flyte's `ContainerTask` documentation.
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
    pub struct Write {
        name = "write_text",
        image = "busybox:1.35",
        inputs = { text: String },
        outputs = { file: File },
        command = ["/bin/sh", "-c", "printf '%s' \"$(cat /var/inputs/text)\" > /var/outputs/file"],
    }
}

container_task! {
    pub struct Append {
        name = "append_text",
        image = "busybox:1.35",
        inputs = { file: File, suffix: String },
        outputs = { file: File, length: i64 },
        command = [
            "/bin/sh",
            "-c",
            "{ cat /var/inputs/file; cat /var/inputs/suffix; } > /var/outputs/file \
             && wc -c < /var/outputs/file > /var/outputs/length",
        ],
    }
}

container_task! {
    /// Exits with `code` before writing its output, on purpose.
    #[allow(deprecated)]
    pub struct Fail {
        name = "fail",
        image = "busybox:1.35",
        inputs = { code: i64 },
        outputs = { never: String },
        command = ["/bin/sh", "-c", "echo about to fail; exit {{.inputs.code}}"],
    }
}

container_task! {
    /// Fails until its third attempt: Flyte's attempt counter starts at 0.
    pub struct ThirdTime {
        name = "third_time",
        image = "busybox:1.35",
        outputs = { attempt: i64 },
        command = [
            "/bin/sh",
            "-c",
            "echo attempt $FLYTE_ATTEMPT_NUMBER; [ $FLYTE_ATTEMPT_NUMBER -ge 2 ] \
             && echo $FLYTE_ATTEMPT_NUMBER > /var/outputs/attempt",
        ],
    }
}

container_task! {
    pub struct Sleep {
        name = "sleep",
        image = "busybox:1.35",
        inputs = { seconds: i64 },
        outputs = { done: String },
        block_network = true,
        command = ["/bin/sh", "-c", "sleep {{.inputs.seconds}} && echo done > /var/outputs/done"],
    }
}

/// Returns the ids of all containers, running or not, created from `image`
/// by this test binary's tasks; `docker ps` filters by the task name label.
fn containers_of_task(task: &str) -> Vec<String> {
    let output = Command::new("docker")
        .args(["ps", "-aq", "--filter"])
        .arg(format!("label=containerflow.task={task}"))
        .output()
        .expect("the docker CLI runs");
    assert!(output.status.success(), "docker ps failed: {output:?}");
    String::from_utf8_lossy(&output.stdout)
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn greeting_seed_example_runs() {
    let executor = DockerExecutor::connect().await.unwrap();
    let inputs = GreetingInputs {
        name: "Ada".to_owned(),
    };
    let outputs = run_task(&executor, Greeting, inputs).await.unwrap();
    assert_eq!(outputs.greeting, "Hello, my name is Ada.");
}

#[tokio::test]
async fn file_passes_through_three_tasks() {
    let mut workflow = Workflow::new("three_steps");
    let written = workflow.add("write", Write, WriteBindings { text: "one".into() });
    let second = workflow.add(
        "append_two",
        Append,
        AppendBindings {
            file: written.file.into(),
            suffix: "-two".into(),
        },
    );
    let third = workflow.add(
        "append_three",
        Append,
        AppendBindings {
            file: second.file.into(),
            suffix: "-three".into(),
        },
    );
    let executor = DockerExecutor::connect().await.unwrap();
    let report = workflow
        .run(&executor)
        .await
        .unwrap()
        .into_result()
        .unwrap();

    let last = report.outputs(&third).unwrap();
    assert_eq!(
        std::fs::read_to_string(last.file.path()).unwrap(),
        "one-two-three"
    );
    assert_eq!(last.length, 13);
    let middle = report.outputs(&second).unwrap();
    assert_eq!(
        std::fs::read_to_string(middle.file.path()).unwrap(),
        "one-two"
    );
}

#[tokio::test]
async fn failure_skips_downstream_and_keeps_branches() {
    let mut workflow = Workflow::new("partial_failure");
    let failed = workflow.add("fail_with_3", Fail, FailBindings { code: 3.into() });
    let downstream = workflow.add(
        "greet_never",
        Greeting,
        GreetingBindings {
            name: failed.never.into(),
        },
    );
    let independent = workflow.add(
        "greet_anyway",
        Greeting,
        GreetingBindings { name: "Bo".into() },
    );
    let executor = DockerExecutor::connect().await.unwrap();
    let report = workflow.run(&executor).await.unwrap();

    assert_eq!(
        report.outputs(&independent).unwrap().greeting,
        "Hello, my name is Bo."
    );
    let NodeState::Failed { error, .. } = &report.nodes()[0].state else {
        panic!("`fail_with_3` did not fail: {:?}", report.nodes()[0]);
    };
    let message = error.to_string();
    assert!(message.contains("exited with code 3"), "{message}");
    assert!(
        message.contains("about to fail"),
        "the log tail is missing: {message}"
    );
    assert!(report.outputs(&downstream).is_err());
    let skipped: Vec<(&str, &str)> = report.skipped().collect();
    assert_eq!(skipped, [("greet_never", "fail_with_3")]);
    assert!(
        containers_of_task("fail_with_3").is_empty(),
        "a failed task left its container"
    );
}

#[tokio::test]
async fn user_file_input_is_mounted_read_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.txt");
    std::fs::write(&path, "original").unwrap();
    let mut workflow = Workflow::new("read_only");
    let appended = workflow.add(
        "append_to_user_file",
        Append,
        AppendBindings {
            file: File::new(&path).into(),
            suffix: "!".into(),
        },
    );
    let executor = DockerExecutor::connect().await.unwrap();
    let report = workflow
        .run(&executor)
        .await
        .unwrap()
        .into_result()
        .unwrap();

    let outputs = report.outputs(&appended).unwrap();
    assert_eq!(
        std::fs::read_to_string(outputs.file.path()).unwrap(),
        "original!"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "original");
}

fn quick_retries(retries: u32) -> Overrides {
    Overrides::new()
        .retries(retries)
        .retry_delay(Duration::from_millis(10))
}

#[tokio::test]
async fn retry_succeeds_on_third_attempt() {
    let mut workflow = Workflow::new("retried");
    let third = workflow.add_with(
        "third_time",
        ThirdTime,
        ThirdTimeBindings {},
        quick_retries(2),
    );
    let executor = DockerExecutor::connect().await.unwrap();
    let report = workflow
        .run(&executor)
        .await
        .unwrap()
        .into_result()
        .unwrap();
    assert_eq!(report.outputs(&third).unwrap().attempt, 2);
}

#[tokio::test]
async fn retries_exhausted_report_each_attempt() {
    let mut workflow = Workflow::new("retried_too_little");
    workflow.add_with(
        "third_time_short",
        ThirdTime,
        ThirdTimeBindings {},
        quick_retries(1),
    );
    let executor = DockerExecutor::connect().await.unwrap();
    let report = workflow.run(&executor).await.unwrap();
    let (_, error) = report.failures().next().expect("the task failed");
    let message = error.to_string();
    assert!(message.contains("failed after 2 attempts"), "{message}");
    assert!(
        message.contains("attempt 0"),
        "the first attempt's log is missing: {message}"
    );
    assert!(
        message.contains("attempt 1"),
        "the second attempt's log is missing: {message}"
    );
    assert!(containers_of_task("third_time_short").is_empty());
}

#[tokio::test]
async fn fail_fast_removes_running_containers() {
    let mut workflow = Workflow::new("fail_fast");
    let slow = workflow.add(
        "fail_fast_sleeper",
        Sleep,
        SleepBindings { seconds: 60.into() },
    );
    workflow.add("fail_fast_failure", Fail, FailBindings { code: 1.into() });
    let executor = DockerExecutor::connect().await.unwrap();
    let options = RunOptions::default().fail_fast(true);
    let started = Instant::now();
    let report = workflow.run_with(&executor, &options).await.unwrap();

    assert!(
        started.elapsed() < Duration::from_secs(30),
        "the sleeper was not stopped"
    );
    let error = report.outputs(&slow).unwrap_err().to_string();
    assert!(
        error.contains("was cancelled because task `fail_fast_failure` failed"),
        "{error}"
    );
    assert!(
        containers_of_task("fail_fast_sleeper").is_empty(),
        "the cancelled container is left"
    );
}
