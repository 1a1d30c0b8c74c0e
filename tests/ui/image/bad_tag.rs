use containerflow::container_task;

container_task! {
    pub struct Greeting {
        name = "greeting",
        image = "busybox:.1",
        command = ["echo", "hello"],
    }
}

fn main() {}
