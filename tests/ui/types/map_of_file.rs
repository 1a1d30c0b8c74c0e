use containerflow::container_task;

container_task! {
    pub struct Greeting {
        name = "greeting",
        image = "busybox:1.36",
        inputs = { files: BTreeMap<String, File> },
        command = ["echo", "hello"],
    }
}

fn main() {}
