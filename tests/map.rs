//! Mapping a container task over a list on the Docker daemon, with the local
//! `busybox:1.35` image that `scripts/provision.sh` builds.

use containerflow::{
    container_task, DockerExecutor, Error, MapOptions, NodeState, RunOptions, Workflow,
};

container_task! {
    /// Squares `n`, and fails with a message for each `n` listed in `fail`.
    pub struct Square {
        name = "square",
        image = "busybox:1.35",
        inputs = { n: i64, offset: i64, fail: String },
        outputs = { square: i64, label: String },
        command = [
            "/bin/sh",
            "-c",
            "case \" $(cat /var/inputs/fail) \" in *\" {{.inputs.n}} \"*) echo \"no {{.inputs.n}}\" > /var/outputs/_ERROR; exit 1;; esac; \
             echo $(({{.inputs.n}} * {{.inputs.n}} + {{.inputs.offset}})) > /var/outputs/square && \
             echo \"n={{.inputs.n}}\" > /var/outputs/label",
        ],
    }
}

container_task! {
    /// Adds up a list of numbers, read from its directory in index order.
    pub struct Sum {
        name = "sum",
        image = "busybox:1.35",
        inputs = { numbers: Vec<i64> },
        outputs = { total: i64 },
        command = [
            "/bin/sh",
            "-c",
            "total=0; i=0; while [ -e /var/inputs/numbers/$i ]; do \
             total=$((total + $(cat /var/inputs/numbers/$i))); i=$((i + 1)); done; \
             echo $total > /var/outputs/total",
        ],
    }
}

container_task! {
    /// Adds up the numbers that are present and counts the missing ones,
    /// which the input directory contains as the text `null`, as Flyte stages
    /// them; `inputs.json` is copied out to check its `null`s.
    pub struct SumPresent {
        name = "sum_present",
        image = "busybox:1.35",
        inputs = { numbers: Vec<Option<i64>> },
        outputs = { total: i64, missing: i64, metadata: String },
        command = [
            "/bin/sh",
            "-c",
            "total=0; missing=0; i=0; while [ -e /var/inputs/numbers/$i ]; do \
             n=$(cat /var/inputs/numbers/$i); \
             if [ \"$n\" = null ]; then missing=$((missing + 1)); else total=$((total + n)); fi; \
             i=$((i + 1)); done; \
             echo $total > /var/outputs/total; echo $missing > /var/outputs/missing; \
             cat /var/inputs/inputs.json > /var/outputs/metadata",
        ],
    }
}

fn quiet() -> RunOptions {
    RunOptions::default()
        .max_parallel(8)
        .handle_signals(false)
        .records(None)
}

#[tokio::test]
async fn map_over_hundred_keeps_order() {
    let executor = DockerExecutor::connect().await.unwrap();
    let mut workflow = Workflow::new("map_hundred");
    let numbers: Vec<i64> = (0..100).rev().collect();
    let mapped = workflow.map("square", Square, numbers.clone(), |n| SquareBindings {
        n: n.into(),
        offset: 1.into(),
        fail: "".into(),
    });
    let squares = mapped.gather(|refs| refs.square);
    let labels = mapped.gather(|refs| refs.label);
    let sum = workflow.add(
        "sum",
        Sum,
        SumBindings {
            numbers: squares.into(),
        },
    );

    let report = workflow.run_with(&executor, &quiet()).await.unwrap();
    let expected: Vec<i64> = numbers.iter().map(|n| n * n + 1).collect();
    assert_eq!(report.output(&squares).unwrap(), expected);
    let labels = report.output(&labels).unwrap();
    assert_eq!(labels.first().map(String::as_str), Some("n=99"));
    assert_eq!(labels.last().map(String::as_str), Some("n=0"));
    let total = report.outputs(&sum).unwrap().total;
    assert_eq!(total, expected.iter().sum::<i64>());
    assert_eq!(report.elements().len(), 100);
    assert_eq!(report.elements()[7].name, "square[7]");
    assert!(report.is_success());
}

#[tokio::test]
async fn empty_map_succeeds_at_once() {
    let executor = DockerExecutor::connect().await.unwrap();
    let mut workflow = Workflow::new("map_empty");
    let mapped = workflow.map("square", Square, Vec::<i64>::new(), |n| SquareBindings {
        n: n.into(),
        offset: 0.into(),
        fail: "".into(),
    });
    let squares = mapped.gather(|refs| refs.square);
    let sum = workflow.add(
        "sum",
        Sum,
        SumBindings {
            numbers: squares.into(),
        },
    );

    let report = workflow.run_with(&executor, &quiet()).await.unwrap();
    assert_eq!(report.output(&squares).unwrap(), Vec::<i64>::new());
    assert_eq!(report.outputs(&sum).unwrap().total, 0);
    assert!(report.elements().is_empty());
}

