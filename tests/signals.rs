//! Interrupted runs: the test binary runs itself again as a child process
//! that starts a workflow of long `sleep` tasks. The parent signals the
//! child once its containers run, or the child's own code panics then, and
//! the parent checks that the child exited non-zero and removed every
//! container.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use containerflow::{container_task, DockerExecutor, Error, RunOptions, Workflow};

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

const CHILD_VARIABLE: &str = "CONTAINERFLOW_SIGNAL_CHILD";
const RECORDS_VARIABLE: &str = "CONTAINERFLOW_SIGNAL_RECORDS";
const PANIC_VARIABLE: &str = "CONTAINERFLOW_PANIC_CHILD";

fn sleepers(prefix: &str) -> Workflow {
    let mut workflow = Workflow::new("interrupted");
    for branch in ["a", "b"] {
        let bindings = SleepBindings { seconds: 60.into() };
        workflow.add(format!("{prefix}-{branch}"), Sleep, bindings);
    }
    workflow
}

/// The child's part: runs two 60-second tasks named after the parent's
/// pid, and exits with code 3 when the run reports the interruption.
#[tokio::test]
#[ignore = "runs only as the child process of the signal tests"]
async fn signal_child() {
    let Ok(prefix) = std::env::var(CHILD_VARIABLE) else {
        return;
    };
    let records = std::env::var(RECORDS_VARIABLE).expect("the parent sets the records directory");
    let workflow = sleepers(&prefix);
    let executor = DockerExecutor::connect()
        .await
        .expect("the Docker daemon runs");
    let options = RunOptions::default().records(Some(records.into()));
    match workflow.run_with(&executor, &options).await {
        Err(Error::Interrupted { .. }) => std::process::exit(3),
        other => panic!("expected an interrupted run, got {other:?}"),
    }
}

/// The child's part of the panic test: code running beside the workflow
/// panics once both containers run, which ends the test and its runtime.
#[tokio::test]
#[ignore = "runs only as the child process of the panic test"]
async fn panic_child() {
    let Ok(prefix) = std::env::var(PANIC_VARIABLE) else {
        return;
    };
    let workflow = sleepers(&prefix);
    let executor = DockerExecutor::connect()
        .await
        .expect("the Docker daemon runs");
    let options = RunOptions::default().records(None).handle_signals(false);
    let user_code = async {
        while containers(&prefix, false).len() < 2 {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("user code panicked while the workflow ran");
    };
    let (_, ()) = tokio::join!(workflow.run_with(&executor, &options), user_code);
}

fn start_child(test: &str, variable: &str, prefix: &str, records: &Path) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", test, "--ignored", "--nocapture"])
        .env(variable, prefix)
        .env(RECORDS_VARIABLE, records)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the test binary starts again")
}

/// Returns the ids of containers whose task label starts with `prefix`,
/// only running ones unless `all`.
fn containers(prefix: &str, all: bool) -> Vec<String> {
    let mut command = Command::new("docker");
    command.args([
        "ps",
        "--format",
        "{{.ID}} {{.Label \"containerflow.task\"}}",
    ]);
    if all {
        command.arg("-a");
    }
    let output = command.output().expect("the docker CLI runs");
    assert!(output.status.success(), "docker ps failed: {output:?}");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.split_once(' '))
        .filter(|(_, task)| task.starts_with(prefix))
        .map(|(id, _)| id.to_owned())
        .collect()
}

fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(
            Instant::now() < deadline,
            "{what} did not happen within {limit:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn interrupt_run(signal: &str) {
    let prefix = format!("signal-{}-{}", std::process::id(), signal.to_lowercase());
    let records = tempfile::tempdir().unwrap();
    let mut child = start_child("signal_child", CHILD_VARIABLE, &prefix, records.path());
    wait_until("both containers running", Duration::from_secs(60), || {
        containers(&prefix, false).len() == 2
    });

    let sent = Command::new("kill")
        .args([format!("-{signal}"), child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let signalled = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            signalled.elapsed() < Duration::from_secs(20),
            "the child did not exit"
        );
        std::thread::sleep(Duration::from_millis(50));
    };

    assert_eq!(
        status.code(),
        Some(3),
        "the child did not report the interruption"
    );
    assert!(
        containers(&prefix, true).is_empty(),
        "containers are left after {signal}"
    );
    let run_dir = std::fs::read_dir(records.path())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run_dir.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["status"], "interrupted");
    assert_eq!(run["nodes"][0]["state"], "cancelled");
    assert_eq!(run["nodes"][1]["state"], "cancelled");
}

#[test]
fn sigint_removes_containers_and_exits_non_zero() {
    interrupt_run("INT");
}

#[test]
fn sigterm_removes_containers_and_exits_non_zero() {
    interrupt_run("TERM");
}

#[test]
fn panic_beside_a_run_leaves_no_container() {
    let prefix = format!("panic-{}", std::process::id());
    let records = tempfile::tempdir().unwrap();
    let mut child = start_child("panic_child", PANIC_VARIABLE, &prefix, records.path());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(120) {
            child.kill().unwrap();
            panic!("the child did not panic within 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(!status.success(), "the child's panic did not fail it");
    let left = containers(&prefix, true);
    for id in &left {
        let _ = Command::new("docker").args(["rm", "-f", id]).output();
    }
    assert!(
        left.is_empty(),
        "{} containers were left after the panic",
        left.len()
    );
}
