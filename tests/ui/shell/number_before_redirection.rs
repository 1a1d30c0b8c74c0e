use containerflow::container_task;

container_task! {
    pub struct Greeting {
        name = "greeting",
        image = "busybox:1.36",
        inputs = { count: i64 },
        outputs = { count: i64 },
        command = ["sh", "-c", "echo {{.inputs.count}}>/var/outputs/count"],
    }
}

fn main() {}
