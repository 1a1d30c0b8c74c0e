// The quoting of each placeholder follows where it sits in a shell script.
use containerflow::{container_task, ContainerTask, Quoting, Segment, TaskSpec};

container_task! {
    pub struct Contexts {
        name = "contexts",
        image = "busybox:1.36",
        inputs = { text: String, count: i64 },
        outputs = { out: String },
        command = ["/usr/bin/env", "bash", "-euo", "pipefail", "-c"],
        arguments = [
            "echo '{{.inputs.text}}' \"{{.inputs.text}}\" --name={{.inputs.text}} \
             \"$(echo {{.inputs.text}})\" $(({{.inputs.count}} + 1)) > /var/outputs/out",
            "script-name",
            "{{.inputs.text}}",
        ],
    }
}

container_task! {
    pub struct NotAShell {
        name = "not_a_shell",
        image = "busybox:1.36",
        inputs = { text: String },
        command = ["printf", "%s '{{.inputs.text}}'", "{{.inputs.text}}"],
    }
}

container_task! {
    pub struct ScriptFile {
        name = "script_file",
        image = "busybox:1.36",
        inputs = { text: String },
        command = ["busybox", "sh", "/var/inputs/script.sh", "'{{.inputs.text}}'"],
    }
}

/// Returns the quoting of every placeholder in the command and arguments.
fn quotings(spec: &TaskSpec) -> Vec<Quoting> {
    spec.command
        .iter()
        .chain(spec.arguments)
        .flat_map(|arg| arg.segments)
        .filter_map(|segment| match segment {
            Segment::Input { quoting, .. } => Some(*quoting),
            Segment::Text(_) => None,
        })
        .collect()
}

fn main() {
    assert_eq!(
        quotings(<Contexts as ContainerTask>::spec()),
        [
            Quoting::ShellSingle,
            Quoting::ShellDouble,
            Quoting::ShellBare,
            Quoting::ShellBare,
            Quoting::ShellBare,
            Quoting::Verbatim,
        ]
    );
    assert_eq!(
        quotings(<NotAShell as ContainerTask>::spec()),
        [Quoting::Verbatim, Quoting::Verbatim]
    );
    assert_eq!(
        quotings(<ScriptFile as ContainerTask>::spec()),
        [Quoting::Verbatim]
    );
}
