use std::collections::BTreeMap;
use containerflow::container_task;

container_task! {
    pub struct Collect {
        name = "collect",
        image = "busybox:1.36",
        inputs = { limits: BTreeMap<String, Option<f64>> },
        command = ["true"],
    }
}

fn main() {}
