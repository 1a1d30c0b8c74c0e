use containerflow::container_task;

container_task! {
    pub struct Collect {
        name = "collect",
        image = "busybox:1.36",
        inputs = { numbers: Vec<Option<i64>> },
        command = ["/bin/sh", "-c", "echo '{{.inputs.numbers}}'"],
    }
}

fn main() {}
