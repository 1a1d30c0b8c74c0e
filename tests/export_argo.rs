//! Checks the Argo Workflows export with Argo's own tooling. Every example
//! workflow is exported, validated against Argo's JSON schema with
//! `check-jsonschema`, parsed into hera's models, and compared with the
//! workflow that a hera script in `tests/python/` declares by hand. A YAML
//! 1.1 and a YAML 1.2 loader must also read each file alike.
//!
//! The Python tools (hera, check-jsonschema, PyYAML and ruamel.yaml) come
//! from `scripts/provision-python.sh`, in `.venv-argo/` (override with
//! CONTAINERFLOW_ARGO_VENV). The schema is Argo's
//! `api/jsonschema/schema.json`, read from
//! `../shared/schemas/argo-workflows.schema.json` beside the repository
//! (override with CONTAINERFLOW_ARGO_SCHEMA). Set CONTAINERFLOW_ARGO_KEEP
//! to a directory to keep a copy of each exported file there.

#[path = "export_argo/oracle.rs"]
mod oracle;
#[path = "export_argo/workflows.rs"]
mod workflows;

use std::path::Path;

use oracle::Oracle;

#[test]
fn examples_pass_schema_and_hera() {
    let oracle = Oracle::find();
    let dir = tempfile::tempdir().unwrap();
    let keep = std::env::var_os("CONTAINERFLOW_ARGO_KEEP");
    let mut files = Vec::new();
    for example in workflows::EXAMPLES {
        let path = dir.path().join(format!("{example}.yaml"));
        workflows::export(example, &path);
        if let Some(keep) = &keep {
            std::fs::copy(&path, Path::new(keep).join(format!("{example}.yaml"))).unwrap();
        }
        files.push((example, path));
    }
    for (example, path) in &files {
        oracle.assert_schema_valid(path);
        oracle.assert_hera_parses(path);
        oracle.assert_matches_hera(path, example);
    }
}

#[test]
fn examples_read_alike_in_yaml_versions() {
    let oracle = Oracle::find();
    let dir = tempfile::tempdir().unwrap();
    for example in workflows::EXAMPLES {
        let path = dir.path().join(format!("{example}.yaml"));
        workflows::export(example, &path);
        oracle.read_in_both_yaml_versions(&path);
    }
}

/// Names that YAML 1.1, which Kubernetes and Argo use, reads as a boolean
/// or a number when they are written plain.
const YAML_1_1_AMBIGUOUS: &[&str] = &["yes", "on", "off", "y", "n", "Yes", "NO", "1_000"];

#[test]
fn ambiguous_name_stays_string() {
    let oracle = Oracle::find();
    let dir = tempfile::tempdir().unwrap();
    for name in YAML_1_1_AMBIGUOUS {
        let path = dir.path().join(format!("greeting-{name}.yaml"));
        workflows::export_with("greeting", &path, &["--name", name]);
        let document = oracle.read_in_both_yaml_versions(&path);
        let argument = &document["spec"]["templates"][0]["dag"]["tasks"][0]["arguments"];
        assert_eq!(
            argument["parameters"][0],
            serde_json::json!({"name": "name", "value": name}),
            "{}",
            path.display()
        );
        oracle.assert_schema_valid(&path);
    }
}

#[test]
fn broken_files_are_caught() {
    let oracle = Oracle::find();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("word_count.yaml");
    workflows::export("word_count", &path);
    let good = std::fs::read_to_string(&path).unwrap();
    for case in oracle::BREAKAGES {
        assert!(
            good.contains(case.from),
            "case `{}`: the export no longer contains {:?}",
            case.name,
            case.from
        );
        let broken = good.replacen(case.from, case.to, 1);
        let broken_path = dir.path().join(format!("{}.yaml", case.name));
        std::fs::write(&broken_path, &broken).unwrap();
        assert!(
            oracle.rejects(case.caught_by, &broken_path, "word_count"),
            "case `{}` passed {:?}:\n{broken}",
            case.name,
            case.caught_by
        );
    }
}

#[test]
fn schema_is_present() {
    let schema = oracle::schema_path();
    assert!(
        Path::new(&schema).is_file(),
        "Argo's JSON schema is missing at {}",
        schema.display()
    );
}
