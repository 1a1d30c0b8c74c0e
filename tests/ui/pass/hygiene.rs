// The generated code must not depend on names in the caller's scope.
#![allow(dead_code, non_camel_case_types)]

struct Result;
struct Ok;
struct Err;
struct Option;
struct Some;
struct None;
struct String;
struct Vec;
struct Box;
struct Iterator;
struct IntoIterator;
struct Debug;
struct Clone;
struct Default;
struct PartialEq;
struct Serialize;
struct File;
struct Dir;
struct Duration;
struct DateTime;
struct Utc;
struct Value;
struct Binding;
struct OutputRef;
struct TaskSpec;
struct Settings;
struct RunAs;
struct SecretSpec;
struct SecretSource;
struct PodTemplate;
struct Quoting;
struct Segment;
type i64 = u8;
type f64 = u8;
type bool = ();
mod core {}
mod std {}
mod serde {}
mod chrono {}

containerflow::container_task! {
    pub struct Shadowed {
        name = "shadowed",
        image = "busybox:1.36",
        inputs = { text: String, count: i64, ratio: f64, flag: bool, at: DateTime<Utc> },
        outputs = { total: i64, report: File, timeout: Duration, out: Dir },
        command = ["sh", "-c", "echo '{{.inputs.text}}' {{.inputs.count}} > /var/outputs/total"],
        secrets = { TOKEN: env("TOKEN") },
        timeout = "1m",
        retries = 1,
        retry_delay = "1s",
        resources = { cpus: 1, memory: "64Mi" },
        user = "1000",
        block_network = true,
        pod_template = { labels: { app: "x" } },
    }
}

fn main() {
    let inputs = ShadowedInputs {
        text: "x".to_owned(),
        count: 1,
        ratio: 0.5,
        flag: true,
        at: containerflow::chrono::DateTime::UNIX_EPOCH,
    };
    let values = <Shadowed as containerflow::ContainerTask>::input_values(inputs);
    assert_eq!(values.len(), 5);
}
