//! Hostile input values substituted into commands on a real Docker daemon,
//! with the local `busybox:1.35` image that `scripts/provision.sh` builds.
//!
//! Each task writes the value it received, between markers, to the output
//! `out`, then writes `yes` or `no` to the output `pwned` for whether
//! `/tmp/pwned` exists in the same container. A value that escaped its
//! quoting either changes `out` or creates `/tmp/pwned`. Outputs are
//! trimmed of surrounding whitespace, so the markers keep a value's own
//! leading and trailing whitespace.
//!
//! Every script repeats the `/tmp/pwned` check because `command` accepts
//! only string literals, not `concat!`.

use std::sync::Arc;

use containerflow::{container_task, run_task, ContainerTask, DockerExecutor, Error};
use tokio::task::JoinSet;

/// Values that run a command, end a quote or split a word when a shell
/// reads them unescaped.
const HOSTILE: &[&str] = &[
    "O'Brien",
    "$(touch /tmp/pwned)",
    "a\"b",
    "`touch /tmp/pwned`",
    "line one\nline two",
    "\ntouch /tmp/pwned\n",
    "",
    "; rm -rf /",
    "back\\slash",
    "$HOME",
    "'; touch /tmp/pwned; '",
    "\"; touch /tmp/pwned; \"",
    "  two  spaces  ",
    "* ?",
    "-n",
];

container_task! {
    pub struct SingleQuoted {
        name = "inject_single_quoted",
        image = "busybox:1.35",
        inputs = { value: String },
        outputs = { out: String, pwned: String },
        command = [
            "/bin/sh",
            "-c",
            "printf '%s' '[{{.inputs.value}}]' > /var/outputs/out; \
             if [ -e /tmp/pwned ]; then echo yes; else echo no; fi > /var/outputs/pwned",
        ],
    }
}

container_task! {
    pub struct DoubleQuoted {
        name = "inject_double_quoted",
        image = "busybox:1.35",
        inputs = { value: String },
        outputs = { out: String, pwned: String },
        command = [
            "/bin/sh",
            "-c",
            "printf '%s' \"[{{.inputs.value}}]\" > /var/outputs/out; \
             if [ -e /tmp/pwned ]; then echo yes; else echo no; fi > /var/outputs/pwned",
        ],
    }
}

container_task! {
    pub struct Bare {
        name = "inject_bare",
        image = "busybox:1.35",
        inputs = { value: String },
        outputs = { out: String, pwned: String },
        command = [
            "/bin/sh",
            "-c",
            "printf '[%s]' {{.inputs.value}} > /var/outputs/out; \
             if [ -e /tmp/pwned ]; then echo yes; else echo no; fi > /var/outputs/pwned",
        ],
    }
}

container_task! {
    pub struct BareWordPart {
        name = "inject_bare_word_part",
        image = "busybox:1.35",
        inputs = { value: String },
        outputs = { out: String, pwned: String },
        command = [
            "/bin/sh",
            "-c",
            "printf '%s' x={{.inputs.value}}=x > /var/outputs/out; \
             if [ -e /tmp/pwned ]; then echo yes; else echo no; fi > /var/outputs/pwned",
        ],
    }
}

container_task! {
    /// A bare placeholder inside `$(...)` inside double quotes, with the
    /// shell started through `env`.
    pub struct InSubstitution {
        name = "inject_in_substitution",
        image = "busybox:1.35",
        inputs = { value: String },
        outputs = { out: String, pwned: String },
        command = ["env", "sh", "-c"],
        arguments = [
            "printf '%s' \"$(printf '[%s]' {{.inputs.value}})\" > /var/outputs/out; \
             if [ -e /tmp/pwned ]; then echo yes; else echo no; fi > /var/outputs/pwned",
        ],
    }
}

container_task! {
    /// A double-quoted placeholder inside `$(...)` inside double quotes,
    /// with the shell started as a busybox applet.
    pub struct NestedDoubleQuoted {
        name = "inject_nested_double_quoted",
        image = "busybox:1.35",
        inputs = { value: String },
        outputs = { out: String, pwned: String },
        command = [
            "busybox",
            "sh",
            "-c",
            "printf '%s' \"$(printf '[%s]' \"{{.inputs.value}}\")\" > /var/outputs/out; \
             if [ -e /tmp/pwned ]; then echo yes; else echo no; fi > /var/outputs/pwned",
        ],
    }
}

container_task! {
    /// The value is `$1` of the script: a plain argv element.
    pub struct ScriptArgument {
        name = "inject_script_argument",
        image = "busybox:1.35",
        inputs = { value: String },
        outputs = { out: String, pwned: String },
        command = [
            "sh",
            "-c",
            "printf '[%s]' \"$1\" > /var/outputs/out; \
             if [ -e /tmp/pwned ]; then echo yes; else echo no; fi > /var/outputs/pwned",
            "script",
            "{{.inputs.value}}",
        ],
    }
}

container_task! {
    /// No shell reads the command: `awk` receives the value in `ARGV[1]`.
    pub struct NotAShell {
        name = "inject_not_a_shell",
        image = "busybox:1.35",
        inputs = { value: String },
        outputs = { out: String, pwned: String },
        command = [
            "awk",
            "BEGIN { printf \"[%s]\", ARGV[1] > \"/var/outputs/out\"; \
             print (system(\"test -e /tmp/pwned\") == 0 ? \"yes\" : \"no\") > \"/var/outputs/pwned\" }",
            "{{.inputs.value}}",
        ],
    }
}

