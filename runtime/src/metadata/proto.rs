//! The bytes of `inputs.pb`: a protobuf `flyteidl.core.LiteralMap`.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use prost::Message;

use crate::flyteidl::core::blob_type::BlobDimensionality;
use crate::flyteidl::core::primitive::Value as Primitive;
use crate::flyteidl::core::scalar::Value as Scalar;
use crate::flyteidl::core::{Blob, Literal, LiteralMap, Void};
use crate::value::Value;

const NANOS_PER_SECOND: u32 = 1_000_000_000;

/// Encodes the inputs, given as name, value and container path, as a
/// `LiteralMap` with its entries sorted by name.
pub(super) fn encode<'a>(inputs: impl Iterator<Item = (&'a str, &'a Value, &'a str)>) -> Vec<u8> {
    let literals: BTreeMap<String, Literal> = inputs
        .map(|(name, value, path)| (name.to_owned(), literal(value, path)))
        .collect();
    LiteralMap { literals }.encode_to_vec()
}

/// Converts one input to its literal. `container_path` becomes the URI of a
/// `File` or `Dir`, as CoPilot rewrites a blob's URI to its local path. The
/// elements of a list or map are at `<container_path>/<index or key>`.
fn literal(value: &Value, container_path: &str) -> Literal {
    match value {
        Value::None => Literal::scalar(Scalar::NoneType(Void {})),
        Value::String(text) => Literal::primitive(Primitive::StringValue(text.clone())),
        Value::Int(number) => Literal::primitive(Primitive::Integer(*number)),
        Value::Float(number) => Literal::primitive(Primitive::FloatValue(*number)),
        Value::Bool(flag) => Literal::primitive(Primitive::Boolean(*flag)),
        Value::Datetime(instant) => Literal::primitive(Primitive::Datetime(timestamp(instant))),
        Value::Duration(span) => Literal::primitive(Primitive::Duration(duration(*span))),
        Value::File(_) => blob(container_path, BlobDimensionality::Single),
        Value::Dir(_) => blob(container_path, BlobDimensionality::Multipart),
        Value::List(elements) => Literal::collection(
            elements
                .iter()
                .enumerate()
                .map(|(index, element)| literal(element, &format!("{container_path}/{index}")))
                .collect(),
        ),
        Value::Map(entries) => Literal::map(
            entries
                .iter()
                .map(|(key, element)| {
                    let path = format!("{container_path}/{key}");
                    (key.clone(), literal(element, &path))
                })
                .collect(),
        ),
    }
}

fn blob(uri: &str, dimensionality: BlobDimensionality) -> Literal {
    Literal::scalar(Scalar::Blob(Blob::new(uri.to_owned(), dimensionality)))
}

/// Converts an instant to seconds and nanoseconds since the Unix epoch, with
/// the nanoseconds in `0..1e9` also before 1970, as `Timestamp` requires.
fn timestamp(instant: &DateTime<Utc>) -> prost_types::Timestamp {
    let mut seconds = instant.timestamp();
    let mut nanos = instant.timestamp_subsec_nanos();
    // chrono represents a leap second as nanoseconds past 1e9 of the second before.
    if nanos >= NANOS_PER_SECOND {
        seconds += 1;
        nanos -= NANOS_PER_SECOND;
    }
    prost_types::Timestamp {
        seconds,
        nanos: nanos as i32,
    }
}

