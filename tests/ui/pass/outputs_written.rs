// Outputs whose path or directory a command mentions raise no warning, and
// `#[allow(deprecated)]` on a task silences the warning.
#![deny(deprecated)]

use containerflow::container_task;

container_task! {
    pub struct ByPath {
        name = "by_path",
        image = "busybox:1.36",
        outputs = { greeting: String },
        command = ["sh", "-c", "echo hello > /var/outputs/greeting"],
    }
}

container_task! {
    pub struct ByDirectory {
        name = "by_directory",
        image = "busybox:1.36",
        output_data_dir = "/out",
        outputs = { greeting: String, count: i64 },
        command = ["sh", "-c"],
        arguments = ["cd /out && echo hello > greeting && echo 1 > count"],
    }
}

container_task! {
    /// The image's entry point writes the output.
    #[allow(deprecated)]
    pub struct ImageWrites {
        name = "image_writes",
        image = "example/app:1.0",
        outputs = { report: File },
        command = ["/app/run"],
    }
}

fn main() {}
