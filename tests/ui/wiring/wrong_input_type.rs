use containerflow::container_task;

container_task! {
    pub struct Greeting {
        name = "greeting",
        image = "busybox:1.36",
        inputs = { count: i64 },
        command = ["echo", "hello"],
    }
}

fn build() {
    let _ = GreetingInputs {
        count: "3".to_owned(),
    };
}

fn main() {}
