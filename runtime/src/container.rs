//! One container's life after creation: its output, its exit code, and its
//! removal on every path, including a dropped future.

use std::io;
use std::path::Path;

use bollard::errors::Error as DockerError;
use bollard::models::{ContainerCreateBody, ContainerCreateResponse};
use bollard::query_parameters::{
    CreateContainerOptions, LogsOptions, RemoveContainerOptions, WaitContainerOptions,
};
use bollard::Docker;
use futures::StreamExt;
use tokio::runtime::Handle;
use tokio::task::JoinHandle;

use crate::error::Error;
use crate::logs::{LineCollector, OutputStream};
use crate::stage::JobDir;

/// The `tracing` target of the lines a container prints.
pub(crate) const TASK_OUTPUT_TARGET: &str = "containerflow::task";

/// Streams the container's stdout and stderr to `tracing` until it exits,
/// and returns the last lines.
///
/// Called after the start: the json-file and local log drivers keep all
/// output, so lines printed before the request arrives are sent too, and the
/// stream ends when the container stops. An error while streaming is logged
/// and ends the stream, because the job's result does not depend on it.
pub(crate) async fn follow_logs(docker: &Docker, node: &str, container: &str) -> String {
    let options = LogsOptions {
        follow: true,
        stdout: true,
        stderr: true,
        ..Default::default()
    };
    let mut stream = docker.logs(container, Some(options));
    let mut lines = LineCollector::default();
    let emit = |stream: OutputStream, line: &str| {
        tracing::info!(target: TASK_OUTPUT_TARGET, task = %node, stream = stream.name(), "{line}");
    };
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(bollard::container::LogOutput::StdErr { message }) => {
                lines.push(OutputStream::Stderr, &message, emit);
            }
            Ok(output) => lines.push(OutputStream::Stdout, &output.into_bytes(), emit),
            Err(error) => {
                tracing::warn!(
                    task = %node,
                    container = %short_id(container),
                    error = %error,
                    "reading the container's output failed; later lines are missing from the log"
                );
                break;
            }
        }
    }
    lines.finish(emit);
    lines.tail()
}

/// Waits until the container stops and returns its exit code.
pub(crate) async fn wait_for_exit(
    docker: &Docker,
    node: &str,
    container: &str,
) -> Result<i64, Error> {
    let docker_error = |source| Error::Docker {
        task: node.to_owned(),
        operation: "wait for container",
        source,
    };
    let mut responses = docker.wait_container(container, None::<WaitContainerOptions>);
    match responses.next().await {
        Some(Ok(response)) => Ok(response.status_code),
        // bollard reports a non-zero exit code as an error.
        Some(Err(DockerError::DockerContainerWaitError { code, error })) => {
            if !error.is_empty() {
                tracing::warn!(task = %node, container = %short_id(container), error, "the daemon reported an error with the exit code");
            }
            Ok(code)
        }
        Some(Err(source)) => Err(docker_error(source)),
        None => Err(docker_error(DockerError::DockerStreamError {
            error: "the daemon closed the wait response without an exit code".to_owned(),
        })),
    }
}

/// Returns the first 12 hex digits of a container id, as `docker ps` shows it.
pub(crate) fn short_id(id: &str) -> &str {
    &id[..id.len().min(12)]
}

/// Removes a job's container and host directory when the job ends.
///
/// The executor calls [`finish`](Self::finish) on every path that returns.
/// When the job's future is dropped before that, `Drop` spawns a forced
/// removal on the current tokio runtime.
#[derive(Debug)]
pub(crate) struct Cleanup {
    docker: Docker,
    node: String,
    /// The create request in flight, if any.
    creating: Option<JoinHandle<Result<ContainerCreateResponse, DockerError>>>,
    /// The id of the created container.
    container: Option<String>,
    dir: Option<JobDir>,
}

impl Cleanup {
    pub(crate) fn new(docker: Docker, node: &str, dir: JobDir) -> Cleanup {
        Cleanup {
            docker,
            node: node.to_owned(),
            creating: None,
            container: None,
            dir: Some(dir),
        }
    }

