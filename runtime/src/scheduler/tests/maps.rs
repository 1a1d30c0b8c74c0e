//! Map nodes under the in-memory executor: order, limits, empty lists,
//! failed elements and zipped lists.

use std::time::Duration;

use super::*;
use crate::mapping::MapOptions;

fn add_element(element: OutputRef<i64>, offset: i64) -> AddInputs {
    AddInputs {
        a: element.into(),
        b: offset.into(),
    }
}

#[tokio::test]
async fn map_keeps_input_order_under_limit() {
    let mut workflow = Workflow::new("map_order");
    let numbers: Vec<i64> = (0..100).rev().collect();
    let mapped = workflow.map("plus_one", Add, numbers.clone(), |n| add_element(n, 1));
    let sums = mapped.gather(|refs| refs.sum);
    let adder = Adder::default();
    let report = workflow
        .run_with(&adder, &quiet().max_parallel(7))
        .await
        .unwrap();

    assert!(report.is_success());
    let expected: Vec<i64> = numbers.iter().map(|n| n + 1).collect();
    assert_eq!(report.output(&sums).unwrap(), expected);
    assert_eq!(adder.started.load(Ordering::SeqCst), 100);
    assert!(adder.peak.load(Ordering::SeqCst) <= 7);
    assert_eq!(report.elements().len(), 100);
    assert_eq!(report.elements()[42].name, "plus_one[42]");
}

#[tokio::test]
async fn empty_map_gathers_empty_list() {
    let mut workflow = Workflow::new("map_empty");
    let mapped = workflow.map("plus_one", Add, Vec::<i64>::new(), |n| add_element(n, 1));
    let sums = mapped.gather(|refs| refs.sum);
    let adder = Adder::default();
    let report = workflow.run_with(&adder, &quiet()).await.unwrap();

    assert!(report.is_success());
    assert_eq!(report.output(&sums).unwrap(), Vec::<i64>::new());
    assert_eq!(adder.started.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn failed_elements_fail_map() {
    let mut workflow = Workflow::new("map_failure");
    let mapped = workflow.map("plus_one", Add, vec![1, -2, 3, -4], |n| add_element(n, 1));
    let sums = mapped.gather(|refs| refs.sum);
    let report = workflow
        .run_with(&Adder::default(), &quiet())
        .await
        .unwrap();

    let failures: Vec<(&str, &Error)> = report.failures().collect();
    assert_eq!(failures.len(), 1);
    let (name, error) = failures[0];
    assert_eq!(name, "plus_one");
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
    assert!(summary.contains("[1] task `plus_one[1]`"), "{summary}");
    assert!(summary.contains("[3] task `plus_one[3]`"), "{summary}");
    assert!(report.output(&sums).is_err());
}

#[tokio::test]
async fn ratio_marks_failed_elements_missing() {
    let mut workflow = Workflow::new("map_ratio");
    let options = MapOptions::new().min_success_ratio(0.75);
    let mapped = workflow.map_with(
        "plus_one",
        Add,
        vec![1, -2, 3, 4],
        |n| add_element(n, 1),
        options,
    );
    let sums = mapped.gather(|refs| refs.sum);
    let report = workflow
        .run_with(&Adder::default(), &quiet())
        .await
        .unwrap();

    assert!(report.is_success());
    assert_eq!(
        report.output(&sums).unwrap(),
        [Some(2), None, Some(4), Some(5)]
    );
    let failed: Vec<&str> = report
        .elements()
        .iter()
        .filter(|element| matches!(element.state, NodeState::Failed { .. }))
        .map(|element| element.name.as_str())
        .collect();
    assert_eq!(failed, ["plus_one[1]"]);
}

#[tokio::test]
async fn zipped_lists_pair_elements() {
    let mut workflow = Workflow::new("map_zip");
    let mapped = workflow.map_zip(
        "add",
        Add,
        (vec![1, 2, 3], vec![10, 20, 30]),
        |(a, b)| AddInputs {
            a: a.into(),
            b: b.into(),
        },
        MapOptions::new(),
    );
    let sums = mapped.gather(|refs| refs.sum);
    let mismatched = workflow.map_zip(
        "mismatched",
        Add,
        (vec![1, 2], vec![10]),
        |(a, b)| AddInputs {
            a: a.into(),
            b: b.into(),
        },
        MapOptions::new(),
    );
    let report = workflow
        .run_with(&Adder::default(), &quiet())
        .await
        .unwrap();

    assert_eq!(report.output(&sums).unwrap(), [11, 22, 33]);
    let mismatched = report.output(&mismatched.gather(|refs| refs.sum));
    let (_, error) = report.failures().next().expect("the mismatched map failed");
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
    assert!(mismatched.is_err());
}

#[tokio::test]
async fn records_count_each_elements_attempts() {
    let base = tempfile::tempdir().unwrap();
    let mut workflow = Workflow::new("map_recorded");
    let retry_once = Overrides::new().retries(1).retry_delay(Duration::ZERO);
    let options = MapOptions::new()
        .min_success_ratio(0.5)
        .overrides(retry_once);
    workflow.map_with(
        "plus_one",
        Add,
        vec![1, -2, 3],
        |n| add_element(n, 1),
        options,
    );
    let run_options = quiet().records(Some(base.path().to_owned()));
    let report = workflow
        .run_with(&Adder::default(), &run_options)
        .await
        .unwrap();
    assert!(report.is_success());

    let run_dir = std::fs::read_dir(base.path())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run_dir.join("run.json")).unwrap()).unwrap();
    let nodes = run["nodes"].as_array().unwrap();
    let summary: Vec<(&str, Option<u64>, u64, &str)> = nodes
        .iter()
        .map(|node| {
            (
                node["name"].as_str().unwrap(),
                node["element"].as_u64(),
                node["attempts"].as_u64().unwrap(),
                node["state"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("plus_one", None, 0, "succeeded"),
            ("plus_one[0]", Some(0), 1, "succeeded"),
            ("plus_one[1]", Some(1), 2, "failed"),
            ("plus_one[2]", Some(2), 1, "succeeded"),
        ]
    );
}

#[test]
fn ratio_outside_zero_to_one_is_rejected() {
    for ratio in [-0.1, 1.5, f64::NAN] {
        let mut workflow = Workflow::new("map_bad_ratio");
        let options = MapOptions::new().min_success_ratio(ratio);
        workflow.map_with("plus_one", Add, vec![1], |n| add_element(n, 1), options);
        let error = workflow.validate().unwrap_err();
        assert!(
            matches!(error, Error::InvalidMapRatio { ref node, .. } if node == "plus_one"),
            "{error}"
        );
        assert!(error.to_string().contains("from 0 to 1"), "{error}");
    }
}
