use containerflow::container_task;

container_task! {
    pub struct Greeting {
        name = "greeting",
        image = "busybox:1.36",
        output_data_dir = "/out",
        outputs = { _ERROR: String },
        command = ["echo", "hello"],
    }
}

fn main() {}
