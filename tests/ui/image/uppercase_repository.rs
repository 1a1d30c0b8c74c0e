use containerflow::container_task;

container_task! {
    pub struct Greeting {
        name = "greeting",
        image = "BusyBox:1.36",
        command = ["echo", "hello"],
    }
}

fn main() {}
