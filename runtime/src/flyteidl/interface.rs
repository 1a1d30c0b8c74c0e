//! The package `flyteidl.core`: identifiers, types and typed interfaces, from
//! `flyteidl/core/identifier.proto`, `types.proto` and `interface.proto`.
//!
//! Field names and numbers follow `flyteidl` 1.16.8. Only the fields that the
//! Flyte export writes are defined; see the module documentation of
//! [`flyteidl`](super) for what that means when decoding.

use std::collections::BTreeMap;

use super::core::{BlobType, Literal};

/// The kind of entity an [`Identifier`] names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
#[repr(i32)]
pub enum ResourceType {
    /// No kind given.
    Unspecified = 0,
    /// A task.
    Task = 1,
    /// A workflow.
    Workflow = 2,
    /// A launch plan.
    LaunchPlan = 3,
    /// A dataset.
    Dataset = 4,
}

/// The name of a registered entity. Empty `project`, `domain` and `version`
/// are filled in by `flytectl register files`.
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct Identifier {
    /// A [`ResourceType`], as its number.
    #[prost(enumeration = "ResourceType", tag = "1")]
    pub resource_type: i32,
    /// The project.
    #[prost(string, tag = "2")]
    pub project: String,
    /// The domain, such as `development`.
    #[prost(string, tag = "3")]
    pub domain: String,
    /// The entity's name.
    #[prost(string, tag = "4")]
    pub name: String,
    /// The entity's version.
    #[prost(string, tag = "5")]
    pub version: String,
}

impl Identifier {
    /// Creates an identifier of `name` with an empty project, domain and version.
    pub fn unversioned(resource_type: ResourceType, name: &str) -> Identifier {
        Identifier {
            resource_type: resource_type.into(),
            name: name.to_owned(),
            ..Identifier::default()
        }
    }
}

/// A type that needs no parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
#[repr(i32)]
pub enum SimpleType {
    /// The type of the null value.
    None = 0,
    /// A 64-bit signed integer.
    Integer = 1,
    /// A 64-bit float.
    Float = 2,
    /// UTF-8 text.
    String = 3,
    /// A boolean.
    Boolean = 4,
    /// An instant.
    Datetime = 5,
    /// A span of time.
    Duration = 6,
    /// Tagged bytes.
    Binary = 7,
    /// An error of an upstream node.
    Error = 8,
    /// A JSON-like structure.
    Struct = 9,
}

/// The type of a [`Literal`].
#[derive(Clone, PartialEq, prost::Message)]
pub struct LiteralType {
    /// The type; `None` only in a message that set no field.
    // NOTE: `schema` (2), `enum_type` (7) and `structured_dataset_type` (8)
    // are left out, because no declared type maps to them.
    #[prost(oneof = "literal_type::Type", tags = "1, 3, 4, 5, 10")]
    pub r#type: Option<literal_type::Type>,
    /// The name of the type in the SDK that declared it, which distinguishes
    /// the variants of a union.
    // NOTE: `metadata` (6) and `annotation` (9) are left out, because the
    // export writes neither.
    #[prost(message, optional, tag = "11")]
    pub structure: Option<TypeStructure>,
}

/// The oneof of [`LiteralType`].
pub mod literal_type {
    /// The type of a [`LiteralType`](super::LiteralType).
    #[derive(Clone, PartialEq, prost::Oneof)]
    #[allow(
        clippy::enum_variant_names,
        reason = "`collection_type` and `map_value_type` are the field names in flyteidl"
    )]
    pub enum Type {
        /// A [`SimpleType`](super::SimpleType), as its number.
        #[prost(enumeration = "super::SimpleType", tag = "1")]
        Simple(i32),
        /// A list whose elements have this type.
        #[prost(message, tag = "3")]
        CollectionType(Box<super::LiteralType>),
        /// A map from strings to values of this type.
        #[prost(message, tag = "4")]
        MapValueType(Box<super::LiteralType>),
        /// A file or a directory.
        #[prost(message, tag = "5")]
        Blob(super::BlobType),
        /// A value of one of several types.
        #[prost(message, tag = "10")]
        UnionType(super::UnionType),
    }
}

/// The types a union's value may have.
#[derive(Clone, PartialEq, prost::Message)]
pub struct UnionType {
    /// The types, each with a [`TypeStructure`] tag that names it.
    #[prost(message, repeated, tag = "1")]
    pub variants: Vec<LiteralType>,
}

/// The name of a type in the SDK that declared it.
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct TypeStructure {
    /// The name, unique among the variants of a union.
    // NOTE: `dataclass_type` (2) is left out, because it describes Python
    // dataclasses only.
    #[prost(string, tag = "1")]
    pub tag: String,
}

impl LiteralType {
    /// Creates a type with no parameters.
    pub fn simple(simple: SimpleType) -> LiteralType {
        LiteralType {
            r#type: Some(literal_type::Type::Simple(simple.into())),
            structure: None,
        }
    }
}

/// A named input or output of a task or a workflow.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Variable {
    /// The type.
    #[prost(message, optional, tag = "1")]
    pub r#type: Option<LiteralType>,
    /// A description for people.
    #[prost(string, tag = "2")]
    pub description: String,
}

/// Variables by name.
#[derive(Clone, PartialEq, prost::Message)]
pub struct VariableMap {
    /// The variables, encoded sorted by name.
    #[prost(btree_map = "string, message", tag = "1")]
    pub variables: BTreeMap<String, Variable>,
}

/// The inputs and outputs of a task or a workflow.
#[derive(Clone, PartialEq, prost::Message)]
pub struct TypedInterface {
    /// The inputs.
    #[prost(message, optional, tag = "1")]
    pub inputs: Option<VariableMap>,
    /// The outputs.
    #[prost(message, optional, tag = "2")]
    pub outputs: Option<VariableMap>,
}

/// An input of a launch plan: its variable and its default or whether it is required.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Parameter {
    /// The variable.
    #[prost(message, optional, tag = "1")]
    pub var: Option<Variable>,
    /// The default value, or that no default exists.
    #[prost(oneof = "parameter::Behavior", tags = "2, 3")]
    pub behavior: Option<parameter::Behavior>,
}

/// The oneof of [`Parameter`].
pub mod parameter {
    /// The source of the value of a [`Parameter`](super::Parameter) when a
    /// launch does not give one.
    #[derive(Clone, PartialEq, prost::Oneof)]
    pub enum Behavior {
        /// The value used when a launch gives none.
        #[prost(message, tag = "2")]
        Default(super::Literal),
        /// Whether a launch must give a value.
        #[prost(bool, tag = "3")]
        Required(bool),
    }
}

/// Parameters by name.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ParameterMap {
    /// The parameters, encoded sorted by name.
    #[prost(btree_map = "string, message", tag = "1")]
    pub parameters: BTreeMap<String, Parameter>,
}
