//! Per-task overhead, cold start and parallel throughput, each against the
//! floor loop and the `docker` command line tool.

use std::time::Instant;

use crate::children::{self, docker_cli_greet, floor_batch};
use crate::floor::{Attach, Floor, Network};
use crate::report::Report;
use crate::stats::{cpu_seconds, differences, ratios};
use crate::{engine, stub, Context};

/// The contenders of the per-task section, in the order of their columns.
const OVERHEAD_CONTENDERS: [&str; 5] = [
    "floor loop",
    "containerflow",
    "floor loop with attach",
    "containerflow, no records",
    "docker CLI",
];

/// Times one task at a time, each contender once per round, and reports
/// each contender's median difference from the floor in the same round.
pub fn overhead(context: &mut Context) {
    let rounds = if context.quick { 3 } else { 20 };
    let mut seconds = vec![Vec::new(); OVERHEAD_CONTENDERS.len()];
    let mut cpu = vec![Vec::new(); OVERHEAD_CONTENDERS.len()];
    // The first round warms up connections and the image check, and is not counted.
    for round in 0..=rounds {
        for offset in 0..OVERHEAD_CONTENDERS.len() {
            let contender = (round + offset) % OVERHEAD_CONTENDERS.len();
            let (wall, used) = greet_once(context, contender, round * 10 + offset);
            if round > 0 {
                seconds[contender].push(wall);
                cpu[contender].push(used);
            }
        }
    }

    let case = "1 task at a time, bridge";
    add_differences(&mut context.report, case, &seconds);
    let report = &mut context.report;
    let beyond_attach = millis(&differences(&seconds[1], &seconds[2]));
    let measure = "containerflow minus floor loop with attach";
    report.add("overhead", case, measure, "ms", &beyond_attach);
    for contender in 0..2 {
        let measure = format!(
            "{} CPU time of this process",
            OVERHEAD_CONTENDERS[contender]
        );
        report.add("overhead", case, measure, "ms", &millis(&cpu[contender]));
    }
}

/// Adds the floor loop's time per task, and each other contender's
/// difference from the floor in the same round.
fn add_differences(report: &mut Report, case: &str, seconds: &[Vec<f64>]) {
    let floor = millis(&seconds[0]);
    report.add("overhead", case, "floor loop per task", "ms", &floor);
    for contender in 1..seconds.len() {
        let extra = millis(&differences(&seconds[contender], &seconds[0]));
        let measure = format!("{} minus floor", OVERHEAD_CONTENDERS[contender]);
        let row = report.add("overhead", case, measure, "ms", &extra);
        if contender == 1 {
            row.target("<= 3 ms", |median| median <= 3.0);
        }
    }
}

/// Runs the greeting once by `contender` and returns its wall-clock and CPU seconds.
fn greet_once(context: &Context, contender: usize, sequence: usize) -> (f64, f64) {
    let name = format!("Ada{sequence}");
    let (cpu_started, started) = (cpu_seconds(), Instant::now());
    let records = context.records();
    let greeting = match contender {
        0 => context
            .runtime
            .block_on(context.floor.greet(&name, Network::Bridge)),
        1 => context
            .runtime
            .block_on(engine::greet(&context.executor, &name, Some(&records))),
        2 => {
            let greet = context
                .floor
                .greet_with(&name, Network::Bridge, Attach::Yes);
            context.runtime.block_on(greet)
        }
        3 => context
            .runtime
            .block_on(engine::greet(&context.executor, &name, None)),
        _ => docker_cli_greet(&context.bench_id, &context.work, sequence as u64, &name),
    };
    let wall = started.elapsed().as_secs_f64();
    let used = cpu_seconds() - cpu_started;
    assert_eq!(greeting, format!("Hello, my name is {name}."));
    (wall, used)
}

/// Times whole processes that run one greeting: a containerflow binary, a
/// bollard binary, and `docker run`.
pub fn cold_start(context: &mut Context) {
    let rounds = if context.quick { 2 } else { 10 };
    let (mut engine, mut floor, mut cli) = (Vec::new(), Vec::new(), Vec::new());
    let mut peak_mib = Vec::new();
    for round in 0..rounds {
        for offset in 0..3 {
            match (round + offset) % 3 {
                0 => {
                    let child =
                        children::spawn_self(&["cold-start"], &context.bench_id, &context.work);
                    engine.push(child.process_seconds);
                    peak_mib.push(child.peak_kib as f64 / 1024.0);
                }
                1 => {
                    let child =
                        children::spawn_self(&["cold-floor"], &context.bench_id, &context.work);
                    floor.push(child.process_seconds);
                }
                _ => {
                    let started = Instant::now();
                    let sequence = 1_000_000 + round as u64;
                    docker_cli_greet(&context.bench_id, &context.work, sequence, "Ada");
                    cli.push(started.elapsed().as_secs_f64());
                }
            }
        }
    }
    let report = &mut context.report;
    let case = "1-task process, bridge";
    report.add("cold start", case, "docker run", "ms", &millis(&cli));
    report
        .add(
            "cold start",
            case,
            "containerflow minus docker run",
            "ms",
            &millis(&differences(&engine, &cli)),
        )
        .target("<= 10 ms", |median| median <= 10.0);
    report.add(
        "cold start",
        case,
        "floor binary minus docker run",
        "ms",
        &millis(&differences(&floor, &cli)),
    );
    report.add(
        "cold start",
        case,
        "containerflow peak RSS",
        "MiB",
        &peak_mib,
    );
}

