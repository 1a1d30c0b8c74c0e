//! `inputs.pb` decoded by Flyte's `flyteidl` package, for every scalar type
//! and its edge values, and the text of each input file beside it.

use std::time::Duration;

use chrono::{DateTime, Utc};
use containerflow_runtime::{MetadataFormat, TaskValue, Value};
use serde_json::{json, Value as Json};

use crate::{decode_literal_map, host_paths, run_copy, Input};

/// An input, the text of its input file, and its literal as
/// `decode_literal_map.py` prints it.
struct Case {
    input: Input,
    file_text: &'static str,
    literal: Json,
}

fn case(name: &'static str, value: impl TaskValue) -> Input {
    Input::new(name, value)
}

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

fn scalar_cases() -> Vec<Case> {
    let rows = [
        (
            case("s_plain", "hello".to_owned()),
            "hello",
            json!({"string_value": "hello"}),
        ),
        (
            case("s_empty", String::new()),
            "",
            json!({"string_value": ""}),
        ),
        (
            case("s_true", "true".to_owned()),
            "true",
            json!({"string_value": "true"}),
        ),
        (
            case("s_unicode", "héllo ✓ 🎉".to_owned()),
            "héllo ✓ 🎉",
            json!({"string_value": "héllo ✓ 🎉"}),
        ),
        (
            case("s_lines", "O'Brien \"q\"\nsecond\r\n".to_owned()),
            "O'Brien \"q\"\nsecond\r\n",
            json!({"string_value": "O'Brien \"q\"\nsecond\r\n"}),
        ),
        (case("i_zero", 0_i64), "0", json!({"integer": 0})),
        (case("i_negative", -42_i64), "-42", json!({"integer": -42})),
        (
            case("i_min", i64::MIN),
            "-9223372036854775808",
            json!({"integer": i64::MIN}),
        ),
        (
            case("i_max", i64::MAX),
            "9223372036854775807",
            json!({"integer": i64::MAX}),
        ),
        (case("f_zero", 0.0_f64), "0", json!({"float_value": "0.0"})),
        (
            case("f_negative_zero", -0.0_f64),
            "-0",
            json!({"float_value": "-0.0"}),
        ),
        (
            case("f_tenth", 0.1_f64),
            "0.1",
            json!({"float_value": "0.1"}),
        ),
        (
            case("f_million", 1e6_f64),
            "1000000",
            json!({"float_value": "1000000.0"}),
        ),
        (
            case("f_tiny", 5e-324_f64),
            "",
            json!({"float_value": "5e-324"}),
        ),
        (
            case("f_huge", 1e300_f64),
            "",
            json!({"float_value": "1e+300"}),
        ),
        (
            case("f_nan", f64::NAN),
            "NaN",
            json!({"float_value": "nan"}),
        ),
        (
            case("f_inf", f64::INFINITY),
            "inf",
            json!({"float_value": "inf"}),
        ),
        (
            case("f_neg_inf", f64::NEG_INFINITY),
            "-inf",
            json!({"float_value": "-inf"}),
        ),
        (case("b_true", true), "true", json!({"boolean": true})),
        (case("b_false", false), "false", json!({"boolean": false})),
        (
            case("t_epoch", utc("1970-01-01T00:00:00Z")),
            "1970-01-01T00:00:00Z",
            json!({"datetime": {"seconds": 0, "nanos": 0}}),
        ),
        (
            case("t_before_epoch", utc("1969-12-31T23:59:59.75Z")),
            "1969-12-31T23:59:59.750Z",
            json!({"datetime": {"seconds": -1, "nanos": 750_000_000}}),
        ),
        (
            case("t_micros", utc("2024-01-02T05:04:05.000006+02:00")),
            "2024-01-02T03:04:05.000006Z",
            json!({"datetime": {"seconds": 1_704_164_645, "nanos": 6_000}}),
        ),
        (
            case("t_last", utc("9999-12-31T23:59:59.999999999Z")),
            "9999-12-31T23:59:59.999999999Z",
            json!({"datetime": {"seconds": 253_402_300_799_i64, "nanos": 999_999_999}}),
        ),
        (
            case("d_zero", Duration::ZERO),
            "0s",
            json!({"duration": {"seconds": 0, "nanos": 0}}),
        ),
        (
            case("d_nano", Duration::from_nanos(1)),
            "1ns",
            json!({"duration": {"seconds": 0, "nanos": 1}}),
        ),
        (
            case("d_long", Duration::new(97_323, 5_000)),
            "27h2m3.000005s",
            json!({"duration": {"seconds": 97_323, "nanos": 5_000}}),
        ),
        (
            case("d_max", Duration::MAX),
            "5124095576030431h0m15.999999999s",
            json!({"duration": {"seconds": i64::MAX, "nanos": 999_999_999}}),
        ),
    ];
    rows.into_iter()
        .map(|(input, file_text, literal)| Case {
            input,
            file_text,
            literal,
        })
        .collect()
}

#[tokio::test]
async fn scalars_decode_with_flyteidl() {
    let cases = scalar_cases();
    let inputs = cases
        .iter()
        .map(|case| Input {
            name: case.input.name,
            value: case.input.value.clone(),
        })
        .collect();
    let dir = run_copy("proto_scalars", MetadataFormat::Proto, inputs).await;
    let literals = decode_literal_map(&dir);

    assert_eq!(literals.len(), cases.len());
    for case in &cases {
        let name = case.input.name;
        assert_eq!(literals[name], case.literal, "literal of `{name}`");
    }

    for case in &cases {
        let name = case.input.name;
        let text = dir.text(name);
        // The text of these two is a positional decimal too long to list.
        if let "f_tiny" | "f_huge" = name {
            let Value::Float(number) = case.input.value else {
                panic!("`{name}` is not a float");
            };
            assert!(!text.contains('e'), "`{name}` has an exponent: {text}");
            assert_eq!(
                text.parse::<f64>().ok(),
                Some(number),
                "input file `{name}`"
            );
            continue;
        }
        assert_eq!(text, case.file_text, "input file `{name}`");
    }

    let mut expected: Vec<String> = cases.iter().map(|case| case.input.name.into()).collect();
    expected.push("inputs.pb".into());
    expected.sort();
    assert_eq!(dir.listing(), expected, "Proto writes inputs.pb only");
}

#[tokio::test]
async fn paths_decode_as_blobs() {
    let host = tempfile::tempdir().unwrap();
    let (file, tree) = host_paths(host.path());
    let inputs = vec![Input::new("data", file), Input::new("tree", tree)];
    let dir = run_copy("proto_blobs", MetadataFormat::Proto, inputs).await;
    let literals = decode_literal_map(&dir);

    let blob = |uri: &str, dimensionality: &str| {
        json!({"blob": {
            "uri": uri,
            "has_metadata": true,
            "format": "",
            "dimensionality": dimensionality,
        }})
    };
    assert_eq!(literals["data"], blob("/var/inputs/data", "SINGLE"));
    assert_eq!(literals["tree"], blob("/var/inputs/tree", "MULTIPART"));
    assert_eq!(dir.text("data"), "a,b\n");
    assert_eq!(dir.text("tree/nested/leaf.txt"), "leaf");
}

#[tokio::test]
async fn no_inputs_write_empty_map() {
    let dir = run_copy("proto_empty", MetadataFormat::Proto, Vec::new()).await;
    assert_eq!(dir.listing(), ["inputs.pb"]);
    assert!(decode_literal_map(&dir).is_empty());
    assert_eq!(std::fs::metadata(dir.path("inputs.pb")).unwrap().len(), 0);
}
