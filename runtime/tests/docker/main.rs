//! Tests of `DockerExecutor` against a real Docker daemon and the local
//! `busybox:1.35` image, which `scripts/provision.sh` builds.
//!
//! Each test uses its own executor, whose run id labels every container it
//! creates, so tests running in parallel can check that none of their own
//! containers is left behind.

#[macro_use]
mod common;

mod attempts;
mod collections;
mod failures;
mod limits;
mod logging;
mod orphans;
mod overhead;
mod paths;
mod secrets;
mod values;
