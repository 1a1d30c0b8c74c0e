use containerflow::container_task;

container_task! {
    pub struct Greeting {
        name = "greeting",
        image = "busybox:1.36",
        inputs = { photos: containerflow::Dir },
        command = ["ls", "{{.inputs.photos}}"],
    }
}

fn main() {}
