//! Runs jobs as Docker containers through bollard.

use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bollard::errors::Error as DockerError;
use bollard::models::{ContainerCreateBody, HostConfig, Mount, MountType};
use bollard::query_parameters::{CreateContainerOptions, StartContainerOptions};
use bollard::Docker;
use futures::future::BoxFuture;
use tempfile::TempDir;

use crate::container::{
    follow_logs, run_blocking, short_id, wait_for_exit, Cleanup, TASK_OUTPUT_TARGET,
};
use crate::error::Error;
use crate::executor::{Attempt, Executor, Job};
use crate::image::ImageCache;
use crate::outputs;
use crate::spec::TaskSpec;
use crate::stage::{self, BindMount, StagedJob};
use crate::value::Value;

/// Runs each job as a Docker container.
///
/// Each job gets a host directory under the executor's work directory, with
/// its inputs staged in `inputs/` and the command's results in `outputs/`,
/// in the layout of Flyte's raw-container protocol. The container is removed
/// when the job ends, also when it fails and when the `execute` future is
/// dropped early.
///
/// `File` and `Dir` outputs point into the work directory. With the default
/// work directory they stay valid as long as the executor lives.
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
    docker: Docker,
    run_id: String,
    work_root: PathBuf,
    labels: HashMap<String, String>,
    sequence: AtomicU64,
    images: ImageCache,
    /// The default work directory, removed when the executor is dropped.
    _temp_dir: Option<TempDir>,
}

/// Settings of a [`DockerExecutor`], applied by [`connect`](Self::connect).
#[derive(Debug, Clone, Default)]
pub struct DockerExecutorBuilder {
    docker_host: Option<String>,
    work_dir: Option<PathBuf>,
    request_timeout: Option<Duration>,
    labels: HashMap<String, String>,
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

    /// Adds a label to every container the executor creates.
    pub fn label(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.labels.insert(key.into(), value.into());
        self
    }

    /// Connects to the daemon, negotiates the API version and creates the
    /// work directory.
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

        let (work_root, temp_dir) = create_work_root(self.work_dir)?;
        let run_id = new_run_id();
        tracing::debug!(run = %run_id, work_dir = %work_root.display(), "connected to Docker");
        Ok(DockerExecutor {
            docker,
            run_id,
            work_root,
            labels: self.labels,
            sequence: AtomicU64::new(0),
            images: ImageCache::default(),
            _temp_dir: temp_dir,
        })
    }
}

impl DockerExecutor {
    /// Label with the run id of the executor that created a container.
    pub const RUN_LABEL: &'static str = "containerflow.run";

    /// Label with the node name of the job a container runs.
    pub const TASK_LABEL: &'static str = "containerflow.task";

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
    /// timeout and extra labels.
    pub fn builder() -> DockerExecutorBuilder {
        DockerExecutorBuilder::default()
    }

    /// Returns the id that this executor puts in the [`RUN_LABEL`](Self::RUN_LABEL) label of
    /// each container, unique per executor.
    pub fn run_id(&self) -> &str {
        &self.run_id
    }

    /// Returns the host directory under which jobs get their directories.
    pub fn work_dir(&self) -> &Path {
        &self.work_root
    }

    /// Runs a job and stores the id of its container, once created, in
    /// `container`.
    async fn run(&self, job: Job, container: &mut Option<String>) -> Result<Vec<Value>, Error> {
        let Job {
            node, spec, inputs, ..
        } = job;
        let sequence = self.sequence.fetch_add(1, Ordering::Relaxed);
        let staged = run_blocking(&node, &self.work_root, {
            let (node, work_root) = (node.clone(), self.work_root.clone());
            move || stage::stage(&node, spec, &inputs, &work_root, sequence)
        })
        .await?;

        let StagedJob {
            dir,
            mounts,
            entrypoint,
            cmd,
        } = staged;
        let mut cleanup = Cleanup::new(self.docker.clone(), &node, dir);
        let config = || self.container_config(&node, spec, &mounts, &entrypoint, &cmd);
        let name = format!(
            "containerflow-{}-{}-{sequence}",
            stage::sanitize_name(&node),
            self.run_id
        );
        let exit = self
            .run_container(&node, spec, &name, config, &mut cleanup, container)
            .await;
        let dir = cleanup.finish().await;

        run_blocking(&node, &self.work_root, {
            let node = node.clone();
            move || match exit {
                Ok(exit) => outputs::finish_job(&node, spec, dir, exit.code, exit.log_tail),
                Err(error) => {
                    dir.remove(false);
                    Err(error)
                }
            }
        })
        .await
    }

