use containerflow::container_task;

container_task! {
    pub struct Collect {
        name = "collect",
        image = "busybox:1.36",
        outputs = { numbers: Vec<Option<i64>> },
        command = ["/bin/sh", "-c", "echo 1 > /var/outputs/numbers"],
    }
}

fn main() {}
