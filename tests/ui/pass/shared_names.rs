// An input and an output may share a name: they are files in different
// directories. An input may be called `inputs`, because the metadata file
// is `inputs.json`, `inputs.yaml` or `inputs.pb`.
use containerflow::{container_task, ContainerTask, MetadataFormat};

container_task! {
    pub struct Upper {
        name = "upper",
        image = "busybox:1.36",
        inputs = { text: String, inputs: String },
        outputs = { text: String },
        metadata_format = Yaml,
        command = ["sh", "-c", "tr a-z A-Z < /var/inputs/text > /var/outputs/text"],
    }
}

fn main() {
    let spec = <Upper as ContainerTask>::spec();
    assert_eq!(spec.inputs[0].name, "text");
    assert_eq!(spec.outputs[0].name, "text");
    assert_eq!(spec.inputs[1].name, "inputs");
    assert_eq!(spec.metadata_format, MetadataFormat::Yaml);
    assert_ne!(spec.metadata_format.file_name(), spec.inputs[1].name);
    let inputs = UpperInputs {
        text: "a".to_owned(),
        inputs: "b".to_owned(),
    };
    let outputs = UpperOutputs {
        text: "A".to_owned(),
    };
    assert_ne!(inputs.text, outputs.text);
}
