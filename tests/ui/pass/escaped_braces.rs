// `{{{{` is a literal `{{`, and `}}` needs no escape.
use containerflow::{container_task, ContainerTask, Quoting, Segment};

container_task! {
    pub struct Braces {
        name = "braces",
        image = "busybox:1.36",
        inputs = { name: String },
        command = ["echo", "{{{{.inputs.name}} is {{.inputs.name}}}}"],
    }
}

fn main() {
    let spec = <Braces as ContainerTask>::spec();
    assert_eq!(
        spec.command[1].segments,
        [
            Segment::Text("{{.inputs.name}} is "),
            Segment::Input {
                index: 0,
                quoting: Quoting::Verbatim
            },
            Segment::Text("}}"),
        ]
    );
}
