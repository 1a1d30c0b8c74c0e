use containerflow::container_task;

container_task! {
    pub struct Greeting {
        name = "greeting",
        image = "busybox:1.36",
        inputs = { limits: BTreeMap<String, i64> },
        command = ["echo", "{{.inputs.limits}}"],
    }
}

fn main() {}
