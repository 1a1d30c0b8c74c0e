//! Settings mapped into the YAML, and the parts the export rejects.

use std::process::Command;
use std::time::Duration;

use super::{command, to_yaml, Exporter, MAX_YAML_BYTES};
use crate::error::Error;
use crate::mapping::MapCall;
use crate::spec::{
    ArgTemplate, ParamSpec, Quoting, RunAs, SecretSource, SecretSpec, Segment, Settings, TaskSpec,
};
use crate::task::Source;
use crate::value::{File, Value, ValueType};
use crate::workflow::{Overrides, Workflow};

static ECHO: &[ArgTemplate] = &[
    ArgTemplate {
        source: "/bin/sh",
        segments: &[Segment::Text("/bin/sh")],
    },
    ArgTemplate {
        source: "-c",
        segments: &[Segment::Text("-c")],
    },
    ArgTemplate {
        source: "printf '%s' '{{.inputs.name}}' > /var/outputs/out",
        segments: &[
            Segment::Text("printf '%s' '"),
            Segment::Input {
                index: 0,
                quoting: Quoting::ShellSingle,
            },
            Segment::Text("' > /var/outputs/out"),
        ],
    },
];

static NAME_IN: &[ParamSpec] = &[ParamSpec {
    name: "name",
    ty: ValueType::String,
}];

static OUT: &[ParamSpec] = &[ParamSpec {
    name: "out",
    ty: ValueType::String,
}];

static SPEC: TaskSpec = TaskSpec {
    name: "echo_name",
    image: "busybox:1.35",
    inputs: NAME_IN,
    outputs: OUT,
    command: ECHO,
    ..TaskSpec::DEFAULT
};

static SETTINGS_SPEC: TaskSpec = TaskSpec {
    secrets: &[SecretSpec {
        name: "API_TOKEN",
        source: SecretSource::Env("HOST_TOKEN"),
    }],
    env: &[("LOG_LEVEL", "info")],
    settings: Settings {
        timeout: Some(Duration::from_millis(1500)),
        retries: 2,
        retry_delay: Duration::from_millis(500),
        cpus: Some(0.5),
        memory: Some(268_435_456),
        user: RunAs::Id {
            uid: 1000,
            gid: 100,
        },
    },
    ..SPEC
};

fn one_node(spec: &'static TaskSpec, source: Source, overrides: Overrides) -> Workflow {
    let mut workflow = Workflow::new("tests");
    workflow.add_node("call".to_owned(), spec, vec![source], overrides);
    workflow
}

fn literal(text: &str) -> Source {
    Source::Value(Value::String(text.to_owned()))
}

/// Returns the reason of the expected `Unexportable` error, checking that
/// it names the node `call`.
fn rejection(workflow: &Workflow) -> String {
    match to_yaml(workflow) {
        Err(Error::Unexportable {
            engine,
            node,
            reason,
            ..
        }) => {
            assert_eq!(engine, "argo");
            assert_eq!(node.as_deref(), Some("call"));
            reason
        }
        other => panic!("expected a rejection, got {other:?}"),
    }
}

#[test]
fn settings_become_template_fields() {
    let overrides = Overrides::new().env("EXTRA", "1");
    let yaml = to_yaml(&one_node(&SETTINGS_SPEC, literal("Ada"), overrides)).unwrap();
    let expected = [
        "activeDeadlineSeconds: 2",
        "retryStrategy:\n        limit: 2\n        retryPolicy: Always\n        backoff:\n          duration: \"500ms\"\n          factor: 2",
        "limits:\n            cpu: \"0.5\"\n            memory: \"268435456\"",
        "securityContext:\n          runAsUser: 1000\n          runAsGroup: 100",
        "- name: API_TOKEN\n            valueFrom:\n              secretKeyRef:\n                name: containerflow-secrets\n                key: API_TOKEN",
        "- name: LOG_LEVEL\n            value: info",
        "- name: EXTRA\n            value: \"1\"",
    ];
    for fragment in expected {
        assert!(yaml.contains(fragment), "missing {fragment:?} in\n{yaml}");
    }
}

#[test]
fn same_task_shares_template() {
    let mut workflow = Workflow::new("tests");
    for name in ["a", "b"] {
        workflow.add_node(
            name.to_owned(),
            &SPEC,
            vec![literal(name)],
            Overrides::new(),
        );
    }
    let retried = Overrides::new().retries(1);
    workflow.add_node("c".to_owned(), &SPEC, vec![literal("c")], retried);
    let yaml = to_yaml(&workflow).unwrap();
    assert_eq!(yaml.matches("template: echo-name\n").count(), 2, "{yaml}");
    assert_eq!(yaml.matches("template: echo-name-2\n").count(), 1, "{yaml}");
}

#[test]
fn invoking_user_is_rejected() {
    let overrides = Overrides::new().user(RunAs::Invoking);
    let reason = rejection(&one_node(&SPEC, literal("Ada"), overrides));
    assert!(reason.contains("invoking user"), "{reason}");
}

