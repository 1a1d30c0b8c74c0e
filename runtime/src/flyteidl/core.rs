//! The package `flyteidl.core`: literals, the values that Flyte passes
//! between tasks, from `flyteidl/core/literals.proto` and `types.proto`.
//!
//! Field names and numbers follow `flyteidl` 1.16.8. Only the messages that
//! containerflow writes or will export are defined. A decoder skips the fields
//! it does not know, so decoding a message that sets other fields loses them.

use std::collections::BTreeMap;

use super::interface::LiteralType;

/// A value of one of the simple types.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Primitive {
    /// The value; `None` only in a message that set no field.
    #[prost(oneof = "primitive::Value", tags = "1, 2, 3, 4, 5, 6")]
    pub value: Option<primitive::Value>,
}

/// The oneof of [`Primitive`].
pub mod primitive {
    /// The value of a [`Primitive`](super::Primitive).
    #[derive(Clone, PartialEq, prost::Oneof)]
    #[allow(
        clippy::enum_variant_names,
        reason = "`float_value` and `string_value` are the field names in flyteidl"
    )]
    pub enum Value {
        /// A 64-bit signed integer.
        #[prost(int64, tag = "1")]
        Integer(i64),
        /// A 64-bit float, NaN and infinities included.
        #[prost(double, tag = "2")]
        FloatValue(f64),
        /// UTF-8 text.
        #[prost(string, tag = "3")]
        StringValue(String),
        /// A boolean.
        #[prost(bool, tag = "4")]
        Boolean(bool),
        /// An instant, as seconds and nanoseconds since the Unix epoch.
        #[prost(message, tag = "5")]
        Datetime(prost_types::Timestamp),
        /// A span of time, as seconds and nanoseconds.
        #[prost(message, tag = "6")]
        Duration(prost_types::Duration),
    }
}

/// The null value, which may stand for a scalar of any type.
#[derive(Clone, Copy, PartialEq, Eq, prost::Message)]
pub struct Void {}

/// A file or a directory in a store, by URI. CoPilot rewrites the URI to the
/// local path once it has downloaded the blob.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Blob {
    /// The type of the blob.
    #[prost(message, optional, tag = "1")]
    pub metadata: Option<BlobMetadata>,
    /// The location of the blob: a store URI or a local path.
    #[prost(string, tag = "3")]
    pub uri: String,
}

/// The metadata of a [`Blob`].
#[derive(Clone, PartialEq, prost::Message)]
pub struct BlobMetadata {
    /// The blob's format and dimensionality.
    #[prost(message, optional, tag = "1")]
    pub r#type: Option<BlobType>,
}

/// The type of a blob: its format and whether it is one file or many.
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct BlobType {
    /// A free-form format name such as `csv`; empty for any format.
    #[prost(string, tag = "1")]
    pub format: String,
    /// A [`blob_type::BlobDimensionality`], as its number.
    #[prost(enumeration = "blob_type::BlobDimensionality", tag = "2")]
    pub dimensionality: i32,
}

/// The enum of [`BlobType`].
pub mod blob_type {
    /// Whether a blob is one object or a set of objects under a prefix.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
    #[repr(i32)]
    pub enum BlobDimensionality {
        /// One file.
        Single = 0,
        /// A directory: every object under the URI, nested paths kept.
        Multipart = 1,
    }
}

/// Bytes with a tag that names their content.
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct Binary {
    /// The bytes.
    #[prost(bytes = "vec", tag = "1")]
    pub value: Vec<u8>,
    /// The name of the content, chosen by the writer.
    #[prost(string, tag = "2")]
    pub tag: String,
}

/// An error raised by a node, passed on as a value.
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct Error {
    /// The id of the node that raised the error.
    #[prost(string, tag = "1")]
    pub failed_node_id: String,
    /// The error message.
    #[prost(string, tag = "2")]
    pub message: String,
}

/// A single value that is not a collection or a map.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Scalar {
    /// The value; `None` only in a message that set no field.
    #[prost(oneof = "scalar::Value", tags = "1, 2, 3, 5, 6, 7, 9")]
    pub value: Option<scalar::Value>,
}