    /// Creates a container and records it for removal.
    ///
    /// The request runs as a task of its own. The daemon finishes creating a
    /// container even when the client goes away, so if the job is dropped
    /// during the request, `Drop` waits for that task and removes the
    /// container it created.
    pub(crate) async fn create_container(
        &mut self,
        options: CreateContainerOptions,
        config: ContainerCreateBody,
    ) -> Result<ContainerCreateResponse, DockerError> {
        let docker = self.docker.clone();
        let request =
            tokio::spawn(async move { docker.create_container(Some(options), config).await });
        let creating = self.creating.insert(request);
        let created = match creating.await {
            Ok(created) => created,
            Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
            Err(error) => Err(DockerError::from(io::Error::other(error))),
        };
        self.creating = None;
        if let Ok(response) = &created {
            self.container = Some(response.id.clone());
        }
        created
    }

    /// Removes the container, if any, and returns the job directory.
    pub(crate) async fn finish(mut self) -> JobDir {
        if let Some(container) = &self.container {
            remove_container(&self.docker, &self.node, container).await;
            // Cleared only now, so that `Drop` removes the container if this
            // future is dropped while the removal request is pending.
            self.container = None;
        }
        self.dir
            .take()
            .expect("the directory is set in `new` and taken only here")
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        let (creating, container) = (self.creating.take(), self.container.take());
        let dir = self.dir.take();
        if creating.is_none() && container.is_none() && dir.is_none() {
            return;
        }
        let node = self.node.clone();
        let Ok(runtime) = Handle::try_current() else {
            if creating.is_some() {
                tracing::warn!(
                    task = %node,
                    "job dropped outside a tokio runtime while its container was being \
                     created, so the container may be left behind; remove it with `docker rm -f`"
                );
            }
            if let Some(container) = &container {
                tracing::warn!(
                    task = %node,
                    container = %short_id(container),
                    "job dropped outside a tokio runtime, so its container is left behind; \
                     remove it with `docker rm -f`"
                );
            }
            if let Some(dir) = dir {
                dir.remove(false);
            }
            return;
        };
        tracing::info!(task = %node, "job dropped before it finished; removing its container");
        let docker = self.docker.clone();
        runtime.spawn(async move {
            let created = match creating {
                Some(request) => request.await.ok().and_then(Result::ok),
                None => None,
            };
            if let Some(container) = container.or(created.map(|response| response.id)) {
                remove_container(&docker, &node, &container).await;
            }
            if let Some(dir) = dir {
                let _ = tokio::task::spawn_blocking(move || dir.remove(false)).await;
            }
        });
    }
}

/// Force-removes a container with its anonymous volumes. Logs a failure
/// instead of returning it, because the job's result does not depend on it.
async fn remove_container(docker: &Docker, node: &str, container: &str) {
    let options = RemoveContainerOptions {
        force: true,
        v: true,
        ..Default::default()
    };
    match docker.remove_container(container, Some(options)).await {
        Ok(()) => {}
        // 404: someone else removed it. 409: a removal is already in progress.
        Err(DockerError::DockerResponseServerError {
            status_code: 404 | 409,
            ..
        }) => {}
        Err(error) => tracing::warn!(
            task = %node,
            container = %short_id(container),
            error = %error,
            "removing container failed; remove it with `docker rm -f`"
        ),
    }
}

/// Runs file system work on tokio's blocking pool.
///
/// # Panics
///
/// Resumes the panic of `work`, if it panics.
pub(crate) async fn run_blocking<T: Send + 'static>(
    node: &str,
    work_root: &Path,
    work: impl FnOnce() -> Result<T, Error> + Send + 'static,
) -> Result<T, Error> {
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => result,
        Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
        Err(error) => Err(Error::Io {
            task: node.to_owned(),
            action: "staging files in",
            path: work_root.to_owned(),
            source: io::Error::other(error),
        }),
    }
}
