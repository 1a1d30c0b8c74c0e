//! Failing jobs, rejected inputs, dropped futures and many jobs at once.

use std::time::Duration;

use containerflow_runtime::{
    ArgTemplate, DockerExecutor, Error, Executor, File, Quoting, Segment, TaskSpec, Value,
    ValueType,
};
use futures::future::join_all;

use crate::common::*;

static THIRTY_LINES_THEN_FAIL: TaskSpec = TaskSpec {
    name: "thirty_lines_then_fail",
    arguments: &[text!(
        "i=1; while [ $i -le 30 ]; do echo line $i; i=$((i + 1)); done; exit 3"
    )],
    ..BASE
};

#[tokio::test]
async fn non_zero_exit_reports_code_and_tail() {
    let executor = executor().await;
    // Several at once, so that a lost line in any of them fails the test.
    let runs = (0..8).map(|_| run(&executor, &THIRTY_LINES_THEN_FAIL, vec![]));
    let expected: Vec<String> = (11..=30).map(|number| format!("line {number}")).collect();
    for result in join_all(runs).await {
        let Err(Error::NonZeroExit {
            task,
            code,
            log_tail,
        }) = result
        else {
            panic!("expected NonZeroExit, got {result:?}");
        };
        assert_eq!(task, "thirty_lines_then_fail");
        assert_eq!(code, 3);
        assert_eq!(log_tail, expected.join("\n"));
    }
    assert_cleaned_up(executor).await;
}

static STDERR_THEN_FAIL: TaskSpec = TaskSpec {
    name: "stderr_then_fail",
    arguments: &[text!("echo 'to stderr' >&2; exit 141")],
    ..BASE
};

#[tokio::test]
async fn stderr_appears_in_tail() {
    let executor = executor().await;
    let result = run(&executor, &STDERR_THEN_FAIL, vec![]).await;
    let Err(Error::NonZeroExit { code, log_tail, .. }) = result else {
        panic!("expected NonZeroExit, got {result:?}");
    };
    assert_eq!(code, 141);
    assert_eq!(log_tail, "to stderr");
    assert_cleaned_up(executor).await;
}

static WRITES_NOTHING: TaskSpec = TaskSpec {
    name: "writes_nothing",
    outputs: &[param("count", ValueType::Int)],
    arguments: &[text!("true")],
    ..BASE
};

#[tokio::test]
async fn missing_output_names_both_paths() {
    let executor = executor().await;
    let result = run(&executor, &WRITES_NOTHING, vec![]).await;
    let Err(Error::OutputMissing {
        output,
        container_path,
        host_path,
        ..
    }) = result
    else {
        panic!("expected OutputMissing, got {result:?}");
    };
    assert_eq!(output, "count");
    assert_eq!(container_path, "/var/outputs/count");
    assert!(
        host_path.starts_with(executor.work_dir()),
        "{}",
        host_path.display()
    );
    assert!(
        host_path.ends_with("outputs/count"),
        "{}",
        host_path.display()
    );
    assert_eq!(
        work_dir_entries(&executor),
        0,
        "the failed job's directory is removed"
    );
    assert_cleaned_up(executor).await;
}

static WRITES_WORDS: TaskSpec = TaskSpec {
    name: "writes_words",
    outputs: &[param("count", ValueType::Int)],
    arguments: &[text!("echo 'forty two' > /var/outputs/count")],
    ..BASE
};

static WRITES_LONG_TEXT: TaskSpec = TaskSpec {
    name: "writes_long_text",
    outputs: &[param("ratio", ValueType::Float)],
    arguments: &[text!(
        "i=0; while [ $i -lt 300 ]; do printf x; i=$((i + 1)); done > /var/outputs/ratio"
    )],
    ..BASE
};

