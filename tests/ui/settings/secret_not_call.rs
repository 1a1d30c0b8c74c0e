use containerflow::container_task;

container_task! {
    pub struct Greeting {
        name = "greeting",
        image = "busybox:1.36",
        command = ["echo", "hello"],
        secrets = { KEY: "value" },
    }
}

fn main() {}
