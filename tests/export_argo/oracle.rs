//! The Argo tools that judge an exported file, run as subprocesses.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Returns the repository root, where `.venv-argo/` and `tests/python/` are.
fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Returns the path of Argo's JSON schema of its resources, `api/jsonschema/schema.json` of the
/// argoproj/argo-workflows repository, kept outside the repository.
pub fn schema_path() -> PathBuf {
    match std::env::var_os("CONTAINERFLOW_ARGO_SCHEMA") {
        Some(path) => PathBuf::from(path),
        None => repo().join("../shared/schemas/argo-workflows.schema.json"),
    }
}

/// The interpreter with hera, the `check-jsonschema` program and the schema.
pub struct Oracle {
    python: PathBuf,
    check_jsonschema: PathBuf,
    schema: PathBuf,
}

impl Oracle {
    /// Finds the tools, and panics with the command that installs a missing one.
    pub fn find() -> Oracle {
        let venv = std::env::var_os("CONTAINERFLOW_ARGO_VENV")
            .map_or_else(|| repo().join(".venv-argo"), PathBuf::from);
        let python = venv.join("bin/python");
        let check_jsonschema = venv.join("bin/check-jsonschema");
        for tool in [&python, &check_jsonschema] {
            assert!(
                tool.is_file(),
                "{} is missing; run `scripts/provision-python.sh` to create {} with hera \
                 and check-jsonschema, or point CONTAINERFLOW_ARGO_VENV at such an environment",
                tool.display(),
                venv.display()
            );
        }
        let schema = schema_path();
        assert!(
            schema.is_file(),
            "Argo's JSON schema is missing at {}: it is `api/jsonschema/schema.json` of \
             argoproj/argo-workflows; put it there or set CONTAINERFLOW_ARGO_SCHEMA to its path",
            schema.display()
        );
        Oracle {
            python,
            check_jsonschema,
            schema,
        }
    }

    /// Runs `check-jsonschema` on `file`.
    pub fn schema_check(&self, file: &Path) -> Output {
        Command::new(&self.check_jsonschema)
            .arg("--schemafile")
            .arg(&self.schema)
            .arg(file)
            .output()
            .expect("check-jsonschema did not start")
    }

    /// Parses `file` into hera's model classes and back, which fails on a
    /// key the models do not have.
    pub fn hera_parse(&self, file: &Path) -> Output {
        self.python_check(&["parse".as_ref(), file.as_os_str()])
    }

    /// Compares `file` with the workflow `tests/python/argo_<example>.py`
    /// declares with hera.
    pub fn hera_compare(&self, file: &Path, example: &str) -> Output {
        self.python_check(&["compare".as_ref(), file.as_os_str(), example.as_ref()])
    }

    /// Reads `file` with PyYAML (YAML 1.1) and ruamel.yaml (YAML 1.2), which
    /// must read the same document with no scalar other than strings and
    /// the integer fields, and prints that document as JSON.
    pub fn yaml_versions_check(&self, file: &Path) -> Output {
        Command::new(&self.python)
            .arg(repo().join("tests/python/argo_yaml_versions.py"))
            .arg(file)
            .output()
            .expect("python did not start")
    }

    fn python_check(&self, args: &[&std::ffi::OsStr]) -> Output {
        Command::new(&self.python)
            .arg(repo().join("tests/python/argo_check.py"))
            .args(args)
            .output()
            .expect("python did not start")
    }

    pub fn assert_schema_valid(&self, file: &Path) {
        assert_success("check-jsonschema", file, &self.schema_check(file));
    }

    pub fn assert_hera_parses(&self, file: &Path) {
        assert_success("hera parse", file, &self.hera_parse(file));
    }

    pub fn assert_matches_hera(&self, file: &Path, example: &str) {
        assert_success("hera comparison", file, &self.hera_compare(file, example));
    }

    /// Returns the document that YAML 1.1 and 1.2 loaders both read from
    /// `file`, and panics when they differ.
    pub fn read_in_both_yaml_versions(&self, file: &Path) -> serde_json::Value {
        let output = self.yaml_versions_check(file);
        assert_success("YAML 1.1 and 1.2 comparison", file, &output);
        serde_json::from_slice(&output.stdout).expect("the check prints JSON")
    }
}

fn assert_success(check: &str, file: &Path, output: &Output) {
    assert!(
        output.status.success(),
        "{check} rejected {}:\n{}{}",
        file.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The check that must reject a broken file.
#[derive(Debug, Clone, Copy)]
pub enum Check {
    /// `check-jsonschema` against Argo's schema: wrong types, missing fields.
    Schema,
    /// The round trip through hera's models: unknown or misspelled keys.
    HeraParse,
    /// The comparison with the hera script: anything that differs.
    HeraCompare,
    /// The comparison of YAML 1.1 and 1.2 loaders: a plain `yes`, `on` or
    /// `1_000` that YAML 1.1 reads as a boolean or a number.
    YamlVersions,
}

impl Oracle {
    /// Returns true when `check` rejects `file`.
    pub fn rejects(&self, check: Check, file: &Path, example: &str) -> bool {
        let output = match check {
            Check::Schema => self.schema_check(file),
            Check::HeraParse => self.hera_parse(file),
            Check::HeraCompare => self.hera_compare(file, example),
            Check::YamlVersions => self.yaml_versions_check(file),
        };
        !output.status.success()
    }
}

/// One way to break a correct export of the word_count example, and the
/// check that must notice it.
pub struct Breakage {
    pub name: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub caught_by: Check,
}

/// Edits of the YAML text of the word_count export.
pub const BREAKAGES: &[Breakage] = &[
    // `report` no longer waits for `generate`, whose file it reads.
    Breakage {
        name: "dropped_dependency",
        from: "              - generate\n              - count\n",
        to: "              - count\n",
        caught_by: Check::HeraCompare,
    },
    // `count` no longer receives the file it counts.
    Breakage {
        name: "dropped_binding",
        from: "              artifacts:\n                - name: text\n                  from: \"{{tasks.generate.outputs.artifacts.text}}\"\n",
        to: "",
        caught_by: Check::HeraCompare,
    },
    Breakage {
        name: "misspelled_field",
        from: "valueFrom:",
        to: "valueFrm:",
        caught_by: Check::HeraParse,
    },
    // A parameter value must be a string, not a YAML integer.
    Breakage {
        name: "changed_type",
        from: "value: \"1000\"",
        to: "value: 1000",
        caught_by: Check::Schema,
    },
    // A plain `on` is the string "on" in YAML 1.2 and true in YAML 1.1.
    Breakage {
        name: "unquoted_yaml_1_1_boolean",
        from: "template: count-words",
        to: "template: on",
        caught_by: Check::YamlVersions,
    },
];