/// Times workflows of independent tasks against the floor loop at the same concurrency.
pub fn parallel(context: &mut Context) {
    let cases: &[(usize, usize)] = if context.quick {
        &[(5, 1)]
    } else {
        &[(20, 5), (100, 3)]
    };
    for &(tasks, rounds) in cases {
        for network in [Network::None, Network::Bridge] {
            let mut seconds = [Vec::new(), Vec::new(), Vec::new()];
            for round in 0..rounds {
                for offset in 0..seconds.len() {
                    let contender = (round + offset) % seconds.len();
                    let started = Instant::now();
                    run_batch(context, contender, tasks, network);
                    seconds[contender].push(started.elapsed().as_secs_f64());
                }
            }
            let [engine, floor, floor_attached] = seconds;
            let at_once = PARALLEL.min(tasks);
            let case = format!("{tasks} tasks, {at_once} at once, {}", network.name());
            let report = &mut context.report;
            report.add("parallel", case.clone(), "floor loop", "s", &floor);
            report.add("parallel", case.clone(), "containerflow", "s", &engine);
            let ratio = ratios(&engine, &floor);
            let row = report.add(
                "parallel",
                case.clone(),
                "containerflow / floor",
                "ratio",
                &ratio,
            );
            if tasks == 20 {
                row.target("<= 1.05", |median| median <= 1.05);
            }
            let ratio = ratios(&floor_attached, &floor);
            report.add(
                "parallel",
                case.clone(),
                "floor with attach / floor",
                "ratio",
                &ratio,
            );
            let ratio = ratios(&engine, &floor_attached);
            report.add(
                "parallel",
                case,
                "containerflow / floor with attach",
                "ratio",
                &ratio,
            );
        }
    }
}

/// The maximum number of tasks running at once in the parallel section.
const PARALLEL: usize = 20;

/// Runs `tasks` greetings, at most [`PARALLEL`] at once: through
/// containerflow (contender 0), the floor loop (1), or the floor loop
/// attached to each container's output (2).
fn run_batch(context: &Context, contender: usize, tasks: usize, network: Network) {
    let records = context.records();
    match contender {
        0 => {
            let executor = &context.executor;
            let run = engine::greet_all(executor, tasks, PARALLEL, network, Some(&records));
            context.runtime.block_on(run);
        }
        1 => {
            let run = floor_batch(&context.floor, tasks, PARALLEL, network, Attach::No);
            context.runtime.block_on(run);
        }
        _ => {
            let run = floor_batch(&context.floor, tasks, PARALLEL, network, Attach::Yes);
            context.runtime.block_on(run);
        }
    }
}

/// Times one task at a time against the stub daemon, which responds to
/// every call at once, so the differences are the clients' own time.
pub fn stubbed(context: &mut Context) {
    let rounds = if context.quick { 20 } else { 500 };
    let socket = context.work.join("stub.sock");
    stub::start(&socket);
    let host = format!("unix://{}", socket.display());
    let bench_id = context.bench_id.clone();
    let (floor, executor) = context.runtime.block_on(async {
        let floor = Floor::connect_to(Some(&host), &bench_id, &context.work).await;
        (floor, engine::connect_to(Some(&host), &bench_id).await)
    });
    let records = context.records();
    let mut seconds = vec![Vec::new(); OVERHEAD_CONTENDERS.len() - 1];
    for round in 0..=rounds {
        for offset in 0..seconds.len() {
            let contender = (round + offset) % seconds.len();
            let name = format!("Ada{round}");
            let started = Instant::now();
            let greeting = match contender {
                0 => context
                    .runtime
                    .block_on(floor.greet(&name, Network::Bridge)),
                1 => context
                    .runtime
                    .block_on(engine::greet(&executor, &name, Some(&records))),
                2 => {
                    let greet = floor.greet_with(&name, Network::Bridge, Attach::Yes);
                    context.runtime.block_on(greet)
                }
                _ => context
                    .runtime
                    .block_on(engine::greet(&executor, &name, None)),
            };
            if round > 0 {
                seconds[contender].push(started.elapsed().as_secs_f64());
            }
            assert_eq!(greeting, format!("Hello, my name is {name}."));
        }
    }

    add_differences(
        &mut context.report,
        "1 task at a time, stub daemon",
        &seconds,
    );
    stubbed_cold_start(context, &host);
}

/// Times a containerflow binary and a bollard binary that run one greeting
/// each against the stub daemon, so the difference is the engine's own.
fn stubbed_cold_start(context: &mut Context, host: &str) {
    let rounds = if context.quick { 3 } else { 40 };
    let (mut engine, mut floor) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        for offset in 0..2 {
            let engine_turn = (round + offset) % 2 == 0;
            let child = if engine_turn {
                "cold-start"
            } else {
                "cold-floor"
            };
            let mut command = children::self_command(&[child]);
            command.env("DOCKER_HOST", host);
            let result = children::spawn(&mut command, &context.bench_id, &context.work);
            if engine_turn {
                engine.push(result.process_seconds);
            } else {
                floor.push(result.process_seconds);
            }
        }
    }
    let report = &mut context.report;
    let case = "1-task process, stub daemon";
    report.add("cold start", case, "floor binary", "ms", &millis(&floor));
    let extra = millis(&differences(&engine, &floor));
    report.add(
        "cold start",
        case,
        "containerflow minus floor binary",
        "ms",
        &extra,
    );
}

pub fn millis(seconds: &[f64]) -> Vec<f64> {
    seconds.iter().map(|value| value * 1000.0).collect()
}
