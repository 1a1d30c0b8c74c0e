// Pod templates by name and inline, and the label `block_network` adds.
use containerflow::{container_task, ContainerTask, PodTemplate};

container_task! {
    pub struct Named {
        name = "named",
        image = "busybox:1.36",
        command = ["true"],
        pod_template = "gpu-template.v1",
    }
}

container_task! {
    pub struct Inline {
        name = "inline",
        image = "busybox:1.36",
        command = ["true"],
        block_network = true,
        pod_template = {
            labels: { app: "greeting", "app.kubernetes.io/part-of": "demo" },
            annotations: { "example.com/owner": "team a" },
            primary_container_name: "main",
        },
    }
}

container_task! {
    pub struct Sandboxed {
        name = "sandboxed",
        image = "busybox:1.36",
        command = ["true"],
        block_network = true,
        pod_template = { labels: { sandboxed: "true" } },
    }
}

container_task! {
    pub struct BlockedOnly {
        name = "blocked_only",
        image = "busybox:1.36",
        command = ["true"],
        block_network = true,
    }
}

container_task! {
    pub struct Plain {
        name = "plain",
        image = "busybox:1.36",
        command = ["true"],
    }
}

fn main() {
    assert_eq!(
        <Named as ContainerTask>::spec().pod_template,
        Some(PodTemplate::Named("gpu-template.v1"))
    );
    assert_eq!(
        <Inline as ContainerTask>::spec().pod_template,
        Some(PodTemplate::Inline {
            labels: &[
                ("app", "greeting"),
                ("app.kubernetes.io/part-of", "demo"),
                ("sandboxed", "true"),
            ],
            annotations: &[("example.com/owner", "team a")],
            primary_container_name: "main",
        })
    );
    assert_eq!(
        <Sandboxed as ContainerTask>::spec().pod_template,
        Some(PodTemplate::Inline {
            labels: &[("sandboxed", "true")],
            annotations: &[],
            primary_container_name: "primary",
        })
    );
    assert_eq!(
        <BlockedOnly as ContainerTask>::spec().pod_template,
        Some(PodTemplate::Named("sandboxed-pod-template"))
    );
    assert_eq!(<Plain as ContainerTask>::spec().pod_template, None);
}
