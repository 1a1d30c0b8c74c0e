//! Exports every example's workflow to Flyte, then decodes the package with
//! Flyte's `flyteidl` and compares it field by field with the package that
//! flytekit's own serializer writes for the same workflow, declared in
//! `tests/python/flyte_<example>.py`. `tests/python/flyte_check.py` lists
//! the fields left out of the comparison and why. Also checks the layout
//! that `flytectl register files` needs, and the workflows the export rejects.
//!
//! Needs `.venv-flytekit`, which `scripts/provision-python.sh` creates.

#[allow(dead_code, clippy::duplicate_mod)]
mod export_flyte_support;

use std::fs;
use std::path::Path;

use containerflow::{container_task, Error, Overrides, RunAs, Workflow};
use export_flyte_support::{check, example_workflow, partial_map_workflow};

/// Exports `workflow` and compares it with the package of
/// `tests/python/flyte_<name>.py`.
fn assert_workflow_matches_flytekit(workflow: &Workflow, name: &str) {
    let directory = tempfile::tempdir().unwrap();
    let archive = directory.path().join(format!("{name}.tgz"));
    workflow.export_flyte(&archive).unwrap();
    let checked = check(&archive, Some(name));
    assert!(
        checked.passed,
        "{name} differs from flytekit's package:\n{}",
        checked.problems
    );
}

fn assert_matches_flytekit(example: &str) {
    assert_workflow_matches_flytekit(&example_workflow(example), example);
}

#[test]
fn greeting_matches_flytekit() {
    assert_matches_flytekit("greeting");
}

#[test]
fn word_count_matches_flytekit() {
    assert_matches_flytekit("word_count");
}

#[test]
fn fan_out_matches_flytekit() {
    assert_matches_flytekit("fan_out");
}

#[test]
fn transfer_matches_flytekit() {
    assert_matches_flytekit("transfer");
}

#[test]
fn map_over_list_matches_flytekit() {
    assert_matches_flytekit("map_over_list");
}

