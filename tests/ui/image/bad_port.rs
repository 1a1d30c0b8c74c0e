use containerflow::container_task;

container_task! {
    pub struct Greeting {
        name = "greeting",
        image = "localhost:http/app",
        command = ["echo", "hello"],
    }
}

fn main() {}
