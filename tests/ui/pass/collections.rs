// Lists and maps in every accepted spelling, wired from a literal and from
// an upstream output of the same type.
use std::collections::BTreeMap;

use containerflow::{container_task, ContainerTask, File, ValueType, Workflow};

container_task! {
    pub struct Collect {
        name = "collect",
        image = "busybox:1.36",
        inputs = {
            words: Vec<String>,
            counts: std::vec::Vec<i64>,
            files: Vec<File>,
            limits: BTreeMap<String, f64>,
            flags: std::collections::BTreeMap<std::string::String, bool>,
            partial: Vec<Option<i64>>,
            reports: Vec<std::option::Option<File>>,
        },
        outputs = { lines: Vec<String>, sizes: BTreeMap<String, i64> },
        command = ["/bin/sh", "-c", "echo {{.inputs.words}} '{{.inputs.counts}}' > /var/outputs/lines"],
    }
}

fn main() {
    let spec = <Collect as ContainerTask>::spec();
    let input_types: Vec<ValueType> = spec.inputs.iter().map(|input| input.ty).collect();
    assert_eq!(
        input_types,
        [
            ValueType::List(&ValueType::String),
            ValueType::List(&ValueType::Int),
            ValueType::List(&ValueType::File),
            ValueType::Map(&ValueType::Float),
            ValueType::Map(&ValueType::Bool),
            ValueType::List(&ValueType::Optional(&ValueType::Int)),
            ValueType::List(&ValueType::Optional(&ValueType::File)),
        ]
    );
    assert_eq!(spec.outputs[1].ty, ValueType::Map(&ValueType::Int));

    let mut workflow = Workflow::new("collections");
    let first = workflow.add(
        "first",
        Collect,
        CollectBindings {
            words: vec!["a".to_owned()].into(),
            counts: vec![1, 2].into(),
            files: Vec::<File>::new().into(),
            limits: BTreeMap::from([("cpu".to_owned(), 0.5)]).into(),
            flags: BTreeMap::new().into(),
            partial: vec![Some(1), None].into(),
            reports: vec![None, Some(File::new("report.txt"))].into(),
        },
    );
    workflow.add(
        "second",
        Collect,
        CollectBindings {
            words: first.lines.into(),
            counts: Vec::new().into(),
            files: Vec::new().into(),
            limits: BTreeMap::new().into(),
            flags: BTreeMap::new().into(),
            partial: Vec::new().into(),
            reports: Vec::new().into(),
        },
    );
}
