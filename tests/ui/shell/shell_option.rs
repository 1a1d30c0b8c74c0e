use containerflow::container_task;

container_task! {
    pub struct Greeting {
        name = "greeting",
        image = "busybox:1.36",
        inputs = { flags: String },
        command = ["sh", "{{.inputs.flags}}", "-c", "echo hello"],
    }
}

fn main() {}
