use containerflow::container_task;

container_task! {
    pub struct Greeting {
        name = "greeting",
        image = "busybox:1.36",
        inputs = { count: String },
        command = ["sh", "-c", "echo $(({{.inputs.count}} * 2))"],
    }
}

fn main() {}
