use containerflow::container_task;

container_task! {
    pub struct Greeting {
        name = "greeting",
        image = "busybox:1.36",
        outputs = { greeting: String },
        command = ["echo", "{{.outputs.greeting}}"],
    }
}

fn main() {}
