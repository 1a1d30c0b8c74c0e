//! List and map inputs staged as directories, and list and map outputs read
//! from a directory or a file of lines.

use std::collections::BTreeMap;

use containerflow_runtime::{
    ArgTemplate, Error, File, Quoting, Segment, TaskSpec, Value, ValueType,
};

use crate::common::*;

const STRINGS: ValueType = ValueType::List(&ValueType::String);
const INTS: ValueType = ValueType::List(&ValueType::Int);
const FILES: ValueType = ValueType::List(&ValueType::File);
const INT_MAP: ValueType = ValueType::Map(&ValueType::Int);

/// Lists each input directory with `ls` and joins the contents of its
/// entries with `|`, so that one string output shows names and contents.
static READ_COLLECTIONS: TaskSpec = TaskSpec {
    name: "read_collections",
    inputs: &[
        param("words", STRINGS),
        param("files", FILES),
        param("limits", INT_MAP),
        param("counts", INTS),
    ],
    outputs: &[
        param("words", ValueType::String),
        param("files", ValueType::String),
        param("limits", ValueType::String),
        param("rendered", ValueType::String),
        param("metadata", ValueType::String),
    ],
    arguments: &[ArgTemplate {
        source: "show() { ... }; ... echo {{.inputs.counts}} > /var/outputs/rendered",
        segments: &[
            Segment::Text(
                "show() { for entry in $(ls \"$1\"); do printf '%s=%s|' \"$entry\" \"$(cat \"$1/$entry\")\"; done; }; \
                 show /var/inputs/words > /var/outputs/words && \
                 show /var/inputs/files > /var/outputs/files && \
                 show /var/inputs/limits > /var/outputs/limits && \
                 cp /var/inputs/inputs.json /var/outputs/metadata && \
                 echo ",
            ),
            input(3, Quoting::ShellBare),
            Segment::Text(" > /var/outputs/rendered"),
        ],
    }],
    ..BASE
};

#[tokio::test]
async fn collection_inputs_are_directories() {
    let executor = executor().await;
    let host = tempfile::tempdir().unwrap();
    let first = host.path().join("first.txt");
    let second = host.path().join("second.txt");
    std::fs::write(&first, "one").unwrap();
    std::fs::write(&second, "two").unwrap();

    let words = Value::List(vec![
        Value::String("alpha".into()),
        Value::String("beta gamma".into()),
    ]);
    let files = Value::List(vec![
        Value::File(File::new(&first)),
        Value::File(File::new(&second)),
    ]);
    let limits = Value::Map(BTreeMap::from([
        ("cpu".to_owned(), Value::Int(2)),
        ("memory.max".to_owned(), Value::Int(-1)),
    ]));
    let counts = Value::List(vec![Value::Int(1), Value::Int(20), Value::Int(300)]);
    let outputs = run(
        &executor,
        &READ_COLLECTIONS,
        vec![words, files, limits, counts],
    )
    .await
    .unwrap();

    assert_eq!(outputs[0], Value::String("0=alpha|1=beta gamma|".into()));
    assert_eq!(outputs[1], Value::String("0=one|1=two|".into()));
    assert_eq!(outputs[2], Value::String("cpu=2|memory.max=-1|".into()));
    assert_eq!(outputs[3], Value::String("[1,20,300]".into()));
    let metadata: serde_json::Value = match &outputs[4] {
        Value::String(text) => serde_json::from_str(text).unwrap(),
        other => panic!("metadata is not a string: {other:?}"),
    };
    assert_eq!(
        metadata["words"],
        serde_json::json!(["alpha", "beta gamma"])
    );
    assert_eq!(
        metadata["files"],
        serde_json::json!(["/var/inputs/files/0", "/var/inputs/files/1"])
    );
    assert_eq!(
        metadata["limits"],
        serde_json::json!({"cpu": 2, "memory.max": -1})
    );
    assert_cleaned_up(executor).await;
}

static WRITE_COLLECTIONS: TaskSpec = TaskSpec {
    name: "write_collections",
    outputs: &[
        param("from_dir", INTS),
        param("from_lines", STRINGS),
        param("empty", INTS),
        param("files", FILES),
        param("sizes", INT_MAP),
        param("multiline", STRINGS),
    ],
    arguments: &[text!(
        "cd /var/outputs && \
         mkdir from_dir && for i in 0 1 2 3 4 5 6 7 8 9 10; do echo $((i * i)) > from_dir/$i; done && \
         printf 'first line\\n\\n third \\n' > from_lines && \
         touch empty && \
         mkdir files && echo a > files/0 && echo b > files/1 && \
         mkdir sizes && echo 3 > sizes/small && echo 3000 > sizes/large && \
         mkdir multiline && printf 'two\\nlines' > multiline/0"
    )],
    ..BASE
};

