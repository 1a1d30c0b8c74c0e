use containerflow::container_task;

container_task! {
    pub struct Greeting {
        name = "greeting",
        image = "busybox:1.36",
        inputs = { name: Strin },
        command = ["echo", "{{.inputs.name}}"],
    }
}

fn main() {}
