//! Removal of the containers and work directories of runs whose process died,
//! for example from `kill -9` or a power cut, before it could remove them.
//!
//! Containers name their creating process in labels. A temporary work
//! directory names it in its [`OWNER_FILE`], so that it is found even when
//! the run had no container left.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use bollard::models::ContainerSummary;
use bollard::query_parameters::ListContainersOptions;
use bollard::Docker;
use futures::future::join_all;

use crate::container::remove_container;
use crate::docker::DockerExecutor;
use crate::identity::{self, ProcessIdentity};
use crate::permissions;

/// The file in a temporary work directory that names the process using it,
/// as `<pid> <start time or -> <host name>`.
pub(crate) const OWNER_FILE: &str = ".containerflow-owner";

/// A container whose creating process is gone.
#[derive(Debug)]
struct Orphan {
    id: String,
    run: String,
    task: String,
    work_dir: Option<PathBuf>,
}

/// Force-removes every container of the engine on this host whose creating
/// process is no longer running, and the temporary work directories of those
/// runs. Logs what it removed. A failed listing ends the sweep and a failed
/// removal is skipped, each with a warning, because the new run does not
/// depend on them.
pub(crate) async fn remove_orphans(docker: &Docker, current: &ProcessIdentity) {
    let containers = match list_engine_containers(docker, &current.host).await {
        Ok(containers) => containers,
        Err(error) => {
            tracing::warn!(
                error = %error,
                "listing containers of earlier runs failed; containers of dead runs are not removed"
            );
            return;
        }
    };
    let orphans: Vec<Orphan> = containers.iter().filter_map(orphan).collect();
    if orphans.is_empty() {
        return;
    }
    let removals = orphans
        .iter()
        .map(|orphan| remove_container(docker, &orphan.task, &orphan.id));
    let removed = join_all(removals).await;

    let mut runs: BTreeMap<&str, usize> = BTreeMap::new();
    let mut work_dirs = BTreeSet::new();
    for (orphan, removed) in orphans.iter().zip(removed) {
        if removed {
            *runs.entry(&orphan.run).or_default() += 1;
        }
        work_dirs.extend(orphan.work_dir.clone());
    }
    let count: usize = runs.values().sum();
    let runs: Vec<&str> = runs.into_keys().collect();
    tracing::info!(
        containers = count,
        runs = %runs.join(", "),
        "removed the containers of runs whose process is gone"
    );
    let _ = tokio::task::spawn_blocking(move || work_dirs.iter().for_each(remove_work_dir)).await;
}

async fn list_engine_containers(
    docker: &Docker,
    host: &str,
) -> Result<Vec<ContainerSummary>, bollard::errors::Error> {
    let labels = vec![
        format!(
            "{}={}",
            DockerExecutor::ENGINE_LABEL,
            DockerExecutor::ENGINE
        ),
        format!("{}={host}", DockerExecutor::HOST_LABEL),
    ];
    let options = ListContainersOptions {
        all: true,
        filters: Some(HashMap::from([("label".to_owned(), labels)])),
        ..Default::default()
    };
    docker.list_containers(Some(options)).await
}

/// Returns the container as an orphan when its labels name a process that is
/// not running. A container without readable process labels is kept, since
/// nothing shows that its run is over.
fn orphan(container: &ContainerSummary) -> Option<Orphan> {
    let labels = container.labels.as_ref()?;
    let pid = labels.get(DockerExecutor::PID_LABEL)?.parse().ok()?;
    let start_time = match labels.get(DockerExecutor::PID_START_LABEL) {
        Some(text) => Some(text.parse().ok()?),
        None => None,
    };
    if identity::is_running(pid, start_time) {
        return None;
    }
    let label = |key: &str| labels.get(key).cloned().unwrap_or_default();
    Some(Orphan {
        id: container.id.clone()?,
        run: label(DockerExecutor::RUN_LABEL),
        task: label(DockerExecutor::TASK_LABEL),
        work_dir: labels
            .get(DockerExecutor::WORK_DIR_LABEL)
            .map(PathBuf::from),
    })
}

/// Writes the [`OWNER_FILE`] of a temporary work directory.
pub(crate) fn write_owner_file(work_dir: &Path, owner: &ProcessIdentity) -> std::io::Result<()> {
    let start_time = owner
        .start_time
        .map_or_else(|| "-".to_owned(), |ticks| ticks.to_string());
    let text = format!("{} {start_time} {}\n", owner.pid, owner.host);
    std::fs::write(work_dir.join(OWNER_FILE), text)
}

