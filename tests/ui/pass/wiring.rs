// Builds each generated struct and checks what the trait methods return.
use containerflow::{
    container_task, ArgTemplate, Binding, ContainerTask, MetadataFormat, Quoting, Segment, Source,
    Value,
};

container_task! {
    /// Prints a greeting and returns it.
    #[derive(PartialEq, Eq)]
    pub struct Greeting {
        name = "echo_and_return_greeting",
        image = "busybox:1.35",
        inputs = { name: String, times: i64 },
        outputs = { greeting: String },
        command = ["/bin/sh", "-c", "echo 'Hello, {{.inputs.name}}.' | tee /var/outputs/greeting"],
    }
}

fn main() {
    let bindings = GreetingBindings {
        name: "Ada".into(),
        times: 2.into(),
    };
    assert!(matches!(bindings.name, Binding::Value(ref name) if name == "Ada"));
    let sources = Greeting::binding_sources(bindings);
    assert!(matches!(
        &sources[..],
        [
            Source::Value(Value::String(_)),
            Source::Value(Value::Int(2))
        ]
    ));

    let inputs = GreetingInputs {
        name: "Ada".to_owned(),
        times: 2,
    };
    let values = Greeting::input_values(inputs.clone());
    assert_eq!(values, [Value::String("Ada".to_owned()), Value::Int(2)]);

    let outputs = Greeting::outputs_from_values(vec![Value::String("Hello".to_owned())]);
    assert_eq!(
        outputs,
        Some(GreetingOutputs {
            greeting: "Hello".to_owned()
        })
    );
    assert_eq!(Greeting::outputs_from_values(vec![Value::Int(1)]), None);
    assert_eq!(Greeting::outputs_from_values(vec![]), None);

    let spec = Greeting::spec();
    assert_eq!(spec.name, "echo_and_return_greeting");
    assert_eq!(spec.image, "busybox:1.35");
    assert_eq!(spec.input_data_dir, "/var/inputs");
    assert_eq!(spec.output_data_dir, "/var/outputs");
    assert_eq!(spec.metadata_format, MetadataFormat::Json);
    assert!(!spec.block_network);
    assert_eq!(spec.input_index("times"), Some(1));
    assert_eq!(spec.command.len(), 3);
    assert_eq!(
        spec.command[2],
        ArgTemplate {
            source: "echo 'Hello, {{.inputs.name}}.' | tee /var/outputs/greeting",
            segments: &[
                Segment::Text("echo 'Hello, "),
                Segment::Input {
                    index: 0,
                    quoting: Quoting::ShellSingle
                },
                Segment::Text(".' | tee /var/outputs/greeting"),
            ],
        }
    );
    assert!(spec.arguments.is_empty());
    assert_eq!(Greeting, Greeting::default());
}
