//! Lists and maps in the input directory and in every metadata file.

use std::collections::BTreeMap;

use containerflow_runtime::{File, MetadataFormat};
use serde_json::{json, Value as Json};

use crate::{decode_literal_map, run_copy, run_python, Input, InputDir};

fn collection_inputs(host: &std::path::Path) -> Vec<Input> {
    let data = host.join("data.csv");
    std::fs::write(&data, "a,b\n").unwrap();
    vec![
        Input::new("counts", vec![3_i64, -1]),
        Input::new("words", vec!["yes".to_owned(), "two words".to_owned()]),
        Input::new("files", vec![File::new(&data)]),
        Input::new(
            "limits",
            BTreeMap::from([("cpu".to_owned(), 0.5_f64), ("on".to_owned(), 2.0)]),
        ),
        Input::new("empty_list", Vec::<i64>::new()),
        Input::new("empty_map", BTreeMap::<String, bool>::new()),
    ]
}

/// Checks the directory layout that every format shares.
fn assert_staged(dir: &InputDir) {
    assert_eq!(dir.text("counts/0"), "3");
    assert_eq!(dir.text("counts/1"), "-1");
    assert_eq!(dir.text("words/1"), "two words");
    assert_eq!(dir.text("files/0"), "a,b\n");
    assert_eq!(dir.text("limits/cpu"), "0.5");
    assert_eq!(dir.text("limits/on"), "2");
    for empty in ["empty_list", "empty_map"] {
        let entries = std::fs::read_dir(dir.path(empty)).unwrap().count();
        assert_eq!(entries, 0, "`{empty}` is not an empty directory");
    }
}

#[tokio::test]
async fn collections_in_json() {
    let host = tempfile::tempdir().unwrap();
    let dir = run_copy(
        "json_collections",
        MetadataFormat::Json,
        collection_inputs(host.path()),
    )
    .await;
    assert_staged(&dir);

    let document: Json = serde_json::from_str(&dir.text("inputs.json")).unwrap();
    assert_eq!(document["counts"], json!([3, -1]));
    assert_eq!(document["words"], json!(["yes", "two words"]));
    assert_eq!(document["files"], json!(["/var/inputs/files/0"]));
    assert_eq!(document["limits"], json!({"cpu": 0.5, "on": 2.0}));
    assert_eq!(document["empty_list"], json!([]));
    assert_eq!(document["empty_map"], json!({}));
}

#[tokio::test]
async fn collections_in_yaml() {
    let host = tempfile::tempdir().unwrap();
    let dir = run_copy(
        "yaml_collections",
        MetadataFormat::Yaml,
        collection_inputs(host.path()),
    )
    .await;
    assert_staged(&dir);

    let loaded = run_python("load_yaml.py", &dir.path("inputs.yaml"));
    let value = &loaded["value"];
    let typed = |kind: &str, value: Json| json!({"type": kind, "value": value});
    assert_eq!(
        value["str:counts"],
        typed(
            "list",
            json!([typed("int", json!(3)), typed("int", json!(-1))])
        )
    );
    assert_eq!(
        value["str:words"],
        typed(
            "list",
            json!([typed("str", json!("yes")), typed("str", json!("two words"))])
        ),
        "`yes` must stay a string under YAML 1.1"
    );
    assert_eq!(
        value["str:limits"],
        typed(
            "dict",
            json!({"str:cpu": typed("float", json!("0.5")), "str:on": typed("float", json!("2.0"))})
        ),
        "the key `on` must stay a string under YAML 1.1"
    );
    assert_eq!(value["str:empty_list"], typed("list", json!([])));
    assert_eq!(value["str:empty_map"], typed("dict", json!({})));
}

#[tokio::test]
async fn collections_in_proto() {
    let host = tempfile::tempdir().unwrap();
    let dir = run_copy(
        "proto_collections",
        MetadataFormat::Proto,
        collection_inputs(host.path()),
    )
    .await;
    assert_staged(&dir);

    let literals = decode_literal_map(&dir);
    assert_eq!(
        literals["counts"],
        json!({"collection": [{"integer": 3}, {"integer": -1}]})
    );
    assert_eq!(
        literals["words"],
        json!({"collection": [{"string_value": "yes"}, {"string_value": "two words"}]})
    );
    let blob = json!({"blob": {
        "uri": "/var/inputs/files/0",
        "has_metadata": true,
        "format": "",
        "dimensionality": "SINGLE",
    }});
    assert_eq!(literals["files"], json!({ "collection": [blob] }));
    assert_eq!(
        literals["limits"],
        json!({"map": {"cpu": {"float_value": "0.5"}, "on": {"float_value": "2.0"}}})
    );
    assert_eq!(literals["empty_list"], json!({"collection": []}));
    assert_eq!(literals["empty_map"], json!({"map": {}}));
}
