//! Runs jobs as Docker containers through bollard.

use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bollard::query_parameters::ListContainersOptions;
use bollard::Docker;
use chrono::Utc;
use futures::future::BoxFuture;
use tempfile::TempDir;

use crate::container::{remove_container, short_id, Removals, TASK_OUTPUT_TARGET};
use crate::error::Error;
use crate::executor::{Attempt, AttemptDetails, Executor, Job};
use crate::identity::ProcessIdentity;
use crate::image::ImageCache;
use crate::{orphans, permissions};

/// Runs each job as a Docker container.
///
/// Each job gets a host directory under the executor's work directory, with
/// its inputs staged in `inputs/` and the command's results in `outputs/`,
/// in the layout of Flyte's raw-container protocol. The container is removed
/// when the job ends, also when it fails and when the `execute` future is
/// dropped early.
///
/// `File` and `Dir` outputs point into the work directory. With the default
/// work directory they stay valid as long as the executor lives. After each
/// attempt, the modes under `outputs/` are widened so that any user can read
/// what the container wrote: directories to at least `0755`, files to at
/// least `0644`.
///
/// A scalar output file may hold at most 1 MiB; a larger one fails the
/// attempt with [`Error::OutputTooLarge`]. Write large data to a `File`.
///
/// Every container carries labels with the run id, the node name, the
/// attempt, and the process id, start time and host name of this process.
/// A temporary work directory names the process in a `.containerflow-owner`
/// file. When an executor connects, it removes the containers and temporary
/// work directories of runs on the same host whose process is gone, such as
/// a run killed with `kill -9`.
///
/// Secret values are masked as `***` in the container output that is logged
/// or saved, in error messages and in [`AttemptDetails`].
///
/// NOTE: bollard logs the body of each API request at `debug` level through
/// the `log` crate, and the create request contains the secret values as
/// container environment. Keep the `bollard` target at `info` or above in
/// any logger that forwards `log` records.
///
/// # Examples
///
/// ```no_run
/// use containerflow_runtime::DockerExecutor;
///
/// # async fn example() -> Result<(), containerflow_runtime::Error> {
/// let executor = DockerExecutor::builder()
///     .work_dir("/var/tmp/containerflow")
///     .label("team", "data")
///     .connect()
///     .await?;
/// println!("containers of this run carry the label containerflow.run={}", executor.run_id());
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct DockerExecutor {
    pub(crate) docker: Docker,
    run_id: String,
    pub(crate) work_root: PathBuf,
    /// The labels of every container: the builder's, then the engine's.
    pub(crate) labels: HashMap<String, String>,
    pub(crate) sequence: AtomicU64,
    pub(crate) images: ImageCache,
    /// The removals of containers of dropped attempts.
    pub(crate) removals: Removals,
    /// The default work directory, removed when the executor is dropped.
    temp_dir: Option<TempDir>,
    /// The daemon address the builder was given, to reconnect from `Drop`.
    docker_host: Option<String>,
}

/// Settings of a [`DockerExecutor`], applied by [`connect`](Self::connect).
#[derive(Debug, Clone)]
pub struct DockerExecutorBuilder {
    docker_host: Option<String>,
    work_dir: Option<PathBuf>,
    request_timeout: Option<Duration>,
    labels: HashMap<String, String>,
    remove_orphans: bool,
}

impl Default for DockerExecutorBuilder {
    fn default() -> Self {
        DockerExecutorBuilder {
            docker_host: None,
            work_dir: None,
            request_timeout: None,
            labels: HashMap::new(),
            remove_orphans: true,
        }
    }
}

impl DockerExecutorBuilder {
    /// Sets the daemon address, such as `unix:///run/podman/podman.sock` or
    /// `tcp://127.0.0.1:2375`. By default `DOCKER_HOST` is used when it is
    /// set, and the local socket otherwise.
    pub fn docker_host(mut self, host: impl Into<String>) -> Self {
        self.docker_host = Some(host.into());
        self
    }