#[tokio::test]
async fn collection_outputs_are_read_in_order() {
    let executor = executor().await;
    let outputs = run(&executor, &WRITE_COLLECTIONS, Vec::new())
        .await
        .unwrap();

    let squares = (0..=10).map(|i| Value::Int(i * i)).collect();
    assert_eq!(outputs[0], Value::List(squares), "directory of 11 entries");
    let lines = ["first line", "", "third"].map(|line| Value::String(line.into()));
    assert_eq!(outputs[1], Value::List(lines.to_vec()), "file of lines");
    assert_eq!(outputs[2], Value::List(Vec::new()), "empty file");
    let Value::List(files) = &outputs[3] else {
        panic!("files is not a list: {:?}", outputs[3]);
    };
    let texts: Vec<String> = files.iter().map(file_text).collect();
    assert_eq!(texts, ["a\n", "b\n"]);
    let sizes = BTreeMap::from([
        ("large".to_owned(), Value::Int(3000)),
        ("small".to_owned(), Value::Int(3)),
    ]);
    assert_eq!(outputs[4], Value::Map(sizes));
    assert_eq!(
        outputs[5],
        Value::List(vec![Value::String("two\nlines".into())])
    );
    assert_cleaned_up(executor).await;
}

static LIST_WITH_GAP: TaskSpec = TaskSpec {
    name: "list_with_gap",
    outputs: &[param("numbers", INTS)],
    arguments: &[text!(
        "mkdir /var/outputs/numbers && echo 0 > /var/outputs/numbers/0 && echo 2 > /var/outputs/numbers/2"
    )],
    ..BASE
};

#[tokio::test]
async fn list_output_with_gap_fails() {
    let executor = executor().await;
    let error = run(&executor, &LIST_WITH_GAP, Vec::new())
        .await
        .unwrap_err();
    assert!(
        matches!(
            &error,
            Error::OutputListIncomplete {
                count: 2,
                missing: 1,
                ..
            }
        ),
        "{error}"
    );
    assert_cleaned_up(executor).await;
}

static BAD_LINE: TaskSpec = TaskSpec {
    name: "bad_line",
    outputs: &[param("numbers", INTS)],
    arguments: &[text!("printf '1\\n2\\nthree\\n' > /var/outputs/numbers")],
    ..BASE
};

#[tokio::test]
async fn invalid_line_is_named() {
    let executor = executor().await;
    let error = run(&executor, &BAD_LINE, Vec::new()).await.unwrap_err();
    let message = error.to_string();
    assert!(message.contains("line 3: three"), "{message}");
    assert!(matches!(error, Error::OutputInvalid { .. }), "{message}");
    assert_cleaned_up(executor).await;
}

static MAP_INPUT: TaskSpec = TaskSpec {
    name: "map_input",
    inputs: &[param("limits", INT_MAP)],
    ..BASE
};

#[tokio::test]
async fn map_key_must_be_file_name() {
    let executor = executor().await;
    for key in ["", "..", "a/b"] {
        let limits = Value::Map(BTreeMap::from([(key.to_owned(), Value::Int(1))]));
        let error = run(&executor, &MAP_INPUT, vec![limits]).await.unwrap_err();
        assert!(
            matches!(&error, Error::InvalidMapKey { key: found, .. } if found == key),
            "key {key:?}: {error}"
        );
    }
    assert_eq!(work_dir_entries(&executor), 0);
    assert_cleaned_up(executor).await;
}

static DIR_LIST: TaskSpec = TaskSpec {
    name: "dir_list",
    inputs: &[param("trees", ValueType::List(&ValueType::Dir))],
    ..BASE
};

#[tokio::test]
async fn list_of_dir_is_rejected() {
    let executor = executor().await;
    let error = run(&executor, &DIR_LIST, vec![Value::List(Vec::new())])
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::UnsupportedType { name, .. } if name == "trees"),
        "{error}"
    );
    assert_cleaned_up(executor).await;
}
