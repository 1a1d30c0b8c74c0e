//! One attempt of a job on Docker: staging, the container's life, and the
//! result, with the attempt's details recorded as far as it gets.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::Duration;

use bollard::errors::Error as DockerError;
use bollard::models::ContainerCreateBody;
use bollard::query_parameters::{CreateContainerOptions, StartContainerOptions};
use chrono::Utc;

use crate::config::ContainerRequest;
use crate::container::{
    attach_output, follow_output, kill_container, run_blocking, short_id, wait_for_exit,
    was_oom_killed, Cleanup,
};
use crate::docker::DockerExecutor;
use crate::error::Error;
use crate::executor::{AttemptDetails, Job};
use crate::logs::LogFile;
use crate::outputs;
use crate::secrets::{self, Redactor};
use crate::spec::TaskSpec;
use crate::stage::{self, StagedJob};
use crate::value::Value;

/// The exit code that a container gets when its main process is killed
/// with SIGKILL: 128 + 9.
const SIGKILL_EXIT_CODE: i64 = 137;

/// How long to wait, after killing a container that timed out, for its
/// output to end and its exit code to arrive. The daemon reports both
/// within moments; the bound only guards against one that does not.
const KILL_GRACE: Duration = Duration::from_secs(10);

/// The exit code and last output lines of a finished container.
struct Exit {
    code: i64,
    log_tail: String,
}

/// The secrets, staged job and log file, ready before the container is created.
struct Prepared {
    staged: StagedJob,
    secrets: Vec<(String, String)>,
    log_file: Option<LogFile>,
}

impl DockerExecutor {
    /// Runs one attempt of `job` and records in `details` how far it got.
    pub(crate) async fn run(
        &self,
        job: Job,
        details: &mut AttemptDetails,
    ) -> Result<Vec<Value>, Error> {
        let Job {
            node,
            spec,
            inputs,
            attempt,
            settings,
            env,
            log_file,
            ..
        } = job;
        details.image = Some(spec.image.to_owned());
        let sequence = self.sequence.fetch_add(1, Ordering::Relaxed);
        let prepared = run_blocking(&node, &self.work_root, {
            let (node, work_root) = (node.clone(), self.work_root.clone());
            move || prepare(&node, spec, &inputs, &work_root, sequence, log_file)
        })
        .await?;

        let Prepared {
            staged,
            secrets,
            mut log_file,
        } = prepared;
        let StagedJob {
            dir,
            mounts,
            entrypoint,
            cmd,
        } = staged;
        let redactor = Redactor::new(&secrets);
        let argv = entrypoint.iter().chain(&cmd);
        details.command = argv.map(|arg| redactor.redact(arg).into_owned()).collect();

        let mut cleanup = Cleanup::new(self.docker.clone(), self.removals.clone(), &node, dir);
        let request = ContainerRequest {
            spec,
            settings: &settings,
            labels: &self.labels,
            job_labels: [
                (Self::TASK_LABEL, node.clone()),
                (Self::ATTEMPT_LABEL, attempt.to_string()),
            ],
            env: &env,
            secrets: &secrets,
            mounts: &mounts,
            entrypoint: &entrypoint,
            cmd: &cmd,
        };
        let name = format!(
            "containerflow-{}-{}-{sequence}",
            stage::sanitize_name(&node),
            self.run_id()
        );
        let container = RunningContainer {
            node: &node,
            request: &request,
            redactor: &redactor,
        };
        let exit = self
            .run_container(&container, &name, log_file.as_mut(), &mut cleanup, details)
            .await;
        let dir = cleanup.finish().await;

        run_blocking(&node, &self.work_root, {
            let node = node.clone();
            move || match exit {
                Ok(exit) => {
                    outputs::finish_job(&node, spec, dir, exit.code, exit.log_tail, &redactor)
                }
                Err(error) => {
                    dir.remove(false);
                    Err(error)
                }
            }
        })
        .await
    }

