//! Maps one container task over a list: each word is counted in its own
//! container, in parallel, and the counts are gathered in input order into a
//! list that a downstream task adds up.
//!
//! Run with `cargo run --example map_over_list`, or export it with
//! `cargo run --example map_over_list -- --export-flyte map_over_list.tgz`.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use containerflow::{container_task, DockerExecutor, OutputRef, RunOptions, Workflow};
use tracing_subscriber::EnvFilter;

#[path = "common/export.rs"]
mod export;

container_task! {
    /// Counts the characters of one word.
    pub struct Length {
        name = "word_length",
        image = "busybox:1.35",
        inputs = { word: String },
        outputs = { length: i64 },
        block_network = true,
        command = ["/bin/sh", "-c", "printf '%s' '{{.inputs.word}}' | wc -c > /var/outputs/length"],
    }
}

container_task! {
    /// Adds up a list of numbers, read from its directory in index order.
    pub struct Total {
        name = "total",
        image = "busybox:1.35",
        inputs = { numbers: Vec<i64> },
        outputs = { total: i64 },
        block_network = true,
        command = [
            "/bin/sh",
            "-c",
            "total=0; i=0; while [ -e /var/inputs/numbers/$i ]; do \
             total=$((total + $(cat /var/inputs/numbers/$i))); i=$((i + 1)); done; \
             echo $total > /var/outputs/total",
        ],
    }
}

/// Counts the characters of each word in parallel and adds them up.
#[derive(Parser)]
pub struct Args {
    #[command(flatten)]
    export: export::ExportArgs,
}

/// The words whose lengths are counted.
const WORDS: [&str; 7] = ["map", "a", "container", "task", "over", "a", "list"];

#[tokio::main]
async fn main() -> ExitCode {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Builds the workflow, and returns the handles of the gathered lengths and the total.
pub fn workflow(_args: &Args) -> (Workflow, OutputRef<Vec<i64>>, TotalOutputRefs) {
    let words: Vec<String> = WORDS.map(str::to_owned).to_vec();
    let mut workflow = Workflow::new("map_over_list");
    let mapped = workflow.map("length", Length, words, |word| LengthBindings {
        word: word.into(),
    });
    let lengths = mapped.gather(|refs| refs.length);
    let total = workflow.add(
        "total",
        Total,
        TotalBindings {
            numbers: lengths.into(),
        },
    );
    (workflow, lengths, total)
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let (workflow, lengths, total) = workflow(&args);
    if args.export.export(&workflow)? {
        return Ok(());
    }
    let executor = DockerExecutor::connect().await?;
    let options = RunOptions::default().max_parallel(4);
    let report = workflow
        .run_with(&executor, &options)
        .await?
        .into_result()?;
    let lengths = report.output(&lengths)?;
    for (word, length) in WORDS.iter().zip(&lengths) {
        println!("{word}: {length}");
    }
    println!("total: {}", report.outputs(&total)?.total);
    Ok(())
}
