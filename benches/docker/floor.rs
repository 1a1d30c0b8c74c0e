//! The floor: the least a program must do to run the greeting task through
//! the Docker API with bollard. It creates the same container as
//! containerflow (image, command, environment, two bind mounts, network
//! mode), with one label where containerflow sets nine in this benchmark.
//! It then starts, waits for and removes it, and reads the output file.
//! Nothing else: no image check, no attach, no metadata files.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use bollard::models::{ContainerCreateBody, HostConfig, Mount, MountType};
use bollard::query_parameters::{
    AttachContainerOptions, CreateContainerOptions, RemoveContainerOptions, StartContainerOptions,
    WaitContainerOptions,
};
use bollard::Docker;
use futures::StreamExt;

/// The image of every benchmark container.
pub const IMAGE: &str = "busybox:1.35";

/// The label on every container the benchmark creates outside containerflow.
pub const BENCH_LABEL: &str = "containerflow.bench";

/// Returns the greeting task's shell script for `name`, as containerflow renders it
/// for a name that needs no escaping.
pub fn greeting_script(name: &str) -> String {
    format!("echo 'Hello, my name is {name}.' | tee -a /var/outputs/greeting")
}

/// Whether a container gets the default bridge network or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Network {
    Bridge,
    None,
}

impl Network {
    pub fn name(self) -> &'static str {
        match self {
            Network::Bridge => "bridge",
            Network::None => "none",
        }
    }
}

/// Whether the floor attaches to a container's output before starting it,
/// as containerflow and `docker run` do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attach {
    No,
    Yes,
}

/// One container of the floor loop.
struct Container<'a> {
    sequence: u64,
    command: &'a [&'a str],
    mounts: &'a [BindMount],
    network: Network,
    attach: Attach,
}

/// A host path bind-mounted into a container.
pub struct BindMount {
    pub source: PathBuf,
    pub target: &'static str,
    pub read_only: bool,
}

/// A job's host directory with its `inputs/` and `outputs/`, as containerflow lays it out.
pub struct JobDir {
    pub root: PathBuf,
}

impl JobDir {
    pub fn create(work: &Path, prefix: &str, sequence: u64) -> JobDir {
        let root = work.join(format!("{prefix}-{sequence}"));
        std::fs::create_dir_all(root.join("inputs")).expect("create the inputs directory");
        std::fs::create_dir_all(root.join("outputs")).expect("create the outputs directory");
        JobDir { root }
    }

    pub fn inputs(&self) -> PathBuf {
        self.root.join("inputs")
    }

    pub fn outputs(&self) -> PathBuf {
        self.root.join("outputs")
    }

    /// Returns the read-only input mount and the writable output mount.
    pub fn mounts(&self) -> Vec<BindMount> {
        vec![
            BindMount {
                source: self.inputs(),
                target: "/var/inputs",
                read_only: true,
            },
            BindMount {
                source: self.outputs(),
                target: "/var/outputs",
                read_only: false,
            },
        ]
    }

    pub fn read_output(&self, name: &str) -> String {
        let path = self.outputs().join(name);
        let text = std::fs::read_to_string(&path).expect("the container wrote its output");
        text.trim().to_owned()
    }

    pub fn remove(self) {
        std::fs::remove_dir_all(&self.root).expect("remove the job directory");
    }
}

/// A connection to the daemon that runs containers with four API calls each.
pub struct Floor {
    docker: Docker,
    bench_id: String,
    work: PathBuf,
    sequence: AtomicU64,
}

impl Floor {
    /// Connects to the daemon at `DOCKER_HOST` or the local socket.
    pub async fn connect(bench_id: &str, work: &Path) -> Floor {
        Floor::connect_to(None, bench_id, work).await
    }

    /// Connects to the daemon at `host`, such as `unix:///path/to.sock`, or
    /// at `DOCKER_HOST` or the local socket when `host` is `None`.
    pub async fn connect_to(host: Option<&str>, bench_id: &str, work: &Path) -> Floor {
        let docker = match host {
            Some(host) => Docker::connect_with_host(host),
            None => Docker::connect_with_defaults(),
        };
        let docker = docker.expect("connect to Docker");
        // bollard starts at its newest API version, which Docker 20.10 rejects.
        let docker = docker
            .negotiate_version()
            .await
            .expect("negotiate the API version");
        Floor {
            docker,
            bench_id: bench_id.to_owned(),
            work: work.to_owned(),
            sequence: AtomicU64::new(0),
        }
    }

