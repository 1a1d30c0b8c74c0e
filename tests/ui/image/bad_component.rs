use containerflow::container_task;

container_task! {
    pub struct Greeting {
        name = "greeting",
        image = "registry.example.com:5000/team/my..app:1.0",
        command = ["echo", "hello"],
    }
}

fn main() {}
