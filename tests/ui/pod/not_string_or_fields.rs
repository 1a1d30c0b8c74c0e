use containerflow::container_task;

container_task! {
    pub struct Greeting {
        name = "greeting",
        image = "busybox:1.36",
        command = ["echo", "hello"],
        pod_template = my_template,
    }
}

fn main() {}