fn file_names(directory: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(directory)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

#[test]
fn directory_holds_archive_files() {
    let directory = tempfile::tempdir().unwrap();
    let workflow = example_workflow("word_count");
    let archive = directory.path().join("word_count.tar.gz");
    let unpacked = directory.path().join("word_count");
    workflow.export_flyte(&archive).unwrap();
    workflow.export_flyte(&unpacked).unwrap();

    let expected = [
        "0_generate_text_1.pb",
        "1_count_words_1.pb",
        "2_write_report_1.pb",
        "3_word_count_2.pb",
        "4_word_count_3.pb",
    ];
    assert_eq!(file_names(&unpacked), expected);
    let gz = flate2::read::GzDecoder::new(fs::File::open(&archive).unwrap());
    let mut entries = tar::Archive::new(gz);
    for entry in entries.entries().unwrap() {
        let mut entry = entry.unwrap();
        let name = entry.path().unwrap().to_string_lossy().into_owned();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
        assert_eq!(bytes, fs::read(unpacked.join(&name)).unwrap(), "{name}");
    }
}

#[test]
fn export_is_deterministic() {
    let directory = tempfile::tempdir().unwrap();
    let first = directory.path().join("first.tgz");
    let second = directory.path().join("second.tgz");
    example_workflow("fan_out").export_flyte(&first).unwrap();
    example_workflow("fan_out").export_flyte(&second).unwrap();
    assert_eq!(fs::read(first).unwrap(), fs::read(second).unwrap());
}

container_task! {
    pub struct Sleep {
        name = "sleep_for",
        image = "busybox:1.35",
        inputs = { span: Duration, factor: f64, text: String },
        outputs = {},
        command = ["/bin/sh", "-c", "echo '{{.inputs.text}}'; sleep {{.inputs.span}}"],
    }
}

container_task! {
    pub struct Scale {
        name = "scale",
        image = "busybox:1.35",
        inputs = { factor: f64 },
        outputs = {},
        command = ["/bin/sh", "-c", "echo {{.inputs.factor}}"],
    }
}

container_task! {
    pub struct Echo {
        name = "echo_text",
        image = "busybox:1.35",
        inputs = { text: String, suffix: String },
        outputs = { echoed: String },
        command = ["/bin/sh", "-c", "echo '{{.inputs.text}}{{.inputs.suffix}}' > /var/outputs/echoed"],
    }
}

container_task! {
    pub struct Split {
        name = "split_words",
        image = "busybox:1.35",
        inputs = { text: String },
        outputs = { words: Vec<String> },
        command = ["/bin/sh", "-c", "mkdir -p /var/outputs/words && echo '{{.inputs.text}}' > /var/outputs/words/0"],
    }
}

/// Exports `workflow` and returns the node and reason of its rejection.
fn rejection(workflow: &Workflow) -> (Option<String>, String) {
    let directory = tempfile::tempdir().unwrap();
    match workflow.export_flyte(directory.path().join("out.tgz")) {
        Err(Error::Unexportable {
            engine,
            node,
            reason,
            ..
        }) => {
            assert_eq!(engine, "flyte");
            (node, reason)
        }
        other => panic!("expected Error::Unexportable, got {other:?}"),
    }
}

#[test]
fn rejects_duration_placeholder() {
    let mut workflow = Workflow::new("sleepy");
    let bindings = SleepBindings {
        span: std::time::Duration::from_secs(90).into(),
        factor: 1.5.into(),
        text: "hi".into(),
    };
    workflow.add("sleep", Sleep, bindings);
    let (node, reason) = rejection(&workflow);
    assert_eq!(node.as_deref(), Some("sleep"));
    assert!(reason.contains("`seconds:90`"), "{reason}");
    assert!(reason.contains("/var/inputs/span"), "{reason}");
}

#[test]
fn rejects_float_placeholder() {
    let mut workflow = Workflow::new("scaled");
    workflow.add("scale", Scale, ScaleBindings { factor: 1e6.into() });
    let (_, reason) = rejection(&workflow);
    assert!(reason.contains("`1e+06`"), "{reason}");
}

#[test]
fn rejects_user_override() {
    let mut workflow = Workflow::new("as_user");
    let bindings = EchoBindings {
        text: "a".into(),
        suffix: "b".into(),
    };
    let overrides = Overrides::new().user(RunAs::Id {
        uid: 1000,
        gid: 1000,
    });
    workflow.add_with("echo", Echo, bindings, overrides);
    let (node, reason) = rejection(&workflow);
    assert_eq!(node.as_deref(), Some("echo"));
    assert!(reason.contains("cannot set the user"), "{reason}");
}

#[test]
fn rejects_env_override() {
    let mut workflow = Workflow::new("with_env");
    let bindings = EchoBindings {
        text: "a".into(),
        suffix: "b".into(),
    };
    workflow.add_with(
        "echo",
        Echo,
        bindings,
        Overrides::new().env("LEVEL", "debug"),
    );
    let (_, reason) = rejection(&workflow);
    assert!(reason.contains("`LEVEL`"), "{reason}");
}

#[test]
fn rejects_input_shared_by_map_elements() {
    let mut workflow = Workflow::new("shared");
    let words = vec!["a".to_owned(), "b".to_owned()];
    workflow.map("echo", Echo, words, |word| EchoBindings {
        text: word.into(),
        suffix: "!".into(),
    });
    let (node, reason) = rejection(&workflow);
    assert_eq!(node.as_deref(), Some("echo"));
    assert!(reason.contains("input `suffix`"), "{reason}");
}

#[test]
fn rejects_names_that_are_not_node_ids() {
    for name in ["Upper", "start_node", "_lead"] {
        let mut workflow = Workflow::new("named");
        let bindings = EchoBindings {
            text: "a".into(),
            suffix: "b".into(),
        };
        workflow.add(name, Echo, bindings);
        let (node, _) = rejection(&workflow);
        assert_eq!(node.as_deref(), Some(name));
    }
}

#[test]
fn rejects_colliding_node_ids() {
    let mut workflow = Workflow::new("colliding");
    for name in ["echo_a", "echo-a"] {
        let bindings = EchoBindings {
            text: "a".into(),
            suffix: "b".into(),
        };
        workflow.add(name, Echo, bindings);
    }
    let (node, reason) = rejection(&workflow);
    assert_eq!(node.as_deref(), Some("echo-a"));
    assert!(reason.contains("`echo_a`"), "{reason}");
}

container_task! {
    pub struct CountLines {
        name = "count_lines",
        image = "busybox:1.35",
        inputs = { text: File },
        outputs = { lines: i64 },
        command = ["/bin/sh", "-c", "wc -l < /var/inputs/text > /var/outputs/lines"],
    }
}

/// Prints each default input of a launch plan as `name required` or
/// `name default`.
const PRINT_PARAMETERS: &str = "
import sys
from flyteidl.admin import launch_plan_pb2
plan = launch_plan_pb2.LaunchPlan.FromString(open(sys.argv[1], 'rb').read())
for name, parameter in sorted(plan.spec.default_inputs.parameters.items()):
    print(name, parameter.WhichOneof('behavior'))
";

#[test]
fn file_literal_becomes_required_input() {
    let directory = tempfile::tempdir().unwrap();
    let mut workflow = Workflow::new("lines");
    let text = containerflow::File::new("/etc/hostname");
    workflow.add(
        "count",
        CountLines,
        CountLinesBindings { text: text.into() },
    );
    let unpacked = directory.path().join("lines");
    workflow.export_flyte(&unpacked).unwrap();

    let output = std::process::Command::new(export_flyte_support::python())
        .args(["-c", PRINT_PARAMETERS])
        .arg(unpacked.join("2_lines_3.pb"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "count__text required\n"
    );
}

#[test]
fn rejects_list_output() {
    let mut workflow = Workflow::new("splitting");
    workflow.add("split", Split, SplitBindings { text: "a b".into() });
    let (node, reason) = rejection(&workflow);
    assert_eq!(node.as_deref(), Some("split"));
    assert!(reason.contains("output `words`"), "{reason}");
}

#[test]
fn partial_map_matches_flytekit() {
    assert_workflow_matches_flytekit(&partial_map_workflow(), "partial_map");
}

/// Prints the secrets that the task file requests from Flyte, one per line.
const PRINT_SECRETS: &str = "
import sys
from flyteidl.admin import task_pb2
spec = task_pb2.TaskSpec.FromString(open(sys.argv[1], 'rb').read())
for secret in spec.template.security_context.secrets:
    print(secret.group, secret.key, secret.mount_requirement, secret.env_var)
";

#[test]
fn secret_reads_shared_kubernetes_secret() {
    let directory = tempfile::tempdir().unwrap();
    let unpacked = directory.path().join("partial_map");
    partial_map_workflow().export_flyte(&unpacked).unwrap();

    let output = std::process::Command::new(export_flyte_support::python())
        .args(["-c", PRINT_SECRETS])
        .arg(unpacked.join("2_fetch_with_token_1.pb"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    // Mount type 1 is `ENV_VAR`.
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "containerflow-secrets API_TOKEN 1 API_TOKEN\n"
    );
}

#[test]
fn rejects_invalid_workflow_names() {
    for name in ["", "My Flow!", "../../tmp/escaped", "nul\0name"] {
        let mut workflow = Workflow::new(name);
        let bindings = EchoBindings {
            text: "a".into(),
            suffix: "b".into(),
        };
        workflow.add("echo", Echo, bindings);
        let (node, reason) = rejection(&workflow);
        assert_eq!(node, None, "{name:?}");
        assert!(
            reason.contains("is not a valid Flyte name"),
            "{name:?}: {reason}"
        );
    }
}

#[test]
fn rejects_nul_in_string_literal() {
    let mut workflow = Workflow::new("nul_value");
    let bindings = EchoBindings {
        text: "a\0b".into(),
        suffix: "b".into(),
    };
    workflow.add("echo", Echo, bindings);
    let (node, reason) = rejection(&workflow);
    assert_eq!(node.as_deref(), Some("echo"));
    assert!(reason.contains("input `text`"), "{reason}");
    assert!(reason.contains("NUL character"), "{reason}");
}

container_task! {
    pub struct ListWords {
        name = "list_words",
        image = "busybox:1.35",
        inputs = { words: Vec<String> },
        outputs = {},
        command = ["/bin/sh", "-c", "echo '{{.inputs.words}}'"],
    }
}

#[test]
fn rejects_string_list_in_script() {
    let mut workflow = Workflow::new("listing");
    let words = vec!["a".to_owned(), "b".to_owned()];
    workflow.add(
        "list",
        ListWords,
        ListWordsBindings {
            words: words.into(),
        },
    );
    let (node, reason) = rejection(&workflow);
    assert_eq!(node.as_deref(), Some("list"));
    assert!(reason.contains("list of strings `words`"), "{reason}");
    assert!(reason.contains("`/var/inputs/words/0`"), "{reason}");
}

container_task! {
    pub struct ReservedEnv {
        name = "reserved_env",
        image = "busybox:1.35",
        inputs = {},
        outputs = {},
        env = { CONTAINERFLOW_INPUT_x: "1" },
        command = ["true"],
    }
}

#[test]
fn rejects_reserved_env_prefix() {
    let mut workflow = Workflow::new("reserved");
    workflow.add("call", ReservedEnv, ReservedEnvBindings {});
    let (node, reason) = rejection(&workflow);
    assert_eq!(node.as_deref(), Some("call"));
    assert!(reason.contains("`CONTAINERFLOW_INPUT_x`"), "{reason}");
}

#[test]
fn rejects_non_empty_directory() {
    let directory = tempfile::tempdir().unwrap();
    let stale = directory.path().join("0_old_task_1.pb");
    fs::write(&stale, b"stale").unwrap();
    let result = example_workflow("greeting").export_flyte(directory.path());
    let Err(Error::ExportWrite { path, source }) = result else {
        panic!("expected Error::ExportWrite, got {result:?}");
    };
    assert_eq!(path, directory.path());
    assert!(source.to_string().contains("not empty"), "{source}");
    assert_eq!(file_names(directory.path()), ["0_old_task_1.pb"]);
}

#[test]
fn exports_into_empty_directory() {
    let directory = tempfile::tempdir().unwrap();
    example_workflow("greeting")
        .export_flyte(directory.path())
        .unwrap();
    assert_eq!(file_names(directory.path()).len(), 3);
}

#[cfg(unix)]
#[test]
fn archive_has_mode_of_package_files() {
    use std::os::unix::fs::PermissionsExt;

    let directory = tempfile::tempdir().unwrap();
    let archive = directory.path().join("greeting.tgz");
    let unpacked = directory.path().join("greeting");
    example_workflow("greeting").export_flyte(&archive).unwrap();
    example_workflow("greeting")
        .export_flyte(&unpacked)
        .unwrap();
    let mode = |path: &Path| fs::metadata(path).unwrap().permissions().mode() & 0o777;
    // A package file has 0666 minus the umask, so this is 0644 minus the umask.
    let expected = mode(&unpacked.join("0_echo_and_return_greeting_1.pb")) & 0o644;
    assert_eq!(mode(&archive), expected, "{:o}", mode(&archive));
}