#[test]
fn host_file_is_rejected() {
    static FILE_IN: &[ParamSpec] = &[ParamSpec {
        name: "name",
        ty: ValueType::File,
    }];
    static FILE_SPEC: TaskSpec = TaskSpec {
        inputs: FILE_IN,
        command: &[],
        ..SPEC
    };
    let source = Source::Value(Value::File(File::new("/etc/hostname")));
    let reason = rejection(&one_node(&FILE_SPEC, source, Overrides::new()));
    assert!(reason.contains("host path"), "{reason}");
}

#[test]
fn braces_in_literal_are_rejected() {
    let reason = rejection(&one_node(
        &SPEC,
        literal("{{workflow.name}}"),
        Overrides::new(),
    ));
    assert!(reason.contains("`{{`"), "{reason}");
}

#[test]
fn metadata_file_read_is_rejected() {
    static READS_JSON: &[ArgTemplate] = &[ArgTemplate {
        source: "cat /var/inputs/inputs.json",
        segments: &[Segment::Text("cat /var/inputs/inputs.json")],
    }];
    static JSON_SPEC: TaskSpec = TaskSpec {
        command: READS_JSON,
        ..SPEC
    };
    let reason = rejection(&one_node(&JSON_SPEC, literal("Ada"), Overrides::new()));
    assert!(reason.contains("inputs.json"), "{reason}");
}

#[test]
fn success_ratio_is_rejected() {
    let mut workflow = Workflow::new("tests");
    let words = Value::List(vec![Value::String("a".to_owned())]);
    let map = MapCall {
        lists: vec![Source::Value(words)],
        min_success_ratio: Some(0.5),
    };
    let element = vec![Source::Element { list: 0 }];
    workflow.add_map_node("call".to_owned(), &SPEC, element, Overrides::new(), map);
    let reason = rejection(&workflow);
    assert!(reason.contains("success ratio"), "{reason}");
}

#[test]
fn empty_map_list_is_rejected() {
    let mut workflow = Workflow::new("tests");
    let map = MapCall {
        lists: vec![Source::Value(Value::List(Vec::new()))],
        min_success_ratio: None,
    };
    let element = vec![Source::Element { list: 0 }];
    workflow.add_map_node("call".to_owned(), &SPEC, element, Overrides::new(), map);
    let reason = rejection(&workflow);
    assert!(reason.contains("empty list"), "{reason}");
}

#[test]
fn colliding_task_names_are_rejected() {
    let mut workflow = Workflow::new("tests");
    for name in ["a_b", "a-b"] {
        workflow.add_node(
            name.to_owned(),
            &SPEC,
            vec![literal(name)],
            Overrides::new(),
        );
    }
    let Err(Error::Unexportable { reason, .. }) = to_yaml(&workflow) else {
        panic!("expected a rejection");
    };
    assert!(reason.contains("`a-b`"), "{reason}");
}

#[test]
fn unnamable_workflow_is_rejected() {
    let mut workflow = Workflow::new("___");
    workflow.add_node(
        "call".to_owned(),
        &SPEC,
        vec![literal("x")],
        Overrides::new(),
    );
    let Err(Error::Unexportable { node, reason, .. }) = to_yaml(&workflow) else {
        panic!("expected a rejection");
    };
    assert_eq!(node, None);
    assert!(reason.contains("workflow name"), "{reason}");
}

/// Runs the rewritten script under `/bin/sh` with a hostile value in the
/// environment variable, as the pod would, and checks that the value comes
/// out unchanged and runs nothing.
#[test]
fn hostile_value_stays_text() {
    let rewritten = command::rewrite(&SPEC).unwrap();
    let script = rewritten.command[2].replace("/var/outputs/out", "/dev/stdout");
    let hostile = "x'; echo injected; echo '$(echo injected)`echo injected`\"";
    let output = Command::new("/bin/sh")
        .arg("-c")
        .arg(&script)
        .env(crate::export::shell::variable_name("name"), hostile)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(String::from_utf8_lossy(&output.stdout), hostile);
}

/// Returns the exported text after checking that a YAML 1.2 loader reads it
/// as exactly the model it was written from.
fn exported_text(workflow: &Workflow) -> String {
    let yaml = to_yaml(workflow).unwrap();
    let model = Exporter::new(workflow).unwrap().resource().unwrap();
    let expected = serde_yaml_ng::to_value(&model).unwrap();
    let parsed: serde_yaml_ng::Value = serde_yaml_ng::from_str(&yaml).unwrap();
    assert_eq!(parsed, expected, "read back differently:\n{yaml}");
    yaml
}

/// Strings that a YAML 1.1 loader, such as the go-yaml that Kubernetes
/// uses, reads as a boolean, a number or null when they are written plain.
const YAML_1_1_AMBIGUOUS: &[&str] = &[
    "yes", "on", "off", "y", "n", "Yes", "NO", "1_000", "12:30", "0x1F", "~", "null",
];

