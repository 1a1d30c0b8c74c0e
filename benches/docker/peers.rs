//! Flyte's local runner as a peer, and the engine's peak memory; both run
//! in child processes.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::children::{self, ChildResult};
use crate::sections::millis;
use crate::stats::{differences, ratios};
use crate::Context;

/// Returns the path of the script that runs the greeting with flyte-sdk's local `ContainerTask` runner.
fn flyte_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/bench/flyte_greeting.py")
}

/// Runs the same greeting with Flyte's local runner, containerflow and the
/// floor loop, each in its own process: one task per process, 20 in
/// sequence, and 20 submitted at once.
pub fn flyte(context: &mut Context) {
    let Some(python) = context.flyte_python.clone() else {
        eprintln!("  skipped: pass `--flyte PYTHON` or set CONTAINERFLOW_BENCH_PYTHON");
        return;
    };
    let flyte = |context: &Context, tasks: usize, parallel: usize| {
        let mut command = Command::new(&python);
        command
            .arg(flyte_script())
            .arg(tasks.to_string())
            .arg(parallel.to_string());
        // flyte-sdk keeps each run's inputs and outputs in temporary directories.
        command.env("TMPDIR", &context.work);
        children::spawn(&mut command, &context.bench_id, &context.work)
    };
    let rounds = if context.quick { 1 } else { 5 };
    let (mut flyte_one, mut engine_one) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        for offset in 0..2 {
            if (round + offset) % 2 == 0 {
                flyte_one.push(flyte(context, 1, 1));
            } else {
                let child = children::spawn_self(&["cold-start"], &context.bench_id, &context.work);
                engine_one.push(child);
            }
        }
    }
    let case = "1-task process, bridge";
    let report = &mut context.report;
    let flyte_seconds = process_seconds(&flyte_one);
    let engine_seconds = process_seconds(&engine_one);
    report.add("flyte", case, "Flyte process", "s", &flyte_seconds);
    report.add("flyte", case, "containerflow process", "s", &engine_seconds);
    let ratio = ratios(&flyte_seconds, &engine_seconds);
    report.add("flyte", case, "Flyte / containerflow", "ratio", &ratio);
    report.add(
        "flyte",
        case,
        "Flyte peak RSS",
        "MiB",
        &peak_mib(&flyte_one),
    );
    report.add(
        "flyte",
        case,
        "containerflow peak RSS",
        "MiB",
        &peak_mib(&engine_one),
    );

    let tasks = if context.quick { 3 } else { 20 };
    let rounds = if context.quick { 1 } else { 3 };
    for parallel in [1, tasks] {
        let mut results = [Vec::new(), Vec::new(), Vec::new()];
        for round in 0..rounds {
            for offset in 0..3 {
                let contender = (round + offset) % 3;
                let (count, at_once) = (tasks.to_string(), parallel.to_string());
                let result = match contender {
                    0 => flyte(context, tasks, parallel),
                    1 => children::spawn_self(
                        &["containerflow", &count, &at_once, "bridge"],
                        &context.bench_id,
                        &context.work,
                    ),
                    _ => children::spawn_self(
                        &["floor", &count, &at_once, "bridge"],
                        &context.bench_id,
                        &context.work,
                    ),
                };
                results[contender].push(result.batch_seconds);
            }
        }
        let [flyte_batch, engine_batch, floor_batch] = results;
        let case = if parallel == 1 {
            format!("{tasks} in sequence, bridge")
        } else {
            format!("{tasks} submitted at once, bridge")
        };
        let report = &mut context.report;
        report.add("flyte", case.clone(), "Flyte", "s", &flyte_batch);
        report.add("flyte", case.clone(), "containerflow", "s", &engine_batch);
        report.add("flyte", case.clone(), "floor loop", "s", &floor_batch);
        let per_task = |batch: &[f64]| -> Vec<f64> {
            let extra = differences(batch, &floor_batch);
            millis(&extra)
                .iter()
                .map(|value| value / tasks as f64)
                .collect()
        };
        let (flyte_extra, engine_extra) = (per_task(&flyte_batch), per_task(&engine_batch));
        report.add(
            "flyte",
            case.clone(),
            "Flyte minus floor, per task",
            "ms",
            &flyte_extra,
        );
        let measure = "containerflow minus floor, per task";
        report.add("flyte", case.clone(), measure, "ms", &engine_extra);
        let ratio = ratios(&flyte_batch, &engine_batch);
        let row = report.add(
            "flyte",
            case.clone(),
            "Flyte / containerflow",
            "ratio",
            &ratio,
        );
        if parallel > 1 {
            row.target(">= 2.5", |median| median >= 2.5);
        }
        // The maximum any engine could gain over Flyte in this round.
        let ceiling = ratios(&flyte_batch, &floor_batch);
        report.add("flyte", case, "Flyte / floor loop", "ratio", &ceiling);
    }
}

/// Measures the peak resident memory of a process that runs one workflow of
/// independent greetings, 20 at a time, against the floor loop doing the same.
pub fn memory(context: &mut Context) {
    let cases: &[(usize, usize)] = if context.quick {
        &[(5, 1)]
    } else {
        &[(20, 3), (1000, 1)]
    };
    for &(tasks, rounds) in cases {
        let (mut engine, mut floor) = (Vec::new(), Vec::new());
        for round in 0..rounds {
            for offset in 0..2 {
                let engine_turn = (round + offset) % 2 == 0;
                let name = if engine_turn {
                    "containerflow"
                } else {
                    "floor"
                };
                let count = tasks.to_string();
                let args = [name, &count, "20", "none"];
                let child = children::spawn_self(&args, &context.bench_id, &context.work);
                if engine_turn {
                    engine.push(child);
                } else {
                    floor.push(child);
                }
            }
        }
        let case = format!("{tasks} tasks, 20 at once, none");
        let report = &mut context.report;
        let row = report.add(
            "memory",
            case.clone(),
            "containerflow peak RSS",
            "MiB",
            &peak_mib(&engine),
        );
        if tasks == 20 {
            row.target("< 20 MiB", |median| median < 20.0);
        }
        report.add(
            "memory",
            case.clone(),
            "floor loop peak RSS",
            "MiB",
            &peak_mib(&floor),
        );
        let seconds: Vec<f64> = engine.iter().map(|child| child.batch_seconds).collect();
        report.add("memory", case.clone(), "containerflow run", "s", &seconds);
        let seconds: Vec<f64> = floor.iter().map(|child| child.batch_seconds).collect();
        report.add("memory", case, "floor loop run", "s", &seconds);
    }
}

fn process_seconds(results: &[ChildResult]) -> Vec<f64> {
    results.iter().map(|child| child.process_seconds).collect()
}

fn peak_mib(results: &[ChildResult]) -> Vec<f64> {
    results
        .iter()
        .map(|child| child.peak_kib as f64 / 1024.0)
        .collect()
}
