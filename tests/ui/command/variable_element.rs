use containerflow::container_task;

const GREETING: &str = "hello";

container_task! {
    pub struct Greeting {
        name = "greeting",
        image = "busybox:1.36",
        command = ["echo", GREETING],
    }
}

fn main() {}