#[test]
fn ambiguous_strings_quoted() {
    for ambiguous in YAML_1_1_AMBIGUOUS {
        let overrides = Overrides::new().env(*ambiguous, *ambiguous);
        let yaml = exported_text(&one_node(&SPEC, literal(ambiguous), overrides));
        let argument = format!("- name: name\n                  value: \"{ambiguous}\"\n");
        assert!(yaml.contains(&argument), "missing {argument:?} in\n{yaml}");
        let env = format!("- name: \"{ambiguous}\"\n            value: \"{ambiguous}\"\n");
        assert!(yaml.contains(&env), "missing {env:?} in\n{yaml}");
    }
}

#[test]
fn empty_value_quoted() {
    let yaml = exported_text(&one_node(&SPEC, literal(""), Overrides::new()));
    assert!(yaml.contains("value: \"\"\n"), "{yaml}");
}

#[test]
fn multi_line_script_is_literal_block() {
    static SCRIPT: &[ArgTemplate] = &[
        ArgTemplate {
            source: "/bin/sh",
            segments: &[Segment::Text("/bin/sh")],
        },
        ArgTemplate {
            source: "-c",
            segments: &[Segment::Text("-c")],
        },
        ArgTemplate {
            source: "set -e\nprintf '%s' '{{.inputs.name}}' > /var/outputs/out\n",
            segments: &[
                Segment::Text("set -e\nprintf '%s' '"),
                Segment::Input {
                    index: 0,
                    quoting: Quoting::ShellSingle,
                },
                Segment::Text("' > /var/outputs/out\n"),
            ],
        },
    ];
    static SCRIPT_SPEC: TaskSpec = TaskSpec {
        command: SCRIPT,
        ..SPEC
    };
    let yaml = exported_text(&one_node(&SCRIPT_SPEC, literal("Ada"), Overrides::new()));
    let block =
        "- |\n            set -e\n            printf '%s' ''\"${CONTAINERFLOW_INPUT_name}\"'' \
                 > /var/outputs/out\n";
    assert!(yaml.contains(block), "missing {block:?} in\n{yaml}");
}

#[test]
fn line_break_in_workflow_name_stays_in_comment() {
    let mut workflow = Workflow::new("tests\nkind: Secret");
    workflow.add_node(
        "call".to_owned(),
        &SPEC,
        vec![literal("x")],
        Overrides::new(),
    );
    let yaml = exported_text(&workflow);
    assert!(yaml.starts_with("# Argo Workflows resource exported by containerflow from workflow \"tests\\nkind: Secret\".\n"), "{yaml}");
}

#[test]
fn invalid_env_names_are_rejected() {
    for name in ["A=B", "", "A\u{1}", "Ä"] {
        let overrides = Overrides::new().env(name, "1");
        let reason = rejection(&one_node(&SPEC, literal("Ada"), overrides));
        assert!(
            reason.contains("environment variable"),
            "{name:?}: {reason}"
        );
    }
}

#[test]
fn printable_env_names_pass() {
    for name in ["A.B-c", "my var", "1st"] {
        let overrides = Overrides::new().env(name, "1");
        let yaml = exported_text(&one_node(&SPEC, literal("Ada"), overrides));
        assert!(yaml.contains("value: \"1\""), "{name:?}:\n{yaml}");
    }
}

/// Builds a map of `SPEC` over `elements` literal strings, and a task that
/// receives the gathered list, which Argo stages with one raw artifact per
/// element.
fn map_and_gather(elements: usize) -> Workflow {
    static LIST_IN: &[ParamSpec] = &[ParamSpec {
        name: "names",
        ty: ValueType::List(&ValueType::String),
    }];
    static GATHER_SPEC: TaskSpec = TaskSpec {
        name: "gather",
        inputs: LIST_IN,
        command: &[],
        ..SPEC
    };
    let mut workflow = Workflow::new("tests");
    let names = (0..elements)
        .map(|element| Value::String(format!("name{element}")))
        .collect();
    let map = MapCall {
        lists: vec![Source::Value(Value::List(names))],
        min_success_ratio: None,
    };
    let element = vec![Source::Element { list: 0 }];
    let mapped = workflow.add_map_node("call".to_owned(), &SPEC, element, Overrides::new(), map);
    let gathered = vec![Source::Output {
        node: mapped,
        output: 0,
    }];
    workflow.add_node(
        "gather".to_owned(),
        &GATHER_SPEC,
        gathered,
        Overrides::new(),
    );
    workflow
}

#[test]
fn oversized_export_is_rejected() {
    let Err(Error::Unexportable {
        workflow,
        node,
        reason,
        ..
    }) = to_yaml(&map_and_gather(10_000))
    else {
        panic!("expected a rejection");
    };
    assert_eq!(workflow, "tests");
    assert_eq!(node, None);
    assert!(reason.contains(" MiB ("), "{reason}");
    assert!(reason.contains("limit of 1 MiB"), "{reason}");
    assert!(reason.contains("fewer literal elements"), "{reason}");
}

#[test]
fn export_below_limit_passes() {
    let yaml = exported_text(&map_and_gather(1_000));
    assert!(yaml.len() < MAX_YAML_BYTES, "{} bytes", yaml.len());
}
