//! Messages of Flyte's IDL, the protobuf package `flyteidl`, for `prost`.
//!
//! The structs are written by hand, because no `protoc` is available to
//! generate them. Each message, field, oneof and enum value has the name and
//! the field number of the `.proto` files in the `flyteidl` package 1.16.8, so
//! that the bytes `prost` writes are the bytes Flyte's own code writes for the
//! same message. `google.protobuf` messages come from `prost-types`, and the
//! wrapper `google.protobuf.BoolValue` is prost's `Option<bool>`.
//!
//! Only the messages and fields that containerflow writes are defined. A
//! decoder skips the fields it does not know, so decoding a message that sets
//! other fields loses them.
//!
//! Maps are `BTreeMap`s, so entries are encoded sorted by key. This is the
//! order of the deterministic serialization in Flyte's Go and Python code;
//! their default serialization leaves the order of map entries unspecified.
//!
//! The `flyteidl2` crate (2.0.53 on crates.io) was considered instead and not
//! used: it is generated for Flyte 2, whose packages are `flyteidl2.*` and
//! which has no `WorkflowTemplate`, workflow `Node`, `ArrayNode` or the admin
//! `TaskSpec`, `WorkflowSpec` and `LaunchPlan` that a registration package
//! holds, so the export would need these definitions anyway. It also depends
//! on prost 0.13 beside our 0.14, on `pyo3`, `protobuf`, `prost-build` and
//! `pbjson` at run time, which every build of the runtime would then compile.

pub(crate) mod admin;
pub(crate) mod core;
pub(crate) mod interface;
pub(crate) mod tasks;
pub(crate) mod workflow;
