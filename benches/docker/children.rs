//! Measurements that need a process of their own: the cold start of a
//! one-task binary, the peak memory of a run, and Flyte's local runner.
//!
//! The benchmark runs itself again with `--child ...`, and a child prints
//! one line, `<seconds> <peak KiB>`: the time of the batch it ran, measured
//! inside the process, and its peak resident set size (`VmHWM`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::floor::{self, Attach, Floor, JobDir, Network, BENCH_LABEL, IMAGE};
use crate::{engine, stats};

/// The environment variables that pass the benchmark's id and work directory to a child.
const ID_VARIABLE: &str = "CONTAINERFLOW_BENCH_ID";
const WORK_VARIABLE: &str = "CONTAINERFLOW_BENCH_WORK";

/// The result line of a child process, with the parent's wall-clock time of the whole process.
#[derive(Debug, Clone, Copy)]
pub struct ChildResult {
    pub process_seconds: f64,
    pub batch_seconds: f64,
    pub peak_kib: u64,
}

/// Runs `command` with the benchmark's id and work directory in its
/// environment, and parses its last line.
pub fn spawn(command: &mut Command, bench_id: &str, work: &Path) -> ChildResult {
    let started = Instant::now();
    let output = command
        .env(ID_VARIABLE, bench_id)
        .env(WORK_VARIABLE, work)
        .env("CONTAINERFLOW_RUNS", work.join("records"))
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|error| panic!("cannot run {command:?}: {error}"));
    let process_seconds = started.elapsed().as_secs_f64();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{command:?} failed with {}:\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let last = stdout.lines().last().unwrap_or_default();
    let fields: Vec<f64> = last
        .split_whitespace()
        .filter_map(|field| field.parse().ok())
        .collect();
    assert_eq!(
        fields.len(),
        2,
        "expected `<seconds> <peak KiB>`, got {last:?}"
    );
    ChildResult {
        process_seconds,
        batch_seconds: fields[0],
        peak_kib: fields[1] as u64,
    }
}

/// Returns the command that runs this benchmark binary again as the child `args`.
pub fn self_command(args: &[&str]) -> Command {
    let program = std::env::current_exe().expect("the benchmark's own path");
    let mut command = Command::new(program);
    command.arg("--child").args(args);
    command
}

/// Runs this benchmark binary again as the child `args`.
pub fn spawn_self(args: &[&str], bench_id: &str, work: &Path) -> ChildResult {
    spawn(&mut self_command(args), bench_id, work)
}

/// Runs the greeting task with the `docker` command line tool, as `docker
/// run --rm` with the floor's container settings, and returns the greeting.
pub fn docker_cli_greet(bench_id: &str, work: &Path, sequence: u64, name: &str) -> String {
    let dir = JobDir::create(work, "cli", sequence);
    std::fs::write(dir.inputs().join("name"), name).expect("write the input file");
    let mount = |source: PathBuf, target: &str, read_only: bool| {
        let source = source.to_str().expect("UTF-8 path").to_owned();
        let suffix = if read_only { ",readonly" } else { "" };
        format!("type=bind,source={source},target={target}{suffix}")
    };
    let status = Command::new("docker")
        .args(["run", "--rm", "--name"])
        .arg(format!("cfbench-cli-{bench_id}-{sequence}"))
        .args(["--label", &format!("{BENCH_LABEL}={bench_id}")])
        .args(["--env", "FLYTE_ATTEMPT_NUMBER=0", "--mount"])
        .arg(mount(dir.inputs(), "/var/inputs", true))
        .arg("--mount")
        .arg(mount(dir.outputs(), "/var/outputs", false))
        .args(["--entrypoint", "/bin/sh", IMAGE, "-c"])
        .arg(floor::greeting_script(name))
        .stdout(Stdio::null())
        .status()
        .expect("run the docker command line tool");
    assert!(status.success(), "docker run failed with {status}");
    let greeting = dir.read_output("greeting");
    dir.remove();
    greeting
}

/// Runs the child named by `args` (the arguments after `--child`) and
/// prints its result line.
pub fn run_child(args: &[String]) {
    let bench_id = std::env::var(ID_VARIABLE).expect("the parent sets the bench id");
    let work =
        PathBuf::from(std::env::var_os(WORK_VARIABLE).expect("the parent sets the work dir"));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let started = Instant::now();
    match args.as_slice() {
        ["cold-start"] => runtime.block_on(cold_start(&bench_id)),
        ["cold-floor"] => runtime.block_on(async {
            let floor = Floor::connect(&bench_id, &work).await;
            let greeting = floor.greet("Ada", Network::Bridge).await;
            println!("{greeting}");
        }),
        [engine, tasks, parallel, network] => {
            let network = match *network {
                "none" => Network::None,
                _ => Network::Bridge,
            };
            let batch = Batch {
                tasks: tasks.parse().expect("a number of tasks"),
                parallel: parallel.parse().expect("a number of parallel tasks"),
                network,
            };
            runtime.block_on(batch.run(engine, &bench_id, &work));
        }
        other => panic!("unknown child {other:?}"),
    }
    println!(
        "{:.6} {}",
        started.elapsed().as_secs_f64(),
        stats::peak_kib()
    );
}

/// Runs one greeting as a user's one-task binary would: a `tracing` subscriber, an
/// executor with default settings but the benchmark's label, and `run_task`
/// with default run options.
async fn cold_start(bench_id: &str) {
    let filter = tracing_subscriber::EnvFilter::new("info");
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let executor = engine::connect(bench_id).await;
    let inputs = engine::GreetingInputs {
        name: "Ada".to_owned(),
    };
    let outputs = containerflow::run_task(&executor, engine::Greeting, inputs).await;
    println!("{}", outputs.expect("the greeting task succeeds").greeting);
}

/// Independent greetings, at most `parallel` at a time.
struct Batch {
    tasks: usize,
    parallel: usize,
    network: Network,
}

impl Batch {
    async fn run(&self, engine: &str, bench_id: &str, work: &Path) {
        match engine {
            "containerflow" => {
                let executor = engine::connect(bench_id).await;
                let records = work.join("records");
                let records = Some(records.as_path());
                engine::greet_all(&executor, self.tasks, self.parallel, self.network, records)
                    .await;
            }
            "floor" => {
                let floor = Floor::connect(bench_id, work).await;
                let (tasks, parallel) = (self.tasks, self.parallel);
                floor_batch(&floor, tasks, parallel, self.network, Attach::No).await;
            }
            other => panic!("unknown engine {other}"),
        }
    }
}

/// Runs `tasks` greetings through the floor loop, at most `parallel` at a time.
pub async fn floor_batch(
    floor: &Floor,
    tasks: usize,
    parallel: usize,
    network: Network,
    attach: Attach,
) {
    use futures::StreamExt;
    let greetings = futures::stream::iter(0..tasks)
        .map(|index| async move {
            let name = format!("Ada{index}");
            floor.greet_with(&name, network, attach).await
        })
        .buffer_unordered(parallel.max(1));
    let count = greetings.count().await;
    assert_eq!(count, tasks);
}
