use containerflow::container_task;

container_task! {
    /// Prints a greeting and returns it.
    pub struct Greeting {
        name = "echo_and_return_greeting",
        image = "busybox:1.35",
        input_data_dir = "/var/inputs",
        output_data_dir = "/var/outputs",
        inputs = { name: String },
        outputs = { greeting: String },
        command = ["/bin/sh", "-c", "echo 'Hello, my name is {{.inputs.name}}.' | tee -a /var/outputs/greeting"],
    }
}

fn main() {}
