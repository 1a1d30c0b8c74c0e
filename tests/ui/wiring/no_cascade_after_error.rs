use containerflow::{container_task, ContainerTask};

container_task! {
    pub struct Greeting {
        name = "greeting",
        image = "busybox 1.36",
        inputs = { name: String },
        outputs = { greeting: String },
        command = ["echo", "hello"],
    }
}

fn build() -> GreetingBindings {
    let _ = <Greeting as ContainerTask>::spec();
    let _ = GreetingInputs {
        name: "Ada".to_owned(),
    };
    GreetingBindings { name: "Ada".into() }
}

fn main() {}
