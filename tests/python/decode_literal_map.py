"""Decode an `inputs.pb` file with Flyte's official `flyteidl` package and
print its literals as JSON, so that a test in another language can check them.

Usage: decode_literal_map.py FILE

The output is one JSON object:
  "literals": every entry of the `LiteralMap`, by name, in the form below;
  "canonical": whether the file is byte for byte the serialization of the
    decoded message with its entries sorted by key;
  "unknown_fields": whether any message held fields that flyteidl does not
    define.
A literal is printed as an object with one key, the name of the field that is
set: {"integer": -42}, {"float_value": "nan"} (Python's `repr`, because JSON
has no NaN), {"string_value": "..."}, {"boolean": false},
{"datetime": {"seconds": ..., "nanos": ...}}, {"duration": {...}},
{"blob": {"uri": ..., "format": ..., "dimensionality": "SINGLE"}},
{"none_type": null}, {"collection": [...]}, {"map": {...}}.
"""

import json
import sys

from flyteidl.core import literals_pb2, types_pb2
from google.protobuf.unknown_fields import UnknownFieldSet


def has_unknown_fields(message):
    if len(UnknownFieldSet(message)) > 0:
        return True
    for field, value in message.ListFields():
        if field.message_type is None:
            continue
        if field.message_type.GetOptions().map_entry:
            values = value.values()
        elif field.is_repeated:
            values = value
        else:
            values = [value]
        if any(has_unknown_fields(item) for item in values if hasattr(item, "ListFields")):
            return True
    return False


def time_fields(message):
    return {"seconds": message.seconds, "nanos": message.nanos}


def primitive(message):
    kind = message.WhichOneof("value")
    value = getattr(message, kind)
    if kind == "float_value":
        value = repr(value)
    elif kind in ("datetime", "duration"):
        value = time_fields(value)
    return {kind: value}


def blob(message):
    blob_type = message.metadata.type
    return {
        "uri": message.uri,
        "has_metadata": message.HasField("metadata") and message.metadata.HasField("type"),
        "format": blob_type.format,
        "dimensionality": types_pb2.BlobType.BlobDimensionality.Name(blob_type.dimensionality),
    }


def scalar(message):
    kind = message.WhichOneof("value")
    if kind == "primitive":
        return primitive(message.primitive)
    if kind == "blob":
        return {"blob": blob(message.blob)}
    if kind == "none_type":
        return {"none_type": None}
    return {kind: str(getattr(message, kind))}


def literal(message):
    kind = message.WhichOneof("value")
    if kind == "scalar":
        return scalar(message.scalar)
    if kind == "collection":
        return {"collection": [literal(item) for item in message.collection.literals]}
    if kind == "map":
        return {"map": literal_map(message.map)}
    return {kind: None}


def literal_map(message):
    return {name: literal(value) for name, value in sorted(message.literals.items())}


def sorted_serialization(message):
    """Serialize `message` with its entries sorted by key, as Go's and C++'s
    deterministic serialization do. Each entry is serialized on its own,
    because the default upb backend's deterministic order differs: it puts a
    key before every key that is a prefix of it."""
    entries = (
        literals_pb2.LiteralMap(literals={name: literal}).SerializeToString(deterministic=True)
        for name, literal in sorted(message.literals.items())
    )
    return b"".join(entries)


def main():
    with open(sys.argv[1], "rb") as file:
        data = file.read()
    message = literals_pb2.LiteralMap.FromString(data)
    result = {
        "literals": literal_map(message),
        "canonical": sorted_serialization(message) == data,
        "unknown_fields": has_unknown_fields(message),
    }
    json.dump(result, sys.stdout, ensure_ascii=False, indent=2, sort_keys=True)
    print()


if __name__ == "__main__":
    main()
