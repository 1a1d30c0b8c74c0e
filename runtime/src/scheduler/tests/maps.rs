//! Map nodes under the in-memory executor: order, limits, empty lists,
//! failed elements and zipped lists.

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
async fn ratio_keeps_successful_elements() {
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
    assert_eq!(report.output(&sums).unwrap(), [2, 4, 5]);
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