    /// Sets the host directory under which each job gets its directory. It
    /// is created if missing and is not removed when the executor is dropped.
    /// By default a new temporary directory is used and removed on drop.
    pub fn work_dir(mut self, path: impl Into<PathBuf>) -> Self {
        self.work_dir = Some(path.into());
        self
    }

    /// Sets the timeout of each Docker API request, 120 s by default.
    ///
    /// It limits the time until the daemon starts to respond, so it does not
    /// limit how long a container runs. The daemon responds to the wait and
    /// log requests at once and streams the result when the container exits,
    /// as the test `job_outlives_request_timeout` checks on Docker 20.10.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = Some(timeout);
        self
    }

    /// Adds a label to every container the executor creates. A key that the
    /// executor sets itself, such as [`DockerExecutor::RUN_LABEL`], keeps the
    /// executor's value.
    pub fn label(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.labels.insert(key.into(), value.into());
        self
    }

    /// Sets whether [`connect`](Self::connect) removes the containers of dead
    /// runs on this host, with their temporary work directories. On by
    /// default. Turn it off where another process should decide, as in tests
    /// that look at such containers.
    pub fn remove_orphans(mut self, remove: bool) -> Self {
        self.remove_orphans = remove;
        self
    }

    /// Connects to the daemon, negotiates the API version, creates the work
    /// directory, and removes the containers of dead runs on this host.
    ///
    /// # Errors
    ///
    /// [`Error::DockerConnect`] when the daemon does not respond, and
    /// [`Error::WorkDir`] when the work directory cannot be created.
    pub async fn connect(self) -> Result<DockerExecutor, Error> {
        let docker = match &self.docker_host {
            Some(host) => Docker::connect_with_host(host),
            None => Docker::connect_with_defaults(),
        };
        let connect_error = |source| Error::DockerConnect { source };
        let mut docker = docker.map_err(connect_error)?;
        if let Some(timeout) = self.request_timeout {
            docker = docker.with_timeout(timeout);
        }
        // bollard starts at its newest API version, which older daemons reject.
        let docker = docker.negotiate_version().await.map_err(connect_error)?;
        docker.ping().await.map_err(connect_error)?;

        let identity = ProcessIdentity::current();
        if self.remove_orphans {
            orphans::remove_orphans(&docker, identity).await;
            let sweep = move || orphans::remove_dead_work_dirs(&std::env::temp_dir(), identity);
            let _ = tokio::task::spawn_blocking(sweep).await;
        }
        let (work_root, temp_dir) = create_work_root(self.work_dir, identity)?;
        let run_id = new_run_id();
        let mut labels = self.labels;
        labels.extend(engine_labels(
            identity,
            &run_id,
            temp_dir.is_some(),
            &work_root,
        ));
        tracing::debug!(run = %run_id, work_dir = %work_root.display(), "connected to Docker");
        Ok(DockerExecutor {
            docker,
            run_id,
            work_root,
            labels,
            sequence: AtomicU64::new(0),
            images: ImageCache::default(),
            removals: Removals::default(),
            temp_dir,
            docker_host: self.docker_host,
        })
    }
}

/// Returns the labels that every container of a new executor carries.
fn engine_labels(
    identity: &ProcessIdentity,
    run_id: &str,
    is_temp_dir: bool,
    work_root: &Path,
) -> Vec<(String, String)> {
    let mut labels = vec![
        (
            DockerExecutor::ENGINE_LABEL,
            DockerExecutor::ENGINE.to_owned(),
        ),
        (DockerExecutor::RUN_LABEL, run_id.to_owned()),
        (DockerExecutor::PID_LABEL, identity.pid.to_string()),
        (DockerExecutor::HOST_LABEL, identity.host.clone()),
    ];
    if let Some(start_time) = identity.start_time {
        labels.push((DockerExecutor::PID_START_LABEL, start_time.to_string()));
    }
    // Only a directory the executor created is removed with a dead run's
    // containers; a directory the caller chose is the caller's.
    if is_temp_dir && orphans::is_own_temp_dir(work_root) {
        let path = work_root.to_string_lossy().into_owned();
        labels.push((DockerExecutor::WORK_DIR_LABEL, path));
    }
    labels
        .into_iter()
        .map(|(key, value)| (key.to_owned(), value))
        .collect()
}