#[tokio::test]
async fn unparsable_output_quotes_text() {
    let executor = executor().await;
    let result = run(&executor, &WRITES_WORDS, vec![]).await;
    let Err(Error::OutputInvalid {
        output,
        expected_type,
        found,
        ..
    }) = result
    else {
        panic!("expected OutputInvalid, got {result:?}");
    };
    assert_eq!(output, "count");
    assert_eq!(*expected_type, ValueType::Int);
    assert_eq!(found, "forty two");

    let result = run(&executor, &WRITES_LONG_TEXT, vec![]).await;
    let Err(Error::OutputInvalid { found, .. }) = result else {
        panic!("expected OutputInvalid, got {result:?}");
    };
    assert_eq!(found.chars().count(), 200);
    assert!(found.starts_with("xxx"), "{found}");
    assert_cleaned_up(executor).await;
}

static LINKS_OUTPUT: TaskSpec = TaskSpec {
    name: "links_output",
    outputs: &[param("secret", ValueType::String)],
    arguments: &[text!("ln -s /etc/hostname /var/outputs/secret")],
    ..BASE
};

#[tokio::test]
async fn symlink_output_is_rejected() {
    let executor = executor().await;
    let result = run(&executor, &LINKS_OUTPUT, vec![]).await;
    let Err(Error::OutputInvalid { found, .. }) = result else {
        panic!("expected OutputInvalid, got {result:?}");
    };
    assert_eq!(found, "a symbolic link");
    assert_cleaned_up(executor).await;
}

static REPORTS_ERROR: TaskSpec = TaskSpec {
    name: "reports_error",
    outputs: &[param("count", ValueType::Int)],
    arguments: &[text!(
        "echo 'bad row 7: no header' > /var/outputs/_ERROR; exit 1"
    )],
    ..BASE
};

#[tokio::test]
async fn error_file_fails_task() {
    let executor = executor().await;
    let result = run(&executor, &REPORTS_ERROR, vec![]).await;
    let Err(Error::TaskReportedError { task, message }) = result else {
        panic!("expected TaskReportedError, got {result:?}");
    };
    assert_eq!(task, "reports_error");
    assert_eq!(message, "bad row 7: no header");
    assert_cleaned_up(executor).await;
}

static MISSING_IMAGE: TaskSpec = TaskSpec {
    name: "missing_image",
    image: "containerflow-test/no-such-image:missing",
    arguments: &[text!("true")],
    ..BASE
};

#[tokio::test]
async fn missing_image_is_named() {
    let executor = executor().await;
    let result = run(&executor, &MISSING_IMAGE, vec![]).await;
    let Err(Error::ImageUnavailable { image, .. }) = result else {
        panic!("expected ImageUnavailable, got {result:?}");
    };
    assert_eq!(image, "containerflow-test/no-such-image:missing");
    assert_eq!(work_dir_entries(&executor), 0);
    assert_cleaned_up(executor).await;
}

static COUNT_LINES: TaskSpec = TaskSpec {
    name: "count_lines",
    inputs: &[param("data", ValueType::File)],
    outputs: &[param("count", ValueType::Int)],
    arguments: &[text!("wc -l < /var/inputs/data > /var/outputs/count")],
    ..BASE
};

static LIST_TREE: TaskSpec = TaskSpec {
    name: "list_tree",
    inputs: &[param("tree", ValueType::Dir)],
    arguments: &[text!("ls /var/inputs/tree")],
    ..BASE
};

#[tokio::test]
async fn missing_host_path_creates_nothing() {
    let executor = executor().await;
    let host = tempfile::tempdir().unwrap();
    let absent = host.path().join("absent.csv");
    let result = run(
        &executor,
        &COUNT_LINES,
        vec![Value::File(File::new(&absent))],
    )
    .await;
    let Err(Error::InputPathMissing {
        input, kind, path, ..
    }) = result
    else {
        panic!("expected InputPathMissing, got {result:?}");
    };
    assert_eq!(input, "data");
    assert_eq!(kind, "file");
    assert_eq!(path, absent);

    // A file where a directory is declared is rejected too.
    let file = host.path().join("plain.txt");
    std::fs::write(&file, "x").unwrap();
    let result = run(
        &executor,
        &LIST_TREE,
        vec![Value::Dir(containerflow_runtime::Dir::new(&file))],
    )
    .await;
    let Err(Error::InputPathMissing { kind, .. }) = result else {
        panic!("expected InputPathMissing, got {result:?}");
    };
    assert_eq!(kind, "directory");
    assert_eq!(work_dir_entries(&executor), 0);
    assert_cleaned_up(executor).await;
}

