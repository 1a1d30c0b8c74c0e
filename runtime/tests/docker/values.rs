//! Scalar values in commands, input files, metadata files and outputs.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use containerflow_runtime::{
    ArgTemplate, Dir, File, MetadataFormat, Quoting, Segment, TaskSpec, Value, ValueType,
};
use futures::future::join_all;

use crate::common::*;

/// A task that copies input `v` to the output `from_file`, renders it into
/// its command as `from_command`, and copies the input file byte for byte
/// to the `File` output `raw`. `cmp` fails the task if the input file and
/// the rendered command text differ.
macro_rules! round_trip_spec {
    ($name:literal, $ty:ident) => {
        TaskSpec {
            name: $name,
            inputs: &[param("v", ValueType::$ty)],
            outputs: &[
                param("from_file", ValueType::$ty),
                param("from_command", ValueType::$ty),
                param("raw", ValueType::File),
            ],
            arguments: &[ArgTemplate {
                source: "printf '%s' '{{.inputs.v}}' > /var/outputs/from_command && ...",
                segments: &[
                    Segment::Text("printf '%s' '"),
                    input(0, Quoting::ShellSingle),
                    Segment::Text(
                        "' > /var/outputs/from_command \
                         && cmp /var/inputs/v /var/outputs/from_command \
                         && cp /var/inputs/v /var/outputs/from_file \
                         && cp /var/inputs/v /var/outputs/raw",
                    ),
                ],
            }],
            ..BASE
        }
    };
}

static STRING_ROUND_TRIP: TaskSpec = round_trip_spec!("string_round_trip", String);
static INT_ROUND_TRIP: TaskSpec = round_trip_spec!("int_round_trip", Int);
static FLOAT_ROUND_TRIP: TaskSpec = round_trip_spec!("float_round_trip", Float);
static BOOL_ROUND_TRIP: TaskSpec = round_trip_spec!("bool_round_trip", Bool);
static DATETIME_ROUND_TRIP: TaskSpec = round_trip_spec!("datetime_round_trip", Datetime);
static DURATION_ROUND_TRIP: TaskSpec = round_trip_spec!("duration_round_trip", Duration);

fn instant_with_micros() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap() + chrono::Duration::microseconds(6)
}

#[tokio::test]
async fn scalars_round_trip() {
    let executor = executor().await;
    let cases: Vec<(&'static TaskSpec, Value)> = vec![
        (
            &STRING_ROUND_TRIP,
            Value::String("O'Brien says \"hi\" to $USER".into()),
        ),
        (
            &STRING_ROUND_TRIP,
            Value::String("two\nlines, ünïcode".into()),
        ),
        (&INT_ROUND_TRIP, Value::Int(-42)),
        (&INT_ROUND_TRIP, Value::Int(i64::MIN)),
        (&FLOAT_ROUND_TRIP, Value::Float(0.1)),
        (&FLOAT_ROUND_TRIP, Value::Float(1e300)),
        (&FLOAT_ROUND_TRIP, Value::Float(-2.5e-8)),
        (&BOOL_ROUND_TRIP, Value::Bool(true)),
        (&BOOL_ROUND_TRIP, Value::Bool(false)),
        (&DATETIME_ROUND_TRIP, Value::Datetime(instant_with_micros())),
        (
            &DURATION_ROUND_TRIP,
            Value::Duration(Duration::from_secs(90)),
        ),
        (
            &DURATION_ROUND_TRIP,
            Value::Duration(Duration::from_micros(1500)),
        ),
    ];
    let runs = cases
        .iter()
        .map(|(spec, value)| run(&executor, spec, vec![value.clone()]));
    let results = join_all(runs).await;

    for ((_, value), result) in cases.iter().zip(results) {
        let outputs = result.unwrap_or_else(|error| panic!("{value:?}: {error}"));
        assert_eq!(outputs[0], *value, "value read from the input file");
        assert_eq!(outputs[1], *value, "value rendered into the command");
        let rendered = value.render().unwrap();
        assert_eq!(file_text(&outputs[2]), rendered, "bytes of the input file");
    }
    assert_cleaned_up(executor).await;
}

const METADATA_INPUTS: &[containerflow_runtime::ParamSpec] = &[
    param("s", ValueType::String),
    param("yes", ValueType::String),
    param("i", ValueType::Int),
    param("f", ValueType::Float),
    param("b", ValueType::Bool),
    param("t", ValueType::Datetime),
    param("d", ValueType::Duration),
    param("data", ValueType::File),
    param("tree", ValueType::Dir),
];

