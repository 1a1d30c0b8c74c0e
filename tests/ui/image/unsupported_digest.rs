use containerflow::container_task;

container_task! {
    pub struct Greeting {
        name = "greeting",
        image = "busybox@md5:0123456789abcdef0123456789abcdef",
        command = ["echo", "hello"],
    }
}

fn main() {}
