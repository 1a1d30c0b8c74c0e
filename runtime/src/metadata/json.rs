//! The text of `inputs.json`.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::Node;

/// Serializes the metadata document as indented JSON.
pub(super) fn encode(document: &BTreeMap<String, Node>) -> Vec<u8> {
    let object = document
        .iter()
        .map(|(name, node)| (name.clone(), to_json(node)))
        .collect();
    serde_json::to_vec_pretty(&Json::Object(object))
        .expect("a JSON value with string keys always serializes, and writing to a Vec cannot fail")
}

fn to_json(node: &Node) -> Json {
    match node {
        Node::Null => Json::Null,
        Node::Bool(flag) => Json::Bool(*flag),
        Node::Integer(number) => match (i64::try_from(*number), u64::try_from(*number)) {
            (Ok(signed), _) => Json::from(signed),
            (_, Ok(unsigned)) => Json::from(unsigned),
            // Only values from an i64 or a u64 are ever stored.
            _ => Json::String(number.to_string()),
        },
        Node::Float(number) if number.is_finite() => Json::from(*number),
        // JSON has no literal for NaN and the infinities, so those are written
        // as `NaN`, `inf` and `-inf`, the text of the input file.
        Node::Float(number) => Json::String(number.to_string()),
        Node::String(text) => Json::String(text.clone()),
        Node::List(items) => items.iter().map(to_json).collect(),
        Node::Map(entries) => entries
            .iter()
            .map(|(key, node)| (key.clone(), to_json(node)))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode_one(node: Node) -> Json {
        let document = BTreeMap::from([("x".to_owned(), node)]);
        let parsed: Json = serde_json::from_slice(&encode(&document)).unwrap();
        parsed["x"].clone()
    }

    #[test]
    fn scalars_keep_their_types() {
        assert_eq!(encode_one(Node::Bool(false)), Json::from(false));
        assert_eq!(encode_one(Node::Integer(-3)), Json::from(-3));
        let nanos = Node::Integer(u64::MAX.into());
        assert_eq!(encode_one(nanos), Json::from(u64::MAX));
        assert_eq!(encode_one(Node::Float(0.1)), Json::from(0.1));
        assert_eq!(encode_one(Node::Float(1e300)), Json::from(1e300));
        assert_eq!(encode_one(Node::String("true".into())), Json::from("true"));
    }

    #[test]
    fn non_finite_floats_become_text() {
        assert_eq!(encode_one(Node::Float(f64::NAN)), Json::from("NaN"));
        assert_eq!(encode_one(Node::Float(f64::INFINITY)), Json::from("inf"));
        assert_eq!(
            encode_one(Node::Float(f64::NEG_INFINITY)),
            Json::from("-inf")
        );
    }

    #[test]
    fn floats_written_in_shortest_form() {
        let document = BTreeMap::from([
            ("a".to_owned(), Node::Float(3.0)),
            ("b".to_owned(), Node::Float(1e300)),
        ]);
        let text = String::from_utf8(encode(&document)).unwrap();
        assert_eq!(text, "{\n  \"a\": 3.0,\n  \"b\": 1e+300\n}");
    }

    #[test]
    fn lists_and_maps_nest() {
        let inner = BTreeMap::from([("k".to_owned(), Node::Integer(1))]);
        let list = Node::List(vec![Node::String("a".into()), Node::Map(inner)]);
        assert_eq!(encode_one(list), serde_json::json!(["a", {"k": 1}]));
    }
}
