use containerflow::container_task;

container_task! {
    pub struct Greeting {
        name = "greeting",
        image = "busybox:1.36",
        inputs = { limits: BTreeMap<i64, i64> },
        command = ["echo", "hello"],
    }
}

fn main() {}
