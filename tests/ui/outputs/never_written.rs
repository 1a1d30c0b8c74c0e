// The warning for an output that is never written, made an error to be checked.
#![deny(deprecated)]

use containerflow::container_task;

container_task! {
    pub struct Greeting {
        name = "greeting",
        image = "busybox:1.36",
        outputs = { greeting: String, count: i64 },
        command = ["sh", "-c", "echo hello > /tmp/greeting"],
    }
}

fn main() {}
