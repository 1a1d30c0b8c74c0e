use containerflow::container_task;

container_task! {
    pub struct Greeting {
        name = "greeting",
        image = "busybox:1.36",
        inputs = { name: String },
        command = ["/bin/sh", "-c", "echo \"$GREETING\""],
        env = { GREETING: "Hello, {{.inputs.name}}" },
    }
}

fn main() {}
