use containerflow::container_task;

container_task! {
    pub struct Greeting {
        name = "greeting",
        image = "busybox:1.36",
        outputs = { __values: String },
        command = ["echo", "hello"],
    }
}

fn main() {}
