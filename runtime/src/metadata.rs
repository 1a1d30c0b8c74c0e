//! The metadata file that describes all inputs of a job: `inputs.json` or
//! `inputs.yaml`.
//!
//! Both formats contain the same object, keyed by input name, with the values
//! that Flyte's CoPilot writes. Strings, numbers and booleans appear as
//! themselves, a datetime as its RFC 3339 text, a duration as integer
//! nanoseconds, and a `File` or `Dir` as its path inside the container.

use serde_json::{Map, Value as Json};

use crate::value::Value;

/// Converts one input to its value in the metadata object. `container_path`
/// is used for `File` and `Dir` inputs only.
pub(crate) fn input_entry(value: &Value, container_path: &str) -> Json {
    match value {
        Value::String(text) => Json::String(text.clone()),
        Value::Int(number) => Json::from(*number),
        // JSON has no literal for NaN and the infinities, so those are written
        // as their rendered text, which is also the content of the input file.
        Value::Float(number) if number.is_finite() => Json::from(*number),
        Value::Float(_) => Json::String(value.render().unwrap_or_default()),
        Value::Bool(flag) => Json::Bool(*flag),
        Value::Datetime(_) => Json::String(value.render().unwrap_or_default()),
        // NOTE: a duration longer than about 584 years does not fit an integer
        // of nanoseconds in u64 and is written as its Go duration text instead.
        Value::Duration(span) => match u64::try_from(span.as_nanos()) {
            Ok(nanos) => Json::from(nanos),
            Err(_) => Json::String(value.render().unwrap_or_default()),
        },
        Value::File(_) | Value::Dir(_) => Json::String(container_path.to_owned()),
    }
}

/// Serializes the metadata object as JSON.
pub(crate) fn to_json(entries: &Map<String, Json>) -> Vec<u8> {
    serde_json::to_vec_pretty(entries)
        .expect("a map with string keys always serializes, and writing to a Vec cannot fail")
}

/// Serializes the metadata object as YAML, quoting any string that YAML
/// would otherwise read as another type, such as `true` or `1.0`.
pub(crate) fn to_yaml(entries: &Map<String, Json>) -> Result<Vec<u8>, serde_yaml_ng::Error> {
    serde_yaml_ng::to_string(entries).map(String::into_bytes)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::value::{Dir, File};

    fn sample() -> Map<String, Json> {
        let instant =
            Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap() + chrono::Duration::microseconds(6);
        let inputs = [
            ("name", Value::String("true".into())),
            ("count", Value::Int(-3)),
            ("ratio", Value::Float(0.1)),
            ("huge", Value::Float(1e300)),
            ("missing", Value::Float(f64::NAN)),
            ("flag", Value::Bool(true)),
            ("at", Value::Datetime(instant)),
            ("wait", Value::Duration(Duration::from_secs(90))),
            ("data", Value::File(File::new("/host/data.csv"))),
            ("tree", Value::Dir(Dir::new("/host/tree"))),
        ];
        inputs
            .into_iter()
            .map(|(name, value)| {
                let entry = input_entry(&value, &format!("/var/inputs/{name}"));
                (name.to_owned(), entry)
            })
            .collect()
    }

    #[test]
    fn json_holds_typed_values() {
        let parsed: Json = serde_json::from_slice(&to_json(&sample())).unwrap();
        assert_eq!(parsed["name"], Json::from("true"));
        assert_eq!(parsed["count"], Json::from(-3));
        assert_eq!(parsed["ratio"], Json::from(0.1));
        assert_eq!(parsed["huge"], Json::from(1e300));
        assert_eq!(parsed["missing"], Json::from("NaN"));
        assert_eq!(parsed["flag"], Json::from(true));
        assert_eq!(parsed["at"], Json::from("2024-01-02T03:04:05.000006Z"));
        assert_eq!(parsed["wait"], Json::from(90_000_000_000_u64));
        assert_eq!(parsed["data"], Json::from("/var/inputs/data"));
        assert_eq!(parsed["tree"], Json::from("/var/inputs/tree"));
    }

    #[test]
    fn yaml_reads_back_as_same_object() {
        let yaml = to_yaml(&sample()).unwrap();
        let parsed: Json = serde_yaml_ng::from_slice(&yaml).unwrap();
        assert_eq!(parsed, Json::Object(sample()));
    }

    #[test]
    fn yaml_quotes_ambiguous_strings() {
        let text = String::from_utf8(to_yaml(&sample()).unwrap()).unwrap();
        assert!(text.contains("name: 'true'"), "{text}");
    }
}
