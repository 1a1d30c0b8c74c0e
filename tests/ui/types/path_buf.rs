use containerflow::container_task;

container_task! {
    pub struct Greeting {
        name = "greeting",
        image = "busybox:1.36",
        inputs = { data: std::path::PathBuf },
        command = ["echo", "hello"],
    }
}

fn main() {}