/// The outputs every task in this file declares.
struct Echo {
    /// The value between markers, as the container received it.
    out: String,
    /// `yes` when `/tmp/pwned` existed after the command ran, else `no`.
    pwned: String,
}

/// A task with the input `value` and the outputs of an [`Echo`].
trait Echoed: ContainerTask + Copy {
    fn inputs(value: String) -> Self::Inputs;
    fn read(outputs: Self::Outputs) -> Echo;
}

macro_rules! echoed {
    ($($task:ident => $inputs:ident, $outputs:ident;)*) => {$(
        impl Echoed for $task {
            fn inputs(value: String) -> $inputs {
                $inputs { value }
            }

            fn read(outputs: $outputs) -> Echo {
                Echo {
                    out: outputs.out,
                    pwned: outputs.pwned,
                }
            }
        }
    )*};
}

echoed! {
    SingleQuoted => SingleQuotedInputs, SingleQuotedOutputs;
    DoubleQuoted => DoubleQuotedInputs, DoubleQuotedOutputs;
    Bare => BareInputs, BareOutputs;
    BareWordPart => BareWordPartInputs, BareWordPartOutputs;
    InSubstitution => InSubstitutionInputs, InSubstitutionOutputs;
    NestedDoubleQuoted => NestedDoubleQuotedInputs, NestedDoubleQuotedOutputs;
    ScriptArgument => ScriptArgumentInputs, ScriptArgumentOutputs;
    NotAShell => NotAShellInputs, NotAShellOutputs;
}

/// Runs `task` once per hostile value, all at once, and checks that each
/// run wrote `before`, the value and `after`, and created no `/tmp/pwned`.
async fn assert_values_pass_through<T: Echoed>(task: T, before: &str, after: &str) {
    let executor = Arc::new(DockerExecutor::connect().await.unwrap());
    let mut runs = JoinSet::new();
    for (index, value) in HOSTILE.iter().enumerate() {
        let executor = Arc::clone(&executor);
        runs.spawn(async move {
            let outputs = run_task(&*executor, task, T::inputs((*value).to_owned())).await;
            (index, outputs.map(T::read))
        });
    }

    let mut results: Vec<(usize, Result<Echo, Error>)> = Vec::new();
    while let Some(joined) = runs.join_next().await {
        results.push(joined.unwrap());
    }
    results.sort_by_key(|(index, _)| *index);
    let name = T::spec().name;
    for (index, result) in results {
        let value = HOSTILE[index];
        let Echo { out, pwned } = match result {
            Ok(echo) => echo,
            Err(error) => panic!("{name} failed for value {value:?}: {error}"),
        };
        assert_eq!(
            out,
            format!("{before}{value}{after}"),
            "{name}, value {value:?}"
        );
        assert_eq!(pwned, "no", "{name} created /tmp/pwned for value {value:?}");
    }
}

#[tokio::test]
async fn single_quoted_values_pass_through() {
    assert_values_pass_through(SingleQuoted, "[", "]").await;
}

#[tokio::test]
async fn double_quoted_values_pass_through() {
    assert_values_pass_through(DoubleQuoted, "[", "]").await;
}

#[tokio::test]
async fn bare_values_pass_through() {
    assert_values_pass_through(Bare, "[", "]").await;
}

#[tokio::test]
async fn bare_word_parts_pass_through() {
    assert_values_pass_through(BareWordPart, "x=", "=x").await;
}

#[tokio::test]
async fn values_in_substitution_pass_through() {
    assert_values_pass_through(InSubstitution, "[", "]").await;
}

#[tokio::test]
async fn nested_double_quoted_values_pass_through() {
    assert_values_pass_through(NestedDoubleQuoted, "[", "]").await;
}

#[tokio::test]
async fn script_arguments_pass_through() {
    assert_values_pass_through(ScriptArgument, "[", "]").await;
}

#[tokio::test]
async fn non_shell_arguments_pass_through() {
    assert_values_pass_through(NotAShell, "[", "]").await;
}

container_task! {
    /// `{{{{` is a literal `{{`, in a script and in a plain argument.
    pub struct Braces {
        name = "literal_braces",
        image = "busybox:1.35",
        inputs = { value: String },
        outputs = { script: String, argument: String },
        command = [
            "sh",
            "-c",
            "printf '%s' '{{{{.inputs.value}} is {{.inputs.value}}}}' > /var/outputs/script; \
             printf '%s' \"$1\" > /var/outputs/argument",
            "script",
            "{{{{x}} {{.inputs.value}}",
        ],
    }
}

#[tokio::test]
async fn escaped_braces_reach_the_container() {
    let executor = DockerExecutor::connect().await.unwrap();
    let inputs = BracesInputs {
        value: "Ada".to_owned(),
    };
    let outputs = run_task(&executor, Braces, inputs).await.unwrap();
    assert_eq!(outputs.script, "{{.inputs.value}} is Ada}}");
    assert_eq!(outputs.argument, "{{x}} Ada");
}

container_task! {
    /// An integer in `$((...))` is inserted as it is, so arithmetic works.
    pub struct Double {
        name = "double_in_arithmetic",
        image = "busybox:1.35",
        inputs = { number: i64 },
        outputs = { doubled: i64 },
        command = ["sh", "-c", "echo $(({{.inputs.number}} * 2)) > /var/outputs/doubled"],
    }
}

#[tokio::test]
async fn integer_in_arithmetic_is_computed() {
    let executor = DockerExecutor::connect().await.unwrap();
    for number in [21, -21, 0] {
        let outputs = run_task(&executor, Double, DoubleInputs { number })
            .await
            .unwrap();
        assert_eq!(outputs.doubled, number * 2, "number {number}");
    }
}
