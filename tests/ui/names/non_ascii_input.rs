use containerflow::container_task;

container_task! {
    pub struct Greeting {
        name = "greeting",
        image = "busybox:1.36",
        inputs = { café: String },
        command = ["/bin/sh", "-c", "cat /var/inputs/café"],
    }
}

fn main() {}
