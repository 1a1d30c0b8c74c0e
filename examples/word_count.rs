//! A three-step pipeline that passes a file between containers: one task
//! writes a text file, a second counts its lines and words, and a third
//! writes a report from the file and both counts.
//!
//! Run with `cargo run --example word_count -- --lines 1000`, or export it
//! with `--export-flyte word_count.tgz`.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use containerflow::{container_task, DockerExecutor, Workflow};
use tracing_subscriber::EnvFilter;

#[path = "common/export.rs"]
mod export;

container_task! {
    /// Writes `lines` numbered lines of text to the `text` file.
    pub struct Generate {
        name = "generate_text",
        image = "busybox:1.35",
        inputs = { lines: i64 },
        outputs = { text: File },
        command = [
            "/bin/sh",
            "-c",
            "i=1; while [ $i -le {{.inputs.lines}} ]; do echo \"line $i of the quick brown fox\"; i=$((i+1)); done > /var/outputs/text",
        ],
    }
}

container_task! {
    /// Counts the lines and words of a text file.
    pub struct Count {
        name = "count_words",
        image = "busybox:1.35",
        inputs = { text: File },
        outputs = { lines: i64, words: i64 },
        command = [
            "/bin/sh",
            "-c",
            "wc -l < /var/inputs/text > /var/outputs/lines && wc -w < /var/inputs/text > /var/outputs/words",
        ],
    }
}

container_task! {
    /// Writes a report about a text file and its counts.
    pub struct Report {
        name = "write_report",
        image = "busybox:1.35",
        inputs = { text: File, lines: i64, words: i64 },
        outputs = { report: File, average: f64 },
        command = [
            "/bin/sh",
            "-c",
            "awk 'BEGIN { printf \"%.3f\", {{.inputs.words}} / {{.inputs.lines}} }' > /var/outputs/average \
             && { echo 'lines: {{.inputs.lines}}'; echo 'words: {{.inputs.words}}'; \
             echo \"first line: $(head -n 1 /var/inputs/text)\"; \
             echo \"last line: $(tail -n 1 /var/inputs/text)\"; } > /var/outputs/report",
        ],
    }
}

/// Generates a text file, counts its words and writes a report.
#[derive(Parser)]
pub struct Args {
    /// Number of lines to generate.
    #[arg(long, default_value_t = 1000)]
    lines: i64,
    #[command(flatten)]
    export: export::ExportArgs,
}

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

/// Builds the workflow, and returns the handles of the count and the report.
pub fn workflow(args: &Args) -> (Workflow, CountOutputRefs, ReportOutputRefs) {
    let mut workflow = Workflow::new("word_count");
    let generated = workflow.add(
        "generate",
        Generate,
        GenerateBindings {
            lines: args.lines.into(),
        },
    );
    let counted = workflow.add(
        "count",
        Count,
        CountBindings {
            text: generated.text.into(),
        },
    );
    let reported = workflow.add(
        "report",
        Report,
        ReportBindings {
            text: generated.text.into(),
            lines: counted.lines.into(),
            words: counted.words.into(),
        },
    );
    (workflow, counted, reported)
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let (workflow, counted, reported) = workflow(&args);
    if args.export.export(&workflow)? {
        return Ok(());
    }
    let executor = DockerExecutor::connect().await?;
    let run = workflow.run(&executor).await?.into_result()?;
    let counts = run.outputs(&counted)?;
    let report = run.outputs(&reported)?;
    println!("{counts:?}");
    println!("{report:?}");
    println!("--- {} ---", report.report.path().display());
    print!("{}", std::fs::read_to_string(report.report.path())?);
    Ok(())
}
