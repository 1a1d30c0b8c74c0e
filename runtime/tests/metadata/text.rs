//! `inputs.json` and `inputs.yaml`, read back with serde_json, PyYAML (a YAML
//! 1.1 loader) and serde_yaml_ng (a YAML 1.2 loader), and the `inputs.pb`
//! written beside them.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};
use containerflow_runtime::{MetadataFormat, TaskValue};
use serde_json::{json, Value as Json};

use crate::{decode_literal_map, host_paths, run_copy, run_python, Input};

/// Strings that some YAML 1.1 or 1.2 loader reads as another type, or that
/// need escapes, when written plain. NUL is left out because inputs reject it.
const AMBIGUOUS: &[&str] = &[
    "y",
    "Y",
    "n",
    "N",
    "yes",
    "No",
    "on",
    "OFF",
    "true",
    "False",
    "~",
    "null",
    "NULL",
    "",
    " ",
    "1e3",
    "1.0e+3",
    "0o17",
    "0x1F",
    "017",
    "0b101",
    "1_000",
    "+1",
    "-0",
    "3.",
    ".5",
    ".inf",
    "-.Inf",
    ".nan",
    "12:30",
    "190:20:30.15",
    "2024-01-02",
    "2024-01-02T03:04:05.000006Z",
    "=",
    "<<",
    " lead",
    "trail ",
    "-",
    "---",
    "...",
    "- x",
    "a: b",
    "a #b",
    "#c",
    "[a]",
    "{a}",
    "!tag",
    "&anchor",
    "*alias",
    "|",
    "> x",
    "%YAML",
    "@x",
    "`x",
    "'single'",
    "\"double\"",
    "back\\slash",
    "a\nb",
    "a\r\nb",
    "\t",
    "\u{85}",
    "\u{2028}",
    "\u{2029}",
    "\u{feff}bom",
    "\u{7f}",
    "\u{9f}",
    "\u{1}",
    "\u{fffe}",
    "héllo ✓ 🎉",
];

/// One input with the value expected in `inputs.json`, and the type and value
/// that `load_yaml.py` prints for it in `inputs.yaml`.
struct Typed {
    input: Input,
    json: Json,
    yaml: Json,
}

fn typed(name: &'static str, value: impl TaskValue, json: Json, yaml: (&str, Json)) -> Typed {
    Typed {
        input: Input::new(name, value),
        json,
        yaml: json!({"type": yaml.0, "value": yaml.1}),
    }
}

fn typed_inputs(host: &Path) -> Vec<Typed> {
    let instant = DateTime::parse_from_rfc3339("2024-01-02T03:04:05.000006Z")
        .unwrap()
        .with_timezone(&Utc);
    let instant_text = "2024-01-02T03:04:05.000006Z";
    let longest_text = "5124095576030431h0m15.999999999s";
    let (file, tree) = host_paths(host);
    vec![
        typed(
            "s",
            "hello".to_owned(),
            json!("hello"),
            ("str", json!("hello")),
        ),
        typed("i", -42_i64, json!(-42), ("int", json!(-42))),
        typed("f", 0.1_f64, json!(0.1), ("float", json!("0.1"))),
        typed(
            "f_huge",
            1e300_f64,
            json!(1e300),
            ("float", json!("1e+300")),
        ),
        typed(
            "f_tiny",
            5e-324_f64,
            json!(5e-324),
            ("float", json!("5e-324")),
        ),
        typed(
            "f_neg_zero",
            -0.0_f64,
            json!(-0.0),
            ("float", json!("-0.0")),
        ),
        typed("f_nan", f64::NAN, json!("NaN"), ("float", json!("nan"))),
        typed(
            "f_inf",
            f64::INFINITY,
            json!("inf"),
            ("float", json!("inf")),
        ),
        typed(
            "f_neg_inf",
            f64::NEG_INFINITY,
            json!("-inf"),
            ("float", json!("-inf")),
        ),
        typed("b", true, json!(true), ("bool", json!(true))),
        typed(
            "t",
            instant,
            json!(instant_text),
            ("str", json!(instant_text)),
        ),
        typed(
            "d",
            Duration::from_secs(90),
            json!(90_000_000_000_u64),
            ("int", json!(90_000_000_000_u64)),
        ),
        typed(
            "d_max",
            Duration::MAX,
            json!(longest_text),
            ("str", json!(longest_text)),
        ),
        typed(
            "data",
            file,
            json!("/var/inputs/data"),
            ("str", json!("/var/inputs/data")),
        ),
        typed(
            "tree",
            tree,
            json!("/var/inputs/tree"),
            ("str", json!("/var/inputs/tree")),
        ),
        // Names that YAML 1.1 reads as a boolean, null or number when plain.
        typed("on", "x".to_owned(), json!("x"), ("str", json!("x"))),
        typed("y", "x".to_owned(), json!("x"), ("str", json!("x"))),
        typed("no", "x".to_owned(), json!("x"), ("str", json!("x"))),
        typed("null", "x".to_owned(), json!("x"), ("str", json!("x"))),
        typed("1e3", "x".to_owned(), json!("x"), ("str", json!("x"))),
    ]
}