const METADATA_OUTPUTS: &[containerflow_runtime::ParamSpec] = &[
    param("meta", ValueType::File),
    param("listing", ValueType::String),
];

static JSON_METADATA: TaskSpec = TaskSpec {
    name: "json_metadata",
    inputs: METADATA_INPUTS,
    outputs: METADATA_OUTPUTS,
    arguments: &[text!(
        "cp /var/inputs/inputs.json /var/outputs/meta && ls /var/inputs | tr '\\n' ' ' > /var/outputs/listing"
    )],
    ..BASE
};

static YAML_METADATA: TaskSpec = TaskSpec {
    name: "yaml_metadata",
    inputs: METADATA_INPUTS,
    outputs: METADATA_OUTPUTS,
    arguments: &[text!(
        "cp /var/inputs/inputs.yaml /var/outputs/meta && ls /var/inputs | tr '\\n' ' ' > /var/outputs/listing"
    )],
    metadata_format: MetadataFormat::Yaml,
    ..BASE
};

fn metadata_inputs(host: &tempfile::TempDir) -> Vec<Value> {
    let data = host.path().join("data.csv");
    std::fs::write(&data, "a,b\n").unwrap();
    vec![
        Value::String("O'Brien \"quoted\"\nsecond line".into()),
        Value::String("true".into()),
        Value::Int(-42),
        Value::Float(0.1),
        Value::Bool(false),
        Value::Datetime(instant_with_micros()),
        Value::Duration(Duration::from_micros(1500)),
        Value::File(File::new(data)),
        Value::Dir(Dir::new(host.path())),
    ]
}

fn assert_metadata(document: &serde_json::Value) {
    assert_eq!(document["s"], "O'Brien \"quoted\"\nsecond line");
    assert_eq!(document["yes"], "true", "a string stays a string");
    assert_eq!(document["i"], -42);
    assert_eq!(document["f"], 0.1);
    assert_eq!(document["b"], false);
    assert_eq!(document["t"], "2024-01-02T03:04:05.000006Z");
    assert_eq!(document["d"], 1_500_000, "duration in nanoseconds");
    assert_eq!(document["data"], "/var/inputs/data");
    assert_eq!(document["tree"], "/var/inputs/tree");
    assert_eq!(document.as_object().unwrap().len(), METADATA_INPUTS.len());
}

#[tokio::test]
async fn json_metadata_seen_in_container() {
    let executor = executor().await;
    let host = tempfile::tempdir().unwrap();
    let outputs = run(&executor, &JSON_METADATA, metadata_inputs(&host))
        .await
        .unwrap();

    let document: serde_json::Value = serde_json::from_str(&file_text(&outputs[0])).unwrap();
    assert_metadata(&document);
    assert_eq!(
        outputs[1],
        Value::String("b d data f i inputs.json inputs.pb s t tree yes".into())
    );
    assert_cleaned_up(executor).await;
}

#[tokio::test]
async fn yaml_metadata_seen_in_container() {
    let executor = executor().await;
    let host = tempfile::tempdir().unwrap();
    let outputs = run(&executor, &YAML_METADATA, metadata_inputs(&host))
        .await
        .unwrap();

    let document: serde_json::Value = serde_yaml_ng::from_str(&file_text(&outputs[0])).unwrap();
    assert_metadata(&document);
    assert_eq!(
        outputs[1],
        Value::String("b d data f i inputs.pb inputs.yaml s t tree yes".into())
    );
    assert_cleaned_up(executor).await;
}

/// Writes the value to `out` with `printf`, then reports whether anything
/// created `/tmp/pwned`.
macro_rules! quoting_spec {
    ($name:literal, $before:literal, $quoting:ident, $after:literal) => {
        TaskSpec {
            name: $name,
            inputs: &[param("v", ValueType::String)],
            outputs: &[param("out", ValueType::File), param("pwned", ValueType::String)],
            arguments: &[ArgTemplate {
                source: $name,
                segments: &[
                    Segment::Text(concat!("printf '%s' ", $before)),
                    input(0, Quoting::$quoting),
                    Segment::Text(concat!(
                        $after,
                        " > /var/outputs/out; \
                         if [ -e /tmp/pwned ]; then echo yes; else echo no; fi > /var/outputs/pwned"
                    )),
                ],
            }],
            ..BASE
        }
    };
}

