use containerflow::container_task;

container_task! {
    pub struct Greeting {
        name = "greeting",
        image = "busybox:1.36",
        command = ["echo", "hello"],
        pod_template = { primary_container_name: "Main" },
    }
}

fn main() {}