    /// Creates, starts and waits for the container of a job, killing it when
    /// it runs past its timeout.
    async fn run_container(
        &self,
        container: &RunningContainer<'_>,
        name: &str,
        log_file: Option<&mut LogFile>,
        cleanup: &mut Cleanup,
        details: &mut AttemptDetails,
    ) -> Result<Exit, Error> {
        let RunningContainer {
            node,
            request,
            redactor,
        } = *container;
        let image = request.spec.image;
        details.image_id = Some(self.images.ensure(&self.docker, node, image).await?);
        let id = self
            .create_container(node, image, name, || request.body(), cleanup, details)
            .await?;
        details.container_id = Some(id.clone());
        let output = attach_output(&self.docker, node, &id).await?;
        self.docker
            .start_container(&id, None::<StartContainerOptions>)
            .await
            .map_err(|source| docker_error(node, "start container", source))?;
        details.started_at = Some(Utc::now());
        tracing::info!(task = %node, container = %short_id(&id), "task started");

        let finished = async {
            tokio::join!(
                follow_output(output, node, &id, redactor, log_file),
                wait_for_exit(&self.docker, node, &id)
            )
        };
        let (log_tail, code) = match request.settings.timeout {
            None => finished.await,
            Some(timeout) => {
                tokio::pin!(finished);
                tokio::select! {
                    finished = &mut finished => finished,
                    () = tokio::time::sleep(timeout) => {
                        kill_container(&self.docker, node, &id).await;
                        if let Ok((_, Ok(code))) = tokio::time::timeout(KILL_GRACE, finished).await {
                            details.exit_code = Some(code);
                        }
                        details.finished_at = Some(Utc::now());
                        return Err(Error::TimedOut {
                            task: node.to_owned(),
                            timeout,
                        });
                    }
                }
            }
        };
        details.finished_at = Some(Utc::now());
        let code = code?;
        details.exit_code = Some(code);
        if code == SIGKILL_EXIT_CODE {
            self.check_out_of_memory(container, &id, details).await?;
        }
        Ok(Exit { code, log_tail })
    }

    /// Returns [`Error::OutOfMemory`] when the kernel killed the container
    /// for exceeding its memory limit. Asked only for exit code 137, so that
    /// a successful attempt costs no extra request.
    async fn check_out_of_memory(
        &self,
        container: &RunningContainer<'_>,
        id: &str,
        details: &mut AttemptDetails,
    ) -> Result<(), Error> {
        let node = container.node;
        match was_oom_killed(&self.docker, node, id).await {
            Ok(true) => {
                details.oom_killed = true;
                Err(Error::OutOfMemory {
                    task: node.to_owned(),
                    limit: container.request.settings.memory.unwrap_or(0),
                })
            }
            Ok(false) => Ok(()),
            Err(error) => {
                tracing::warn!(
                    task = %node,
                    container = %short_id(id),
                    error = %error,
                    "cannot tell whether the container ran out of memory; reporting its exit code"
                );
                Ok(())
            }
        }
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
        details: &mut AttemptDetails,
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
            details.image_id = Some(self.images.ensure(&self.docker, node, image).await?);
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
}

/// The container of one attempt and what its output passes through.
#[derive(Clone, Copy)]
struct RunningContainer<'a> {
    node: &'a str,
    request: &'a ContainerRequest<'a>,
    redactor: &'a Redactor,
}

/// Reads the secrets, stages the job and creates its log file, in that
/// order, so that a missing secret creates nothing.
fn prepare(
    node: &str,
    spec: &'static TaskSpec,
    inputs: &[Value],
    work_root: &Path,
    sequence: u64,
    log_path: Option<PathBuf>,
) -> Result<Prepared, Error> {
    let secrets = secrets::resolve(node, spec)?;
    let staged = stage::stage(node, spec, inputs, work_root, sequence)?;
    let log_file = match log_path {
        Some(path) => Some(LogFile::create(&path).map_err(|source| Error::Io {
            task: node.to_owned(),
            action: "creating log file",
            path,
            source,
        })?),
        None => None,
    };
    Ok(Prepared {
        staged,
        secrets,
        log_file,
    })
}

fn docker_error(node: &str, operation: &'static str, source: DockerError) -> Error {
    Error::Docker {
        task: node.to_owned(),
        operation,
        source,
    }
}
