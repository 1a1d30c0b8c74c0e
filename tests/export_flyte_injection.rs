//! Runs the command that the Flyte export writes for the greeting example in
//! a real `busybox:1.35` container, as a Flyte pod would run it: each
//! `{{.inputs.x}}` substituted as raw text, as Flyte's backend does, and the
//! input's raw value in `/var/inputs/<name>`, as CoPilot writes it. A hostile
//! name must come back as plain text and run nothing.
//!
//! Needs `.venv-flytekit`, which `scripts/provision-python.sh` creates, to
//! decode the task file, and a Docker daemon with `busybox:1.35`, which
//! `scripts/provision.sh` provides.

#[allow(dead_code, clippy::duplicate_mod)]
mod export_flyte_support;

use std::fs;
use std::path::Path;
use std::process::Command;

use export_flyte_support::{greeting_workflow, python};

/// Prints the command and arguments of a task file as one JSON list.
const PRINT_ARGV: &str = "
import json, sys
from flyteidl.admin import task_pb2
spec = task_pb2.TaskSpec.FromString(open(sys.argv[1], 'rb').read())
container = spec.template.container
print(json.dumps(list(container.command) + list(container.args)))
";

/// Returns the argv of the exported greeting task.
fn exported_argv(name: &str, directory: &Path) -> Vec<String> {
    let package = directory.join("package");
    greeting_workflow(name).export_flyte(&package).unwrap();
    let output = Command::new(python())
        .args(["-c", PRINT_ARGV])
        .arg(package.join("0_echo_and_return_greeting_1.pb"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    serde_json::from_slice(&output.stdout).unwrap()
}

/// Substitutes the placeholder of input `name` in each argument as raw
/// text, as Flyte's backend does.
fn substitute_raw(argv: &[String], name: &str, value: &str) -> Vec<String> {
    let placeholder = format!("{{{{.inputs.{name}}}}}");
    argv.iter()
        .map(|argument| argument.replace(&placeholder, value))
        .collect()
}

#[test]
fn hostile_name_stays_text_in_container() {
    let hostiles = [
        "'; echo INJECTED; echo '",
        "$(echo INJECTED)`echo INJECTED`\"\\ *",
        "Ada\n\n",
    ];
    for hostile in hostiles {
        let directory = tempfile::tempdir().unwrap();
        let inputs = directory.path().join("inputs");
        let outputs = directory.path().join("outputs");
        fs::create_dir(&inputs).unwrap();
        fs::create_dir(&outputs).unwrap();
        fs::write(inputs.join("name"), hostile).unwrap();
        let argv = substitute_raw(&exported_argv(hostile, directory.path()), "name", hostile);

        let output = Command::new("docker")
            .args(["run", "--rm", "--network", "none", "-v"])
            .arg(format!("{}:/var/inputs:ro", inputs.display()))
            .arg("-v")
            .arg(format!("{}:/var/outputs", outputs.display()))
            .arg("busybox:1.35")
            .args(&argv)
            .output()
            .unwrap();

        assert!(output.status.success(), "{hostile:?}: {output:?}");
        let expected = format!("Hello, my name is {hostile}.\n");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(stdout, expected, "{hostile:?}");
        let written = fs::read_to_string(outputs.join("greeting")).unwrap();
        assert_eq!(written, expected, "{hostile:?}");
    }
}