static ECHO_NAME: TaskSpec = TaskSpec {
    name: "echo_name",
    inputs: &[param("name", ValueType::String)],
    arguments: &[ArgTemplate {
        source: "echo {{.inputs.name}}",
        segments: &[Segment::Text("echo "), input(0, Quoting::ShellBare)],
    }],
    ..BASE
};

#[tokio::test]
async fn rejected_inputs_create_nothing() {
    let executor = executor().await;
    let result = run(&executor, &ECHO_NAME, vec![Value::String("a\0b".into())]).await;
    let Err(Error::InputHasNul { input, .. }) = result else {
        panic!("expected InputHasNul, got {result:?}");
    };
    assert_eq!(input, "name");

    let result = run(&executor, &ECHO_NAME, vec![Value::Int(1)]).await;
    let Err(Error::InputsMismatch {
        expected, found, ..
    }) = result
    else {
        panic!("expected InputsMismatch, got {result:?}");
    };
    assert_eq!(expected, "string");
    assert_eq!(found, "int");

    let result = run(&executor, &ECHO_NAME, vec![]).await;
    assert!(
        matches!(result, Err(Error::InputsMismatch { .. })),
        "{result:?}"
    );
    assert_eq!(work_dir_entries(&executor), 0);
    assert_cleaned_up(executor).await;
}

static SLEEPS: TaskSpec = TaskSpec {
    name: "sleeps",
    arguments: &[text!("sleep 300")],
    ..BASE
};

