//! Per-job overhead of the executor over plain bollard calls. A measurement,
//! not a check: it asserts only that the jobs succeed, and is ignored by
//! default. Run it in release mode:
//!
//! ```text
//! cargo test --release -p containerflow-runtime --test docker -- --ignored --nocapture overhead
//! ```

use std::time::{Duration, Instant};

use bollard::models::{ContainerCreateBody, HostConfig, Mount, MountType};
use bollard::query_parameters::{
    AttachContainerOptions, RemoveContainerOptions, WaitContainerOptions,
};
use bollard::Docker;
use containerflow_runtime::{Executor, TaskSpec};
use futures::StreamExt;

use crate::common::*;

const ROUNDS: usize = 60;

static TRUE: TaskSpec = TaskSpec {
    name: "true",
    arguments: &[text!("true")],
    ..BASE
};

/// Creates, starts, waits for and removes a container of `sh -c true` with
/// no network. With `like_executor`, the container also gets the two bind
/// mounts of a job directory, and its output is attached before the start
/// and read while it runs, as the executor does.
async fn raw_round(docker: &Docker, host_dir: &std::path::Path, like_executor: bool) {
    let bind = |source: &str, target: &str, read_only: bool| Mount {
        source: Some(host_dir.join(source).to_str().unwrap().to_owned()),
        target: Some(target.to_owned()),
        typ: Some(MountType::BIND),
        read_only: Some(read_only),
        ..Default::default()
    };
    let mounts = vec![
        bind("inputs", "/var/inputs", true),
        bind("outputs", "/var/outputs", false),
    ];
    let config = ContainerCreateBody {
        image: Some(IMAGE.to_owned()),
        cmd: Some(vec!["sh".into(), "-c".into(), "true".into()]),
        host_config: Some(HostConfig {
            network_mode: Some("none".into()),
            mounts: like_executor.then_some(mounts),
            ..Default::default()
        }),
        ..Default::default()
    };
    let id = docker.create_container(None, config).await.unwrap().id;
    let output = if like_executor {
        let options = AttachContainerOptions {
            stream: true,
            stdout: true,
            stderr: true,
            ..Default::default()
        };
        let attached = docker.attach_container(&id, Some(options)).await.unwrap();
        Some(attached.output)
    } else {
        None
    };
    docker.start_container(&id, None).await.unwrap();
    let exit = docker.wait_container(&id, None::<WaitContainerOptions>);
    let exit = match output {
        Some(output) => tokio::join!(output.count(), exit.into_future()).1 .0,
        None => exit.into_future().await.0,
    };
    assert_eq!(exit.unwrap().unwrap().status_code, 0);
    let options = RemoveContainerOptions {
        force: true,
        ..Default::default()
    };
    docker.remove_container(&id, Some(options)).await.unwrap();
}

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

#[tokio::test]
#[ignore = "a measurement; run it on purpose with --ignored --nocapture"]
async fn overhead_per_job() {
    let docker = Docker::connect_with_defaults()
        .unwrap()
        .negotiate_version()
        .await
        .unwrap();
    let executor = executor().await;
    let host_dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(host_dir.path().join("inputs")).unwrap();
    std::fs::create_dir(host_dir.path().join("outputs")).unwrap();
    // One round of each first, so the image check and connections are warm.
    raw_round(&docker, host_dir.path(), true).await;
    executor.execute(job(&TRUE, vec![])).await.result.unwrap();

    // The three kinds alternate within each round, so that they share any
    // drift in the daemon's speed, which is large on a busy machine.
    let (mut raw, mut raw_like_executor, mut jobs) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let started = Instant::now();
        raw_round(&docker, host_dir.path(), false).await;
        raw.push(started.elapsed());

        let started = Instant::now();
        raw_round(&docker, host_dir.path(), true).await;
        raw_like_executor.push(started.elapsed());

        let started = Instant::now();
        executor.execute(job(&TRUE, vec![])).await.result.unwrap();
        jobs.push(started.elapsed());
    }
    println!("rounds: {ROUNDS}, medians:");
    println!(
        "  raw create/start/wait/remove:          {:?}",
        median(&mut raw)
    );
    println!(
        "  same with two bind mounts and attach:  {:?}",
        median(&mut raw_like_executor)
    );
    println!(
        "  executor job (staging, logs, outputs): {:?}",
        median(&mut jobs)
    );
    assert_no_containers(&executor).await;
}
