//! Maps one container task over a list: each word is counted in its own
//! container, in parallel, and the counts are gathered in input order into a
//! list that a downstream task adds up.
//!
//! Run with `cargo run --example map_over_list`.

use std::io::IsTerminal;
use std::process::ExitCode;

use containerflow::{container_task, DockerExecutor, RunOptions, Workflow};
use tracing_subscriber::EnvFilter;

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

#[tokio::main]
async fn main() -> ExitCode {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let words: Vec<String> = ["map", "a", "container", "task", "over", "a", "list"]
        .map(str::to_owned)
        .to_vec();
    let mut workflow = Workflow::new("map_over_list");
    let mapped = workflow.map("length", Length, words.clone(), |word| LengthBindings {
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

    let executor = DockerExecutor::connect().await?;
    let options = RunOptions::default().max_parallel(4);
    let report = workflow
        .run_with(&executor, &options)
        .await?
        .into_result()?;
    let lengths = report.output(&lengths)?;
    for (word, length) in words.iter().zip(&lengths) {
        println!("{word}: {length}");
    }
    println!("total: {}", report.outputs(&total)?.total);
    Ok(())
}
