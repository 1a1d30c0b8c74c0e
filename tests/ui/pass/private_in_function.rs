// A private task declared inside a function body, with no inputs or outputs.
fn main() {
    containerflow::container_task! {
        struct Noop {
            name = "noop",
            image = "busybox:1.36",
            command = ["true"],
        }
    }

    let spec = <Noop as containerflow::ContainerTask>::spec();
    assert!(spec.inputs.is_empty());
    assert!(spec.outputs.is_empty());
    assert_eq!(
        spec.command[0].segments,
        [containerflow::Segment::Text("true")]
    );
    assert_eq!(
        <Noop as containerflow::ContainerTask>::outputs_from_values(vec![]),
        Some(NoopOutputs {})
    );
}