fn duration(span: Duration) -> prost_types::Duration {
    match i64::try_from(span.as_secs()) {
        Ok(seconds) => prost_types::Duration {
            seconds,
            nanos: span.subsec_nanos() as i32,
        },
        // NOTE: a span past `i64::MAX` seconds, such as `Duration::MAX` used
        // to mean "forever", is written as the largest `Duration` instead.
        Err(_) => prost_types::Duration {
            seconds: i64::MAX,
            nanos: NANOS_PER_SECOND as i32 - 1,
        },
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone};

    use super::*;
    use crate::flyteidl::core::{literal, Void};
    use crate::value::{Dir, File};

    /// The bytes that Flyte's `flyteidl` 1.16.8 writes for the map in
    /// `tests/python/encode_fixture.py`, printed by running that script with
    /// the interpreter that `scripts/provision-python.sh` sets up.
    const FLYTEIDL_FIXTURE: &str = "\
        0a0b0a016212060a040a0220000a130a0164120e0a0c0a0a3208085a1080cab5ee010a220a0464617461121a0a\
        1812160a020a001a102f7661722f696e707574732f646174610a0f0a05656d70747912060a040a021a000a120a\
        0166120d0a0b0a09119a9999999999b93f0a140a0169120f0a0d0a0b08d6ffffffffffffffff010a1b0a046c69\
        7374121312110a060a040a0208010a070a050a031a01610a140a036e616e120d0a0b0a0911000000000000f87f\
        0a190a066e6573746564120f1a0d0a0b0a016b12060a040a0208070a0c0a046e6f6e6512040a022a000a110a01\
        73120c0a0a0a081a0668c3a96c6c6f0a140a0174120f0a0d0a0b2a0908a5facdac0610f02e0a240a0474726565\
        121c0a1a12180a040a0210011a102f7661722f696e707574732f747265650a0e0a047a65726f12060a040a0208\
        00";

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|byte| format!("{byte:02x}")).collect()
    }

    fn instant() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap() + chrono::Duration::microseconds(6)
    }

    #[test]
    fn encodes_like_flyteidl() {
        let values = [
            ("b", Value::Bool(false)),
            ("d", Value::Duration(Duration::from_millis(90_500))),
            ("data", Value::File(File::new("/host/data.csv"))),
            ("empty", Value::String(String::new())),
            ("f", Value::Float(0.1)),
            ("i", Value::Int(-42)),
            ("nan", Value::Float(f64::NAN)),
            ("s", Value::String("héllo".into())),
            ("t", Value::Datetime(instant())),
            ("tree", Value::Dir(Dir::new("/host/tree"))),
            ("zero", Value::Int(0)),
        ];
        let paths: Vec<String> = values
            .iter()
            .map(|(name, _)| format!("/var/inputs/{name}"))
            .collect();
        let inputs = values
            .iter()
            .zip(&paths)
            .map(|((name, value), path)| (*name, value, path.as_str()));
        let mut message = LiteralMap::decode(encode(inputs).as_slice()).unwrap();

        // Lists, maps and the null value have no `Value` yet; add them by hand.
        let list = vec![
            Literal::primitive(Primitive::Integer(1)),
            Literal::primitive(Primitive::StringValue("a".into())),
        ];
        message
            .literals
            .insert("list".into(), Literal::collection(list));
        let none = Literal::scalar(Scalar::NoneType(Void {}));
        message.literals.insert("none".into(), none);
        let nested = BTreeMap::from([("k".to_owned(), Literal::primitive(Primitive::Integer(7)))]);
        message
            .literals
            .insert("nested".into(), Literal::map(nested));

        let expected: String = FLYTEIDL_FIXTURE.split_whitespace().collect();
        assert_eq!(hex(&message.encode_to_vec()), expected);
    }

    #[test]
    fn fixture_decodes_to_same_literals() {
        let fixture: String = FLYTEIDL_FIXTURE.split_whitespace().collect();
        let bytes: Vec<u8> = (0..fixture.len())
            .step_by(2)
            .map(|at| u8::from_str_radix(&fixture[at..at + 2], 16).unwrap())
            .collect();
        let message = LiteralMap::decode(bytes.as_slice()).unwrap();
        assert_eq!(
            message.literals["i"],
            Literal::primitive(Primitive::Integer(-42))
        );
        let Some(literal::Value::Scalar(scalar)) = &message.literals["tree"].value else {
            panic!("`tree` is not a scalar: {:?}", message.literals["tree"]);
        };
        let Some(Scalar::Blob(blob)) = &scalar.value else {
            panic!("`tree` is not a blob: {scalar:?}");
        };
        assert_eq!(blob.uri, "/var/inputs/tree");
        let blob_type = blob.metadata.as_ref().and_then(|m| m.r#type.as_ref());
        assert_eq!(
            blob_type.map(|t| t.dimensionality),
            Some(BlobDimensionality::Multipart.into())
        );
    }

    #[test]
    fn timestamps_before_epoch_have_positive_nanos() {
        let instant = Utc.with_ymd_and_hms(1969, 12, 31, 23, 59, 59).unwrap()
            + chrono::Duration::milliseconds(250);
        let stamp = timestamp(&instant);
        assert_eq!((stamp.seconds, stamp.nanos), (-1, 250_000_000));
    }

    #[test]
    fn leap_second_carries_into_next() {
        let leap = NaiveDate::from_ymd_opt(2016, 12, 31)
            .unwrap()
            .and_hms_nano_opt(23, 59, 59, 1_500_000_000)
            .unwrap()
            .and_utc();
        let stamp = timestamp(&leap);
        assert_eq!((stamp.seconds, stamp.nanos), (1_483_228_800, 500_000_000));
    }

    #[test]
    fn longest_duration_saturates() {
        let longest = duration(Duration::MAX);
        assert_eq!((longest.seconds, longest.nanos), (i64::MAX, 999_999_999));
        let exact = duration(Duration::new(i64::MAX as u64, 7));
        assert_eq!((exact.seconds, exact.nanos), (i64::MAX, 7));
    }

    #[test]
    fn empty_map_encodes_to_nothing() {
        assert!(encode(std::iter::empty()).is_empty());
    }
}
