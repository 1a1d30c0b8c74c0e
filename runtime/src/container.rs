//! One container's life after creation: its output, its exit code, and its
//! removal on every path, including a dropped future.

use std::io;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use bollard::container::LogOutput;
use bollard::errors::Error as DockerError;
use bollard::models::{ContainerCreateBody, ContainerCreateResponse};
use bollard::query_parameters::{
    AttachContainerOptions, CreateContainerOptions, InspectContainerOptions, KillContainerOptions,
    RemoveContainerOptions, WaitContainerOptions,
};
use bollard::Docker;
use futures::StreamExt;
use tokio::runtime::Handle;
use tokio::task::JoinHandle;

use crate::error::Error;
use crate::logs::{LineCollector, LogFile, OutputStream};
use crate::secrets::Redactor;
use crate::stage::JobDir;

/// The `tracing` target of the lines a container prints.
pub(crate) const TASK_OUTPUT_TARGET: &str = "containerflow::task";

/// The container's stdout and stderr as the attach request delivers them.
pub(crate) type OutputStreamBody =
    std::pin::Pin<Box<dyn futures::Stream<Item = Result<LogOutput, DockerError>> + Send>>;

/// Attaches to the stdout and stderr of a container that has not started.
///
/// Attaching before the start loses no output, and the stream carries the
/// bytes exactly as the command wrote them. The log endpoint would not: the
/// json-file log driver stores each line as a JSON string, which turns
/// invalid UTF-8 into U+FFFD. The stream ends when the container stops.
pub(crate) async fn attach_output(
    docker: &Docker,
    node: &str,
    container: &str,
) -> Result<OutputStreamBody, Error> {
    let options = AttachContainerOptions {
        stream: true,
        stdout: true,
        stderr: true,
        ..Default::default()
    };
    let attached = docker
        .attach_container(container, Some(options))
        .await
        .map_err(|source| Error::Docker {
            task: node.to_owned(),
            operation: "attach to container",
            source,
        })?;
    Ok(attached.output)
}

/// Streams the container's stdout and stderr from `stream` to `tracing`, and
/// to `log_file` if given, until it ends, and returns the last lines.
/// Secrets are masked in every line first.
///
/// An error while streaming is logged and ends the stream, because the job's
/// result does not depend on it.
pub(crate) async fn follow_output(
    mut stream: OutputStreamBody,
    node: &str,
    container: &str,
    redactor: &Redactor,
    mut log_file: Option<&mut LogFile>,
) -> String {
    let mut lines = LineCollector::new(redactor.clone());
    let mut emit = |stream: OutputStream, line: &str| {
        tracing::info!(target: TASK_OUTPUT_TARGET, task = %node, stream = stream.name(), "{line}");
        if let Some(file) = log_file.as_deref_mut() {
            file.write_line(node, stream, line);
        }
    };
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(LogOutput::StdErr { message }) => {
                lines.push(OutputStream::Stderr, &message, &mut emit);
            }
            Ok(output) => lines.push(OutputStream::Stdout, &output.into_bytes(), &mut emit),
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
    lines.finish(&mut emit);
    if let Some(file) = log_file {
        file.flush(node);
    }
    lines.tail()
}

/// Sends SIGKILL to the container. Logs a failure instead of returning it,
/// because the removal that follows stops the container too.
pub(crate) async fn kill_container(docker: &Docker, node: &str, container: &str) {
    match docker
        .kill_container(container, None::<KillContainerOptions>)
        .await
    {
        Ok(()) => {}
        // 404: already removed. 409: no longer running.
        Err(DockerError::DockerResponseServerError {
            status_code: 404 | 409,
            ..
        }) => {}
        Err(error) => tracing::warn!(
            task = %node,
            container = %short_id(container),
            error = %error,
            "killing the container failed; it is removed next"
        ),
    }
}

/// Returns whether the kernel's out-of-memory killer stopped the container.
pub(crate) async fn was_oom_killed(
    docker: &Docker,
    node: &str,
    container: &str,
) -> Result<bool, Error> {
    let response = docker
        .inspect_container(container, None::<InspectContainerOptions>)
        .await
        .map_err(|source| Error::Docker {
            task: node.to_owned(),
            operation: "inspect container",
            source,
        })?;
    let state = response.state.unwrap_or_default();
    Ok(state.oom_killed.unwrap_or(false))
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

/// The removals that `Cleanup` spawned for dropped jobs, so that the
/// executor can wait for them.
#[derive(Debug, Clone, Default)]
pub(crate) struct Removals {
    tasks: Arc<Mutex<Vec<JoinHandle<()>>>>,
    /// Set when a job was dropped outside a tokio runtime, so no removal
    /// could be spawned for its container.
    abandoned: Arc<std::sync::atomic::AtomicBool>,
}

impl Removals {
    /// Returns true when a removal has not finished, or could not start.
    pub(crate) fn has_pending(&self) -> bool {
        self.abandoned.load(std::sync::atomic::Ordering::SeqCst)
            || self.lock().iter().any(|task| !task.is_finished())
    }

    fn track(&self, task: JoinHandle<()>) {
        let mut tasks = self.lock();
        tasks.retain(|task| !task.is_finished());
        tasks.push(task);
    }

    /// Waits until every tracked removal is done, including removals that
    /// start while it waits.
    pub(crate) async fn wait(&self) {
        loop {
            let tasks = std::mem::take(&mut *self.lock());
            if tasks.is_empty() {
                return;
            }
            for task in tasks {
                // A removal task only logs, so its panic is the only error,
                // and it has already been reported by the panic hook.
                let _ = task.await;
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<JoinHandle<()>>> {
        // Each operation leaves the list consistent, even if a holder panicked.
        self.tasks.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Removes a job's container and host directory when the job ends.
///
/// The executor calls [`finish`](Self::finish) on every path that returns.
/// When the job's future is dropped before that, `Drop` spawns a forced
/// removal on the current tokio runtime and registers it in [`Removals`].
#[derive(Debug)]
pub(crate) struct Cleanup {
    docker: Docker,
    removals: Removals,
    node: String,
    /// The create request in flight, if any.
    creating: Option<JoinHandle<Result<ContainerCreateResponse, DockerError>>>,
    /// The id of the created container.
    container: Option<String>,
    dir: Option<JobDir>,
}

impl Cleanup {
    pub(crate) fn new(docker: Docker, removals: Removals, node: &str, dir: JobDir) -> Cleanup {
        Cleanup {
            docker,
            removals,
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
            if creating.is_some() || container.is_some() {
                self.removals
                    .abandoned
                    .store(true, std::sync::atomic::Ordering::SeqCst);
            }
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
        let removal = runtime.spawn(async move {
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
        self.removals.track(removal);
    }
}

/// Force-removes a container with its anonymous volumes, and returns whether
/// it is gone. Logs a failure instead of returning it, because the job's
/// result does not depend on it.
pub(crate) async fn remove_container(docker: &Docker, node: &str, container: &str) -> bool {
    let options = RemoveContainerOptions {
        force: true,
        v: true,
        ..Default::default()
    };
    match docker.remove_container(container, Some(options)).await {
        Ok(()) => true,
        // 404: someone else removed it. 409: a removal is already in progress.
        Err(DockerError::DockerResponseServerError {
            status_code: 404 | 409,
            ..
        }) => true,
        Err(error) => {
            tracing::warn!(
                task = %node,
                container = %short_id(container),
                error = %error,
                "removing container failed; remove it with `docker rm -f`"
            );
            false
        }
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
