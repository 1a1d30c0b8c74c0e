//! Docker benchmarks: what containerflow adds to the daemon's own cost of a
//! container. Each section runs its contenders once per round, the order
//! rotating every round, because the daemon's speed drifts a lot on a
//! shared machine. It reports medians of per-round differences or ratios.
//!
//! Run with `cargo bench --bench docker`. `-- --quick` runs a few small
//! rounds of each section (the CI smoke). `-- --flyte PYTHON` adds Flyte's
//! local runner, run by that interpreter (scripts/bench/run.sh sets it up).
//! `-- --section NAME` runs one section only. Prints a table and writes
//! `target/bench/docker.json`. Needs a Docker daemon and the image
//! `busybox:1.35` (scripts/provision.sh).

mod children;
mod data;
mod engine;
mod floor;
mod peers;
mod report;
mod sections;
mod stats;
mod stub;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use bollard::query_parameters::{ListContainersOptions, RemoveContainerOptions};
use containerflow::DockerExecutor;
use tokio::runtime::Runtime;

use floor::{Floor, BENCH_LABEL};
use report::Report;

/// The sections, in the order they run.
const SECTIONS: [&str; 7] = [
    "stub",
    "overhead",
    "cold-start",
    "parallel",
    "flyte",
    "data",
    "memory",
];

/// Everything a section needs: the runtime, both engines, and where to put files.
pub struct Context {
    pub runtime: Runtime,
    pub quick: bool,
    pub bench_id: String,
    /// Job directories of the floor and the CLI, records, and children's files.
    pub work: PathBuf,
    pub floor: Floor,
    pub executor: DockerExecutor,
    pub flyte_python: Option<PathBuf>,
    pub report: Report,
}

impl Context {
    pub fn records(&self) -> PathBuf {
        self.work.join("records")
    }
}

struct Args {
    quick: bool,
    flyte_python: Option<PathBuf>,
    sections: Vec<String>,
}

fn parse_args(args: &[String]) -> Args {
    let mut parsed = Args {
        quick: false,
        flyte_python: std::env::var_os("CONTAINERFLOW_BENCH_PYTHON").map(PathBuf::from),
        sections: Vec::new(),
    };
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--quick" => parsed.quick = true,
            "--flyte" => parsed.flyte_python = rest.next().map(PathBuf::from),
            "--section" => parsed.sections.extend(rest.next().cloned()),
            // `cargo bench` passes `--bench`; other flags are for other benches.
            _ => {}
        }
    }
    if parsed.sections.is_empty() {
        parsed.sections = SECTIONS.iter().map(|name| (*name).to_owned()).collect();
    }
    for name in &parsed.sections {
        assert!(
            SECTIONS.contains(&name.as_str()),
            "unknown section `{name}`, expected one of {SECTIONS:?}"
        );
    }
    parsed
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(position) = args.iter().position(|arg| arg == "--child") {
        children::run_child(&args[position + 1..]);
        return;
    }

    let args = parse_args(&args);
    let work = tempfile::Builder::new()
        .prefix("containerflow-bench-")
        .tempdir()
        .expect("create the benchmark's work directory");
    let bench_id = format!("{:x}", std::process::id());
    let runtime = Runtime::new().expect("a tokio runtime");
    let (floor, executor) = runtime.block_on(async {
        let floor = Floor::connect(&bench_id, work.path()).await;
        (floor, engine::connect(&bench_id).await)
    });
    let mut context = Context {
        runtime,
        quick: args.quick,
        bench_id,
        work: work.path().to_owned(),
        floor,
        executor,
        flyte_python: args.flyte_python,
        report: Report::default(),
    };

    eprintln!("load average before: {}", load_average());
    for name in &args.sections {
        eprintln!("section {name}");
        match name.as_str() {
            "stub" => sections::stubbed(&mut context),
            "overhead" => sections::overhead(&mut context),
            "cold-start" => sections::cold_start(&mut context),
            "parallel" => sections::parallel(&mut context),
            "flyte" => peers::flyte(&mut context),
            "data" => data::data_passing(&mut context),
            "memory" => peers::memory(&mut context),
            _ => unreachable!("sections are checked in parse_args"),
        }
        // Written after each section, so a hung daemon loses only the section it hangs.
        context.report.write_json(&results_path());
    }
    eprintln!("load average after: {}", load_average());

    context.report.print();
    println!("\nwritten to {}", results_path().display());
    let left = context.runtime.block_on(remove_left_containers(&context));
    assert_eq!(left, 0, "{left} benchmark containers were left behind");
}

/// Removes every container with this benchmark's label and returns how many there were.
async fn remove_left_containers(context: &Context) -> usize {
    let docker = context.floor.docker();
    let filter = format!("{BENCH_LABEL}={}", context.bench_id);
    let options = ListContainersOptions {
        all: true,
        filters: Some(HashMap::from([("label".to_owned(), vec![filter])])),
        ..Default::default()
    };
    let left = docker
        .list_containers(Some(options))
        .await
        .expect("list containers");
    for container in &left {
        let id = container.id.as_deref().unwrap_or_default();
        eprintln!("removing left container {id}");
        let remove = RemoveContainerOptions {
            force: true,
            ..Default::default()
        };
        let _ = docker.remove_container(id, Some(remove)).await;
    }
    left.len()
}

fn results_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench/docker.json")
}

/// Returns the first three fields of `/proc/loadavg`.
pub fn load_average() -> String {
    let text = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    text.split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}
