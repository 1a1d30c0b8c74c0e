//! The metadata files that describe all inputs of a job: `inputs.json`,
//! `inputs.yaml` and `inputs.pb`.
//!
//! Each file contains every input by name, beside the one-file-per-input layout
//! of the input directory. Which files are written depends on the task's
//! [`MetadataFormat`]:
//!
//! | `metadata_format` | files written |
//! |---|---|
//! | `Json` (the default) | `inputs.json` and `inputs.pb` |
//! | `Yaml` | `inputs.yaml` and `inputs.pb` |
//! | `Proto` | `inputs.pb` |
//!
//! `inputs.pb` is always written because Flyte's CoPilot always writes it and
//! adds the JSON or YAML file on top (`flytecopilot/data/download.go`), so a
//! container written for Flyte may read it whatever format it declares.
//!
//! # Values by type
//!
//! The input file is the file at `<input_data_dir>/<name>`. The JSON and YAML
//! columns show the value of the input's key. The protobuf column shows the
//! field set in the input's `flyteidl.core.Literal`, under `scalar`.
//!
//! | type | input file | `inputs.json` | `inputs.yaml` | `inputs.pb` |
//! |---|---|---|---|---|
//! | string | the text, nothing added | string | plain when no YAML 1.1 or 1.2 loader reads it as another type (`hello`), else double-quoted (`"yes"`, `"1e3"`, `""`) | `primitive.string_value` |
//! | int | decimal: `-42` | number: `-42` | `-42` | `primitive.integer` |
//! | float | shortest decimal that reads back to the same value, no exponent: `3`, `0.1`, `1000000`; `NaN`, `inf`, `-inf` | number in its shortest form: `3.0`, `0.1`, `1e+300`; the strings `"NaN"`, `"inf"`, `"-inf"` | float with a `.` and a signed exponent, as YAML 1.1 requires: `3.0`, `0.1`, `1.0e+300`; `.nan`, `.inf`, `-.inf` | `primitive.float_value`, NaN and infinities included |
//! | bool | `true` / `false` | `true` / `false` | `true` / `false` | `primitive.boolean` |
//! | datetime | RFC 3339 in UTC, with 0, 3, 6 or 9 digits of fraction: `2024-01-02T03:04:05.000006Z`, `1969-12-31T23:59:59.750Z` | the same text as a string | the same text, double-quoted | `primitive.datetime`: a `Timestamp` of seconds and nanoseconds since the Unix epoch |
//! | duration | Go duration text: `1m30s`, `1.5ms`, `0s` | integer nanoseconds: `90000000000` | integer nanoseconds | `primitive.duration`: a `Duration` of seconds and nanoseconds |
//! | File | the file, mounted read-only | its container path: `"/var/inputs/data"` | its container path | `blob` with `uri` the container path, `metadata.type.format` empty, `dimensionality` `SINGLE` |
//! | Dir | the directory, mounted read-only | its container path | its container path | `blob` as for File, `dimensionality` `MULTIPART` |
//! | list | a directory with one entry per element, `0`, `1`, ... | array of the elements | sequence of the elements | `collection.literals`, the elements in order |
//! | map | a directory with one file per key | object of the elements | mapping of the elements | `map.literals`, by key |
//!
//! Each element of a list or map is written as a value of its type in the
//! table above. A `File` element's container path is `<input>/<index>`.
//!
//! CoPilot's JSON writer, Go's `encoding/json`, fails on NaN and the
//! infinities, and this one writes them as the text of their input file.
//! CoPilot writes a datetime with the zeros at the end of its fraction
//! removed (`.75`, Go's `RFC3339Nano`), where containerflow keeps 3, 6 or 9
//! digits (`.750`); RFC 3339 parsers read both as the same instant. The YAML
//! writer quotes every string that a YAML 1.1 loader (PyYAML) or a YAML 1.2
//! loader would read as another type, keys included, and writes floats in a
//! form that both read as floats.
//!
//! `inputs.pb` contains the entries of the `LiteralMap` sorted by name, as the
//! deterministic serialization of Go, C++ and Python's pure-Python protobuf
//! backend does, and is then byte for byte what Flyte's `flyteidl` package
//! writes for the same map. Python's default backend, upb (protobuf 7.36),
//! puts a key before every key that is a prefix of it, and CoPilot's Go code
//! writes map entries in random order, so their bytes can differ from ours in
//! the order of the entries only.
//!
//! Limits of the encodings:
//!
//! - A duration of more than `u64::MAX` nanoseconds, about 584 years, is
//!   written as its Go duration text in JSON and YAML, because the number
//!   does not fit the integers that JSON readers support.
//! - A duration of more than `i64::MAX` seconds is written to `inputs.pb` as
//!   the largest `Duration`: `i64::MAX` seconds and 999,999,999 nanoseconds.
//! - A datetime within a leap second is written to `inputs.pb` as the same
//!   fraction of the next second, because a `Timestamp` has no leap seconds.

mod json;
mod proto;
pub(crate) mod yaml;

use std::collections::BTreeMap;

use crate::spec::MetadataFormat;
use crate::value::Value;

/// The inputs of one job, collected to write its metadata files.
#[derive(Debug, Default)]
pub(crate) struct InputsMetadata<'a> {
    /// Each input by name, with its path in the container.
    inputs: BTreeMap<&'a str, (&'a Value, &'a str)>,
}

