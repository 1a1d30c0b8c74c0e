//! Secrets: read on the host, passed as environment variables, and masked in
//! everything the executor logs, saves or returns.

use containerflow_runtime::{Error, Executor, SecretSource, SecretSpec, TaskSpec};

use crate::common::*;
use crate::logging::Capture;

/// A value that appears nowhere else, so any occurrence of it is a leak.
const SECRET_VALUE: &str = "s3cr3t-7f2c9a41e0";

/// Returns a task that prints the secret `API_TOKEN` to stdout and stderr,
/// writes it to `_ERROR` and fails. The secret is read from `secret_file`;
/// the spec is leaked to get the `'static` lifetime that a job needs.
fn leaks_secret(secret_file: &std::path::Path) -> &'static TaskSpec {
    let path: &'static str = Box::leak(secret_file.to_str().unwrap().into());
    let secrets = Box::leak(Box::new([SecretSpec {
        name: "API_TOKEN",
        source: SecretSource::File(path),
    }]));
    Box::leak(Box::new(TaskSpec {
        name: "leaks_secret",
        arguments: &[text!(
            "echo \"token is $API_TOKEN\"; echo \"$API_TOKEN\" >&2; \
             echo \"rejected $API_TOKEN\" > /var/outputs/_ERROR; exit 1"
        )],
        secrets,
        ..BASE
    }))
}

#[tokio::test]
async fn secret_is_masked_everywhere() {
    let capture = Capture::global();
    let host = tempfile::tempdir().unwrap();
    let secret_file = host.path().join("token");
    // The executor removes the one trailing newline.
    std::fs::write(&secret_file, format!("{SECRET_VALUE}\n")).unwrap();
    let spec = leaks_secret(&secret_file);
    let executor = executor().await;
    let logs = tempfile::tempdir().unwrap();
    let log_file = logs.path().join("leaks_secret.log");
    let mut job = job(spec, vec![]);
    job.log_file = Some(log_file.clone());
    let attempt = executor.execute(job).await;

    let Err(error @ Error::TaskReportedError { message, .. }) = &attempt.result else {
        panic!("expected TaskReportedError, got {:?}", attempt.result);
    };
    assert_eq!(message, "rejected ***");
    assert!(!error.to_string().contains(SECRET_VALUE), "{error}");

    let leaks = capture.containing(SECRET_VALUE);
    assert!(leaks.is_empty(), "secret in tracing events: {leaks:?}");
    let lines: Vec<String> = capture
        .find("leaks_secret", "token is ***")
        .into_iter()
        .map(|event| event.fields["stream"].clone())
        .collect();
    assert_eq!(lines, ["stdout"], "the masked line is logged once");

    let saved = std::fs::read_to_string(&log_file).unwrap();
    assert_eq!(saved.lines().count(), 2, "{saved}");
    assert!(saved.contains("stdout | token is ***\n"), "{saved}");
    assert!(saved.contains("stderr | ***\n"), "{saved}");

    let details = serde_json::to_string(&attempt.details).unwrap();
    assert!(!details.contains(SECRET_VALUE), "{details}");
    assert_cleaned_up(executor).await;
}

static PRINTS_SECRET_THEN_FAILS: TaskSpec = TaskSpec {
    name: "prints_secret_then_fails",
    arguments: &[text!("echo \"dir=$FROM_ENV\"; exit 4")],
    secrets: &[SecretSpec {
        name: "FROM_ENV",
        // Cargo sets this variable for the test process.
        source: SecretSource::Env("CARGO_MANIFEST_DIR"),
    }],
    ..BASE
};

#[tokio::test]
async fn env_secret_masked_in_tail() {
    let value = std::env::var("CARGO_MANIFEST_DIR").unwrap();
    let executor = executor().await;
    let result = run(&executor, &PRINTS_SECRET_THEN_FAILS, vec![]).await;

    let Err(error @ Error::NonZeroExit { code, log_tail, .. }) = &result else {
        panic!("expected NonZeroExit, got {result:?}");
    };
    assert_eq!(*code, 4);
    assert_eq!(log_tail, "dir=***");
    assert!(!error.to_string().contains(&value), "{error}");
    assert_cleaned_up(executor).await;
}

static NEEDS_MISSING_SECRET: TaskSpec = TaskSpec {
    name: "needs_missing_secret",
    arguments: &[text!("true")],
    secrets: &[SecretSpec {
        name: "TOKEN",
        source: SecretSource::Env("CONTAINERFLOW_TEST_SECRET_NEVER_SET"),
    }],
    ..BASE
};

#[tokio::test]
async fn missing_secret_creates_nothing() {
    let executor = executor().await;
    let attempt = executor.execute(job(&NEEDS_MISSING_SECRET, vec![])).await;

    let Err(Error::SecretMissing {
        secret,
        source_description,
        ..
    }) = &attempt.result
    else {
        panic!("expected SecretMissing, got {:?}", attempt.result);
    };
    assert_eq!(secret, "TOKEN");
    assert_eq!(
        source_description,
        "the host variable `CONTAINERFLOW_TEST_SECRET_NEVER_SET`"
    );
    assert_eq!(attempt.details.container_id, None);
    assert_eq!(work_dir_entries(&executor), 0);
    assert_cleaned_up(executor).await;
}
