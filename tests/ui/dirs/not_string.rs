use containerflow::container_task;

const INPUT_DIR: &str = "/in";

container_task! {
    pub struct Greeting {
        name = "greeting",
        image = "busybox:1.36",
        command = ["echo", "hello"],
        input_data_dir = INPUT_DIR,
    }
}

fn main() {}
