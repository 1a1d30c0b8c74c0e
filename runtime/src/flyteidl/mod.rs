//! Messages of Flyte's IDL, the protobuf package `flyteidl`, for `prost`.
//!
//! The structs are written by hand, because no `protoc` is available to
//! generate them. Each message, field, oneof and enum value has the name and
//! the field number of the `.proto` files in the `flyteidl` package 1.16.8, so
//! that the bytes `prost` writes are the bytes Flyte's own code writes for the
//! same message. `google.protobuf` messages come from `prost-types`.
//!
//! Maps are `BTreeMap`s, so entries are encoded sorted by key. This is the
//! order of the deterministic serialization in Flyte's Go and Python code;
//! their default serialization leaves the order of map entries unspecified.

pub(crate) mod core;