    pub fn docker(&self) -> &Docker {
        &self.docker
    }

    /// Runs the greeting task for `name` and returns the greeting.
    pub async fn greet(&self, name: &str, network: Network) -> String {
        self.greet_with(name, network, Attach::No).await
    }

    /// Runs the greeting task for `name`, attached to its output when
    /// `attach` is [`Attach::Yes`], and returns the greeting.
    pub async fn greet_with(&self, name: &str, network: Network, attach: Attach) -> String {
        let sequence = self.sequence.fetch_add(1, Ordering::Relaxed);
        let dir = JobDir::create(&self.work, "floor", sequence);
        std::fs::write(dir.inputs().join("name"), name).expect("write the input file");
        let command = ["/bin/sh", "-c", &greeting_script(name)];
        let container = Container {
            sequence,
            command: &command,
            mounts: &dir.mounts(),
            network,
            attach,
        };
        let code = self.run_container(&container).await;
        assert_eq!(code, 0, "the floor's greeting container failed");
        let greeting = dir.read_output("greeting");
        dir.remove();
        greeting
    }

    /// Creates, starts, waits for and removes one container, and returns its exit code.
    pub async fn run(
        &self,
        sequence: u64,
        command: &[&str],
        mounts: &[BindMount],
        network: Network,
    ) -> i64 {
        let container = Container {
            sequence,
            command,
            mounts,
            network,
            attach: Attach::No,
        };
        self.run_container(&container).await
    }

    async fn run_container(&self, container: &Container<'_>) -> i64 {
        let name = format!("cfbench-floor-{}-{}", self.bench_id, container.sequence);
        let options = CreateContainerOptions {
            name: Some(name),
            ..Default::default()
        };
        let body = self.create_body(container.command, container.mounts, container.network);
        let created = self.docker.create_container(Some(options), body).await;
        let id = created.expect("create the floor's container").id;

        let output = match container.attach {
            Attach::No => None,
            Attach::Yes => {
                let options = AttachContainerOptions {
                    stream: true,
                    stdout: true,
                    stderr: true,
                    ..Default::default()
                };
                let attached = self.docker.attach_container(&id, Some(options)).await;
                Some(attached.expect("attach to the floor's container").output)
            }
        };
        self.docker
            .start_container(&id, None::<StartContainerOptions>)
            .await
            .expect("start the floor's container");

        let drain = async {
            if let Some(output) = output {
                output.count().await;
            }
        };
        let (code, _) = tokio::join!(self.wait(&id), drain);

        let remove = RemoveContainerOptions {
            force: true,
            v: true,
            ..Default::default()
        };
        self.docker
            .remove_container(&id, Some(remove))
            .await
            .expect("remove the floor's container");
        code
    }

    async fn wait(&self, id: &str) -> i64 {
        let mut wait = self.docker.wait_container(id, None::<WaitContainerOptions>);
        match wait.next().await {
            Some(Ok(response)) => response.status_code,
            Some(Err(bollard::errors::Error::DockerContainerWaitError { code, .. })) => code,
            other => panic!("waiting for the floor's container failed: {other:?}"),
        }
    }

    fn create_body(
        &self,
        command: &[&str],
        mounts: &[BindMount],
        network: Network,
    ) -> ContainerCreateBody {
        let mounts = mounts
            .iter()
            .map(|mount| Mount {
                source: Some(mount.source.to_str().expect("UTF-8 path").to_owned()),
                target: Some(mount.target.to_owned()),
                typ: Some(MountType::BIND),
                read_only: Some(mount.read_only),
                ..Default::default()
            })
            .collect();
        ContainerCreateBody {
            image: Some(IMAGE.to_owned()),
            entrypoint: Some(command.iter().map(|arg| (*arg).to_owned()).collect()),
            env: Some(vec!["FLYTE_ATTEMPT_NUMBER=0".to_owned()]),
            labels: Some([(BENCH_LABEL.to_owned(), self.bench_id.clone())].into()),
            host_config: Some(HostConfig {
                mounts: Some(mounts),
                network_mode: (network == Network::None).then(|| "none".to_owned()),
                ..Default::default()
            }),
            ..Default::default()
        }
    }
}