/// The oneof of [`Scalar`].
pub mod scalar {
    /// The value of a [`Scalar`](super::Scalar).
    // NOTE: `schema` (4) and `structured_dataset` (8) are left out, because
    // no declared type maps to them. A decoded scalar that sets one of them
    // has no value.
    #[derive(Clone, PartialEq, prost::Oneof)]
    pub enum Value {
        /// A simple value.
        #[prost(message, tag = "1")]
        Primitive(super::Primitive),
        /// A file or a directory.
        #[prost(message, tag = "2")]
        Blob(super::Blob),
        /// Tagged bytes.
        #[prost(message, tag = "3")]
        Binary(super::Binary),
        /// The null value.
        #[prost(message, tag = "5")]
        NoneType(super::Void),
        /// An error of an upstream node.
        #[prost(message, tag = "6")]
        Error(super::Error),
        /// A JSON-like structure.
        #[prost(message, tag = "7")]
        Generic(prost_types::Struct),
        /// A value of a union type, with the variant it has.
        #[prost(message, tag = "9")]
        Union(super::Union),
    }
}

/// A value of a union type, and the variant of the union it has.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Union {
    /// The value.
    #[prost(message, optional, boxed, tag = "1")]
    pub value: Option<Box<Literal>>,
    /// The variant, as the union type lists it.
    #[prost(message, optional, tag = "2")]
    pub r#type: Option<LiteralType>,
}

/// A value of any type: a scalar, a collection or a map, nested to any depth.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Literal {
    /// The value; `None` only in a message that set no field.
    // NOTE: `offloaded_metadata` (8), a reference to a literal stored
    // elsewhere, is left out until containerflow reads literals from Flyte.
    #[prost(oneof = "literal::Value", tags = "1, 2, 3")]
    pub value: Option<literal::Value>,
    /// A hash of the value, used by Flyte's cache when it is set.
    #[prost(string, tag = "4")]
    pub hash: String,
    /// Free-form metadata of the value.
    #[prost(btree_map = "string, string", tag = "5")]
    pub metadata: BTreeMap<String, String>,
}

/// The oneof of [`Literal`].
pub mod literal {
    /// The value of a [`Literal`](super::Literal).
    #[derive(Clone, PartialEq, prost::Oneof)]
    pub enum Value {
        /// A single value.
        #[prost(message, tag = "1")]
        Scalar(super::Scalar),
        /// An ordered list of literals.
        #[prost(message, tag = "2")]
        Collection(super::LiteralCollection),
        /// Literals by string key.
        #[prost(message, tag = "3")]
        Map(super::LiteralMap),
    }
}

/// An ordered list of literals.
#[derive(Clone, PartialEq, prost::Message)]
pub struct LiteralCollection {
    /// The elements, in order.
    #[prost(message, repeated, tag = "1")]
    pub literals: Vec<Literal>,
}

/// Literals by name: the inputs or the outputs of a task.
#[derive(Clone, PartialEq, prost::Message)]
pub struct LiteralMap {
    /// The literals, encoded sorted by key.
    #[prost(btree_map = "string, message", tag = "1")]
    pub literals: BTreeMap<String, Literal>,
}

impl Literal {
    /// Wraps a scalar value in a literal with no hash and no metadata.
    pub fn scalar(value: scalar::Value) -> Literal {
        Literal {
            value: Some(literal::Value::Scalar(Scalar { value: Some(value) })),
            ..Literal::default()
        }
    }

    /// Wraps a primitive value in a literal with no hash and no metadata.
    pub fn primitive(value: primitive::Value) -> Literal {
        Literal::scalar(scalar::Value::Primitive(Primitive { value: Some(value) }))
    }
}

impl Literal {
    /// Wraps a list of literals in a literal with no hash and no metadata.
    pub fn collection(literals: Vec<Literal>) -> Literal {
        Literal {
            value: Some(literal::Value::Collection(LiteralCollection { literals })),
            ..Literal::default()
        }
    }

    /// Wraps literals by key in a literal with no hash and no metadata.
    pub fn map(literals: BTreeMap<String, Literal>) -> Literal {
        Literal {
            value: Some(literal::Value::Map(LiteralMap { literals })),
            ..Literal::default()
        }
    }
}

impl Blob {
    /// Creates a blob of any format at `uri`.
    pub fn new(uri: String, dimensionality: blob_type::BlobDimensionality) -> Blob {
        let r#type = BlobType {
            format: String::new(),
            dimensionality: dimensionality.into(),
        };
        Blob {
            metadata: Some(BlobMetadata {
                r#type: Some(r#type),
            }),
            uri,
        }
    }
}
