use containerflow::container_task;

container_task! {
    pub struct Greeting {
        name = "greeting",
        image = "busybox:1.36",
        inputs = { name: String },
        command = ["echo", "hello"],
    }
}

fn build() {
    let _ = GreetingBindings {
        name: "Ada".into(),
        nmae: "Ada".into(),
    };
}

fn main() {}
