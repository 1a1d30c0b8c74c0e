// Every supported type, in bare and qualified spellings, and every key.
use containerflow::{container_task, ContainerTask, MetadataFormat, ValueType};

container_task! {
    pub(crate) struct EveryType {
        name = "every_type",
        image = "busybox:1.36",
        inputs = {
            text: String,
            qualified_text: std::string::String,
            count: i64,
            ratio: f64,
            flag: bool,
            at: DateTime<Utc>,
            qualified_at: chrono::DateTime<chrono::Utc>,
            timeout: Duration,
            qualified_timeout: std::time::Duration,
            data: File,
            photos: containerflow::Dir,
            r#type: String,
        },
        outputs = { report: containerflow::File, out_dir: Dir, total: i64 },
        command = ["/bin/sh", "-c"],
        arguments = ["cat {{.inputs.text}} {{.inputs.type}} /var/inputs/data > /var/outputs/report"],
        block_network = true,
        metadata_format = Yaml,
        env = { LANG: "C.UTF-8", "HOME": "/root", type: "keyword" },
    }
}

fn main() {
    let spec = <EveryType as ContainerTask>::spec();
    let input_types: Vec<ValueType> = spec.inputs.iter().map(|input| input.ty).collect();
    assert_eq!(
        input_types,
        [
            ValueType::String,
            ValueType::String,
            ValueType::Int,
            ValueType::Float,
            ValueType::Bool,
            ValueType::Datetime,
            ValueType::Datetime,
            ValueType::Duration,
            ValueType::Duration,
            ValueType::File,
            ValueType::Dir,
            ValueType::String,
        ]
    );
    assert_eq!(spec.inputs[11].name, "type");
    assert_eq!(spec.outputs[1].ty, ValueType::Dir);
    assert!(spec.block_network);
    assert_eq!(spec.metadata_format, MetadataFormat::Yaml);
    assert_eq!(
        spec.env,
        [("LANG", "C.UTF-8"), ("HOME", "/root"), ("type", "keyword")]
    );
    assert_eq!(spec.arguments.len(), 1);
}