#[tokio::test]
async fn failed_element_fails_map() {
    let executor = DockerExecutor::connect().await.unwrap();
    let mut workflow = Workflow::new("map_failure");
    let mapped = workflow.map("square", Square, vec![1_i64, 2, 3, 4], |n| SquareBindings {
        n: n.into(),
        offset: 0.into(),
        fail: "2 4".into(),
    });
    let squares = mapped.gather(|refs| refs.square);
    workflow.add(
        "sum",
        Sum,
        SumBindings {
            numbers: squares.into(),
        },
    );

    let report = workflow.run_with(&executor, &quiet()).await.unwrap();
    let (name, error) = report.failures().next().expect("the map node failed");
    assert_eq!(name, "square");
    let Error::MapFailed {
        failed,
        total,
        summary,
        ..
    } = error
    else {
        panic!("expected MapFailed, got {error}");
    };
    assert_eq!((*failed, *total), (2, 4));
    assert!(
        summary.contains("[1] task `square[1]` reported an error: no 2"),
        "{summary}"
    );
    assert!(
        summary.contains("[3] task `square[3]` reported an error: no 4"),
        "{summary}"
    );
    assert_eq!(
        report.skipped().map(|(name, _)| name).collect::<Vec<_>>(),
        ["sum"]
    );
}

#[tokio::test]
async fn success_ratio_marks_failed_elements_missing() {
    let executor = DockerExecutor::connect().await.unwrap();
    let mut workflow = Workflow::new("map_ratio");
    let options = MapOptions::new().min_success_ratio(0.5);
    let mapped = workflow.map_with(
        "square",
        Square,
        vec![1_i64, 2, 3, 4],
        |n| SquareBindings {
            n: n.into(),
            offset: 0.into(),
            fail: "2".into(),
        },
        options,
    );
    let squares = mapped.gather(|refs| refs.square);
    let sum = workflow.add(
        "sum",
        SumPresent,
        SumPresentBindings {
            numbers: squares.into(),
        },
    );

    let report = workflow.run_with(&executor, &quiet()).await.unwrap();
    assert!(report.is_success(), "{:?}", report.failures().next());
    assert_eq!(
        report.output(&squares).unwrap(),
        [Some(1), None, Some(9), Some(16)]
    );
    let sum = report.outputs(&sum).unwrap();
    assert_eq!((sum.total, sum.missing), (26, 1));
    let metadata: serde_json::Value = serde_json::from_str(&sum.metadata).unwrap();
    assert_eq!(metadata["numbers"], serde_json::json!([1, null, 9, 16]));
    let failed: Vec<&str> = report
        .elements()
        .iter()
        .filter(|element| matches!(element.state, NodeState::Failed { .. }))
        .map(|element| element.name.as_str())
        .collect();
    assert_eq!(failed, ["square[1]"]);
}

#[tokio::test]
async fn zipped_lists_need_equal_lengths() {
    let executor = DockerExecutor::connect().await.unwrap();
    let mut workflow = Workflow::new("map_zip");
    let mapped = workflow.map_zip(
        "square",
        Square,
        (vec![1_i64, 2], vec![10_i64, 20]),
        |(n, offset)| SquareBindings {
            n: n.into(),
            offset: offset.into(),
            fail: "".into(),
        },
        MapOptions::new(),
    );
    let squares = mapped.gather(|refs| refs.square);
    let report = workflow.run_with(&executor, &quiet()).await.unwrap();
    assert_eq!(report.output(&squares).unwrap(), [11, 24]);

    let mut workflow = Workflow::new("map_zip_mismatch");
    workflow.map_zip(
        "square",
        Square,
        (vec![1_i64, 2], vec![10_i64]),
        |(n, offset)| SquareBindings {
            n: n.into(),
            offset: offset.into(),
            fail: "".into(),
        },
        MapOptions::new(),
    );
    let report = workflow.run_with(&executor, &quiet()).await.unwrap();
    let (_, error) = report.failures().next().expect("the map node failed");
    assert!(
        matches!(
            error,
            Error::MapLengthMismatch {
                first: 2,
                second: 1,
                ..
            }
        ),
        "{error}"
    );
}
