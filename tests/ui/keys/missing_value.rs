use containerflow::container_task;

container_task! {
    pub struct Greeting {
        name = "greeting",
        image =,
        command = ["echo", "hello"],
    }
}

fn main() {}
