//! The create request of a job's container: command, environment, mounts,
//! labels, limits and user.

use std::collections::HashMap;

use bollard::models::{ContainerCreateBody, HostConfig, Mount, MountType};

use crate::spec::{RunAs, Settings, TaskSpec};
use crate::stage::BindMount;

/// Everything that goes into one container's create request.
#[derive(Debug)]
pub(crate) struct ContainerRequest<'a> {
    pub spec: &'static TaskSpec,
    pub settings: &'a Settings,
    /// The labels of every container of the executor.
    pub labels: &'a HashMap<String, String>,
    /// Labels of this container only, added to `labels`.
    pub job_labels: [(&'static str, String); 2],
    /// Variables added by the call, set after `spec.env`.
    pub env: &'a [(String, String)],
    /// Secret values, set last.
    pub secrets: &'a [(String, String)],
    pub mounts: &'a [BindMount],
    pub entrypoint: &'a [String],
    pub cmd: &'a [String],
}

impl ContainerRequest<'_> {
    /// Builds the body of the create request.
    pub(crate) fn body(&self) -> ContainerCreateBody {
        let mut labels = self.labels.clone();
        for (key, value) in &self.job_labels {
            labels.insert((*key).to_owned(), value.clone());
        }
        let mounts = self
            .mounts
            .iter()
            .map(|mount| Mount {
                source: Some(mount.source.clone()),
                target: Some(mount.target.clone()),
                typ: Some(MountType::BIND),
                read_only: Some(mount.read_only),
                ..Default::default()
            })
            .collect();
        let memory = self.settings.memory.map(memory_bytes);
        ContainerCreateBody {
            image: Some(self.spec.image.to_owned()),
            // An entry point given in the request also replaces the image's
            // default command, as a Kubernetes `command` does.
            entrypoint: (!self.entrypoint.is_empty()).then(|| self.entrypoint.to_vec()),
            cmd: (!self.cmd.is_empty()).then(|| self.cmd.to_vec()),
            env: Some(self.environment()),
            labels: Some(labels),
            user: user(self.settings.user),
            host_config: Some(HostConfig {
                mounts: Some(mounts),
                network_mode: self.spec.block_network.then(|| "none".to_owned()),
                nano_cpus: self.settings.cpus.map(nano_cpus),
                memory,
                // Equal to `memory`, so the container gets no swap at all.
                memory_swap: memory,
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    /// Returns `NAME=value` entries: `spec.env`, then the call's variables,
    /// then the secrets. A later entry replaces an earlier one of the same
    /// name, so each name appears once.
    fn environment(&self) -> Vec<String> {
        let declared = self.spec.env.iter().map(|(name, value)| (*name, *value));
        let added = self.env.iter().chain(self.secrets);
        let pairs = declared.chain(added.map(|(name, value)| (name.as_str(), value.as_str())));
        let mut entries: Vec<(&str, &str)> = Vec::new();
        for (name, value) in pairs {
            match entries.iter_mut().find(|(existing, _)| *existing == name) {
                Some(entry) => entry.1 = value,
                None => entries.push((name, value)),
            }
        }
        entries
            .into_iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect()
    }
}

/// Returns the `User` of the create request, `None` to keep the image's.
fn user(run_as: RunAs) -> Option<String> {
    match run_as {
        RunAs::Image => None,
        RunAs::Id { uid, gid } => Some(format!("{uid}:{gid}")),
        RunAs::Invoking => {
            // SAFETY: `getuid` and `getgid` always succeed and touch no memory.
            let (uid, gid) = unsafe { (libc::getuid(), libc::getgid()) };
            Some(format!("{uid}:{gid}"))
        }
    }
}

/// Converts a CPU limit in cores to the API's billionths of a CPU. The daemon
/// rejects a limit below 0.01 or above the host's CPU count.
fn nano_cpus(cores: f64) -> i64 {
    (cores * 1e9).round() as i64
}

/// Converts a byte count to the API's signed integer, saturating.
fn memory_bytes(bytes: u64) -> i64 {
    i64::try_from(bytes).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    static SPEC: TaskSpec = TaskSpec {
        name: "configured",
        image: "busybox:1.35",
        env: &[("MODE", "declared"), ("KEEP", "1")],
        ..TaskSpec::DEFAULT
    };

    fn body(settings: Settings, env: &[(String, String)]) -> ContainerCreateBody {
        let labels = HashMap::from([("team".to_owned(), "data".to_owned())]);
        let secrets = [("TOKEN".to_owned(), "hunter2".to_owned())];
        ContainerRequest {
            spec: &SPEC,
            settings: &settings,
            labels: &labels,
            job_labels: [
                ("containerflow.task", "node".to_owned()),
                ("containerflow.attempt", "2".to_owned()),
            ],
            env,
            secrets: &secrets,
            mounts: &[],
            entrypoint: &[],
            cmd: &[],
        }
        .body()
    }

    #[test]
    fn later_variables_win() {
        let env = [
            ("MODE".to_owned(), "call".to_owned()),
            ("EXTRA".to_owned(), "x".to_owned()),
        ];
        let body = body(Settings::DEFAULT, &env);
        assert_eq!(
            body.env.unwrap(),
            ["MODE=call", "KEEP=1", "EXTRA=x", "TOKEN=hunter2"]
        );
    }

    #[test]
    fn limits_and_user_are_set() {
        let settings = Settings {
            cpus: Some(1.5),
            memory: Some(32 << 20),
            user: RunAs::Id {
                uid: 1000,
                gid: 100,
            },
            ..Settings::DEFAULT
        };
        let body = body(settings, &[]);
        assert_eq!(body.user.as_deref(), Some("1000:100"));
        let host = body.host_config.unwrap();
        assert_eq!(host.nano_cpus, Some(1_500_000_000));
        assert_eq!(host.memory, Some(32 << 20));
        assert_eq!(host.memory_swap, Some(32 << 20));
    }

    #[test]
    fn defaults_set_no_limits_or_user() {
        let body = body(Settings::DEFAULT, &[]);
        assert_eq!(body.user, None);
        let host = body.host_config.unwrap();
        assert_eq!(host.nano_cpus, None);
        assert_eq!(host.memory, None);
        assert_eq!(host.memory_swap, None);
        let labels = body.labels.unwrap();
        assert_eq!(labels["team"], "data");
        assert_eq!(labels["containerflow.attempt"], "2");
    }

    #[test]
    fn invoking_user_is_this_process() {
        let expected = format!("{}:{}", unsafe { libc::getuid() }, unsafe {
            libc::getgid()
        });
        assert_eq!(user(RunAs::Invoking), Some(expected));
        assert_eq!(user(RunAs::Image), None);
    }
}