/// Removes each `containerflow-*` directory right under `temp_root` whose
/// [`OWNER_FILE`] names a process on this host that is not running. Returns
/// how many were removed. Directories without a readable owner file are
/// kept. Blocks on the file system.
pub(crate) fn remove_dead_work_dirs(temp_root: &Path, current: &ProcessIdentity) -> usize {
    let Ok(entries) = std::fs::read_dir(temp_root) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let named_ours = entry
            .file_name()
            .to_str()
            .is_some_and(|name| name.starts_with("containerflow-"));
        let is_dir = entry.file_type().is_ok_and(|kind| kind.is_dir());
        if !named_ours || !is_dir {
            continue;
        }
        let path = entry.path();
        let Ok(owner) = std::fs::read_to_string(path.join(OWNER_FILE)) else {
            continue;
        };
        if !is_dead_owner(&owner, current) {
            continue;
        }
        match permissions::remove_tree(&path) {
            Ok(()) => removed += 1,
            Err(error) => tracing::warn!(
                path = %path.display(),
                error = %error,
                "removing the work directory of a dead run failed"
            ),
        }
    }
    if removed > 0 {
        tracing::info!(
            directories = removed,
            path = %temp_root.display(),
            "removed the work directories of runs whose process is gone"
        );
    }
    removed
}

/// Returns true when the owner line names a process on the host of
/// `current` that is not running. A line that does not parse counts as a
/// live owner.
fn is_dead_owner(owner: &str, current: &ProcessIdentity) -> bool {
    let mut fields = owner.split_whitespace();
    let (Some(pid), Some(start_time), Some(host)) = (fields.next(), fields.next(), fields.next())
    else {
        return false;
    };
    let Ok(pid) = pid.parse() else {
        return false;
    };
    let start_time = match start_time {
        "-" => None,
        ticks => match ticks.parse() {
            Ok(ticks) => Some(ticks),
            Err(_) => return false,
        },
    };
    host == current.host && !identity::is_running(pid, start_time)
}

/// Removes a dead run's work directory, but only one that an executor
/// created itself: a directory named `containerflow-*` right under the
/// system's temporary directory.
fn remove_work_dir(path: &PathBuf) {
    if std::fs::symlink_metadata(path).is_err() {
        return;
    }
    if !is_own_temp_dir(path) {
        tracing::warn!(
            path = %path.display(),
            "not removing the work directory of a dead run, because it is not a \
             `containerflow-*` directory in the temporary directory"
        );
        return;
    }
    match permissions::remove_tree(path) {
        Ok(()) => {
            tracing::info!(path = %path.display(), "removed the work directory of a dead run")
        }
        Err(error) => tracing::warn!(
            path = %path.display(),
            error = %error,
            "removing the work directory of a dead run failed"
        ),
    }
}

/// Returns true for a real directory named `containerflow-*` whose parent is
/// the system's temporary directory.
pub(crate) fn is_own_temp_dir(path: &Path) -> bool {
    let named_ours = path
        .file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| name.starts_with("containerflow-"));
    let temp_root = std::fs::canonicalize(std::env::temp_dir());
    let in_temp_root = match (path.parent(), temp_root) {
        (Some(parent), Ok(temp_root)) => parent == temp_root,
        _ => false,
    };
    let is_dir = std::fs::symlink_metadata(path).is_ok_and(|metadata| metadata.is_dir());
    named_ours && in_temp_root && is_dir
}

#[cfg(test)]
mod tests {
    use super::*;

    fn make_dir(root: &Path, name: &str, owner: Option<String>) -> PathBuf {
        let path = root.join(name);
        std::fs::create_dir(&path).unwrap();
        std::fs::write(path.join("data"), "x").unwrap();
        if let Some(owner) = owner {
            std::fs::write(path.join(OWNER_FILE), owner).unwrap();
        }
        path
    }

    #[test]
    fn only_dead_runs_dirs_are_removed() {
        let current = ProcessIdentity::current();
        let root = tempfile::tempdir().unwrap();
        let host = &current.host;
        // Above the kernel's largest possible pid, 2^22, so never running.
        let dead = make_dir(
            root.path(),
            "containerflow-dead",
            Some(format!("4294967295 1 {host}\n")),
        );
        let live = make_dir(root.path(), "containerflow-live", None);
        write_owner_file(&live, current).unwrap();
        let elsewhere = format!("4294967295 1 other-{host}");
        let other_host = make_dir(root.path(), "containerflow-other-host", Some(elsewhere));
        let no_owner = make_dir(root.path(), "containerflow-no-owner", None);
        let garbled = make_dir(root.path(), "containerflow-garbled", Some("pid".to_owned()));
        let other_name = make_dir(
            root.path(),
            "unrelated",
            Some(format!("4294967295 1 {host}")),
        );

        assert_eq!(remove_dead_work_dirs(root.path(), current), 1);
        assert!(!dead.exists());
        for kept in [live, other_host, no_owner, garbled, other_name] {
            assert!(kept.exists(), "{}", kept.display());
        }
    }
}
