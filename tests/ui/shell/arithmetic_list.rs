use containerflow::container_task;

container_task! {
    pub struct Greeting {
        name = "greeting",
        image = "busybox:1.36",
        inputs = { counts: Vec<i64> },
        command = ["/bin/sh", "-c", "echo $(({{.inputs.counts}} + 1))"],
    }
}

fn main() {}