static SINGLE_QUOTED: TaskSpec = quoting_spec!("single_quoted", "'", ShellSingle, "'");
static DOUBLE_QUOTED: TaskSpec = quoting_spec!("double_quoted", "\"", ShellDouble, "\"");
static BARE: TaskSpec = quoting_spec!("bare", "", ShellBare, "");

/// The value is its own argv element, read by the script as `$1`.
static VERBATIM: TaskSpec = TaskSpec {
    name: "verbatim",
    inputs: &[param("v", ValueType::String)],
    outputs: &[
        param("out", ValueType::File),
        param("pwned", ValueType::String),
    ],
    arguments: &[
        text!(
            "printf '%s' \"$1\" > /var/outputs/out; \
             if [ -e /tmp/pwned ]; then echo yes; else echo no; fi > /var/outputs/pwned"
        ),
        text!("sh"),
        ArgTemplate {
            source: "{{.inputs.v}}",
            segments: &[input(0, Quoting::Verbatim)],
        },
    ],
    ..BASE
};

const HOSTILE_VALUES: &[&str] = &[
    "O'Brien",
    "$(touch /tmp/pwned)",
    "a\"b",
    "`touch /tmp/pwned`",
    "line one\nline two",
    "",
    "back\\slash\\",
    "'; touch /tmp/pwned; '",
    "\"; touch /tmp/pwned; \"",
    "$HOME ${PATH} * ?",
    "-n",
];

#[tokio::test]
async fn hostile_values_reach_shell_unchanged() {
    let executor = executor().await;
    let specs: [&'static TaskSpec; 4] = [&SINGLE_QUOTED, &DOUBLE_QUOTED, &BARE, &VERBATIM];
    let cases: Vec<(&'static TaskSpec, &str)> = specs
        .iter()
        .flat_map(|spec| HOSTILE_VALUES.iter().map(move |value| (*spec, *value)))
        .collect();
    let runs = cases
        .iter()
        .map(|(spec, value)| run(&executor, spec, vec![Value::String(value.to_string())]));
    let results = join_all(runs).await;

    for ((spec, value), result) in cases.iter().zip(results) {
        let context = format!("{} with {value:?}", spec.name);
        let outputs = result.unwrap_or_else(|error| panic!("{context}: {error}"));
        assert_eq!(file_text(&outputs[0]), *value, "{context}: printed value");
        assert_eq!(
            outputs[1],
            Value::String("no".into()),
            "{context}: /tmp/pwned"
        );
    }
    assert_cleaned_up(executor).await;
}

static ENVIRONMENT: TaskSpec = TaskSpec {
    name: "environment",
    outputs: &[param("out", ValueType::String)],
    arguments: &[text!("printf '%s' \"$GREETING\" > /var/outputs/out")],
    env: &[("GREETING", "hello 'world'")],
    ..BASE
};

#[tokio::test]
async fn env_reaches_container() {
    let executor = executor().await;
    let outputs = run(&executor, &ENVIRONMENT, vec![]).await.unwrap();
    assert_eq!(outputs, [Value::String("hello 'world'".into())]);
    assert_cleaned_up(executor).await;
}

static INTERFACES_BLOCKED: TaskSpec = TaskSpec {
    name: "interfaces_blocked",
    outputs: &[param("out", ValueType::String)],
    arguments: &[text!("ls /sys/class/net | tr '\\n' ' ' > /var/outputs/out")],
    block_network: true,
    ..BASE
};

static INTERFACES_OPEN: TaskSpec = TaskSpec {
    name: "interfaces_open",
    block_network: false,
    ..INTERFACES_BLOCKED
};

#[tokio::test]
async fn blocked_network_has_only_loopback() {
    let executor = executor().await;
    let blocked = run(&executor, &INTERFACES_BLOCKED, vec![]).await.unwrap();
    assert_eq!(blocked, [Value::String("lo".into())]);

    // The same command on the default network sees more than `lo`, so the
    // check above can fail.
    let open = run(&executor, &INTERFACES_OPEN, vec![]).await.unwrap();
    assert_ne!(open, [Value::String("lo".into())]);
    assert_cleaned_up(executor).await;
}