fn inputs_of(typed: &[Typed]) -> Vec<Input> {
    typed
        .iter()
        .map(|entry| Input {
            name: entry.input.name,
            value: entry.input.value.clone(),
        })
        .collect()
}

fn sorted_names(typed: &[Typed], metadata_files: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = typed.iter().map(|entry| entry.input.name.into()).collect();
    names.extend(metadata_files.iter().map(|name| (*name).to_owned()));
    names.sort();
    names
}

#[tokio::test]
async fn json_written_with_proto_beside() {
    let host = tempfile::tempdir().unwrap();
    let typed = typed_inputs(host.path());
    let dir = run_copy("json_typed", MetadataFormat::Json, inputs_of(&typed)).await;

    let listing = sorted_names(&typed, &["inputs.json", "inputs.pb"]);
    assert_eq!(dir.listing(), listing);

    let document: Json = serde_json::from_str(&dir.text("inputs.json")).unwrap();
    for entry in &typed {
        let name = entry.input.name;
        assert_eq!(document[name], entry.json, "`{name}` in inputs.json");
    }
    assert_eq!(document.as_object().unwrap().len(), typed.len());

    let literals = decode_literal_map(&dir);
    assert_eq!(literals.len(), typed.len());
    assert_eq!(literals["s"], json!({"string_value": "hello"}));
    assert_eq!(literals["f_nan"], json!({"float_value": "nan"}));
}

#[tokio::test]
async fn yaml_types_survive_yaml_1_1() {
    let host = tempfile::tempdir().unwrap();
    let typed = typed_inputs(host.path());
    let dir = run_copy("yaml_typed", MetadataFormat::Yaml, inputs_of(&typed)).await;

    let listing = sorted_names(&typed, &["inputs.pb", "inputs.yaml"]);
    assert_eq!(dir.listing(), listing);

    let loaded = run_python("load_yaml.py", &dir.path("inputs.yaml"));
    assert_eq!(loaded["type"], "dict", "{loaded:#}");
    for entry in &typed {
        let key = format!("str:{}", entry.input.name);
        assert_eq!(loaded["value"][&key], entry.yaml, "`{key}` in inputs.yaml");
    }
    assert_eq!(loaded["value"].as_object().unwrap().len(), typed.len());
    assert_eq!(decode_literal_map(&dir).len(), typed.len());
}

#[tokio::test]
async fn ambiguous_strings_stay_strings() {
    let inputs: Vec<Input> = AMBIGUOUS
        .iter()
        .enumerate()
        .map(|(index, text)| {
            let name: &'static str = Box::leak(format!("s{index:02}").into_boxed_str());
            Input::new(name, (*text).to_owned())
        })
        .collect();
    let dir = run_copy("yaml_strings", MetadataFormat::Yaml, inputs).await;
    let yaml = dir.text("inputs.yaml");

    let loaded = run_python("load_yaml.py", &dir.path("inputs.yaml"));
    let parsed: Json = serde_yaml_ng::from_str(&yaml).unwrap();
    for (index, text) in AMBIGUOUS.iter().enumerate() {
        let name = format!("s{index:02}");
        let expected = json!({"type": "str", "value": text});
        assert_eq!(
            loaded["value"][format!("str:{name}")],
            expected,
            "PyYAML read {text:?} differently from:\n{yaml}"
        );
        assert_eq!(
            parsed[&name],
            json!(text),
            "serde_yaml_ng read {text:?} differently from:\n{yaml}"
        );
    }
}
