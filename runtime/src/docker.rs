//! Runs jobs as Docker containers through bollard.

/// Runs each job as a Docker container.
#[derive(Debug)]
pub struct DockerExecutor {}
