//! The containers of a run whose process was killed with `kill -9`, removed
//! by the next executor that connects on the same host.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use bollard::query_parameters::{InspectContainerOptions, ListContainersOptions};
use bollard::Docker;
use containerflow_runtime::{DockerExecutor, TaskSpec};

use crate::common::*;

/// Set in the environment of the child process.
const CHILD_ENV: &str = "CONTAINERFLOW_TEST_ORPHAN_CHILD";

/// The start of the line the child prints once its container runs, followed
/// by the container id and the work directory.
const RUNNING_LINE: &str = "orphan container running:";

static SLEEPS_LONG: TaskSpec = TaskSpec {
    name: "sleeps_long",
    arguments: &[text!("sleep 300")],
    ..BASE
};

async fn docker() -> Docker {
    Docker::connect_with_defaults()
        .unwrap()
        .negotiate_version()
        .await
        .unwrap()
}

/// Returns the id of a running container of `executor`, if any.
async fn running_container(docker: &Docker, executor: &DockerExecutor) -> Option<String> {
    let label = format!("{}={}", DockerExecutor::RUN_LABEL, executor.run_id());
    let filters = HashMap::from([
        ("label".to_owned(), vec![label]),
        ("status".to_owned(), vec!["running".to_owned()]),
    ]);
    let options = ListContainersOptions {
        filters: Some(filters),
        ..Default::default()
    };
    let containers = docker.list_containers(Some(options)).await.unwrap();
    containers.into_iter().find_map(|container| container.id)
}

/// Starts a long job, prints [`RUNNING_LINE`] once its container runs, and
/// waits to be killed. `killed_run_is_removed` runs this test as its child
/// process; it does nothing unless [`CHILD_ENV`] is set.
#[tokio::test]
#[ignore = "run as a child process by killed_run_is_removed"]
async fn orphan_child() {
    if std::env::var_os(CHILD_ENV).is_none() {
        return;
    }
    let docker = docker().await;
    let executor = Arc::new(executor().await);
    let job = tokio::spawn({
        let executor = executor.clone();
        async move { run(&executor, &SLEEPS_LONG, vec![]).await }
    });
    let id = loop {
        if let Some(id) = running_container(&docker, &executor).await {
            break id;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    println!("{RUNNING_LINE} {id} {}", executor.work_dir().display());
    let _ = job.await;
}

/// Reads the child's output until [`RUNNING_LINE`] and returns the container
/// id and work directory it names.
fn read_running_line(stdout: impl std::io::Read) -> Option<(String, PathBuf)> {
    for line in BufReader::new(stdout).lines() {
        let line = line.ok()?;
        if let Some(rest) = line.strip_prefix(RUNNING_LINE) {
            let (id, work_dir) = rest.trim().split_once(' ')?;
            return Some((id.to_owned(), PathBuf::from(work_dir)));
        }
    }
    None
}

#[tokio::test]
async fn killed_run_is_removed() {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "orphans::orphan_child",
            "--ignored",
            "--nocapture",
        ])
        .env(CHILD_ENV, "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let reading = tokio::task::spawn_blocking(move || read_running_line(stdout));
    let running = tokio::time::timeout(Duration::from_secs(60), reading).await;
    let Ok(Ok(Some((id, work_dir)))) = running else {
        child.kill().unwrap();
        panic!("the child never reported a running container: {running:?}");
    };

    // `Child::kill` sends SIGKILL, so the child cannot clean up.
    child.kill().unwrap();
    child.wait().unwrap();
    let docker = docker().await;
    let inspected = docker
        .inspect_container(&id, None::<InspectContainerOptions>)
        .await;
    assert!(
        inspected.is_ok(),
        "the orphan is gone too early: {inspected:?}"
    );
    assert!(work_dir.exists(), "{}", work_dir.display());

    let executor = DockerExecutor::connect().await.unwrap();
    let inspected = docker
        .inspect_container(&id, None::<InspectContainerOptions>)
        .await;
    assert!(
        matches!(
            inspected,
            Err(bollard::errors::Error::DockerResponseServerError {
                status_code: 404,
                ..
            })
        ),
        "the orphan is still there: {inspected:?}"
    );
    assert!(!work_dir.exists(), "{}", work_dir.display());
    assert_cleaned_up(executor).await;
}
