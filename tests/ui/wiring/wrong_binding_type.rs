use containerflow::container_task;

container_task! {
    pub struct Greeting {
        name = "greeting",
        image = "busybox:1.36",
        inputs = { name: String },
        command = ["echo", "{{.inputs.name}}"],
    }
}

fn build() {
    let age: i64 = 36;
    let _ = GreetingBindings { name: age.into() };
}

fn main() {}
