use containerflow::container_task;

container_task! {
    pub struct Greeting {
        inputs = { name: String },
    }
}

fn main() {}