impl DockerExecutor {
    /// Label that marks every container of this engine, with the value
    /// [`ENGINE`](Self::ENGINE). List them with
    /// `docker ps -a --filter label=containerflow.engine=containerflow`.
    pub const ENGINE_LABEL: &'static str = "containerflow.engine";

    /// Value of [`ENGINE_LABEL`](Self::ENGINE_LABEL).
    pub const ENGINE: &'static str = "containerflow";

    /// Label with the run id of the executor that created a container.
    pub const RUN_LABEL: &'static str = "containerflow.run";

    /// Label with the node name of the job a container runs.
    pub const TASK_LABEL: &'static str = "containerflow.task";

    /// Label with the attempt number of the job a container runs, from 1.
    pub const ATTEMPT_LABEL: &'static str = "containerflow.attempt";

    /// Label with the process id of the process that created a container.
    pub const PID_LABEL: &'static str = "containerflow.pid";

    /// Label with the start time of that process, in clock ticks since boot
    /// (field 22 of `/proc/<pid>/stat`), which distinguishes a reused process
    /// id from the original. Missing where `/proc` is not available.
    pub const PID_START_LABEL: &'static str = "containerflow.pid_start";

    /// Label with the host name of the host that created a container.
    pub const HOST_LABEL: &'static str = "containerflow.host";

    /// Label with the work directory, set only when the executor created it
    /// as a temporary directory and removes it.
    pub const WORK_DIR_LABEL: &'static str = "containerflow.work_dir";

    /// The `tracing` target of the lines a container prints, logged at `INFO`
    /// with the fields `task` (the node name) and `stream` (`stdout` or `stderr`).
    pub const OUTPUT_TARGET: &'static str = TASK_OUTPUT_TARGET;

    /// Connects to the daemon at `DOCKER_HOST`, or the local socket, with
    /// default settings. See [`builder`](Self::builder) for the settings.
    ///
    /// # Errors
    ///
    /// As [`DockerExecutorBuilder::connect`].
    pub async fn connect() -> Result<DockerExecutor, Error> {
        DockerExecutorBuilder::default().connect().await
    }

    /// Returns a builder to set the daemon address, work directory, request
    /// timeout, extra labels and the removal of dead runs' containers.
    pub fn builder() -> DockerExecutorBuilder {
        DockerExecutorBuilder::default()
    }

    /// Returns the id that this executor puts in the [`RUN_LABEL`](Self::RUN_LABEL) label of
    /// each container, unique per executor.
    pub fn run_id(&self) -> &str {
        &self.run_id
    }

    /// Returns the host directory under which jobs get their directories.
    /// A temporary one also contains the file `.containerflow-owner`.
    pub fn work_dir(&self) -> &Path {
        &self.work_root
    }
}

impl Executor for DockerExecutor {
    fn execute(&self, job: Job) -> BoxFuture<'_, Attempt> {
        Box::pin(async move {
            let started = Instant::now();
            let (node, attempt) = (job.node.clone(), job.attempt);
            let mut details = AttemptDetails::default();
            let result = self.run(job, &mut details).await;
            details.finished_at.get_or_insert_with(Utc::now);
            let container = details.container_id.as_deref().map_or("none", short_id);
            let elapsed_ms = started.elapsed().as_millis();
            match &result {
                Ok(_) => {
                    tracing::info!(task = %node, attempt, container, elapsed_ms, "task finished")
                }
                Err(error) => {
                    tracing::warn!(task = %node, attempt, container, elapsed_ms, error = %error, "task failed");
                }
            }
            Attempt { result, details }
        })
    }

    fn cleanup(&self) -> BoxFuture<'_, ()> {
        Box::pin(self.removals.wait())
    }
}

