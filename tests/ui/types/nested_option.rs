use containerflow::container_task;

container_task! {
    pub struct Collect {
        name = "collect",
        image = "busybox:1.36",
        inputs = { numbers: Vec<Option<Option<i64>>> },
        command = ["true"],
    }
}

fn main() {}
