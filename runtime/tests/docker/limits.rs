//! Timeouts, CPU and memory limits, and the user a container runs as.

use std::time::{Duration, Instant};

use containerflow_runtime::{Error, Executor, RunAs, Settings, TaskSpec, Value, ValueType};

use crate::common::*;

static SLEEPS_A_MINUTE: TaskSpec = TaskSpec {
    name: "sleeps_a_minute",
    arguments: &[text!("echo started; sleep 60")],
    ..BASE
};

#[tokio::test]
async fn timeout_kills_container() {
    let executor = executor().await;
    let mut job = job(&SLEEPS_A_MINUTE, vec![]);
    job.settings.timeout = Some(Duration::from_secs(2));
    let started = Instant::now();
    let attempt = executor.execute(job).await;
    let elapsed = started.elapsed();

    let Err(Error::TimedOut { task, timeout }) = &attempt.result else {
        panic!("expected TimedOut, got {:?}", attempt.result);
    };
    assert_eq!(task, "sleeps_a_minute");
    assert_eq!(*timeout, Duration::from_secs(2));
    assert!(elapsed >= Duration::from_secs(2), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(12), "{elapsed:?}");
    assert!(attempt.details.container_id.is_some());
    assert!(attempt.details.finished_at.is_some());
    assert_cleaned_up(executor).await;
}

static ALLOCATES_64_MIB: TaskSpec = TaskSpec {
    name: "allocates_64_mib",
    // busybox `dd` allocates a buffer of the block size.
    arguments: &[text!("dd if=/dev/zero of=/dev/null bs=64M count=1")],
    ..BASE
};

#[tokio::test]
async fn memory_limit_reports_out_of_memory() {
    let executor = executor().await;
    let mut job = job(&ALLOCATES_64_MIB, vec![]);
    job.settings.memory = Some(32 << 20);
    let attempt = executor.execute(job).await;

    let Err(Error::OutOfMemory { task, limit }) = &attempt.result else {
        panic!("expected OutOfMemory, got {:?}", attempt.result);
    };
    assert_eq!(task, "allocates_64_mib");
    assert_eq!(*limit, 32 << 20);
    assert!(attempt.details.oom_killed);
    assert_eq!(attempt.details.exit_code, Some(137));
    assert_cleaned_up(executor).await;
}

static KILLED: TaskSpec = TaskSpec {
    name: "killed",
    // The kernel ignores SIGKILL sent to a namespace's init from inside, so
    // a child shell is killed and the script exits with its status.
    arguments: &[text!("sh -c 'kill -9 $$'; exit $?")],
    ..BASE
};

#[tokio::test]
async fn sigkill_is_not_out_of_memory() {
    let executor = executor().await;
    let mut job = job(&KILLED, vec![]);
    job.settings.memory = Some(64 << 20);
    let attempt = executor.execute(job).await;

    let Err(error @ Error::NonZeroExit { code, .. }) = &attempt.result else {
        panic!("expected NonZeroExit, got {:?}", attempt.result);
    };
    assert_eq!(*code, 137);
    assert!(error.to_string().contains("killed with SIGKILL"), "{error}");
    assert!(!attempt.details.oom_killed);
    assert_cleaned_up(executor).await;
}

static READS_CGROUP_LIMITS: TaskSpec = TaskSpec {
    name: "reads_cgroup_limits",
    outputs: &[
        param("cpu", ValueType::String),
        param("memory", ValueType::String),
    ],
    // cgroup v2 files first, then the v1 ones.
    arguments: &[text!(
        "{ cat /sys/fs/cgroup/cpu.max 2>/dev/null \
           || echo \"$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us) $(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us)\"; \
         } > /var/outputs/cpu; \
         { cat /sys/fs/cgroup/memory.max 2>/dev/null \
           || cat /sys/fs/cgroup/memory/memory.limit_in_bytes; } > /var/outputs/memory"
    )],
    ..BASE
};

#[tokio::test]
async fn limits_reach_cgroup() {
    let executor = executor().await;
    let mut job = job(&READS_CGROUP_LIMITS, vec![]);
    job.settings.cpus = Some(0.5);
    job.settings.memory = Some(64 << 20);
    let outputs = executor.execute(job).await.result.unwrap();

    assert_eq!(outputs[0], Value::String("50000 100000".into()));
    assert_eq!(outputs[1], Value::String((64 << 20).to_string()));
    assert_cleaned_up(executor).await;
}

static PRINTS_IDS: TaskSpec = TaskSpec {
    name: "prints_ids",
    outputs: &[param("ids", ValueType::String)],
    arguments: &[text!("echo \"$(id -u):$(id -g)\" > /var/outputs/ids")],
    ..BASE
};

async fn ids_for(executor: &containerflow_runtime::DockerExecutor, user: RunAs) -> Value {
    let mut job = job(&PRINTS_IDS, vec![]);
    job.settings = Settings {
        user,
        ..job.settings
    };
    let outputs = executor.execute(job).await.result.unwrap();
    outputs[0].clone()
}

#[tokio::test]
async fn run_as_sets_user() {
    let executor = executor().await;
    let image_user = ids_for(&executor, RunAs::Image).await;
    assert_eq!(
        image_user,
        Value::String("0:0".into()),
        "busybox runs as root"
    );

    let numeric = ids_for(&executor, RunAs::Id { uid: 1234, gid: 99 }).await;
    assert_eq!(numeric, Value::String("1234:99".into()));

    // SAFETY: `getuid` and `getgid` always succeed and touch no memory.
    let expected = unsafe { format!("{}:{}", libc::getuid(), libc::getgid()) };
    let invoking = ids_for(&executor, RunAs::Invoking).await;
    assert_eq!(invoking, Value::String(expected));
    assert_cleaned_up(executor).await;
}
