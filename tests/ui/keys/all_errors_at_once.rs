use containerflow::container_task;

container_task! {
    pub struct Greeting {
        nmae = "greeting",
        image = busybox,
        inputs = { count: u32 },
        command = ["echo", 1, "{{.inputs.cont}}"],
        block_network = "yes",
    }
}

fn main() {}
