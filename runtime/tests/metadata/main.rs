//! Tests of the metadata files of the input directory: `inputs.pb`,
//! `inputs.json` and `inputs.yaml`. A container copies them out, and the
//! official libraries read them back: Flyte's `flyteidl` Python package and
//! PyYAML.
//!
//! Each task copies its whole input directory to a `Dir` output, so a test
//! checks the list of files, the text of each input file and every metadata
//! file of one real run.
//!
//! Needs the Docker daemon and the `busybox:1.35` image that
//! `scripts/provision.sh` sets up, and the Python environment that
//! `scripts/provision-python.sh` creates at `.venv/` in the repository root.
//! The variable `CONTAINERFLOW_PYTHON` selects another interpreter.

mod collections;
mod proto;
mod text;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use containerflow_runtime::{
    ArgTemplate, Dir, DockerExecutor, Executor, File, Job, MetadataFormat, ParamSpec, Segment,
    TaskSpec, TaskValue, Value, ValueType,
};
use serde_json::Value as Json;

/// The variable that names the Python interpreter with `flyteidl` and PyYAML.
const PYTHON_VARIABLE: &str = "CONTAINERFLOW_PYTHON";

/// The script that copies the input directory, mounts included, to the
/// output `copy`.
const COPY_INPUTS: &str = "cp -r /var/inputs /var/outputs/copy";

/// One input of a test task: its name and its value.
pub struct Input {
    pub name: &'static str,
    pub value: Value,
}

impl Input {
    pub fn new(name: &'static str, value: impl TaskValue) -> Input {
        Input {
            name,
            value: value.into_value(),
        }
    }
}

/// The input directory of one run, as the container saw it.
pub struct InputDir {
    /// Keeps the copy, which lies in the executor's work directory.
    _executor: DockerExecutor,
    path: PathBuf,
}

impl InputDir {
    /// Returns the path of the entry `name` of the copy.
    pub fn path(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// Returns the names of all entries, sorted.
    pub fn listing(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.path)
            .expect("read the copy of the input directory")
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    /// Returns the text of the entry `name`.
    pub fn text(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name))
            .unwrap_or_else(|error| panic!("reading input file `{name}` failed: {error}"))
    }
}

/// Runs a task with `inputs` and the metadata `format` that copies its input
/// directory, and returns the copy.
pub async fn run_copy(name: &'static str, format: MetadataFormat, inputs: Vec<Input>) -> InputDir {
    let params: Vec<ParamSpec> = inputs
        .iter()
        .map(|input| ParamSpec {
            name: input.name,
            ty: input.value.value_type(),
        })
        .collect();
    let spec: &'static TaskSpec = Box::leak(Box::new(TaskSpec {
        name,
        image: "busybox:1.35",
        inputs: Box::leak(params.into_boxed_slice()),
        outputs: &[ParamSpec {
            name: "copy",
            ty: ValueType::Dir,
        }],
        command: Box::leak(Box::new([text("sh"), text("-c")])),
        arguments: Box::leak(Box::new([text(COPY_INPUTS)])),
        block_network: true,
        metadata_format: format,
        ..TaskSpec::DEFAULT
    }));
    let executor = DockerExecutor::connect()
        .await
        .expect("a Docker daemon must be running; start it with scripts/provision.sh");
    let values = inputs.into_iter().map(|input| input.value).collect();
    let outputs = executor
        .execute(Job::new(name, spec, values))
        .await
        .result
        .unwrap_or_else(|error| panic!("task `{name}` failed: {error}"));
    let [Value::Dir(copy)] = outputs.as_slice() else {
        panic!("expected one Dir output, got {outputs:?}");
    };
    InputDir {
        path: copy.path().to_owned(),
        _executor: executor,
    }
}

/// Builds an argument made of literal text only.
fn text(source: &'static str) -> ArgTemplate {
    ArgTemplate {
        source,
        segments: Box::leak(Box::new([Segment::Text(source)])),
    }
}

/// Creates a file `data.csv` and a directory `tree` with a nested file under
/// `root`, and returns them.
pub fn host_paths(root: &Path) -> (File, Dir) {
    let data = root.join("data.csv");
    std::fs::write(&data, "a,b\n").unwrap();
    let tree = root.join("tree");
    std::fs::create_dir_all(tree.join("nested")).unwrap();
    std::fs::write(tree.join("nested/leaf.txt"), "leaf").unwrap();
    (File::new(data), Dir::new(tree))
}

/// Returns the repository root, the parent of the runtime crate.
fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the runtime crate lies inside the repository")
        .to_owned()
}

/// Returns the Python interpreter: `CONTAINERFLOW_PYTHON`, or `.venv/bin/python`
/// in the repository root.
fn python() -> PathBuf {
    let path = match std::env::var_os(PYTHON_VARIABLE) {
        Some(path) => PathBuf::from(path),
        None => repository_root().join(".venv/bin/python"),
    };
    assert!(
        path.exists(),
        "Python interpreter not found at {}: run scripts/provision-python.sh to create \
         .venv with flyteidl and PyYAML, or set {PYTHON_VARIABLE} to an interpreter that has them",
        path.display()
    );
    path
}

/// Runs `tests/python/<script> <file>` and parses the JSON it prints.
pub fn run_python(script: &str, file: &Path) -> Json {
    let python = python();
    let script_path = repository_root().join("tests/python").join(script);
    let output = Command::new(&python)
        .arg(&script_path)
        .arg(file)
        .output()
        .unwrap_or_else(|error| panic!("starting {} failed: {error}", python.display()));
    assert!(
        output.status.success(),
        "{script} failed on {}: {}",
        file.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| panic!("{script} printed invalid JSON: {error}"))
}

/// Decodes `inputs.pb` of `dir` with flyteidl, checks that it has no unknown
/// fields and that its entries are sorted, and returns the literals by name.
pub fn decode_literal_map(dir: &InputDir) -> BTreeMap<String, Json> {
    let decoded = run_python("decode_literal_map.py", &dir.path("inputs.pb"));
    assert_eq!(decoded["unknown_fields"], false, "{decoded:#}");
    assert_eq!(
        decoded["canonical"], true,
        "entries not sorted: {decoded:#}"
    );
    let Json::Object(literals) = &decoded["literals"] else {
        panic!("no literals in {decoded:#}");
    };
    literals.clone().into_iter().collect()
}
