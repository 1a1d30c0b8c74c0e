//! What the Flyte export tests share: the examples' workflows, a workflow
//! with a ratio map, optional values and a secret, and running
//! `tests/python/flyte_check.py` with the flytekit environment.

use std::path::{Path, PathBuf};
use std::process::Command;

use clap::Parser;
use containerflow::{container_task, MapOptions, Workflow};

// The examples are included as modules, so the tests export the very
// workflows that the examples build, with their default arguments. Each one
// includes `examples/common/export.rs`, which clippy reports as a duplicate.
#[allow(dead_code)]
#[path = "../../examples/fan_out.rs"]
mod fan_out;
#[allow(dead_code)]
#[path = "../../examples/greeting.rs"]
mod greeting;
#[allow(dead_code)]
#[path = "../../examples/map_over_list.rs"]
mod map_over_list;
#[allow(dead_code)]
#[path = "../../examples/transfer.rs"]
mod transfer;
#[allow(dead_code)]
#[path = "../../examples/word_count.rs"]
mod word_count;

/// The environment variable that overrides the interpreter's path.
const PYTHON_VARIABLE: &str = "CONTAINERFLOW_FLYTEKIT_PYTHON";

/// Returns the workflow that example `name` builds with its default arguments.
pub fn example_workflow(name: &str) -> Workflow {
    let argv = [name];
    match name {
        "greeting" => greeting::workflow(&greeting::Args::parse_from(argv)).0,
        "word_count" => word_count::workflow(&word_count::Args::parse_from(argv)).0,
        "fan_out" => fan_out::workflow(&fan_out::Args::parse_from(argv)).0,
        "transfer" => transfer::workflow(&transfer::Args::parse_from(argv)).0,
        "map_over_list" => map_over_list::workflow(&map_over_list::Args::parse_from(argv)).0,
        other => panic!("no example named `{other}`"),
    }
}

/// Returns the workflow of the greeting example for the name `name`.
pub fn greeting_workflow(name: &str) -> Workflow {
    let args = greeting::Args::parse_from(["greeting", "--name", name]);
    greeting::workflow(&args).0
}

/// Returns the interpreter of the flytekit environment.
///
/// # Panics
///
/// Panics with the command that creates it when it is missing.
pub fn python() -> PathBuf {
    let path = std::env::var_os(PYTHON_VARIABLE).map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv-flytekit/bin/python"),
        PathBuf::from,
    );
    assert!(
        path.exists(),
        "the flytekit interpreter `{}` is missing; run `scripts/provision-python.sh` to create \
         it, or set {PYTHON_VARIABLE} to an interpreter with flytekit 1.16.31 and flyteidl 1.16.8",
        path.display()
    );
    path
}

/// Returns the path of a script in `tests/python`.
pub fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/python")
        .join(name)
}

/// The result of `flyte_check.py`: whether it found no problem, and the
/// problems it printed, one per line.
pub struct Checked {
    pub passed: bool,
    pub problems: String,
}

/// Runs `flyte_check.py` on `archive`, comparing it with flytekit's package
/// of `example` when one is given, and checking only the layout otherwise.
pub fn check(archive: &Path, example: Option<&str>) -> Checked {
    let mut command = Command::new(python());
    command.arg(script("flyte_check.py")).arg(archive);
    if let Some(example) = example {
        command.args(["--example", example]);
    }
    let output = command
        .output()
        .expect("failed to start the Python checker");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.code().is_some_and(|code| code <= 1),
        "the checker failed to run: {}\n{stderr}",
        output.status
    );
    Checked {
        passed: output.status.success(),
        problems: String::from_utf8_lossy(&output.stdout).into_owned(),
    }
}

container_task! {
    pub struct CountChars {
        name = "count_chars",
        image = "busybox:1.35",
        inputs = { word: String },
        outputs = { length: i64 },
        command = ["/bin/sh", "-c", "printf '%s' '{{.inputs.word}}' | wc -c > /var/outputs/length"],
    }
}

container_task! {
    pub struct SumPresent {
        name = "sum_present",
        image = "busybox:1.35",
        inputs = { numbers: Vec<Option<i64>> },
        outputs = { total: i64 },
        command = [
            "/bin/sh",
            "-c",
            "total=0; i=0; while [ -e /var/inputs/numbers/$i ]; do \
             n=$(cat /var/inputs/numbers/$i); [ \"$n\" = null ] || total=$((total + n)); \
             i=$((i + 1)); done; echo $total > /var/outputs/total",
        ],
    }
}

container_task! {
    pub struct FetchWithToken {
        name = "fetch_with_token",
        image = "busybox:1.35",
        inputs = {},
        outputs = {},
        secrets = { API_TOKEN: env("API_TOKEN") },
        command = ["/bin/sh", "-c", "test -n \"$API_TOKEN\""],
    }
}

/// A map that may lose 40 % of its elements, feeding a list of optional
/// numbers downstream; the same task called with a literal list that has a
/// missing element; and a task that reads a secret.
pub fn partial_map_workflow() -> Workflow {
    let mut workflow = Workflow::new("partial_map");
    let words: Vec<String> = ["map", "a", "container"].map(str::to_owned).to_vec();
    let options = MapOptions::new().min_success_ratio(0.6);
    let mapped = workflow.map_with(
        "length",
        CountChars,
        words,
        |word| CountCharsBindings { word: word.into() },
        options,
    );
    let lengths = mapped.gather(|refs| refs.length);
    workflow.add(
        "total",
        SumPresent,
        SumPresentBindings {
            numbers: lengths.into(),
        },
    );
    let fixed = SumPresentBindings {
        numbers: vec![Some(4), None, Some(2)].into(),
    };
    workflow.add("fixed_total", SumPresent, fixed);
    workflow.add("fetch", FetchWithToken, FetchWithTokenBindings {});
    workflow
}
