use containerflow::container_task;

container_task! {
    pub struct Greeting {
        name = "greeting",
        image = "busybox:1.36",
        input_data_dir = "/data/in",
        inputs = { data: File },
        command = ["wc", "-l", "{{.inputs.data}}"],
    }
}

fn main() {}