impl<'a> InputsMetadata<'a> {
    /// Adds the input `name`. `container_path` is the input's path in the
    /// container, the value written for a `File` or `Dir`.
    pub(crate) fn insert(&mut self, name: &'a str, value: &'a Value, container_path: &'a str) {
        self.inputs.insert(name, (value, container_path));
    }

    /// Returns the metadata files for `format`, as file name and contents.
    pub(crate) fn files(&self, format: MetadataFormat) -> Vec<(&'static str, Vec<u8>)> {
        let proto_file = (
            MetadataFormat::Proto.file_name(),
            proto::encode(self.entries()),
        );
        match format {
            MetadataFormat::Json => vec![
                (format.file_name(), json::encode(&self.document())),
                proto_file,
            ],
            MetadataFormat::Yaml => vec![
                (format.file_name(), yaml::encode(&self.document())),
                proto_file,
            ],
            MetadataFormat::Proto => vec![proto_file],
        }
    }

    fn entries(&self) -> impl Iterator<Item = (&'a str, &'a Value, &'a str)> + '_ {
        self.inputs
            .iter()
            .map(|(name, (value, path))| (*name, *value, *path))
    }

    /// Builds the object that `inputs.json` and `inputs.yaml` contain.
    fn document(&self) -> BTreeMap<String, Node> {
        self.entries()
            .map(|(name, value, path)| (name.to_owned(), Node::from_value(value, path)))
            .collect()
    }
}

/// A value of the JSON and YAML documents, with the types both formats share.
#[derive(Debug, Clone, PartialEq)]
enum Node {
    /// No value: `null` in both formats.
    Null,
    Bool(bool),
    /// An integer, wide enough for an `i64` input and for `u64` nanoseconds.
    Integer(i128),
    /// A float. Each format decides how to write NaN and the infinities.
    Float(f64),
    String(String),
    List(Vec<Node>),
    Map(BTreeMap<String, Node>),
}

impl Node {
    fn from_value(value: &Value, container_path: &str) -> Node {
        match value {
            Value::None => Node::Null,
            Value::String(text) => Node::String(text.clone()),
            Value::Int(number) => Node::Integer((*number).into()),
            Value::Float(number) => Node::Float(*number),
            Value::Bool(flag) => Node::Bool(*flag),
            Value::Datetime(_) => Node::String(value.render().unwrap_or_default()),
            // Past u64::MAX nanoseconds, about 584 years, the number fits the
            // integers of no common JSON reader, so the Go text is written.
            Value::Duration(span) => match u64::try_from(span.as_nanos()) {
                Ok(nanos) => Node::Integer(nanos.into()),
                Err(_) => Node::String(value.render().unwrap_or_default()),
            },
            Value::File(_) | Value::Dir(_) => Node::String(container_path.to_owned()),
            Value::List(elements) => Node::List(
                elements
                    .iter()
                    .enumerate()
                    .map(|(index, element)| {
                        Node::from_value(element, &format!("{container_path}/{index}"))
                    })
                    .collect(),
            ),
            Value::Map(entries) => Node::Map(
                entries
                    .iter()
                    .map(|(key, element)| {
                        let path = format!("{container_path}/{key}");
                        (key.clone(), Node::from_value(element, &path))
                    })
                    .collect(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::{Dir, File};

    #[test]
    fn json_and_yaml_add_proto_file() {
        let value = Value::Int(1);
        let mut metadata = InputsMetadata::default();
        metadata.insert("x", &value, "/var/inputs/x");
        let names = |format| -> Vec<&str> {
            metadata
                .files(format)
                .into_iter()
                .map(|(name, _)| name)
                .collect()
        };
        assert_eq!(names(MetadataFormat::Json), ["inputs.json", "inputs.pb"]);
        assert_eq!(names(MetadataFormat::Yaml), ["inputs.yaml", "inputs.pb"]);
        assert_eq!(names(MetadataFormat::Proto), ["inputs.pb"]);
    }

    #[test]
    fn empty_inputs_write_empty_documents() {
        let files = InputsMetadata::default().files(MetadataFormat::Json);
        assert_eq!(files[0].1, b"{}");
        assert_eq!(files[1].1, b"");
        let files = InputsMetadata::default().files(MetadataFormat::Yaml);
        assert_eq!(files[0].1, b"{}\n");
    }

    #[test]
    fn paths_become_container_paths() {
        let file = Value::File(File::new("/host/data.csv"));
        let dir = Value::Dir(Dir::new("/host/tree"));
        assert_eq!(
            Node::from_value(&file, "/var/inputs/data"),
            Node::String("/var/inputs/data".into())
        );
        assert_eq!(
            Node::from_value(&dir, "/var/inputs/tree"),
            Node::String("/var/inputs/tree".into())
        );
    }

    #[test]
    fn longest_durations_become_text() {
        let nanos = std::time::Duration::from_nanos(u64::MAX);
        assert_eq!(
            Node::from_value(&Value::Duration(nanos), ""),
            Node::Integer(u64::MAX.into())
        );
        let beyond = nanos + std::time::Duration::from_nanos(1);
        assert_eq!(
            Node::from_value(&Value::Duration(beyond), ""),
            Node::String("5124095h34m33.709551616s".into())
        );
    }
}
