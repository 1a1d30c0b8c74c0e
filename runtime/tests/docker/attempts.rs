//! What an attempt reports and saves: its details, its log file, its
//! environment, and many short attempts at once.

use containerflow_runtime::{Error, Executor, TaskSpec, Value};
use futures::future::join_all;

use crate::common::*;
use crate::logging::Capture;

static SUCCEEDS: TaskSpec = TaskSpec {
    name: "succeeds",
    arguments: &[text!("echo done")],
    ..BASE
};

#[tokio::test]
async fn details_of_success() {
    let executor = executor().await;
    let attempt = executor.execute(job(&SUCCEEDS, vec![])).await;
    attempt.result.unwrap();
    let details = attempt.details;

    let container = details.container_id.expect("container id");
    assert_eq!(container.len(), 64, "{container}");
    assert_eq!(details.image.as_deref(), Some(IMAGE));
    let image_id = details.image_id.expect("image id");
    assert!(image_id.starts_with("sha256:"), "{image_id}");
    assert_eq!(details.command, ["sh", "-c", "echo done"]);
    assert_eq!(details.exit_code, Some(0));
    assert!(!details.oom_killed);
    let started = details.started_at.expect("start time");
    let finished = details.finished_at.expect("finish time");
    assert!(started <= finished, "{started} > {finished}");
    assert_cleaned_up(executor).await;
}

static EXITS_THREE: TaskSpec = TaskSpec {
    name: "exits_three",
    arguments: &[text!("exit 3")],
    ..BASE
};

#[tokio::test]
async fn details_of_failures() {
    let executor = executor().await;
    let attempt = executor.execute(job(&EXITS_THREE, vec![])).await;
    assert!(matches!(
        attempt.result,
        Err(Error::NonZeroExit { code: 3, .. })
    ));
    assert_eq!(attempt.details.exit_code, Some(3));
    assert!(attempt.details.container_id.is_some());
    assert!(attempt.details.started_at.is_some());
    assert!(attempt.details.finished_at.is_some());

    // Rejected before any container exists.
    let attempt = executor
        .execute(job(&EXITS_THREE, vec![Value::Int(1)]))
        .await;
    assert!(matches!(attempt.result, Err(Error::InputsMismatch { .. })));
    assert_eq!(attempt.details.image.as_deref(), Some(IMAGE));
    assert_eq!(attempt.details.container_id, None);
    assert_eq!(attempt.details.exit_code, None);
    assert_eq!(attempt.details.started_at, None);
    assert!(attempt.details.finished_at.is_some());
    assert_cleaned_up(executor).await;
}

static PRINTS_TEXT: TaskSpec = TaskSpec {
    name: "prints_text",
    arguments: &[text!(
        "printf 'caf\\303\\251 \\377\\n'; printf 'to stderr\\n' >&2; printf 'no newline'"
    )],
    ..BASE
};

#[tokio::test]
async fn output_saved_to_log_file() {
    let capture = Capture::global();
    let executor = executor().await;
    let logs = tempfile::tempdir().unwrap();
    let log_file = logs.path().join("run/nodes/prints_text.log");
    let mut job = job(&PRINTS_TEXT, vec![]);
    job.log_file = Some(log_file.clone());
    executor.execute(job).await.result.unwrap();

    let saved = std::fs::read_to_string(&log_file).unwrap();
    let mut lines: Vec<&str> = saved.lines().collect();
    lines.sort();
    assert_eq!(
        lines,
        [
            "stderr | to stderr",
            "stdout | café \\xff",
            "stdout | no newline"
        ]
    );
    let logged = capture.find("prints_text", "café \\xff");
    assert_eq!(logged.len(), 1, "{:?}", capture.of_task("prints_text"));
    assert_cleaned_up(executor).await;
}

static PRINTS_MODE: TaskSpec = TaskSpec {
    name: "prints_mode",
    outputs: &[
        param("mode", containerflow_runtime::ValueType::String),
        param("kept", containerflow_runtime::ValueType::String),
    ],
    env: &[("MODE", "declared"), ("KEPT", "declared")],
    arguments: &[text!(
        "echo \"$MODE\" > /var/outputs/mode; echo \"$KEPT\" > /var/outputs/kept"
    )],
    ..BASE
};

#[tokio::test]
async fn call_env_overrides_declared() {
    let executor = executor().await;
    let mut job = job(&PRINTS_MODE, vec![]);
    job.env = vec![("MODE".to_owned(), "call".to_owned())];
    let outputs = executor.execute(job).await.result.unwrap();

    assert_eq!(outputs[0], Value::String("call".into()));
    assert_eq!(outputs[1], Value::String("declared".into()));
    assert_cleaned_up(executor).await;
}

static QUICK: TaskSpec = TaskSpec {
    name: "quick",
    arguments: &[text!("true")],
    ..BASE
};

#[tokio::test]
async fn fifty_quick_tasks_at_once() {
    let capture = Capture::global();
    let executor = executor().await;
    let nodes: Vec<String> = (0..50).map(|number| format!("quick-{number}")).collect();
    let attempts = nodes.iter().map(|node| {
        let mut job = job(&QUICK, vec![]);
        job.node = node.clone();
        executor.execute(job)
    });
    let attempts = join_all(attempts).await;

    for (node, attempt) in nodes.iter().zip(attempts) {
        assert_eq!(attempt.result.unwrap(), [], "{node}");
        // A failed Docker call, such as "No such container", is logged
        // with an `error` field even when the job succeeds.
        let errors: Vec<_> = capture
            .of_task(node)
            .into_iter()
            .filter(|event| event.fields.contains_key("error"))
            .collect();
        assert!(errors.is_empty(), "{node}: {errors:?}");
    }
    assert_eq!(work_dir_entries(&executor), 0);
    assert_cleaned_up(executor).await;
}