impl Drop for DockerExecutor {
    /// Removes the default work directory. `TempDir` would do that too, but
    /// it gives up on a directory without write permission for its owner,
    /// which a container may have left.
    fn drop(&mut self) {
        if self.removals.has_pending() {
            remove_run_containers_blocking(self.docker_host.clone(), &self.run_id);
        }
        if self.temp_dir.is_none() {
            return;
        }
        if let Err(error) = permissions::remove_tree(&self.work_root) {
            tracing::warn!(
                path = %self.work_root.display(),
                error = %error,
                "removing the work directory failed"
            );
        }
    }
}

/// Force-removes every container of the run `run_id`, on a thread with a
/// runtime of its own, and waits for it.
///
/// The executor calls it when it is dropped while removals it spawned for
/// dropped jobs have not finished: after a panic, or at the end of `main`,
/// the tokio runtime shuts down and cancels those tasks, and only this
/// blocking sweep still removes the containers.
fn remove_run_containers_blocking(docker_host: Option<String>, run_id: &str) {
    let label = format!("{}={run_id}", DockerExecutor::RUN_LABEL);
    let sweep = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|error| error.to_string())?;
        runtime.block_on(async {
            let docker = match &docker_host {
                Some(host) => Docker::connect_with_host(host),
                None => Docker::connect_with_defaults(),
            };
            let docker = docker.map_err(|error| error.to_string())?;
            let docker = docker
                .negotiate_version()
                .await
                .map_err(|error| error.to_string())?;
            let options = ListContainersOptions {
                all: true,
                filters: Some(HashMap::from([("label".to_owned(), vec![label])])),
                ..Default::default()
            };
            let containers = docker
                .list_containers(Some(options))
                .await
                .map_err(|error| error.to_string())?;
            for container in containers.into_iter().filter_map(|container| container.id) {
                remove_container(&docker, "", &container).await;
            }
            Ok::<(), String>(())
        })
    });
    match sweep.join() {
        Ok(Ok(())) => tracing::info!(run = %run_id, "removed the containers of dropped jobs"),
        Ok(Err(error)) => {
            tracing::warn!(run = %run_id, error = %error, "removing the containers of dropped jobs failed")
        }
        Err(_) => tracing::warn!(run = %run_id, "the container sweep thread panicked"),
    }
}

/// Creates the requested work directory, or a temporary one that names this
/// process in its owner file.
fn create_work_root(
    requested: Option<PathBuf>,
    identity: &ProcessIdentity,
) -> Result<(PathBuf, Option<TempDir>), Error> {
    let (path, temp_dir) = match requested {
        Some(path) => {
            std::fs::create_dir_all(&path).map_err(|source| Error::WorkDir {
                path: path.clone(),
                source,
            })?;
            (path, None)
        }
        None => {
            let temp_dir = tempfile::Builder::new()
                .prefix("containerflow-")
                .tempdir()
                .map_err(|source| Error::WorkDir {
                    path: std::env::temp_dir(),
                    source,
                })?;
            orphans::write_owner_file(temp_dir.path(), identity).map_err(|source| {
                Error::WorkDir {
                    path: temp_dir.path().to_owned(),
                    source,
                }
            })?;
            (temp_dir.path().to_owned(), Some(temp_dir))
        }
    };
    // Bind mounts need an absolute host path.
    let canonical = std::fs::canonicalize(&path).map_err(|source| Error::WorkDir {
        path: path.clone(),
        source,
    })?;
    Ok((canonical, temp_dir))
}

/// Returns 12 hex digits of a randomly seeded hash of the time, the process id
/// and a counter, so that two executors get the same id only by a 48-bit
/// chance collision.
fn new_run_id() -> String {
    static EXECUTORS: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
    );
    hasher.write_u32(std::process::id());
    hasher.write_u64(EXECUTORS.fetch_add(1, Ordering::Relaxed));
    format!("{:012x}", hasher.finish() >> 16)
}
