"""Print, as hex, the `LiteralMap` that the encoder test of containerflow's
`inputs.pb` compares its own bytes with, serialized by Flyte's official
`flyteidl` package with map entries sorted by key.

Usage: encode_fixture.py

The map contains one literal of each kind that containerflow writes, built the
way flytekit builds them. Change it only together with the Rust test
`encodes_like_flyteidl` in runtime/src/metadata/proto.rs.
"""

import os

# The pure-Python backend of protobuf sorts map entries by key, as Go's and
# C++'s deterministic serialization do. The default upb backend (protobuf
# 7.36) instead puts a key before every key that is a prefix of it: `data`
# before `d`. The variable must be set before protobuf is imported.
os.environ["PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION"] = "python"

from flyteidl.core import literals_pb2 as lit  # noqa: E402
from flyteidl.core import types_pb2  # noqa: E402
from google.protobuf import duration_pb2, timestamp_pb2  # noqa: E402


def primitive(**value):
    return lit.Literal(scalar=lit.Scalar(primitive=lit.Primitive(**value)))


def blob(uri, dimensionality):
    blob_type = types_pb2.BlobType(format="", dimensionality=dimensionality)
    metadata = lit.BlobMetadata(type=blob_type)
    return lit.Literal(scalar=lit.Scalar(blob=lit.Blob(metadata=metadata, uri=uri)))


def fixture():
    literals = {
        "b": primitive(boolean=False),
        "d": primitive(duration=duration_pb2.Duration(seconds=90, nanos=500_000_000)),
        "data": blob("/var/inputs/data", types_pb2.BlobType.SINGLE),
        "empty": primitive(string_value=""),
        "f": primitive(float_value=0.1),
        "i": primitive(integer=-42),
        "list": lit.Literal(
            collection=lit.LiteralCollection(
                literals=[primitive(integer=1), primitive(string_value="a")]
            )
        ),
        "nan": primitive(float_value=float("nan")),
        "nested": lit.Literal(map=lit.LiteralMap(literals={"k": primitive(integer=7)})),
        "none": lit.Literal(scalar=lit.Scalar(none_type=lit.Void())),
        "s": primitive(string_value="h\u00e9llo"),
        "t": primitive(datetime=timestamp_pb2.Timestamp(seconds=1_704_164_645, nanos=6_000)),
        "tree": blob("/var/inputs/tree", types_pb2.BlobType.MULTIPART),
        "zero": primitive(integer=0),
    }
    return lit.LiteralMap(literals=literals)


if __name__ == "__main__":
    print(fixture().SerializeToString(deterministic=True).hex())
