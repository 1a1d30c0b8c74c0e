//! Scheduler scale without Docker: large DAGs run through the scheduler with
//! an executor that returns at once, so every microsecond measured is the
//! engine's own. Each case runs in a fresh child process, so its peak
//! resident memory (VmHWM) is its own.
//!
//! Run with `cargo bench --bench scheduler`; `-- --quick` runs small sizes
//! only. Prints a table and writes `target/bench/scheduler.json`.

use std::process::Command;
use std::time::Instant;

use containerflow::{
    container_task, Attempt, Executor, Job, NodeState, Progress, RunOptions, Value, Workflow,
};
use futures::future::BoxFuture;

container_task! {
    /// A task with four integer inputs, so a node can depend on four others.
    /// It never runs a container, so its output is never written by a command.
    #[allow(deprecated)]
    pub struct Sum4 {
        name = "sum4",
        image = "none",
        inputs = { a: i64, b: i64, c: i64, d: i64 },
        outputs = { sum: i64 },
        command = ["true"],
    }
}

/// Adds the four inputs in memory and returns at once.
struct Instant4;

impl Executor for Instant4 {
    fn execute(&self, job: Job) -> BoxFuture<'_, Attempt> {
        let sum = job
            .inputs
            .iter()
            .map(|value| match value {
                Value::Int(number) => *number,
                other => panic!("sum4 takes ints, got {other:?}"),
            })
            .fold(0i64, i64::wrapping_add);
        Box::pin(std::future::ready(Attempt::from_result(Ok(vec![
            Value::Int(sum),
        ]))))
    }
}

/// A deterministic linear congruential generator, so every run builds the same random DAG.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, bound: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % bound as u64) as usize
    }
}

fn build(shape: &str, nodes: usize) -> (Workflow, Sum4OutputRefs) {
    let mut workflow = Workflow::new(format!("{shape}-{nodes}"));
    let root = workflow.add(
        "n0",
        Sum4,
        Sum4Bindings {
            a: 1.into(),
            b: 0.into(),
            c: 0.into(),
            d: 0.into(),
        },
    );
    let mut outputs = vec![root];
    let mut random = Lcg(42);
    for index in 1..nodes {
        let bindings = match shape {
            "chain" => {
                let previous = outputs[index - 1].sum;
                Sum4Bindings {
                    a: previous.into(),
                    b: 0.into(),
                    c: 0.into(),
                    d: 0.into(),
                }
            }
            "fan-out" => Sum4Bindings {
                a: root.sum.into(),
                b: 0.into(),
                c: 0.into(),
                d: 0.into(),
            },
            "random" => {
                let mut pick = || outputs[random.below(index)].sum;
                Sum4Bindings {
                    a: pick().into(),
                    b: pick().into(),
                    c: pick().into(),
                    d: pick().into(),
                }
            }
            other => panic!("unknown shape {other}"),
        };
        let refs = workflow.add(format!("n{index}"), Sum4, bindings);
        outputs.push(refs);
    }
    let last = *outputs.last().expect("at least one node");
    (workflow, last)
}

/// Runs one case in this process and prints `build_ms run_ms peak_kib` on one line.
fn run_case(shape: &str, nodes: usize) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let build_started = Instant::now();
    let (workflow, last) = build(shape, nodes);
    let build_ms = build_started.elapsed().as_secs_f64() * 1000.0;
    let options = RunOptions::default()
        .max_parallel(1024)
        .records(None)
        .handle_signals(false)
        .progress(Progress::Never);
    let run_started = Instant::now();
    let report = runtime
        .block_on(workflow.run_with(&Instant4, &options))
        .unwrap();
    let run_ms = run_started.elapsed().as_secs_f64() * 1000.0;
    assert!(report.is_success(), "the {shape} run failed");
    let succeeded = report
        .nodes()
        .iter()
        .filter(|node| matches!(node.state, NodeState::Succeeded { .. }))
        .count();
    assert_eq!(succeeded, nodes);
    if shape == "chain" {
        assert_eq!(report.outputs(&last).unwrap().sum, 1);
    }
    println!("{build_ms:.1} {run_ms:.1} {}", peak_kib());
}

fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches(" kB").trim().parse().ok())
        .unwrap_or(0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(position) = args.iter().position(|arg| arg == "--case") {
        run_case(&args[position + 1], args[position + 2].parse().unwrap());
        return;
    }
    let quick = args.iter().any(|arg| arg == "--quick");
    let sizes: &[usize] = if quick { &[1_000] } else { &[10_000, 100_000] };
    let mut rows = Vec::new();
    println!("| shape | nodes | build ms | run ms | peak RSS MiB |");
    println!("|---|---|---|---|---|");
    for &nodes in sizes {
        for shape in ["chain", "fan-out", "random"] {
            let output = Command::new(std::env::current_exe().unwrap())
                .args(["--case", shape, &nodes.to_string()])
                .output()
                .expect("the benchmark runs itself again");
            assert!(
                output.status.success(),
                "{shape} {nodes} failed: {output:?}"
            );
            let text = String::from_utf8_lossy(&output.stdout);
            let fields: Vec<f64> = text
                .split_whitespace()
                .map(|field| field.parse().unwrap())
                .collect();
            let (build_ms, run_ms, peak_mib) = (fields[0], fields[1], fields[2] / 1024.0);
            println!("| {shape} | {nodes} | {build_ms:.1} | {run_ms:.1} | {peak_mib:.1} |");
            rows.push(serde_json::json!({
                "shape": shape, "nodes": nodes, "build_ms": build_ms,
                "run_ms": run_ms, "peak_rss_mib": peak_mib,
            }));
        }
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("scheduler.json");
    std::fs::write(&path, serde_json::to_string_pretty(&rows).unwrap()).unwrap();
    println!("\nwritten to {}", path.display());
}