    /// Creates, starts and waits for the container of a job.
    async fn run_container(
        &self,
        node: &str,
        spec: &TaskSpec,
        name: &str,
        config: impl Fn() -> ContainerCreateBody,
        cleanup: &mut Cleanup,
        container: &mut Option<String>,
    ) -> Result<Exit, Error> {
        self.images.ensure(&self.docker, node, spec.image).await?;
        let id = self
            .create_container(node, spec.image, name, config, cleanup)
            .await?;
        *container = Some(id.clone());
        self.docker
            .start_container(&id, None::<StartContainerOptions>)
            .await
            .map_err(|source| docker_error(node, "start container", source))?;
        tracing::info!(task = %node, container = %short_id(&id), "task started");

        let (log_tail, code) = tokio::join!(
            follow_logs(&self.docker, node, &id),
            wait_for_exit(&self.docker, node, &id)
        );
        Ok(Exit {
            code: code?,
            log_tail,
        })
    }

    /// Creates the container. When the daemon no longer has the image, which
    /// happens when someone removed it after this executor checked it, the
    /// image is checked again, pulled if needed, and creation is retried once.
    async fn create_container(
        &self,
        node: &str,
        image: &str,
        name: &str,
        config: impl Fn() -> ContainerCreateBody,
        cleanup: &mut Cleanup,
    ) -> Result<String, Error> {
        let options = || CreateContainerOptions {
            name: Some(name.to_owned()),
            ..Default::default()
        };
        let mut created = cleanup.create_container(options(), config()).await;
        if let Err(DockerError::DockerResponseServerError {
            status_code: 404, ..
        }) = created
        {
            self.images.forget(image);
            self.images.ensure(&self.docker, node, image).await?;
            created = cleanup.create_container(options(), config()).await;
        }
        let response = created.map_err(|source| docker_error(node, "create container", source))?;
        for warning in &response.warnings {
            tracing::warn!(
                task = %node,
                container = %short_id(&response.id),
                warning,
                "the daemon warned on create"
            );
        }
        Ok(response.id)
    }

    fn container_config(
        &self,
        node: &str,
        spec: &TaskSpec,
        mounts: &[BindMount],
        entrypoint: &[String],
        cmd: &[String],
    ) -> ContainerCreateBody {
        let mut labels = self.labels.clone();
        labels.insert(Self::RUN_LABEL.to_owned(), self.run_id.clone());
        labels.insert(Self::TASK_LABEL.to_owned(), node.to_owned());
        let mounts = mounts
            .iter()
            .map(|mount| Mount {
                source: Some(mount.source.clone()),
                target: Some(mount.target.clone()),
                typ: Some(MountType::BIND),
                read_only: Some(mount.read_only),
                ..Default::default()
            })
            .collect();
        let env = spec
            .env
            .iter()
            .map(|(key, value)| format!("{key}={value}"))
            .collect();
        ContainerCreateBody {
            image: Some(spec.image.to_owned()),
            // An entry point given in the request also replaces the image's
            // default command, as a Kubernetes `command` does.
            entrypoint: (!entrypoint.is_empty()).then(|| entrypoint.to_vec()),
            cmd: (!cmd.is_empty()).then(|| cmd.to_vec()),
            env: Some(env),
            labels: Some(labels),
            host_config: Some(HostConfig {
                mounts: Some(mounts),
                network_mode: spec.block_network.then(|| "none".to_owned()),
                ..Default::default()
            }),
            ..Default::default()
        }
    }
}

/// The exit code and last output lines of a finished container.
struct Exit {
    code: i64,
    log_tail: String,
}

fn docker_error(node: &str, operation: &'static str, source: DockerError) -> Error {
    Error::Docker {
        task: node.to_owned(),
        operation,
        source,
    }
}

impl Executor for DockerExecutor {
    fn execute(&self, job: Job) -> BoxFuture<'_, Attempt> {
        Box::pin(async move {
            let started = Instant::now();
            let node = job.node.clone();
            let mut container = None;
            let result = self.run(job, &mut container).await;
            let container = container.as_deref().map_or("none", short_id);
            let elapsed_ms = started.elapsed().as_millis();
            match &result {
                Ok(_) => {
                    tracing::info!(task = %node, container = %container, elapsed_ms, "task finished")
                }
                Err(error) => {
                    tracing::warn!(task = %node, container = %container, elapsed_ms, error = %error, "task failed");
                }
            }
            // TODO: fill the attempt details (container, image id, argv, exit code, times).
            Attempt::from_result(result)
        })
    }
}

fn create_work_root(requested: Option<PathBuf>) -> Result<(PathBuf, Option<TempDir>), Error> {
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
