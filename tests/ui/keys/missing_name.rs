use containerflow::container_task;

container_task! {
    pub struct Greeting {
        image = "busybox:1.36",
        command = ["echo", "hello"],
    }
}

fn main() {}