/// Polls `condition` every 50 ms for at most 60 s, and fails the test with
/// `waiting_for` if it is never true.
async fn poll_until<F: std::future::Future<Output = bool>>(
    waiting_for: &str,
    mut condition: impl FnMut() -> F,
) {
    for _ in 0..1200 {
        if condition().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("gave up waiting for {waiting_for}");
}

#[tokio::test]
async fn dropped_job_removes_container() {
    let executor = std::sync::Arc::new(executor().await);
    let task = tokio::spawn({
        let executor = executor.clone();
        async move { run(&executor, &SLEEPS, vec![]).await }
    });
    poll_until("the container to exist", || async {
        containers_of(&executor).await.len() == 1
    })
    .await;

    task.abort();
    assert!(task.await.unwrap_err().is_cancelled());
    poll_until("the container to be removed", || async {
        containers_of(&executor).await.is_empty()
    })
    .await;
    poll_until("the job directory to be removed", || async {
        work_dir_entries(&executor) == 0
    })
    .await;
}

#[tokio::test]
async fn cleanup_waits_for_removal() {
    let executor = std::sync::Arc::new(executor().await);
    let task = tokio::spawn({
        let executor = executor.clone();
        async move { run(&executor, &SLEEPS, vec![]).await }
    });
    poll_until("the container to exist", || async {
        containers_of(&executor).await.len() == 1
    })
    .await;

    task.abort();
    assert!(task.await.unwrap_err().is_cancelled());
    // No polling: once `cleanup` returns, the removal is done.
    executor.cleanup().await;
    assert_no_containers(&executor).await;
    assert_eq!(work_dir_entries(&executor), 0);
}

#[tokio::test]
async fn jobs_dropped_anywhere_leave_nothing() {
    let executor = std::sync::Arc::new(executor().await);
    // The delays spread the aborts over staging, the image check, the create
    // request and the start. Wherever an abort lands, nothing may remain.
    let tasks: Vec<_> = (0..20u64)
        .map(|step| {
            let executor = executor.clone();
            tokio::spawn(async move {
                let job = run(&executor, &SLEEPS, vec![]);
                tokio::time::timeout(Duration::from_millis(step * 5), job).await
            })
        })
        .collect();
    for task in join_all(tasks).await {
        assert!(task.unwrap().is_err(), "a `sleep 300` job finished");
    }
    poll_until("every container to be removed", || async {
        containers_of(&executor).await.is_empty()
    })
    .await;
    poll_until("every job directory to be removed", || async {
        work_dir_entries(&executor) == 0
    })
    .await;
}

static SLEEPS_BRIEFLY: TaskSpec = TaskSpec {
    name: "sleeps_briefly",
    outputs: &[param("done", ValueType::Bool)],
    arguments: &[text!("sleep 3 && echo true > /var/outputs/done")],
    ..BASE
};

#[tokio::test]
async fn job_outlives_request_timeout() {
    let executor = DockerExecutor::builder()
        .request_timeout(Duration::from_secs(1))
        .connect()
        .await
        .unwrap();
    let outputs = run(&executor, &SLEEPS_BRIEFLY, vec![]).await.unwrap();
    assert_eq!(outputs, [Value::Bool(true)]);
    assert_cleaned_up(executor).await;
}

static DOUBLE: TaskSpec = TaskSpec {
    name: "double",
    inputs: &[param("n", ValueType::Int)],
    outputs: &[param("twice", ValueType::Int)],
    arguments: &[ArgTemplate {
        source: "echo $(( {{.inputs.n}} * 2 )) > /var/outputs/twice",
        segments: &[
            Segment::Text("echo $(( "),
            input(0, Quoting::Verbatim),
            Segment::Text(" * 2 )) > /var/outputs/twice"),
        ],
    }],
    ..BASE
};

#[tokio::test]
async fn many_jobs_at_once() {
    let executor = executor().await;
    let jobs = (0..20).map(|number| {
        let mut job = job(&DOUBLE, vec![Value::Int(number)]);
        job.node = format!("double-{number}");
        executor.execute(job)
    });
    let results = join_all(jobs).await;
    for (number, result) in (0..20).zip(results) {
        assert_eq!(
            result.result.unwrap(),
            [Value::Int(number * 2)],
            "job {number}"
        );
    }
    assert_eq!(work_dir_entries(&executor), 0);
    assert_cleaned_up(executor).await;
}

/// Runs `true` in the image named `image`, which is leaked to get the
/// `'static` spec that a job needs.
fn spec_for_image(image: String) -> &'static TaskSpec {
    Box::leak(Box::new(TaskSpec {
        name: "alias_image",
        image: Box::leak(image.into_boxed_str()),
        arguments: &[text!("true")],
        ..BASE
    }))
}

#[tokio::test]
async fn removed_image_is_checked_again() {
    let executor = executor().await;
    let docker = bollard::Docker::connect_with_defaults()
        .unwrap()
        .negotiate_version()
        .await
        .unwrap();
    let tag = format!("alias-{}", executor.run_id());
    let options = bollard::query_parameters::TagImageOptions {
        repo: Some("containerflow-test/busybox".to_owned()),
        tag: Some(tag.clone()),
    };
    docker.tag_image(IMAGE, Some(options)).await.unwrap();
    let image = format!("containerflow-test/busybox:{tag}");
    let spec = spec_for_image(image.clone());

    run(&executor, spec, vec![]).await.unwrap();
    docker
        .remove_image(
            &image,
            None::<bollard::query_parameters::RemoveImageOptions>,
            None,
        )
        .await
        .unwrap();
    let result = run(&executor, spec, vec![]).await;
    let Err(Error::ImageUnavailable { image: missing, .. }) = result else {
        panic!("expected ImageUnavailable, got {result:?}");
    };
    assert_eq!(missing, image);
    assert_cleaned_up(executor).await;
}
